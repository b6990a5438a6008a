"""The development bank: its pay page (for the paying trader only), confirm / decline / time out /
deliver twice, its signed callbacks reaching the portal's real endpoint, and its signed statement
(to the portal's signed request only, no cell a spreadsheet formula)."""
import csv
import io
import time
from unittest import mock
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.utils import timezone

from declarations.models import Declaration
from payments.bank_simulator.models import SimulatedTransaction
from payments.bank_simulator.services import callbacks_deliver, statement_csv, transaction_book
from payments.models import Payment, RejectedCallback
from payments.services.payments import payment_start
from payments.services.reconciliation import bank_statement_parse
from payments.signing import request_signature_headers, signature_valid
from tests.payments.support import ClientUrlopen

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(trader1, assessed):
    return payment_start(declaration_id=assessed.pk, user=trader1)


@pytest.fixture
def payer(client, trader1):
    """The trader who pays, signed in (the portal's session stands for the bank's login)."""
    client.force_login(trader1)
    return client


def statement_get(client, day, *, secret=None, now=None, **headers):
    """GET the statement of `day` as the portal asks for it: signed."""
    path = f"/bank-simulator/statements/{day}.csv"
    signed = request_signature_headers(method="GET", path=path, secret=secret or settings.BANK_CALLBACK_SECRET, now=now)
    return client.get(path, **{f"HTTP_{name.upper().replace('-', '_')}": value for name, value in signed.items()}, **headers)


def pay_url(payment, **extra):
    query = {"amount": str(payment.amount), "currency": "VND",
             "return_url": f"http://testserver/declarations/{payment.declaration_id}/", **extra}
    return f"/bank-simulator/pay/{payment.reference}/?{urlencode(query)}"


def confirm(payer, payment, *, decision="confirm", delivery="once", amount=None, callbacks):
    data = {"amount": str(payment.amount if amount is None else amount), "currency": "VND", "delivery": delivery,
            "decision": decision, "return_url": f"http://testserver/declarations/{payment.declaration_id}/"}
    with callbacks(execute=True):
        return payer.post(f"/bank-simulator/pay/{payment.reference}/", data)


@pytest.fixture
def portal_network():
    fake = ClientUrlopen()
    with mock.patch("payments.bank_simulator.services.urlopen", fake), \
            mock.patch("payments.bank_simulator.tasks.callback_deliver_task.apply_async",
                       side_effect=lambda args, **kw: callbacks_deliver(transaction_id=args[0])):
        yield fake


def test_pay_page_shows_the_payment(payer, pending):
    response = payer.get(pay_url(pending, delivery="twice"))
    assert response.status_code == 200
    html = response.content.decode()
    assert pending.reference in html
    assert f'value="{pending.amount}"' in html
    assert '<option value="twice" selected>' in html


