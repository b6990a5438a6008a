"""Payment services on real declarations in PostgreSQL: starting, crediting exactly once,
clearing a green declaration through the state machine, failures and retries, refunds."""
from datetime import date, datetime, timedelta
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from customs_portal.audit.models import AuditEvent
from customs_portal.errors import DomainConflict
from declarations.models import Declaration
from declarations.services.review import declaration_cancel
from payments.models import LateInterest, Payment, RejectionReason
from payments.services.balance import late_interest_compute
from payments.services.payments import BankNotice, CallbackRefused, payment_credit, payment_fail, payment_start
from risk.services.assessment import risk_assess
from tests.payments.conftest import registered_on

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def notice(payment, *, amount=None, status="success", txn="SB100"):
    return BankNotice(reference=payment.reference, amount=payment.amount if amount is None else Decimal(amount),
                      status=status, bank_transaction_id=txn)


def declaration_state(declaration):
    fresh = Declaration.objects.get(pk=declaration.pk)
    return (fresh.status, fresh.amount_due, fresh.payment_status, fresh.cleared_at,
            AuditEvent.objects.filter(declaration=declaration).count())


# Starting a payment

def test_start_creates_a_pending_payment_of_the_amount_due(trader1, assessed):
    payment = payment_start(declaration_id=assessed.pk, user=trader1)
    assert (payment.status, payment.amount, payment.tax_amount, payment.interest_amount) == (
        "pending", assessed.tax_total, assessed.tax_total, 0)
    assert payment.reference.startswith("HQ") and len(payment.reference) == 18
    assert payment.started_by == trader1
    assert sum(Decimal(v) for v in payment.breakdown.values()) == assessed.tax_total
    assert payment_start(declaration_id=assessed.pk, user=trader1).reference != payment.reference


def test_start_includes_late_interest(trader1, assessed):
    declaration = registered_on(assessed, timezone.now() - timedelta(days=10))
    interest = late_interest_compute(principal=declaration.tax_total, due_date=timezone.localdate(declaration.registered_at),
                                     on=timezone.localdate())
    assert interest > 0
    payment = payment_start(declaration_id=declaration.pk, user=trader1)
    assert (payment.amount, payment.tax_amount, payment.interest_amount) == (
        declaration.tax_total + interest, declaration.tax_total, interest)
    assert Decimal(payment.breakdown["late_interest"]) == interest
    declaration.refresh_from_db()
    assert declaration.amount_due == payment.amount


@pytest.mark.parametrize("status", ["registered", "assessed", "under_review", "under_inspection"])
def test_start_in_every_uncleared_status(trader1, declaration_in, status):
    declaration = declaration_in(status)
    assert payment_start(declaration_id=declaration.pk, user=trader1).amount == declaration.tax_total


@pytest.mark.parametrize("status", ["cleared", "released", "cancelled", "rejected"])
def test_no_payment_once_closed(trader1, declaration_in, status):
    declaration = declaration_in(status)
    with pytest.raises(DomainConflict) as raised:
        payment_start(declaration_id=declaration.pk, user=trader1)
    assert raised.value.code == "not_payable"
    assert not Payment.objects.exists()


def test_no_payment_when_nothing_is_due(trader1, declaration_in):
    paid = declaration_in("under_review", amount_due=0, payment_status="paid")
    with pytest.raises(DomainConflict) as raised:
        payment_start(declaration_id=paid.pk, user=trader1)
    assert raised.value.code == "nothing_due"


def test_only_the_declaring_enterprise_pays(trader2, officer, assessed):
    for user in (trader2, officer):
        with pytest.raises(PermissionDenied):
            payment_start(declaration_id=assessed.pk, user=user)
    assert not Payment.objects.exists()


def test_no_bank_configured(trader1, assessed, settings):
    settings.BANK_PAYMENT_URL = ""
    with pytest.raises(DomainConflict) as raised:
        payment_start(declaration_id=assessed.pk, user=trader1)
    assert raised.value.code == "bank_unavailable"


# Crediting

def test_credit_clears_a_green_declaration_through_the_state_machine(trader1, assessed, django_capture_on_commit_callbacks):
    payment = payment_start(declaration_id=assessed.pk, user=trader1)
    with mock.patch("declarations.live.declaration_change_publish") as publish, \
            django_capture_on_commit_callbacks(execute=True):
        result, credited = payment_credit(notice=notice(payment, txn="SB-GREEN-1"))
    assert result == "credited"
    assert (credited.status, credited.bank_transaction_id, credited.applied_tax, credited.refund_due) == (
        "credited", "SB-GREEN-1", assessed.tax_total, 0)
    assert credited.receipt_number == f"BL{timezone.localdate():%Y}{credited.pk:08d}"
    declaration = Declaration.objects.get(pk=assessed.pk)
    assert (declaration.status, declaration.amount_due, declaration.payment_status) == ("cleared", 0, "paid")
    assert declaration.cleared_at is not None
    event = AuditEvent.objects.get(declaration=declaration, action="pay")
    assert (event.from_status, event.to_status, event.actor) == ("assessed", "cleared", None)
    assert event.data["reference"] == payment.reference and event.data["bank_transaction_id"] == "SB-GREEN-1"
    publish.assert_called_once()
    assert publish.call_args.kwargs["status"] == "cleared"


