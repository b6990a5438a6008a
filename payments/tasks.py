"""Celery tasks of payments, on the `payments` queue: the daily late-interest update and the daily
reconciliation. Both are safe to run twice (see their services)."""
import logging
from datetime import date, timedelta

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from declarations.lifecycle import UNCLEARED, Action, Status
from declarations.models import Declaration
from declarations.models import PaymentStatus as DeclarationPaymentStatus
from declarations.services.lifecycle import declaration_lock, declaration_transition
from payments.gateway import StatementUnavailable, bank_statement_fetch
from payments.services.balance import declaration_balance_update
from payments.services.reconciliation import reconciliation_run

logger = logging.getLogger(__name__)
PAYMENTS_QUEUE = "payments"
STATEMENT_RETRIES = 5


def late_interest_update_all(*, on: date | None = None) -> int:
    """Bring every unpaid, uncleared declaration's late interest and amount due up to `on`; returns how many changed."""
    on = on or timezone.localdate()
    ids = list(
        Declaration.objects.filter(status__in=UNCLEARED, payment_status=DeclarationPaymentStatus.UNPAID, amount_due__gt=0)
        .order_by("id").values_list("id", flat=True)
    )
    changed = 0
    for declaration_id in ids:
        with transaction.atomic():
            declaration = declaration_lock(declaration_id=declaration_id)
            before = declaration.amount_due
            declaration_balance_update(declaration=declaration, on=on)
            changed += declaration.amount_due != before
            if declaration.payment_status == DeclarationPaymentStatus.PAID and declaration.status == Status.ASSESSED:
                # Its amount due had been reset (an amendment) although the taxes were already paid.
                declaration_transition(declaration=declaration, action=Action.PAY, to_status=Status.CLEARED,
                                       data={"taxes_paid_earlier": True}, fields={"cleared_at": timezone.now()})
    logger.info("late interest on %s: %d unpaid declarations, %d amounts due changed", on, len(ids), changed)
    return changed


@shared_task(name="payments.late_interest_update", acks_late=True, reject_on_worker_lost=True,
             autoretry_for=(OperationalError, InterfaceError), retry_backoff=5, retry_backoff_max=300, max_retries=5)
def late_interest_update_task(on: str | None = None) -> int:
    return late_interest_update_all(on=date.fromisoformat(on) if on else None)


@shared_task(name="payments.reconcile", bind=True, acks_late=True, reject_on_worker_lost=True,
             autoretry_for=(OperationalError, InterfaceError), retry_backoff=5, max_retries=5)
def reconcile_task(self, statement_date: str | None = None, user_id: int | None = None) -> None:
    """Reconcile the bank statement of `statement_date` (yesterday by default).

    A statement the bank does not deliver is asked for again with backoff; after the last try
    the report records the failure so that it shows in the browser.
    """
    day = date.fromisoformat(statement_date) if statement_date else timezone.localdate() - timedelta(days=1)
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    try:
        content, source = bank_statement_fetch(statement_date=day)
    except StatementUnavailable as exc:
        if self.request.retries < STATEMENT_RETRIES:
            raise self.retry(countdown=min(60 * 2 ** self.request.retries, 3600), exc=exc) from exc
        reconciliation_run(statement_date=day, content=None, source="", user=user, error=str(exc))
        return
    reconciliation_run(statement_date=day, content=content, source=source, user=user)


def reconcile_enqueue(*, statement_date: date, user_id: int | None = None) -> None:
    try:
        reconcile_task.apply_async(args=[statement_date.isoformat(), user_id], queue=PAYMENTS_QUEUE, retry=False)
    except Exception:
        logger.warning("could not enqueue the reconciliation of %s", statement_date, exc_info=True)
