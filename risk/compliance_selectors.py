"""Reads of computed compliance: the figures of every enterprise in one aggregate query, the state
and history of one enterprise, and the short line the officer's review page shows."""
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from customs_portal.accounts.models import Enterprise
from declarations.lifecycle import Status
from declarations.services.registration_block import enterprises_overdue_debts
from risk.compliance import CRITERIA, WINDOW_DAYS, Criteria, Figures, Reason, Source, figures_text
from risk.compliance_models import ComplianceOverride, ComplianceRecord, ComplianceStatus


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


# Apps above risk that find violations after clearance (post_clearance) register a counter here in
# their AppConfig.ready(): risk imports none of them. A counter takes (enterprise_ids, since) and
# answers {enterprise id: findings}.
_findings_counters: list = []


def post_clearance_findings_counter_register(counter) -> None:
    if counter not in _findings_counters:
        _findings_counters.append(counter)


def post_clearance_findings_count(*, enterprise_ids, since: datetime) -> dict[int, int]:
    """Post-clearance audit findings (audits closed with a discrepancy) per enterprise since `since`,
    as the registered counters answer them (post_clearance.selectors.post_clearance_findings_by_enterprise);
    the level computation counts them as violations, and as a serious one."""
    totals: dict[int, int] = {}
    for counter in _findings_counters:
        for enterprise_id, count in counter(enterprise_ids=enterprise_ids, since=since).items():
            totals[enterprise_id] = totals.get(enterprise_id, 0) + count
    return totals


def compliance_figures(*, on: date | None = None, enterprise_ids=None,
                       criteria: Criteria = CRITERIA) -> dict[int, Figures]:
    """Each enterprise's figures on `on` (today), in one aggregate query over all enterprises (or those of
    `enterprise_ids`) and one per registered findings counter: declarations registered in the last 365 days and their violations, and declarations
    with tax overdue."""
    on = on or timezone.localdate()
    since = _start_of(on - timedelta(days=WINDOW_DAYS))
    window = Q(declarations__registered_at__gte=since)
    enterprises = Enterprise.objects.all()
    if enterprise_ids is not None:
        enterprises = enterprises.filter(pk__in=list(enterprise_ids))
    rows = enterprises.values("pk", "established_on").annotate(
        n_declarations=Count("declarations", filter=window, distinct=True),
        n_rejections=Count("declarations", filter=window & Q(declarations__status=Status.REJECTED), distinct=True),
        n_discrepancies=Count("declarations", filter=window & Q(declarations__inspections__discrepancy=True),
                              distinct=True),
        n_late=Count("declarations", filter=window & Q(declarations__late_interest__charged__gt=0), distinct=True),
    ).order_by()
    rows = list(rows)
    ids = [row["pk"] for row in rows]
    findings = post_clearance_findings_count(enterprise_ids=ids, since=since)
    overdue = enterprises_overdue_debts(on=on, enterprise_ids=ids if enterprise_ids is not None else None)
    return {
        row["pk"]: Figures(
            age_days=(on - row["established_on"]).days,
            declarations=row["n_declarations"], discrepancies=row["n_discrepancies"], rejections=row["n_rejections"],
            late_payments=row["n_late"], overdue_tax=len({debt.declaration_id for debt in overdue.get(row["pk"], [])}),
            post_clearance_findings=findings.get(row["pk"], 0),
        )
        for row in rows
    }


def compliance_override_in_force(*, enterprise, on: date | None = None) -> ComplianceOverride | None:
    on = on or timezone.localdate()
    return (ComplianceOverride.objects.filter(enterprise=enterprise, lifted_at__isnull=True, valid_until__gte=on)
            .select_related("created_by").first())


def compliance_history(*, enterprise, limit: int | None = 50):
    records = ComplianceRecord.objects.filter(enterprise=enterprise).select_related("recorded_by", "override")
    return records[:limit] if limit else records


def compliance_status_of(enterprise) -> ComplianceStatus | None:
    return ComplianceStatus.objects.filter(enterprise=enterprise).first()


def compliance_summary(*, enterprise) -> dict:
    """What the review page says of the enterprise's level: since when, where it comes from, why. One
    query (the status row), two when an override is in force (its reason and expiry)."""
    status = compliance_status_of(enterprise)
    summary = {"source": status.source if status else "", "since": status.since if status else None,
               "override": None, "why": ""}
    if status is None:
        return summary
    if status.source == Source.OVERRIDE:
        summary["override"] = compliance_override_in_force(enterprise=enterprise)
    elif status.source == Source.COMPUTED and status.reason:
        summary["why"] = f"{Reason(status.reason).label}: {figures_text(Figures.from_data(status.figures))}"
    return summary