def test_confirm_sends_a_signed_callback_and_returns_to_the_declaration(payer, pending, portal_network,
                                                                        django_capture_on_commit_callbacks):
    response = confirm(payer, pending, callbacks=django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == f"http://testserver/declarations/{pending.declaration_id}/"
    booked = SimulatedTransaction.objects.get()
    assert (booked.reference, booked.amount, booked.outcome) == (pending.reference, pending.amount, "success")
    assert [entry["status"] for entry in booked.deliveries] == [200]
    payment = Payment.objects.get(pk=pending.pk)
    assert (payment.status, payment.bank_transaction_id) == ("credited", booked.bank_transaction_id)
    assert Declaration.objects.get(pk=pending.declaration_id).status == "cleared"


def test_deliver_twice_credits_once(payer, pending, portal_network, django_capture_on_commit_callbacks):
    confirm(payer, pending, delivery="twice", callbacks=django_capture_on_commit_callbacks)
    booked = SimulatedTransaction.objects.get()
    assert [entry["status"] for entry in booked.deliveries] == [200, 200]
    assert '"already_credited"' in booked.deliveries[1]["response"]
    payment = Payment.objects.get(pk=pending.pk)
    assert (payment.status, payment.duplicate_callbacks) == ("credited", 1)


def test_decline_fails_the_payment(payer, pending, portal_network, django_capture_on_commit_callbacks):
    confirm(payer, pending, decision="decline", callbacks=django_capture_on_commit_callbacks)
    assert Payment.objects.get(pk=pending.pk).status == "failed"
    assert Declaration.objects.get(pk=pending.declaration_id).status == "assessed"


def test_timeout_books_the_money_but_never_calls_back(payer, pending, portal_network, django_capture_on_commit_callbacks):
    confirm(payer, pending, delivery="none", callbacks=django_capture_on_commit_callbacks)
    booked = SimulatedTransaction.objects.get()
    assert (booked.outcome, booked.deliveries) == ("success", [])
    assert Payment.objects.get(pk=pending.pk).status == "pending"
    assert booked.bank_transaction_id in statement_csv(day=timezone.localdate()).decode()


def test_a_wrong_amount_is_refused_by_the_portal(payer, pending, portal_network, django_capture_on_commit_callbacks):
    confirm(payer, pending, amount=pending.amount - 1, callbacks=django_capture_on_commit_callbacks)
    booked = SimulatedTransaction.objects.get()
    assert [entry["status"] for entry in booked.deliveries] == [409]
    assert Payment.objects.get(pk=pending.pk).status == "pending"
    assert RejectedCallback.objects.get().reason == "amount_mismatch"


def test_a_negative_amount_is_refused_by_the_portal(payer, pending, portal_network, django_capture_on_commit_callbacks):
    confirm(payer, pending, amount=-5, callbacks=django_capture_on_commit_callbacks)
    assert [entry["status"] for entry in SimulatedTransaction.objects.get().deliveries] == [400]
    assert RejectedCallback.objects.get().reason == "invalid"


def test_unreachable_portal_is_retried(pending):
    from payments.bank_simulator.services import PortalUnreachable, transaction_book

    with mock.patch("payments.bank_simulator.tasks.callback_deliver_task.apply_async"):
        booked = transaction_book(reference=pending.reference, amount=pending.amount, outcome="success", delivery="once",
                                  callback_url="http://testserver/api/v1/payments/bank-callback/")
    with mock.patch("payments.bank_simulator.services.urlopen", ClientUrlopen(down=True)):
        with pytest.raises(PortalUnreachable):
            callbacks_deliver(transaction_id=booked.pk)
    with mock.patch("payments.bank_simulator.services.urlopen", ClientUrlopen()):
        assert callbacks_deliver(transaction_id=booked.pk) == 1
        assert callbacks_deliver(transaction_id=booked.pk) == 0  # already delivered: a retried task sends nothing more
    assert Payment.objects.get(pk=pending.pk).status == "credited"


def test_return_url_to_another_host_is_not_followed(payer, pending, portal_network, django_capture_on_commit_callbacks):
    data = {"amount": str(pending.amount), "delivery": "none", "decision": "confirm",
            "return_url": "https://evil.example/phish"}
    response = payer.post(f"/bank-simulator/pay/{pending.reference}/", data)
    assert response.status_code == 200
    assert b"bank-result" in response.content


def test_statement_is_signed_csv_of_the_day(payer, pending, portal_network, django_capture_on_commit_callbacks):
    confirm(payer, pending, callbacks=django_capture_on_commit_callbacks)
    response = statement_get(payer, timezone.localdate().isoformat())
    assert response.status_code == 200
    assert signature_valid(body=response.content, signature=response["X-Bank-Signature"],
                           secret=settings.BANK_CALLBACK_SECRET)
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    booked = SimulatedTransaction.objects.get()
    assert rows[0] == ["bank_transaction_id", "reference", "amount", "currency", "booked_at"]
    assert rows[1][:4] == [booked.bank_transaction_id, pending.reference, str(int(pending.amount)), "VND"]
    assert rows[1][4].endswith("+07:00")
    assert statement_get(payer, "not-a-date").status_code == 404


def test_simulator_is_off_in_production_settings():
    import subprocess
    import sys

    env = {"DJANGO_SETTINGS_MODULE": "customs_portal.settings.production", "SECRET_KEY": "x",
           "DATABASE_URL": "postgres://u@127.0.0.1:5432/x", "ALLOWED_HOSTS": "x", "BANK_CALLBACK_SECRET": "y",
           "BANK_SIMULATOR_ENABLED": "true", "PATH": "/usr/bin:/bin"}
    code = ("import django; django.setup(); from django.conf import settings; from django.urls import resolve, Resolver404\n"
            "assert not settings.BANK_SIMULATOR_ENABLED\n"
            "assert 'payments.bank_simulator' not in settings.INSTALLED_APPS\n"
            "try:\n    resolve('/bank-simulator/pay/X/')\nexcept Resolver404:\n    print('off')\n")
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                            cwd=settings.BASE_DIR, timeout=60)
    assert result.stdout.strip() == "off", result.stderr


