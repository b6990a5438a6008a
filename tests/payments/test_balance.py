"""Late-payment interest: 0.03 % of the unpaid taxes per late day, whole VND, across month and
year ends and in leap years; the daily update is idempotent and feeds the amount due."""
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from declarations.models import Declaration
from declarations.services.taxes import TAX_NAMES
from payments.models import LateInterest
from payments.services.balance import declaration_balance_update, late_days, late_interest_compute, tax_breakdown
from payments.tasks import late_interest_update_all
from tests.payments.conftest import registered_on

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
TEN_MILLION = Decimal("10000000")


@pytest.mark.parametrize("due, on, days", [
    (date(2026, 1, 31), date(2026, 1, 31), 0),   # paid on the due date
    (date(2026, 1, 31), date(2026, 2, 1), 0),    # paid the next day: no full late day yet
    (date(2026, 1, 31), date(2026, 2, 2), 1),    # 1 February was late
    (date(2026, 1, 31), date(2026, 3, 1), 28),   # across February (not a leap year)
    (date(2028, 1, 31), date(2028, 3, 1), 29),   # 2028 is a leap year
    (date(2026, 4, 30), date(2026, 5, 1), 0),
    (date(2026, 4, 30), date(2026, 5, 31), 30),
    (date(2025, 12, 31), date(2026, 1, 2), 1),   # across the year end
    (date(2026, 3, 1), date(2026, 2, 20), 0),    # before the due date
])
def test_late_days(due, on, days):
    assert late_days(due_date=due, on=on) == days


@pytest.mark.parametrize("principal, due, on, interest", [
    (TEN_MILLION, date(2026, 1, 31), date(2026, 3, 1), Decimal("84000")),      # 10,000,000 × 0.03 % × 28
    (TEN_MILLION, date(2028, 1, 31), date(2028, 3, 1), Decimal("87000")),      # × 29
    (TEN_MILLION, date(2025, 12, 31), date(2026, 1, 2), Decimal("3000")),
    (Decimal("12345"), date(2026, 6, 30), date(2026, 7, 2), Decimal("4")),      # 3.7035 rounds up
    (Decimal("15000"), date(2026, 6, 30), date(2026, 7, 2), Decimal("5")),      # 4.5 rounds half up
    (Decimal("14999"), date(2026, 6, 30), date(2026, 7, 2), Decimal("4")),      # 4.4997
    (TEN_MILLION, date(2026, 1, 31), date(2026, 2, 1), Decimal("0")),
])
def test_late_interest_compute(principal, due, on, interest):
    result = late_interest_compute(principal=principal, due_date=due, on=on)
    assert result == interest
    assert isinstance(result, Decimal) and result == result.to_integral_value()


@pytest.mark.django_db
def test_amount_due_grows_day_by_day_across_a_month_end_and_equals_the_closed_form(assessed):
    declaration = registered_on(assessed, datetime(2026, 1, 30, 16, 0, tzinfo=HCM))
    taxes = declaration.tax_total
    for day in (date(2026, 1, 31), date(2026, 2, 1), date(2026, 2, 2), date(2026, 2, 27), date(2026, 3, 1),
                date(2026, 3, 2)):
        declaration_balance_update(declaration=declaration, on=day)
        declaration.refresh_from_db()
        expected = late_interest_compute(principal=taxes, due_date=date(2026, 1, 30), on=day)
        assert declaration.amount_due == taxes + expected, day
        assert declaration.payment_status == "unpaid"
    account = LateInterest.objects.get(declaration=declaration)
    assert account.due_date == date(2026, 1, 30)
    assert account.accrued_through == date(2026, 3, 1)
    assert account.charged == (taxes * Decimal("0.0003") * 30).quantize(Decimal("1"))  # 31 Jan … 1 Mar
    assert account.accrued == taxes * Decimal("0.0003") * 30  # exact, rounded only when charged


@pytest.mark.django_db
def test_the_daily_update_is_idempotent(assessed, declaration_in):
    # Lodged before the other is back-dated: a debt over 90 days old would block its registration.
    on_time = declaration_in("under_review", registered_at=datetime(2026, 3, 2, 8, 0, tzinfo=HCM))  # not late yet
    late = registered_on(assessed, datetime(2026, 2, 27, 9, 0, tzinfo=HCM))
    assert late_interest_update_all(on=date(2026, 3, 3)) == 1
    late.refresh_from_db()
    once = late.amount_due
    assert once == late.tax_total + late_interest_compute(principal=late.tax_total, due_date=date(2026, 2, 27),
                                                          on=date(2026, 3, 3))
    assert late_interest_update_all(on=date(2026, 3, 3)) == 0
    late.refresh_from_db()
    assert late.amount_due == once
    assert LateInterest.objects.filter(declaration=late).count() == 1
    on_time.refresh_from_db()
    assert on_time.amount_due == on_time.tax_total
    assert not LateInterest.objects.filter(declaration=on_time).exists()


@pytest.mark.django_db
def test_cleared_cancelled_and_paid_declarations_accrue_nothing(declaration_in):
    cancelled = declaration_in("cancelled", registered_at=datetime(2026, 1, 5, tzinfo=HCM))
    before = cancelled.amount_due
    declaration_balance_update(declaration=cancelled, on=date(2026, 3, 1))
    cancelled.refresh_from_db()
    assert cancelled.amount_due == before
    assert not LateInterest.objects.exists()


@pytest.mark.django_db
def test_preview_writes_nothing(assessed):
    declaration = registered_on(assessed, datetime(2026, 1, 30, 16, 0, tzinfo=HCM))
    balance = declaration_balance_update(declaration=declaration, on=date(2026, 3, 1), save=False)
    assert balance.amount_due == declaration.tax_total + late_interest_compute(
        principal=declaration.tax_total, due_date=date(2026, 1, 30), on=date(2026, 3, 1))
    assert balance.late_days == 29
    assert Declaration.objects.get(pk=declaration.pk).amount_due == declaration.tax_total
    assert not LateInterest.objects.exists()


@pytest.mark.django_db
def test_tax_breakdown_settles_taxes_in_order(assessed):
    declaration = assessed
    assert declaration.import_duty > 0 and declaration.vat > 0
    whole = tax_breakdown(declaration=declaration, paid_before=Decimal("0"), amount=declaration.tax_total)
    assert whole == {name: getattr(declaration, name) for name in TAX_NAMES if getattr(declaration, name)}
    assert sum(whole.values()) == declaration.tax_total
    rest = tax_breakdown(declaration=declaration, paid_before=declaration.import_duty + 10, amount=declaration.vat - 10)
    assert rest == {"vat": declaration.vat - 10}


@pytest.mark.django_db
def test_the_daily_update_clears_a_paid_declaration_whose_amount_due_was_reset(trader1, assessed):
    """An amendment resets the amount due to the whole tax total even when the taxes were paid:
    the nightly update recomputes it from the credited payments and clears the green declaration."""
    from payments.services.payments import BankNotice, payment_credit, payment_start

    payment = payment_start(declaration_id=assessed.pk, user=trader1)
    payment_credit(notice=BankNotice(payment.reference, payment.amount, "success", "SB-EARLIER"))
    Declaration.objects.filter(pk=assessed.pk).update(status="assessed", amount_due=assessed.tax_total,
                                                      payment_status="unpaid", cleared_at=None)
    late_interest_update_all()
    declaration = Declaration.objects.get(pk=assessed.pk)
    assert (declaration.status, declaration.amount_due, declaration.payment_status) == ("cleared", 0, "paid")
