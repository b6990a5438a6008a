"""Start a payment, and credit or fail it when the bank says so.

Crediting is exactly-once: the payment row is locked (`select_for_update`) while it is
credited, and `bank_transaction_id` is unique, so the same callback delivered twice, or ten
times at once, credits once; the others find the payment credited by that transaction.
Lock order is payment, then declaration (starting a payment only locks the declaration).
"""
import logging
import secrets
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from customs_portal.audit.services import audit_record
from customs_portal.errors import DomainConflict, DomainError, DomainValidationError
from declarations.lifecycle import UNCLEARED, Action, Status
from declarations.live import declaration_change_announce
from declarations.models import Declaration
from declarations.models import PaymentStatus as DeclarationPaymentStatus
from declarations.services.changes import declaration_changed
from declarations.services.lifecycle import declaration_lock, declaration_transition
from payments.banks import BANKS_BY_BIC
from payments.gateway import bank_configured
from payments.models import CreditSource, LateInterest, Payment, PaymentStatus, RejectionReason
from payments.services.balance import declaration_balance_update, tax_breakdown
from payments.services.later_dues import declaration_later_dues_sync, later_dues, later_dues_apply, later_dues_breakdown

logger = logging.getLogger(__name__)

ZERO = Decimal("0")
REFERENCE_ATTEMPTS = 3
# Customs is done with these; what they may still owe was raised afterwards (payments/services/later_dues.py).
CLEARED_STATUSES = (Status.CLEARED, Status.RELEASED)


class CallbackRefused(DomainError):
    """The bank's message cannot be applied; kept as a RejectedCallback, answered with `http_status`."""

    def __init__(self, reason: str, http_status: int, detail: str, *, payment: Payment | None = None):
        super().__init__(detail)
        self.reason = reason
        self.http_status = http_status
        self.detail = detail
        self.payment = payment


@dataclass(frozen=True)
class BankNotice:
    """What the bank says about a payment: its callback, or a line of its statement."""

    reference: str
    amount: Decimal
    status: str  # "success" or "failed"
    bank_transaction_id: str


def _violates(exc: IntegrityError, column: str) -> bool:
    """Whether `exc` is the unique constraint of `column` (not, say, a check constraint)."""
    diag = getattr(exc.__cause__, "diag", None)
    return column in (getattr(diag, "constraint_name", None) or "")


def payment_reference_new(now=None) -> str:
    """HQ + date + 10 random hex digits: unguessable, 18 characters, fits every bank's reference field."""
    now = timezone.localtime(now)
    return f"HQ{now:%y%m%d}{secrets.token_hex(5).upper()}"


def payment_start(*, declaration_id: int, user, on: date | None = None, bank: str = "") -> Payment:
    """A pending payment of the declaration's whole amount due (taxes and late interest), for
    the trader of the declaring enterprise, through `bank` (a BIC of payments/banks.py, or "" when
    not given). Conflict when nothing can be paid."""
    if not (user.is_trader and user.enterprise_id):
        raise PermissionDenied
    if bank and bank not in BANKS_BY_BIC:
        raise DomainValidationError({"bank": [_("Unknown bank: choose one of the banks listed.")]})
    with transaction.atomic():
        declaration = declaration_lock(declaration_id=declaration_id)
        if declaration.enterprise_id != user.enterprise_id:
            raise PermissionDenied
        if declaration.status in CLEARED_STATUSES:
            dues = later_dues(declaration=declaration, on=on or timezone.localdate())
            if dues:
                return _payment_create(declaration=declaration, user=user, tax=sum((d.tax for d in dues), ZERO),
                                       interest=sum((d.interest for d in dues), ZERO), breakdown=later_dues_breakdown(dues),
                                       bank=bank)
        if declaration.status not in UNCLEARED:
            raise DomainConflict(
                _("A declaration that is %(status)s cannot be paid.") % {"status": str(Status(declaration.status).label).lower()},
                code="not_payable",
            )
        balance = declaration_balance_update(declaration=declaration, on=on)
        if declaration.payment_status == DeclarationPaymentStatus.PAID or balance.amount_due <= 0:
            raise DomainConflict(_("Nothing is due on this declaration."), code="nothing_due")
        if not bank_configured():
            raise DomainConflict(_("Online payment is not available: no bank is configured."), code="bank_unavailable")
        breakdown = tax_breakdown(declaration=declaration, paid_before=balance.tax_paid, amount=balance.tax_outstanding)
        if balance.interest_outstanding:
            breakdown["late_interest"] = balance.interest_outstanding
        return _payment_create(declaration=declaration, user=user, tax=balance.tax_outstanding,
                               interest=balance.interest_outstanding, breakdown=breakdown, bank=bank)