# --- Nothing of the bank is open (issue 12, development-only findings) ----------------------------

def test_the_pay_page_needs_a_login(client, pending):
    for response in (client.get(pay_url(pending)), client.post(f"/bank-simulator/pay/{pending.reference}/",
                                                                 {"amount": str(pending.amount), "decision": "confirm"})):
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    assert not SimulatedTransaction.objects.exists()


@pytest.mark.parametrize("role, expected", [("trader2", 404), ("officer", 403), ("risk_admin", 403), ("gate_user", 403)])
def test_only_the_paying_enterprises_trader_may_pay(request, client, pending, role, expected):
    client.force_login(request.getfixturevalue(role))
    assert client.get(pay_url(pending)).status_code == expected
    posted = client.post(f"/bank-simulator/pay/{pending.reference}/", {"amount": "1", "decision": "confirm"})
    assert posted.status_code == expected
    assert not SimulatedTransaction.objects.exists()


def test_a_reference_the_portal_never_issued_is_not_found(payer, pending):
    assert payer.get("/bank-simulator/pay/HQ=HYPERLINK(1)/?amount=5").status_code == 404
    assert not SimulatedTransaction.objects.exists()


@pytest.mark.parametrize("headers", [
    {},  # no signature at all: a browser, anybody
    {"HTTP_X_BANK_TIMESTAMP": "1800000000", "HTTP_X_BANK_SIGNATURE": "0" * 64},
])
def test_the_statement_is_refused_without_the_portals_signature(client, headers):
    response = client.get(f"/bank-simulator/statements/{timezone.localdate().isoformat()}.csv", **headers)
    assert response.status_code == 403
    assert b"bank_transaction_id" not in response.content


def test_the_statement_is_refused_signed_with_another_secret_or_too_long_ago(client):
    day = timezone.localdate().isoformat()
    assert statement_get(client, day, secret="not-the-shared-secret").status_code == 403
    assert statement_get(client, day, now=time.time() - 301).status_code == 403  # an overheard request, replayed later
    assert statement_get(client, day, now=time.time() - 60).status_code == 200
    # signed for another day: the path is part of what is signed
    signed = request_signature_headers(method="GET", path="/bank-simulator/statements/2026-01-01.csv",
                                       secret=settings.BANK_CALLBACK_SECRET)
    other_day = client.get(f"/bank-simulator/statements/{day}.csv", HTTP_X_BANK_TIMESTAMP=signed["X-Bank-Timestamp"],
                           HTTP_X_BANK_SIGNATURE=signed["X-Bank-Signature"])
    assert other_day.status_code == 403


def test_no_statement_cell_starts_a_formula_and_reconciliation_reads_the_real_values(client, pending):
    """A reference, an amount or an id that a spreadsheet would run (=, +, -, @, tab, CR) is written with an
    apostrophe before it; the portal's parser reads the value without it."""
    with mock.patch("payments.bank_simulator.tasks.callback_deliver_enqueue"):
        for reference, amount, txn in [("=HYPERLINK(\"https://evil.example\",\"x\")", 5, "@SUM(1)"),
                                       ("+1+1", 7, "\tSB-TAB"), (pending.reference, pending.amount, "-SB-MINUS")]:
            booked = transaction_book(reference=reference, amount=amount, outcome="success", delivery="none",
                                      callback_url="http://testserver/api/v1/payments/bank-callback/")
            SimulatedTransaction.objects.filter(pk=booked.pk).update(bank_transaction_id=txn)
    content = statement_get(client, timezone.localdate().isoformat()).content
    cells = [cell for row in csv.reader(io.StringIO(content.decode())) for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    rows = list(csv.reader(io.StringIO(content.decode())))[1:]
    assert [row[:3] for row in rows] == [["'@SUM(1)", "'=HYPERLINK(\"https://evil.example\",\"x\")", "5"],
                                         ["'\tSB-TAB", "'+1+1", "7"],
                                         ["'-SB-MINUS", pending.reference, str(int(pending.amount))]]
    lines = bank_statement_parse(content=content)
    assert [(line.bank_transaction_id, line.reference, line.amount) for line in lines] == [
        ("@SUM(1)", "=HYPERLINK(\"https://evil.example\",\"x\")", 5), ("SB-TAB", "+1+1", 7),
        ("-SB-MINUS", pending.reference, pending.amount)]
