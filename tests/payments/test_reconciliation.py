"""Reconciliation of the bank's statement with the credited payments: every kind of difference,
recovery of payments whose callback was lost, re-runs, the command and the daily task."""
from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from declarations.models import Declaration
from payments.models import Payment, ReconciliationReport
from payments.services.payments import BankNotice, payment_credit, payment_start
from payments.services.reconciliation import StatementInvalid, bank_statement_parse, reconciliation_run
from payments.signing import signature_compute
from payments.tasks import reconcile_task
from tests.payments.support import ClientUrlopen

pytestmark = pytest.mark.django_db
HEADER = "bank_transaction_id,reference,amount,currency,booked_at\n"


def statement(*lines) -> bytes:
    today = timezone.localdate().isoformat()
    return (HEADER + "".join(f"{txn},{ref},{amount},VND,{today}T10:00:00+07:00\n" for txn, ref, amount in lines)).encode()


def credit(payment, txn):
    return payment_credit(notice=BankNotice(payment.reference, payment.amount, "success", txn))[1]


def kinds(report):
    return sorted((d.kind, d.reference) for d in report.differences.all())


@pytest.fixture
def payments(trader1, declaration_in):
    """Four payments of trader1 on four declarations under review."""
    return [payment_start(declaration_id=declaration_in("under_review").pk, user=trader1) for _ in range(4)]


def test_balanced(payments):
    credited = [credit(payment, f"SB-{n}") for n, payment in enumerate(payments[:2])]
    report = reconciliation_run(statement_date=timezone.localdate(), source="test",
                                content=statement(*[(p.bank_transaction_id, p.reference, int(p.amount)) for p in credited]))
    assert (report.status, report.statement_lines, report.matched_count, report.credited_count) == ("balanced", 2, 2, 2)
    assert report.statement_total == report.credited_total == sum(p.amount for p in credited)
    assert kinds(report) == []


def test_every_kind_of_difference(payments, trader1):
    matched, missing_in_statement, lost_callback, mismatched = payments
    credit(matched, "SB-MATCH")
    credit(missing_in_statement, "SB-NOT-ON-STATEMENT")
    day = timezone.localdate()
    report = reconciliation_run(statement_date=day, source="test", content=statement(
        ("SB-MATCH", matched.reference, int(matched.amount)),
        ("SB-LOST", lost_callback.reference, int(lost_callback.amount)),        # callback never arrived
        ("SB-WRONG", mismatched.reference, int(mismatched.amount) + 500),        # the bank took another amount
        ("SB-STRANGER", "HQ000000DEADBEEF00", 1000),                            # a reference nobody issued
        ("SB-TWICE", matched.reference, int(matched.amount)),                   # paid a second time
    ))
    assert report.status == "differences"
    assert kinds(report) == sorted([
        ("recovered", lost_callback.reference),
        ("amount_mismatch", mismatched.reference),
        ("unknown", "HQ000000DEADBEEF00"),
        ("duplicate", matched.reference),
        ("missing_in_statement", missing_in_statement.reference),
    ])
    recovered = Payment.objects.get(pk=lost_callback.pk)
    assert (recovered.status, recovered.bank_transaction_id, recovered.credited_via) == ("credited", "SB-LOST",
                                                                                          "reconciliation")
    assert Declaration.objects.get(pk=lost_callback.declaration_id).payment_status == "paid"
    assert Payment.objects.get(pk=mismatched.pk).status == "pending"
    mismatch = report.differences.get(kind="amount_mismatch")
    assert (mismatch.bank_amount, mismatch.portal_amount) == (mismatched.amount + 500, mismatched.amount)
    assert report.matched_count == 2  # the matched one and the recovered one

    # Again: same differences, the recovery is not repeated and is still reported.
    again = reconciliation_run(statement_date=day, source="test", content=statement(
        ("SB-MATCH", matched.reference, int(matched.amount)),
        ("SB-LOST", lost_callback.reference, int(lost_callback.amount)),
        ("SB-WRONG", mismatched.reference, int(mismatched.amount) + 500),
        ("SB-STRANGER", "HQ000000DEADBEEF00", 1000),
        ("SB-TWICE", matched.reference, int(matched.amount)),
    ))
    assert again.pk == report.pk and again.runs == 2
    assert kinds(again) == kinds(report)
    assert ReconciliationReport.objects.count() == 1


def test_refund_due_is_listed(trader1, assessed):
    first = payment_start(declaration_id=assessed.pk, user=trader1)
    second = payment_start(declaration_id=assessed.pk, user=trader1)
    credit(first, "SB-FIRST")
    credit(second, "SB-SECOND")
    report = reconciliation_run(statement_date=timezone.localdate(), source="test", content=statement(
        ("SB-FIRST", first.reference, int(first.amount)), ("SB-SECOND", second.reference, int(second.amount))))
    refund = report.differences.get()
    assert (refund.kind, refund.reference, refund.payment_id) == ("refund_due", second.reference, second.pk)


