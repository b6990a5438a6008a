"""payments/selectors.py called directly (issue 14): who sees which payments, the 404s that hide the others,
a declaration's payments, the reconciliation report of a day, the day's refused callbacks and pending payments.
Payments are started, credited and failed through the payment services."""
import json
from datetime import datetime, time, timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.utils import timezone

from declarations.models import Declaration
from payments.models import Payment, PaymentStatus, ReconciliationStatus, RejectedCallback, RejectionReason
from payments.selectors import (
    declaration_payments,
    payment_get,
    payments_pending_on,
    payments_visible_to,
    reconciliation_report_get,
    rejected_callbacks_on,
)
from payments.services.callbacks import bank_callback_process
from payments.services.payments import BankNotice, payment_credit, payment_fail, payment_start
from payments.services.reconciliation import reconciliation_run
from payments.signing import signature_compute
from tests.factories import registered
from tests.payloads import plain_import_body

pytestmark = pytest.mark.django_db


def payable_of(trader) -> Declaration:
    """A registered declaration of `trader`'s enterprise under review, with its taxes owed."""
    declaration = registered(trader, plain_import_body())
    Declaration.objects.filter(pk=declaration.pk).update(status="under_review", channel="yellow")
    return Declaration.objects.get(pk=declaration.pk)


def started(trader, declaration: Declaration | None = None) -> Payment:
    declaration = declaration or payable_of(trader)
    return payment_start(declaration_id=declaration.pk, user=trader)


def notice_for(payment: Payment, *, status: str, txn: str) -> BankNotice:
    return BankNotice(reference=payment.reference, amount=payment.amount, status=status, bank_transaction_id=txn)


def created_days_ago(payment: Payment, days: int) -> None:
    Payment.objects.filter(pk=payment.pk).update(created_at=timezone.now() - timedelta(days=days))


@pytest.fixture
def payments(trader1, trader2, no_random):
    """One payment of each trader's enterprise."""
    return started(trader1), started(trader2)


# --- payments_visible_to ------------------------------------------------------------------------------

def test_a_trader_sees_only_the_payments_of_its_own_enterprise(payments, trader1, trader2):
    mine, theirs = payments
    assert list(payments_visible_to(user=trader1)) == [mine]
    assert list(payments_visible_to(user=trader2)) == [theirs]


def test_a_trader_sees_every_payment_of_its_enterprise_each_attempt_included(trader1, no_random):
    declaration = payable_of(trader1)
    first = started(trader1, declaration)
    second = started(trader1, declaration)  # another attempt at the same amount due
    other = started(trader1)
    assert set(payments_visible_to(user=trader1)) == {first, second, other}


@pytest.mark.parametrize("staff", ["officer", "risk_admin"])
def test_officers_and_risk_admins_see_every_enterprises_payments(payments, staff, request):
    user = request.getfixturevalue(staff)
    assert set(payments_visible_to(user=user)) == set(payments)


def test_a_superuser_sees_every_payment(payments, django_user_model):
    admin = django_user_model.objects.create_superuser(username="root", password="demo12345")
    assert set(payments_visible_to(user=admin)) == set(payments)


def test_the_gate_and_anonymous_users_see_no_payment(payments, gate_user):
    assert list(payments_visible_to(user=gate_user)) == []
    assert list(payments_visible_to(user=AnonymousUser())) == []


def test_a_trader_without_an_enterprise_sees_no_payment(payments, trader1):
    trader1.enterprise = None
    assert list(payments_visible_to(user=trader1)) == []


def test_visible_payments_come_with_their_declaration_in_the_same_query(payments, trader1, django_assert_num_queries):
    with django_assert_num_queries(1):
        [payment] = payments_visible_to(user=trader1)
        assert payment.declaration.enterprise == trader1.enterprise
        assert payment.declaration.customs_office.code == "03CE"


# --- payment_get ----------------------------------------------------------------------------------------

def test_payment_get_gives_a_payment_to_those_who_may_see_it(payments, trader1, officer):
    mine, theirs = payments
    assert payment_get(user=trader1, pk=mine.pk) == mine
    assert payment_get(user=trader1, pk=str(mine.pk)) == mine
    assert payment_get(user=officer, pk=theirs.pk) == theirs


def test_another_enterprises_payment_is_not_found_rather_than_forbidden(payments, trader1, trader2, gate_user):
    mine, theirs = payments
    with pytest.raises(Http404):
        payment_get(user=trader1, pk=theirs.pk)
    with pytest.raises(Http404):
        payment_get(user=trader2, pk=mine.pk)
    with pytest.raises(Http404):
        payment_get(user=gate_user, pk=mine.pk)
    with pytest.raises(Http404):
        payment_get(user=AnonymousUser(), pk=mine.pk)


@pytest.mark.parametrize("junk", ["abc", "", "1; DROP TABLE payments_payment", None, [1], {"pk": 1}, 10**30, -1, 0])
def test_junk_ids_are_not_found(payments, officer, junk):
    with pytest.raises(Http404):
        payment_get(user=officer, pk=junk)


def test_an_id_no_payment_has_is_not_found(payments, officer):
    missing = max(payment.pk for payment in payments) + 1000
    with pytest.raises(Http404):
        payment_get(user=officer, pk=missing)


# --- declaration_payments ---------------------------------------------------------------------------------