def test_the_same_transaction_credits_once(trader1, assessed):
    payment = payment_start(declaration_id=assessed.pk, user=trader1)
    assert payment_credit(notice=notice(payment))[0] == "credited"
    before = declaration_state(assessed)
    for _ in range(3):
        assert payment_credit(notice=notice(payment))[0] == "already_credited"
    assert declaration_state(assessed) == before
    payment.refresh_from_db()
    assert payment.duplicate_callbacks == 3
    assert AuditEvent.objects.filter(declaration=assessed, action="pay").count() == 1


def test_a_second_transaction_for_a_credited_payment_is_refused(trader1, assessed):
    payment = payment_start(declaration_id=assessed.pk, user=trader1)
    payment_credit(notice=notice(payment, txn="SB-A"))
    with pytest.raises(CallbackRefused) as raised:
        payment_credit(notice=notice(payment, txn="SB-B"))
    assert (raised.value.reason, raised.value.http_status) == (RejectionReason.ALREADY_SETTLED, 409)
    assert Payment.objects.get(pk=payment.pk).bank_transaction_id == "SB-A"


def test_a_transaction_of_another_payment_is_refused(trader1, assessed, declaration_in):
    first = payment_start(declaration_id=assessed.pk, user=trader1)
    other = declaration_in("under_review")
    second = payment_start(declaration_id=other.pk, user=trader1)
    payment_credit(notice=notice(first, txn="SB-SAME"))
    before = declaration_state(other)
    with pytest.raises(CallbackRefused) as raised:
        payment_credit(notice=notice(second, txn="SB-SAME"))
    assert raised.value.reason == RejectionReason.TRANSACTION_CONFLICT
    assert Payment.objects.get(pk=second.pk).status == "pending"
    assert declaration_state(other) == before


def test_wrong_amount_is_refused_and_changes_nothing(trader1, assessed):
    payment = payment_start(declaration_id=assessed.pk, user=trader1)
    before = declaration_state(assessed)
    for amount in (payment.amount - 1, payment.amount + 1):
        with pytest.raises(CallbackRefused) as raised:
            payment_credit(notice=notice(payment, amount=amount))
        assert raised.value.reason == RejectionReason.AMOUNT_MISMATCH
    assert Payment.objects.get(pk=payment.pk).status == "pending"
    assert declaration_state(assessed) == before


def test_unknown_reference_is_refused():
    with pytest.raises(CallbackRefused) as raised:
        payment_credit(notice=BankNotice("HQ000000NOSUCHREF", Decimal("100"), "success", "SB1"))
    assert (raised.value.reason, raised.value.http_status) == (RejectionReason.UNKNOWN_REFERENCE, 404)


def test_paid_under_review_stays_there_until_the_officer_releases(trader1, officer, declaration_in):
    from declarations.services.review import declaration_decide

    declaration = declaration_in("under_review")
    payment = payment_start(declaration_id=declaration.pk, user=trader1)
    payment_credit(notice=notice(payment))
    declaration.refresh_from_db()
    assert (declaration.status, declaration.payment_status, declaration.amount_due) == ("under_review", "paid", 0)
    event = AuditEvent.objects.get(declaration=declaration, action="pay")
    assert (event.from_status, event.to_status) == ("under_review", "under_review")
    declaration_decide(declaration_id=declaration.pk, officer=officer, action="release", note="documents in order")
    declaration.refresh_from_db()
    assert declaration.status == "cleared"


def test_paid_before_assessment_clears_on_assessment(trader1, declaration_in):
    declaration = declaration_in("registered")
    payment = payment_start(declaration_id=declaration.pk, user=trader1)
    payment_credit(notice=notice(payment))
    declaration.refresh_from_db()
    assert (declaration.status, declaration.payment_status) == ("registered", "paid")
    risk_assess(declaration_id=declaration.pk)
    declaration.refresh_from_db()
    assert (declaration.status, declaration.channel) == ("cleared", "green")


def test_money_for_a_cancelled_declaration_is_credited_as_refund_due(trader1, assessed):
    payment = payment_start(declaration_id=assessed.pk, user=trader1)
    declaration_cancel(declaration_id=assessed.pk, user=trader1, reason="wrong consignment")
    before = declaration_state(assessed)
    result, credited = payment_credit(notice=notice(payment))
    assert result == "credited"
    assert (credited.applied_tax, credited.applied_interest, credited.refund_due) == (0, 0, payment.amount)
    assert credited.receipt_number
    assert declaration_state(assessed) == before


