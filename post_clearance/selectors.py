"""Reads: the auditor's queue, one audit, the post-clearance flag of a declaration, and the
findings that count against an enterprise's compliance."""
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from customs_portal.accounts.models import ComplianceLevel
from declarations.lifecycle import Status
from post_clearance.lifecycle import AuditOutcome, AuditStatus
from post_clearance.models import AdditionalAssessment, Audit, AuditRule, ClassPolicy, Selection
from post_clearance.services.additional import assessment_outstanding
from post_clearance.services.selection import DEFAULT_POLICIES

ZERO = Decimal("0")


def audits_visible_to(*, user) -> QuerySet[Audit]:
    """Audits of the auditor's offices (all offices for one who works for all); none for anyone else."""
    if not (user.is_authenticated and user.is_auditor):
        return Audit.objects.none()
    audits = Audit.objects.select_related("declaration", "declaration__enterprise", "customs_office", "auditor")
    return audits if user.all_offices else audits.filter(customs_office__in=user.offices.values("pk"))


def audit_queue(*, user, status: str | None = None) -> QuerySet[Audit]:
    """The queue: audits not closed yet, oldest selection first; or those of one status."""
    audits = audits_visible_to(user=user)
    if status:
        return audits.filter(status=status).order_by("-closed_at", "-id") if status == AuditStatus.CLOSED else \
            audits.filter(status=status).order_by("selected_at", "id")
    return audits.exclude(status=AuditStatus.CLOSED).order_by("selected_at", "id")


def audit_get(*, user, pk) -> Audit:
    """One audit the auditor covers, or Http404."""
    try:
        return audits_visible_to(user=user).prefetch_related("lines__item").get(pk=int(pk))
    except (Audit.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def additional_amount_due(audit: Audit, on=None) -> Decimal | None:
    """What is still to pay of the audit's additional assessment (taxes and interest), or None when it raised none."""
    try:
        assessment = audit.additional_assessment
    except AdditionalAssessment.DoesNotExist:
        return None
    taxes, interest = assessment_outstanding(assessment, on or timezone.localdate())
    return sum(taxes.values(), ZERO) + interest


def post_clearance_state(*, declaration, staff: bool) -> dict | None:
    """The declaration's blue flag: {"status", "opened_at", "outcome", "additional_amount"}, or None.
    The trader learns of an audit once an auditor opens it; customs staff see it from its selection.
    Only released goods are selected (services/selection.py), so nothing is read for the others."""
    if declaration.status != Status.RELEASED:
        return None
    audit = Audit.objects.filter(declaration_id=declaration.pk).select_related("additional_assessment").first()
    if audit is None or (audit.status == AuditStatus.SELECTED and not staff):
        return None
    return {"status": audit.status, "opened_at": audit.opened_at, "outcome": audit.outcome or None,
            "additional_amount": additional_amount_due(audit)}


def post_clearance_findings_count(*, enterprise, since: datetime) -> int:
    """Audits of the enterprise's declarations closed since `since` that found a discrepancy: each
    is a violation for the compliance computation (issue 15, "Compliance computed")."""
    return Audit.objects.filter(declaration__enterprise=enterprise, status=AuditStatus.CLOSED,
                                outcome=AuditOutcome.DISCREPANCY, closed_at__gte=since).count()


def post_clearance_findings_by_enterprise(*, enterprise_ids, since: datetime) -> dict[int, int]:
    """`post_clearance_findings_count` for many enterprises in one query: {enterprise id: audits closed
    with a discrepancy since `since`}. Registered with risk's compliance computation."""
    rows = (Audit.objects.filter(declaration__enterprise_id__in=list(enterprise_ids), status=AuditStatus.CLOSED,
                                 outcome=AuditOutcome.DISCREPANCY, closed_at__gte=since)
            .values("declaration__enterprise_id").annotate(n=Count("id")).order_by())
    return {row["declaration__enterprise_id"]: row["n"] for row in rows}


def post_clearance_outcomes_by_declaration(*, declaration_ids=None) -> dict[int, bool]:
    """{declaration id: True when its audit closed with a discrepancy, False when it closed without},
    for the declarations in `declaration_ids` (all when None); open audits are not an outcome yet.
    Registered with risk's learned model as labels (risk/selectors/model_history.py): a finding after
    clearance makes a declaration positive."""
    audits = Audit.objects.filter(status=AuditStatus.CLOSED)
    if declaration_ids is not None:
        audits = audits.filter(declaration_id__in=list(declaration_ids))
    return {declaration_id: outcome == AuditOutcome.DISCREPANCY
            for declaration_id, outcome in audits.values_list("declaration_id", "outcome")}


def class_policies_with_share(*, now=None) -> list[dict]:
    """Per compliance class, in the classes' order: its random rate and cap (the defaults when no
    selection made its row yet) and the live share over the rolling window, as the selection
    counts it: {"level", "label", "random_rate", "cap_rate", "decided", "selected", "share"}
    (share None when nothing was decided). Two queries."""
    now = now or timezone.now()
    window_days = settings.POST_CLEARANCE_WINDOW_DAYS
    policies = {p.compliance_level: p for p in ClassPolicy.objects.all()}
    counts = {row["compliance_level"]: row for row in Selection.objects.filter(decided_at__gt=now - timedelta(days=window_days))
              .values("compliance_level").annotate(decided=Count("id"), selected=Count("id", filter=Q(selected=True)))
              .order_by()}
    classes = []
    for level, label in ComplianceLevel.choices:
        policy = policies.get(level)
        random_rate, cap_rate = (policy.random_rate, policy.cap_rate) if policy else DEFAULT_POLICIES[level]
        decided = counts.get(level, {}).get("decided", 0)
        selected = counts.get(level, {}).get("selected", 0)
        classes.append({"level": level, "label": label, "random_rate": random_rate, "cap_rate": cap_rate,
                        "decided": decided, "selected": selected,
                        "share": Decimal(selected) / Decimal(decided) if decided else None})
    return classes


def audit_rules() -> QuerySet[AuditRule]:
    """Every audit rule, the active ones first."""
    return AuditRule.objects.order_by("-active", "id")
