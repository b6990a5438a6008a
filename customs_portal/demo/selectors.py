"""Reads of the demo history (customs_portal/demo/history.py): whether a database has one, where it
can start, and the figures its summary prints."""
from collections import Counter
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Min, Q, Sum

from customs_portal.accounts.models import ComplianceLevel, Enterprise
from declarations.lifecycle import UNCLEARED, Status
from declarations.models import Declaration, InspectionResult
from payments.models import Payment, PaymentStatus
from post_clearance.models import AdditionalAssessment, Audit
from reference.models import ExchangeRate

ZERO = Decimal("0")


def history_declarations_count(*, tax_codes) -> int:
    """Declarations lodged by the enterprises the history creates."""
    return Declaration.objects.filter(enterprise__tax_code__in=list(tax_codes)).count()


def registered_declarations_count() -> int:
    return Declaration.objects.filter(number__isnull=False).count()


def first_day_with_rates(*, currencies) -> date | None:
    """The first day on which every one of `currencies` has an exchange rate in force."""
    firsts = ExchangeRate.objects.filter(currency_id__in=list(currencies)).values("currency_id").annotate(first=Min("valid_on"))
    found = {row["currency_id"]: row["first"] for row in firsts}
    if set(found) != set(currencies):
        return None
    return max(found.values())


def population_figures(*, since: date | None = None) -> dict:
    """The figures of the population: enterprises per level, declarations per channel, inspections
    and discrepancies, amounts paid and overdue, post-clearance audits."""
    lodged = Declaration.objects.filter(number__isnull=False)
    if since is not None:
        lodged = lodged.filter(registered_at__date__gte=since)
    channels = Counter(dict(lodged.exclude(channel__isnull=True).exclude(channel="").values_list("channel")
                            .annotate(n=Count("id")).values_list("channel", "n")))
    statuses = Counter(dict(lodged.values_list("status").annotate(n=Count("id")).values_list("status", "n")))
    inspections = InspectionResult.objects.filter(declaration__in=lodged)
    paid = Payment.objects.filter(declaration__in=lodged, status=PaymentStatus.CREDITED).aggregate(
        n=Count("id"), tax=Sum("applied_tax"), interest=Sum("applied_interest"))
    unpaid = lodged.filter(status__in=UNCLEARED, amount_due__gt=0).aggregate(
        n=Count("id"), due=Sum("amount_due"), late=Count("id", filter=Q(late_interest__charged__gt=0)))
    audits = Counter(dict(Audit.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n")))
    additional = AdditionalAssessment.objects.aggregate(n=Count("id"), tax=Sum("tax_amount"),
                                                        settled=Count("id", filter=Q(settled_at__isnull=False)))
    levels = Counter(dict(Enterprise.objects.values_list("compliance_level").annotate(n=Count("id"))
                          .values_list("compliance_level", "n")))
    return {
        "levels": {level: levels.get(level, 0) for level in ComplianceLevel.values},
        "declarations": lodged.count(),
        "channels": dict(channels),
        "statuses": dict(statuses),
        "inspections": inspections.count(),
        "discrepancies": inspections.filter(discrepancy=True).count(),
        "rejected": statuses.get(Status.REJECTED, 0),
        "released": statuses.get(Status.RELEASED, 0),
        "payments": paid["n"], "tax_paid": paid["tax"] or ZERO, "interest_paid": paid["interest"] or ZERO,
        "unpaid": unpaid["n"], "unpaid_due": unpaid["due"] or ZERO, "unpaid_late": unpaid["late"],
        "audits": dict(audits), "additional": additional["n"], "additional_tax": additional["tax"] or ZERO,
        "additional_settled": additional["settled"],
    }


def enterprise_green_share(*, tax_code: str) -> tuple[int, int]:
    """(green, assessed) declarations of one enterprise."""
    assessed = Declaration.objects.filter(enterprise__tax_code=tax_code, channel__in=["green", "yellow", "red"])
    return assessed.filter(channel="green").count(), assessed.count()


def commits_unflushed() -> None:
    """This connection's commits return before PostgreSQL writes them to disk (`synchronous_commit
    off`): a crash could lose the last moments of the history, never make it inconsistent. The demo
    history commits thousands of small transactions; each flush would cost a disk round trip."""
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
