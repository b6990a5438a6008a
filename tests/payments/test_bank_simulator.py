"""The development bank: its pay page, confirm / decline / time out / deliver twice, its signed
callbacks reaching the portal's real endpoint, and its signed statement."""
import csv
import io
from unittest import mock
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.utils import timezone

from declarations.models import Declaration
from payments.bank_simulator.models import SimulatedTransaction
from payments.bank_simulator.services import callbacks_deliver, statement_csv
from payments.models import Payment, RejectedCallback
from payments.services.payments import payment_start
from payments.signing import signature_valid
from tests.payments.support import ClientUrlopen

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(trader1, assessed):
    return payment_start(declaration_id=assessed.pk, user=trader1)


def pay_url(payment, **extra):
    query = {"amount": str(payment.amount), "currency": "VND",
             "return_url": f"http://testserver/declarations/{payment.declaration_id}/", **extra}
    return f"/bank-simulator/pay/{payment.reference}/?{urlencode(query)}"


def confirm(client, payment, *, decision="confirm", delivery="once", amount=None, callbacks):
    data = {"amount": str(payment.amount if amount is None else amount), "currency": "VND", "delivery": delivery,
            "decision": decision, "return_url": f"http://testserver/declarations/{payment.declaration_id}/"}
    with callbacks(execute=True):
        return client.post(f"/bank-simulator/pay/{payment.reference}/", data)


@pytest.fixture
def portal_network():
    fake = ClientUrlopen()
    with mock.patch("payments.bank_simulator.services.urlopen", fake), \
            mock.patch("payments.bank_simulator.tasks.callback_deliver_task.apply_async",
                       side_effect=lambda args, **kw: callbacks_deliver(transaction_id=args[0])):
        yield fake


def test_pay_page_shows_the_payment(client, pending):
    response = client.get(pay_url(pending, delivery="twice"))
    assert response.status_code == 200
    html = response.content.decode()
    assert pending.reference in html
    assert f'value="{pending.amount}"' in html
    assert '<option value="twice" selected>' in html


def test_confirm_sends_a_signed_callback_and_returns_to_the_declaration(client, pending, portal_network,
                                                                        django_capture_on_commit_callbacks):
    response = confirm(client, pending, callbacks=django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == f"http://testserver/declarations/{pending.declaration_id}/"
    booked = SimulatedTransaction.objects.get()
    assert (booked.reference, booked.amount, booked.outcome) == (pending.reference, pending.amount, "success")
    assert [entry["status"] for entry in booked.deliveries] == [200]
    payment = Payment.objects.get(pk=pending.pk)
    assert (payment.status, payment.bank_transaction_id) == ("credited", booked.bank_transaction_id)
    assert Declaration.objects.get(pk=pending.declaration_id).status == "cleared"


def test_deliver_twice_credits_once(client, pending, portal_network, django_capture_on_commit_callbacks):
    confirm(client, pending, delivery="twice", callbacks=django_capture_on_commit_callbacks)
    booked = SimulatedTransaction.objects.get()
    assert [entry["status"] for entry in booked.deliveries] == [200, 200]
    assert '"already_credited"' in booked.deliveries[1]["response"]
    payment = Payment.objects.get(pk=pending.pk)
    assert (payment.status, payment.duplicate_callbacks) == ("credited", 1)


def test_decline_fails_the_payment(client, pending, portal_network, django_capture_on_commit_callbacks):
    confirm(client, pending, decision="decline", callbacks=django_capture_on_commit_callbacks)
    assert Payment.objects.get(pk=pending.pk).status == "failed"
    assert Declaration.objects.get(pk=pending.declaration_id).status == "assessed"


def test_timeout_books_the_money_but_never_calls_back(client, pending, portal_network, django_capture_on_commit_callbacks):
    confirm(client, pending, delivery="none", callbacks=django_capture_on_commit_callbacks)
    booked = SimulatedTransaction.objects.get()
    assert (booked.outcome, booked.deliveries) == ("success", [])
    assert Payment.objects.get(pk=pending.pk).status == "pending"
    assert booked.bank_transaction_id in statement_csv(day=timezone.localdate()).decode()


def test_a_wrong_amount_is_refused_by_the_portal(client, pending, portal_network, django_capture_on_commit_callbacks):
    confirm(client, pending, amount=pending.amount - 1, callbacks=django_capture_on_commit_callbacks)
    booked = SimulatedTransaction.objects.get()
    assert [entry["status"] for entry in booked.deliveries] == [409]
    assert Payment.objects.get(pk=pending.pk).status == "pending"
    assert RejectedCallback.objects.get().reason == "amount_mismatch"


def test_a_negative_amount_is_refused_by_the_portal(client, pending, portal_network, django_capture_on_commit_callbacks):
    confirm(client, pending, amount=-5, callbacks=django_capture_on_commit_callbacks)
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


def test_return_url_to_another_host_is_not_followed(client, pending, portal_network, django_capture_on_commit_callbacks):
    data = {"amount": str(pending.amount), "delivery": "none", "decision": "confirm",
            "return_url": "https://evil.example/phish"}
    response = client.post(f"/bank-simulator/pay/{pending.reference}/", data)
    assert response.status_code == 200
    assert b"bank-result" in response.content


def test_statement_is_signed_csv_of_the_day(client, pending, portal_network, django_capture_on_commit_callbacks):
    confirm(client, pending, callbacks=django_capture_on_commit_callbacks)
    response = client.get(f"/bank-simulator/statements/{timezone.localdate().isoformat()}.csv")
    assert response.status_code == 200
    assert signature_valid(body=response.content, signature=response["X-Bank-Signature"],
                           secret=settings.BANK_CALLBACK_SECRET)
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    booked = SimulatedTransaction.objects.get()
    assert rows[0] == ["bank_transaction_id", "reference", "amount", "currency", "booked_at"]
    assert rows[1][:4] == [booked.bank_transaction_id, pending.reference, str(int(pending.amount)), "VND"]
    assert rows[1][4].endswith("+07:00")
    assert client.get("/bank-simulator/statements/not-a-date.csv").status_code == 404


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
