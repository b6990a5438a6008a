"""What a declaration owes: its unpaid taxes plus late-payment interest (tiền chậm nộp).

Interest is 0.03 % of the unpaid taxes for each late day (domain.md, "Duties and taxes").
The due date is the registration date (goods cleared immediately; bank guarantees are not
modelled). As in the Law on Tax Administration (38/2019/QH14, art. 59), the late days run
from the day after the due date to the day before the money is paid: a declaration registered
on 31 January and paid on 1 March has 28 late days (1 to 28 February), 29 in a leap year.

The declaration's `amount_due` is always recomputed here as unpaid taxes + unpaid interest,
where the unpaid taxes are the tax total minus the taxes of credited payments. Interest is
not compounded: it accrues on the unpaid taxes only, and payments settle taxes first, then interest.
"""
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from customs_portal.localization import vnd
from declarations.lifecycle import UNCLEARED
from declarations.models import Declaration
from declarations.models import PaymentStatus as DeclarationPaymentStatus
from declarations.services.changes import declaration_changed
from declarations.services.taxes import TAX_NAMES
from payments.models import LateInterest, Payment, PaymentStatus

DAILY_RATE = Decimal("0.0003")
ZERO = Decimal("0")



def late_days(*, due_date: date, on: date) -> int:
    """Days after `due_date` and before `on` (the day of payment is not late)."""
    return max((on - due_date).days - 1, 0)


def late_interest_compute(*, principal: Decimal, due_date: date, on: date) -> Decimal:
    """Interest on `principal` unpaid since `due_date`, when paid on `on`, in whole VND."""
    return vnd(principal * DAILY_RATE * late_days(due_date=due_date, on=on))


def declaration_due_date(declaration: Declaration) -> date | None:
    return timezone.localdate(declaration.registered_at) if declaration.registered_at else None


@dataclass(frozen=True)
class Balance:
    tax_paid: Decimal
    tax_outstanding: Decimal
    interest_charged: Decimal
    interest_paid: Decimal
    due_date: date | None
    late_days: int
    on: date

    @property
    def interest_outstanding(self) -> Decimal:
        return self.interest_charged - self.interest_paid

    @property
    def amount_due(self) -> Decimal:
        return self.tax_outstanding + self.interest_outstanding


def taxes_paid(*, declaration: Declaration) -> Decimal:
    total = Payment.objects.filter(declaration=declaration, status=PaymentStatus.CREDITED).aggregate(
        total=Sum("applied_tax"))["total"]
    return total or ZERO


def tax_breakdown(*, declaration: Declaration, paid_before: Decimal, amount: Decimal) -> dict[str, Decimal]:
    """The taxes that `amount` pays when `paid_before` of the declaration's taxes were paid earlier.

    Taxes are settled in a fixed order (import duty, export duty, special consumption tax,
    environmental tax, VAT), so the split of every payment is reproducible.
    """
    parts: dict[str, Decimal] = {}
    already, remaining = paid_before, amount
    for name in TAX_NAMES:
        owed = getattr(declaration, name)
        covered = min(owed, already)
        already -= covered
        part = min(owed - covered, remaining)
        remaining -= part
        if part > 0:
            parts[name] = part
    return parts


def declaration_balance_update(*, declaration: Declaration, on: date | None = None, save: bool = True) -> Balance:
    """Bring the declaration's late interest and amount due up to `on` (today by default).

    With `save`, the caller must hold the declaration's row lock (`declaration_lock`) in a
    transaction; running it again on the same day changes nothing. Without `save`, nothing is
    written: the balance is what paying on `on` would cost.
    Declarations that are not registered-and-uncleared, or already paid, accrue nothing and are
    left as they are.
    """
    on = on or timezone.localdate()
    due = declaration_due_date(declaration)
    if declaration.payment_status == DeclarationPaymentStatus.PAID:  # settled: nothing accrues, nothing is owed
        return Balance(tax_paid=declaration.tax_total, tax_outstanding=ZERO, interest_charged=ZERO, interest_paid=ZERO,
                       due_date=due, late_days=0, on=on)
    paid = taxes_paid(declaration=declaration) if declaration.pk else ZERO
    tax_outstanding = max(declaration.tax_total - paid, ZERO)
    account = LateInterest.objects.filter(declaration=declaration).first() if declaration.pk else None
    payable = due is not None and declaration.status in UNCLEARED

    if payable:
        last_late_day = on - timedelta(days=1)
        if account is None and tax_outstanding > 0 and last_late_day > due:
            account = LateInterest(declaration=declaration, due_date=due)
        if account is not None:
            first = account.accrued_through + timedelta(days=1) if account.accrued_through else account.due_date + timedelta(days=1)
            days = (last_late_day - first).days + 1
            if days > 0:
                account.accrued += tax_outstanding * DAILY_RATE * days
                account.accrued_through = last_late_day
                account.charged = vnd(account.accrued)
                if save:  # a new account is inserted whole
                    account.save(update_fields=["accrued", "accrued_through", "charged", "updated_at"] if account.pk else None)
                    declaration_changed(declaration_id=declaration.pk)

    balance = Balance(
        tax_paid=paid,
        tax_outstanding=tax_outstanding,
        interest_charged=account.charged if account else ZERO,
        interest_paid=account.paid if account else ZERO,
        due_date=due,
        late_days=late_days(due_date=account.due_date, on=on) if account and tax_outstanding > 0 else 0,
        on=on,
    )
    if payable:
        amount_due = balance.amount_due
        if amount_due > 0:
            payment_status = DeclarationPaymentStatus.UNPAID
        elif declaration.tax_total > 0:
            payment_status = DeclarationPaymentStatus.PAID
        else:
            payment_status = DeclarationPaymentStatus.NOT_DUE
        if save and (declaration.amount_due, declaration.payment_status) != (amount_due, payment_status):
            declaration.amount_due = amount_due
            declaration.payment_status = payment_status
            declaration.save(update_fields=["amount_due", "payment_status", "updated_at"])
    return balance