@pytest.mark.parametrize("content, message", [
    (b"", "header"),
    (b"reference,amount\nX,1\n", "header"),
    ((HEADER + "SB1,HQ1,-5,VND,2026-01-01T10:00:00+07:00\n").encode(), "line 2: amount “-5”"),
    ((HEADER + "SB1,HQ1,12.5,VND,2026-01-01T10:00:00+07:00\n").encode(), "line 2: amount “12.5”"),
    ((HEADER + "SB1,HQ1,100,USD,2026-01-01T10:00:00+07:00\n").encode(), "currency “USD”"),
    ((HEADER + "SB1,HQ1,100,VND,yesterday\n").encode(), "booked_at"),
    ((HEADER + "SB1,HQ1,100\n").encode(), "3 columns"),
    (b"\xff\xfe", "UTF-8"),
])
def test_unreadable_statement(content, message):
    with pytest.raises(StatementInvalid) as raised:
        bank_statement_parse(content=content)
    assert message in str(raised.value)
    report = reconciliation_run(statement_date=timezone.localdate(), source="test", content=content)
    assert report.status == "failed" and message in report.error


def test_command_with_a_statement_file(tmp_path, payments):
    payment = payments[0]
    day = timezone.localdate()
    path = tmp_path / "statement.csv"
    path.write_bytes(statement(("SB-FILE", payment.reference, int(payment.amount))))
    out = mock.MagicMock()
    call_command("reconcile_payments", "--date", day.isoformat(), "--statement", str(path), stdout=out)
    report = ReconciliationReport.objects.get(statement_date=day)
    assert kinds(report) == [("recovered", payment.reference)]
    assert "recovered" in "".join(str(call.args[0]) for call in out.write.call_args_list)


def test_command_fetches_the_statement_from_the_bank(client, payments, django_capture_on_commit_callbacks):
    from payments.bank_simulator.services import transaction_book

    payment = payments[0]
    with mock.patch("payments.bank_simulator.tasks.callback_deliver_enqueue"):
        transaction_book(reference=payment.reference, amount=payment.amount, outcome="success", delivery="none",
                         callback_url="http://testserver/api/v1/payments/bank-callback/")
    with mock.patch("payments.gateway.urlopen", ClientUrlopen()) as fake:
        call_command("reconcile_payments", "--date", timezone.localdate().isoformat(), stdout=mock.MagicMock())
    assert fake.calls == [(f"http://127.0.0.1:8000/bank-simulator/statements/{timezone.localdate().isoformat()}.csv", 200)]
    assert Payment.objects.get(pk=payment.pk).status == "credited"


def test_a_tampered_statement_is_refused():
    """The bank answers the portal's signed request, but the statement's own signature does not match it."""
    forged = mock.patch("payments.bank_simulator.views.signature_compute",
                        side_effect=lambda *, body, secret: signature_compute(body=body + b"x", secret=secret))
    with mock.patch("payments.gateway.urlopen", ClientUrlopen()), forged:
        with pytest.raises(CommandError, match="signature"):
            call_command("reconcile_payments", "--date", "2026-01-05", stdout=mock.MagicMock())
    assert ReconciliationReport.objects.get(statement_date="2026-01-05").status == "failed"


def test_a_bank_that_does_not_share_the_secret_gives_no_statement(settings):
    """The portal's request is signed with its secret: a bank with another one refuses it (403)."""
    with mock.patch("payments.gateway.urlopen", ClientUrlopen()) as fake:
        with mock.patch("payments.bank_simulator.views.settings") as bank_settings:
            bank_settings.BANK_CALLBACK_SECRET = "the-bank-secret"
            with pytest.raises(CommandError, match="HTTP Error 403"):
                call_command("reconcile_payments", "--date", "2026-01-05", stdout=mock.MagicMock())
    assert fake.calls == [("http://127.0.0.1:8000/bank-simulator/statements/2026-01-05.csv", 403)]


def test_command_rejects_a_bad_date():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("reconcile_payments", "--date", "05/01/2026")


def test_daily_task_reconciles_yesterday_and_records_an_unreachable_bank():
    yesterday = timezone.localdate() - timedelta(days=1)
    with mock.patch("payments.gateway.urlopen", ClientUrlopen()):
        reconcile_task.apply()
    report = ReconciliationReport.objects.get(statement_date=yesterday)
    assert (report.status, report.statement_lines) == ("balanced", 0)
    with mock.patch("payments.gateway.urlopen", ClientUrlopen(down=True)):
        reconcile_task.apply(args=[yesterday.isoformat()])
    report.refresh_from_db()
    assert report.status == "failed" and "connection refused" in report.error and report.runs == 2