def test_a_second_payment_after_the_first_cleared_is_refund_due(trader1, assessed):
    first = payment_start(declaration_id=assessed.pk, user=trader1)
    second = payment_start(declaration_id=assessed.pk, user=trader1)  # the trader tried twice
    payment_credit(notice=notice(first, txn="SB-1"))
    _, credited = payment_credit(notice=notice(second, txn="SB-2"))
    assert (credited.applied_amount, credited.refund_due) == (0, second.amount)
    assert Declaration.objects.get(pk=assessed.pk).status == "cleared"


def test_interest_grown_overnight_leaves_a_small_balance(trader1, assessed):
    """Paid with yesterday's amount: taxes and yesterday's interest are settled, one more day stays due."""
    declaration = registered_on(assessed, datetime(2026, 3, 1, 9, 0, tzinfo=HCM))
    payment = payment_start(declaration_id=declaration.pk, user=trader1, on=date(2026, 3, 5))
    interest_day_4 = late_interest_compute(principal=declaration.tax_total, due_date=date(2026, 3, 1), on=date(2026, 3, 5))
    interest_day_5 = late_interest_compute(principal=declaration.tax_total, due_date=date(2026, 3, 1), on=date(2026, 3, 6))
    assert payment.interest_amount == interest_day_4
    payment_credit(notice=notice(payment), on=date(2026, 3, 6))
    declaration.refresh_from_db()
    assert declaration.amount_due == interest_day_5 - interest_day_4
    assert (declaration.status, declaration.payment_status) == ("assessed", "unpaid")
    account = LateInterest.objects.get(declaration=declaration)
    assert (account.charged, account.paid) == (interest_day_5, interest_day_4)
    # No more interest on interest: the taxes are paid.
    rest = payment_start(declaration_id=declaration.pk, user=trader1, on=date(2026, 3, 20))
    assert (rest.amount, rest.tax_amount) == (interest_day_5 - interest_day_4, 0)
    payment_credit(notice=notice(rest, txn="SB-REST"), on=date(2026, 3, 20))
    declaration.refresh_from_db()
    assert (declaration.status, declaration.amount_due, declaration.payment_status) == ("cleared", 0, "paid")


# Failures and retries

def test_failed_payment_can_be_retried_with_a_new_reference(trader1, assessed):
    first = payment_start(declaration_id=assessed.pk, user=trader1)
    before = declaration_state(assessed)
    assert payment_fail(notice=notice(first, status="failed", txn="SB-F1"))[0] == "failed"
    assert payment_fail(notice=notice(first, status="failed", txn="SB-F1"))[0] == "already_failed"
    assert declaration_state(assessed) == before
    first.refresh_from_db()
    assert (first.status, first.failed_at is not None) == ("failed", True)
    retry = payment_start(declaration_id=assessed.pk, user=trader1)
    assert retry.reference != first.reference
    payment_credit(notice=notice(retry, txn="SB-OK"))
    assert Declaration.objects.get(pk=assessed.pk).status == "cleared"


def test_a_failure_notice_for_a_credited_payment_changes_nothing(trader1, assessed):
    payment = payment_start(declaration_id=assessed.pk, user=trader1)
    payment_credit(notice=notice(payment))
    with pytest.raises(CallbackRefused) as raised:
        payment_fail(notice=notice(payment, status="failed", txn="SB-LATE"))
    assert raised.value.reason == RejectionReason.ALREADY_SETTLED
    assert Payment.objects.get(pk=payment.pk).status == "credited"


def test_money_taken_after_a_failure_notice_is_still_credited(trader1, assessed):
    payment = payment_start(declaration_id=assessed.pk, user=trader1)
    payment_fail(notice=notice(payment, status="failed", txn="SB-X"))
    assert payment_credit(notice=notice(payment, txn="SB-Y"))[0] == "credited"
    assert Declaration.objects.get(pk=assessed.pk).status == "cleared"


def test_the_unique_bank_transaction_holds_when_the_check_is_raced(trader1, assessed, declaration_in):
    """Two payments credited with one bank transaction at the same moment both pass the read check;
    the database's unique constraint refuses the second one, which changes nothing."""
    first = payment_start(declaration_id=assessed.pk, user=trader1)
    other = declaration_in("under_review")
    second = payment_start(declaration_id=other.pk, user=trader1)
    payment_credit(notice=notice(first, txn="SB-RACE"))
    before = declaration_state(other)
    with mock.patch("payments.services.payments._check_transaction_unused"):
        with pytest.raises(CallbackRefused) as raised:
            payment_credit(notice=notice(second, txn="SB-RACE"))
    assert raised.value.reason == RejectionReason.TRANSACTION_CONFLICT
    assert Payment.objects.get(pk=second.pk).status == "pending"
    assert declaration_state(other) == before