def _payment_create(*, declaration: Declaration, user, tax: Decimal, interest: Decimal, breakdown: dict,
                    bank: str) -> Payment:
    """A pending payment of `tax` + `interest` under a fresh reference (in the caller's transaction)."""
    if not bank_configured():
        raise DomainConflict(_("Online payment is not available: no bank is configured."), code="bank_unavailable")
    for attempt in range(REFERENCE_ATTEMPTS):
        try:
            with transaction.atomic():
                payment = Payment.objects.create(
                    declaration=declaration,
                    reference=payment_reference_new(),
                    amount=tax + interest,
                    tax_amount=tax,
                    interest_amount=interest,
                    breakdown={name: str(value) for name, value in breakdown.items()},
                    started_by=user,
                    bank=bank,
                )
            break
        except IntegrityError as exc:  # a reference drawn twice: draw again
            if not _violates(exc, "reference") or attempt == REFERENCE_ATTEMPTS - 1:
                raise
    logger.info("payment %s started for declaration %s: %s VND", payment.reference, declaration.number, payment.amount)
    return payment


def _locked_payment(reference: str) -> Payment:
    payment = Payment.objects.select_for_update().filter(reference=reference).first()
    if payment is None:
        raise CallbackRefused(RejectionReason.UNKNOWN_REFERENCE, 404,
                              f"No payment has the reference {reference!r} (or it is not committed yet): retry later.")
    return payment


def _check_amount(payment: Payment, notice: BankNotice) -> None:
    if notice.amount != payment.amount:
        raise CallbackRefused(RejectionReason.AMOUNT_MISMATCH, 409,
                              f"The amount {notice.amount} differs from the payment's {payment.amount} VND.", payment=payment)


def _check_transaction_unused(payment: Payment, notice: BankNotice) -> None:
    if Payment.objects.filter(bank_transaction_id=notice.bank_transaction_id).exclude(pk=payment.pk).exists():
        raise CallbackRefused(RejectionReason.TRANSACTION_CONFLICT, 409,
                              f"Bank transaction {notice.bank_transaction_id} already belongs to another payment.",
                              payment=payment)


def _declaration_settle(*, declaration: Declaration, payment: Payment, now) -> None:
    """Money was applied to a locked declaration: a green one waiting for payment clears through the
    state machine (audited, published); otherwise the payment is audited and the page told."""
    data = {"payment": payment.pk, "reference": payment.reference, "amount": str(payment.applied_amount),
            "bank_transaction_id": payment.bank_transaction_id, "payment_status": declaration.payment_status}
    if declaration.payment_status == DeclarationPaymentStatus.PAID and declaration.status == Status.ASSESSED:
        declaration_transition(declaration=declaration, action=Action.PAY, to_status=Status.CLEARED, data=data,
                               fields={"cleared_at": now})
        return
    audit_record(declaration=declaration, actor=None, action=Action.PAY, from_status=declaration.status,
                 to_status=declaration.status, data=data)
    declaration_change_announce(declaration)


def payment_credit(*, notice: BankNotice, via: str = CreditSource.CALLBACK, on: date | None = None) -> tuple[str, Payment]:
    """Credit the payment `notice.reference` once, with the bank's transaction.

    Returns ("credited", payment), or ("already_credited", payment) when this very bank
    transaction credited it before (a replay: nothing changes but a counter).
    Money is never refused once the bank has taken it: what the declaration no longer needs
    (cancelled, already paid) is credited as `refund_due`. Raises CallbackRefused otherwise.
    """
    now = timezone.now()
    on = on or timezone.localdate(now)
    try:
        with transaction.atomic():
            payment = _locked_payment(notice.reference)
            if payment.status == PaymentStatus.CREDITED:
                if payment.bank_transaction_id == notice.bank_transaction_id:
                    Payment.objects.filter(pk=payment.pk).update(duplicate_callbacks=F("duplicate_callbacks") + 1)
                    return "already_credited", payment
                raise CallbackRefused(RejectionReason.ALREADY_SETTLED, 409,
                                      f"Payment {payment.reference} was already credited by bank transaction "
                                      f"{payment.bank_transaction_id}; this one is to be refunded.", payment=payment)
            _check_amount(payment, notice)
            _check_transaction_unused(payment, notice)

            declaration = declaration_lock(declaration_id=payment.declaration_id)
            dues = later_dues(declaration=declaration, on=on) if declaration.status in CLEARED_STATUSES else []
            if dues:  # an amount raised after clearance (a post-clearance audit): payments/services/later_dues.py
                _later_dues_credit(declaration=declaration, dues=dues, payment=payment, notice=notice, via=via, now=now, on=on)
                return "credited", payment
            balance = declaration_balance_update(declaration=declaration, on=on)
            applied = ZERO
            if declaration.status in UNCLEARED and balance.amount_due > 0:
                applied = min(payment.amount, balance.amount_due)
            applied_tax = min(applied, balance.tax_outstanding)
            applied_interest = applied - applied_tax
            breakdown = tax_breakdown(declaration=declaration, paid_before=balance.tax_paid, amount=applied_tax)
            if applied_interest:
                breakdown["late_interest"] = applied_interest

            _credited(payment, notice=notice, via=via, now=now, applied_tax=applied_tax, applied_interest=applied_interest,
                      breakdown=breakdown)

            if applied:
                if applied_interest:
                    LateInterest.objects.filter(declaration=declaration).update(paid=F("paid") + applied_interest)
                declaration.amount_due = balance.amount_due - applied
                declaration.payment_status = (DeclarationPaymentStatus.PAID if declaration.amount_due == 0
                                              else DeclarationPaymentStatus.UNPAID)
                declaration.save(update_fields=["amount_due", "payment_status", "updated_at"])
                _declaration_settle(declaration=declaration, payment=payment, now=now)
    except IntegrityError as exc:
        if not _violates(exc, "bank_transaction_id"):
            raise
        # Another payment took this bank transaction between our check and our save.
        raise CallbackRefused(RejectionReason.TRANSACTION_CONFLICT, 409,
                              f"Bank transaction {notice.bank_transaction_id} already belongs to another payment.") from exc
    logger.info("payment %s credited by %s (%s): applied %s, refund due %s", payment.reference,
                notice.bank_transaction_id, via, payment.applied_amount, payment.refund_due)
    return "credited", payment


