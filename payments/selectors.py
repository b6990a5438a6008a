"""Reads: the payments a user may see, a declaration's payments, reconciliation reports."""
from datetime import date

from django.db.models import Count, QuerySet
from django.http import Http404

from declarations.models import Declaration
from declarations.selectors import declarations_visible_to
from payments.models import Payment, PaymentStatus, ReconciliationReport, RejectedCallback


def payments_visible_to(*, user) -> QuerySet[Payment]:
    """A trader sees its own enterprise's payments; officers and risk admins see all (as with declarations)."""
    visible = declarations_visible_to(user=user)
    return Payment.objects.filter(declaration__in=visible.values("pk")).select_related(
        "declaration", "declaration__enterprise", "declaration__customs_office")


def payment_get(*, user, pk) -> Payment:
    """One payment the user may see, or Http404 (never 403: existence must not leak)."""
    try:
        return payments_visible_to(user=user).get(pk=pk)
    except (Payment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def declaration_payments(*, declaration: Declaration) -> QuerySet[Payment]:
    return Payment.objects.filter(declaration=declaration).order_by("-created_at", "-id")


def enterprise_last_bank(*, enterprise_id: int) -> str:
    """The bank the enterprise chose for its latest payment ("" when none): offered first next time."""
    return (Payment.objects.filter(declaration__enterprise_id=enterprise_id).exclude(bank="")
            .order_by("-created_at", "-pk").values_list("bank", flat=True).first() or "")


def reconciliation_reports() -> QuerySet[ReconciliationReport]:
    return ReconciliationReport.objects.select_related("run_by").annotate(
        difference_count=Count("differences")).order_by("-statement_date")


def reconciliation_report_get(*, statement_date: date) -> ReconciliationReport:
    try:
        return ReconciliationReport.objects.select_related("run_by").get(statement_date=statement_date)
    except ReconciliationReport.DoesNotExist:
        raise Http404 from None


def rejected_callbacks_on(*, day: date) -> QuerySet[RejectedCallback]:
    return RejectedCallback.objects.filter(received_at__date=day).select_related("payment").order_by("received_at", "id")


def payments_pending_on(*, day: date) -> QuerySet[Payment]:
    """Payments started that day and still waiting for the bank (a lost callback, a bank time-out)."""
    return Payment.objects.filter(status=PaymentStatus.PENDING, created_at__date=day).select_related(
        "declaration").order_by("created_at")