def test_declaration_payments_are_that_declarations_only_newest_first(trader1, trader2, no_random):
    declaration = payable_of(trader1)
    first = started(trader1, declaration)
    payment_fail(notice=notice_for(first, status="failed", txn="SB-FAIL-1"))
    second = started(trader1, declaration)
    started(trader1)  # another declaration of the same enterprise
    started(trader2)
    assert list(declaration_payments(declaration=declaration)) == [second, first]
    assert [p.status for p in declaration_payments(declaration=declaration)] == [PaymentStatus.PENDING, PaymentStatus.FAILED]


def test_payments_started_in_the_same_instant_are_ordered_by_id(trader1, no_random):
    declaration = payable_of(trader1)
    first, second = started(trader1, declaration), started(trader1, declaration)
    Payment.objects.filter(pk__in=[first.pk, second.pk]).update(created_at=timezone.now())
    assert list(declaration_payments(declaration=declaration)) == [second, first]


def test_a_declaration_without_payments_has_none(trader1, no_random):
    assert list(declaration_payments(declaration=payable_of(trader1))) == []


# --- reconciliation_report_get ------------------------------------------------------------------------------

def test_the_report_of_a_reconciled_day_is_found(officer):
    day = timezone.localdate() - timedelta(days=1)
    report = reconciliation_run(statement_date=day, content=None, source="bank", user=officer, error="bank unreachable")
    found = reconciliation_report_get(statement_date=day)
    assert found == report
    assert (found.status, found.error, found.run_by, found.runs) == (ReconciliationStatus.FAILED, "bank unreachable", officer, 1)


def test_a_day_without_a_report_is_not_found():
    day = timezone.localdate()
    reconciliation_run(statement_date=day - timedelta(days=1), content=None, source="bank", error="down")
    with pytest.raises(Http404):
        reconciliation_report_get(statement_date=day)
    with pytest.raises(Http404):
        reconciliation_report_get(statement_date=day - timedelta(days=2))


# --- rejected_callbacks_on -----------------------------------------------------------------------------------

def refused_callback(**body) -> RejectedCallback:
    """A correctly signed callback that the portal refuses, as the bank posts it; the record it leaves."""
    raw = json.dumps({"amount": 1000, "status": "success", "bank_transaction_id": "SB-X", **body}).encode()
    outcome = bank_callback_process(body=raw, signature=signature_compute(body=raw, secret=settings.BANK_CALLBACK_SECRET))
    assert outcome.body["result"] == "rejected", outcome.body
    return RejectedCallback.objects.latest("id")


def test_the_days_refused_callbacks_in_the_order_received(trader1, no_random):
    payment = started(trader1)
    unknown = refused_callback(reference="HQ000000UNKNOWN", bank_transaction_id="SB-1")
    wrong_amount = refused_callback(reference=payment.reference, amount=int(payment.amount) + 1, bank_transaction_id="SB-2")
    yesterdays = refused_callback(reference="HQ000000OLD", bank_transaction_id="SB-3")
    RejectedCallback.objects.filter(pk=yesterdays.pk).update(received_at=timezone.now() - timedelta(days=1))
    today = timezone.localdate()

    assert list(rejected_callbacks_on(day=today)) == [unknown, wrong_amount]
    assert [(c.reason, c.payment) for c in rejected_callbacks_on(day=today)] == [
        (RejectionReason.UNKNOWN_REFERENCE, None), (RejectionReason.AMOUNT_MISMATCH, payment)]
    assert list(rejected_callbacks_on(day=today - timedelta(days=1))) == [yesterdays]
    assert list(rejected_callbacks_on(day=today - timedelta(days=2))) == []


def test_a_callback_with_a_bad_signature_leaves_no_record(trader1, no_random):
    raw = json.dumps({"reference": started(trader1).reference, "amount": 1, "status": "success",
                      "bank_transaction_id": "SB-9"}).encode()
    assert bank_callback_process(body=raw, signature="0" * 64).http_status == 403
    assert list(rejected_callbacks_on(day=timezone.localdate())) == []


# --- payments_pending_on -------------------------------------------------------------------------------------

def test_the_days_pending_payments_leave_out_credited_failed_and_other_days(trader1, trader2, no_random):
    pending = started(trader1)
    credited = started(trader1)
    failed = started(trader2)
    older = started(trader2)
    assert payment_credit(notice=notice_for(credited, status="success", txn="SB-OK"))[0] == "credited"
    assert payment_fail(notice=notice_for(failed, status="failed", txn="SB-NO"))[0] == "failed"
    created_days_ago(older, 1)
    today = timezone.localdate()

    assert list(payments_pending_on(day=today)) == [pending]  # of every enterprise: a report for customs
    assert list(payments_pending_on(day=today - timedelta(days=1))) == [older]
    assert list(payments_pending_on(day=today + timedelta(days=1))) == []


def test_pending_payments_are_in_the_order_started(trader1, trader2, no_random):
    first, second, third = started(trader2), started(trader1), started(trader1)
    day = timezone.localdate() - timedelta(days=1)
    noon = timezone.make_aware(datetime.combine(day, time(12)))
    for payment, minutes in ((first, 30), (second, 10), (third, 20)):
        Payment.objects.filter(pk=payment.pk).update(created_at=noon - timedelta(minutes=minutes))
    assert list(payments_pending_on(day=day)) == [first, third, second]
