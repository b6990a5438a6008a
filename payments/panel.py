"""What the declaration page shows about paying it: the amount due (with late interest), the Pay
button for the declaring trader, payments under way, and receipts. Used by the template tag of
templates/payments/_declaration_panel.html and by the panel's htmx refresh."""
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from customs_portal.languages import in_active_language
from declarations.lifecycle import UNCLEARED
from declarations.models import Declaration
from declarations.models import PaymentStatus as DeclarationPaymentStatus
from payments.banks import BANKS
from payments.gateway import bank_configured, bank_payment_url
from payments.models import PaymentStatus
from payments.selectors import declaration_payments, enterprise_last_bank
from payments.services.balance import DAILY_RATE, declaration_balance_update
from payments.services.later_dues import later_dues
from payments.services.payments import CLEARED_STATUSES

# While a payment started this recently is pending, the panel asks the server again every few seconds
# (in case the live update over the WebSocket is missed).
POLL_PENDING_FOR = timedelta(minutes=15)


def payment_panel_context(*, request, declaration: Declaration) -> dict:
    user = request.user
    registered = bool(declaration.number)
    payments = list(declaration_payments(declaration=declaration)) if registered else []
    if registered:
        # Read again *after* the payments: a payment credited while this page was being drawn then
        # shows with its declaration's new status, never as a receipt beside an unpaid amount.
        declaration = Declaration.objects.get(pk=declaration.pk)
    # Raised after clearance (a post-clearance audit's additional assessment): payments/services/later_dues.py.
    later = (later_dues(declaration=declaration, on=timezone.localdate())
             if registered and declaration.status in CLEARED_STATUSES else [])
    open_for_payment = registered and (declaration.status in UNCLEARED or bool(later))
    balance = declaration_balance_update(declaration=declaration, save=False) if registered and declaration.status in UNCLEARED else None
    amount_due = balance.amount_due if balance else (sum(due.total for due in later) if later else declaration.amount_due)
    owner = bool(user.is_authenticated and user.is_trader and user.enterprise_id == declaration.enterprise_id)
    return_url = request.build_absolute_uri(reverse("declarations:detail", args=[declaration.pk]))
    pending = [payment for payment in payments if payment.status == PaymentStatus.PENDING]
    if owner and bank_configured():
        for payment in pending:
            payment.bank_url = request.build_absolute_uri(bank_payment_url(payment=payment, return_url=return_url))
    now = timezone.now()
    return {
        "declaration": declaration,
        "registered": registered,
        "balance": balance,
        "later_tax": sum(due.tax for due in later),
        "later_interest": sum(due.interest for due in later),
        # Whose later dues (the provider's key prefix): an amendment accepted after clearance
        # (post_clearance.services.additional.amendment_difference_dues) or a post-clearance audit.
        "later_amendment": any(due.key.startswith("amendment:") for due in later),
        "later_audit": any(not due.key.startswith("amendment:") for due in later),
        "amount_due": amount_due,
        "daily_rate_percent": DAILY_RATE * 100,
        "paid": declaration.payment_status == DeclarationPaymentStatus.PAID and not later,
        "can_pay": (owner and open_for_payment and amount_due > 0
                    and declaration.payment_status != DeclarationPaymentStatus.PAID and bank_configured()),
        "owner": owner,
        "banks": [(bank.bic, f"{bank.short_name} — {in_active_language(bank.name_vi, bank.name_en)}") for bank in BANKS],
        "last_bank": enterprise_last_bank(enterprise_id=declaration.enterprise_id) if owner else "",
        "pending": pending,
        "receipts": [payment for payment in payments if payment.status == PaymentStatus.CREDITED],
        "failed": [payment for payment in payments if payment.status == PaymentStatus.FAILED],
        "poll": any(now - payment.created_at < POLL_PENDING_FOR for payment in pending),
    }