def _credited(payment: Payment, *, notice: BankNotice, via: str, now, applied_tax: Decimal, applied_interest: Decimal,
              breakdown: dict) -> None:
    payment.status = PaymentStatus.CREDITED
    payment.bank_transaction_id = notice.bank_transaction_id
    payment.credited_at = now
    payment.credited_via = via
    payment.receipt_number = f"BL{timezone.localtime(now):%Y}{payment.pk:08d}"
    payment.applied_tax = applied_tax
    payment.applied_interest = applied_interest
    payment.refund_due = payment.amount - applied_tax - applied_interest
    payment.breakdown = {name: str(value) for name, value in breakdown.items()}
    payment.save(update_fields=["status", "bank_transaction_id", "credited_at", "credited_via", "receipt_number",
                                "applied_tax", "applied_interest", "refund_due", "breakdown"])
    declaration_changed(declaration_id=payment.declaration_id)


def _later_dues_credit(*, declaration: Declaration, dues, payment: Payment, notice: BankNotice, via: str, now, on: date) -> None:
    """Credit a payment of a cleared declaration's later dues (an additional assessment); the
    declaration's status stays, its amount due is what remains; audited and published."""
    applied_tax, applied_interest, breakdown = later_dues_apply(declaration=declaration, dues=dues, amount=payment.amount,
                                                                on=on, payment=payment)
    _credited(payment, notice=notice, via=via, now=now, applied_tax=applied_tax, applied_interest=applied_interest,
              breakdown=breakdown)
    declaration_later_dues_sync(declaration=declaration, on=on)
    _declaration_settle(declaration=declaration, payment=payment, now=now)


def payment_fail(*, notice: BankNotice) -> tuple[str, Payment]:
    """The bank declined the payment: it becomes failed and the trader may start another one."""
    with transaction.atomic():
        payment = _locked_payment(notice.reference)
        if payment.status == PaymentStatus.FAILED:
            Payment.objects.filter(pk=payment.pk).update(duplicate_callbacks=F("duplicate_callbacks") + 1)
            return "already_failed", payment
        if payment.status == PaymentStatus.CREDITED:
            raise CallbackRefused(RejectionReason.ALREADY_SETTLED, 409,
                                  f"Payment {payment.reference} is already credited; a failure notice changes nothing.",
                                  payment=payment)
        _check_amount(payment, notice)
        _check_transaction_unused(payment, notice)
        payment.status = PaymentStatus.FAILED
        payment.failed_at = timezone.now()
        payment.bank_transaction_id = notice.bank_transaction_id
        try:
            with transaction.atomic():
                payment.save(update_fields=["status", "failed_at", "bank_transaction_id"])
        except IntegrityError as exc:
            if not _violates(exc, "bank_transaction_id"):
                raise
            raise CallbackRefused(RejectionReason.TRANSACTION_CONFLICT, 409,
                                  f"Bank transaction {notice.bank_transaction_id} already belongs to another payment.",
                                  payment=payment) from exc
    logger.info("payment %s failed at the bank (%s)", payment.reference, notice.bank_transaction_id)
    return "failed", payment
