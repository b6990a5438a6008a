"""Payments in the browser (server side): the panel on the declaration page, the Pay button,
receipts, and the reconciliation pages for customs staff only."""
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from payments.models import Payment
from payments.services.payments import BankNotice, payment_credit, payment_fail, payment_start
from payments.services.reconciliation import reconciliation_run
from tests.payments.conftest import registered_on

pytestmark = pytest.mark.django_db


def page(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_trader_sees_the_amount_and_the_pay_button(client, trader1, assessed):
    response = page(client, trader1, f"/declarations/{assessed.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="payment-panel"' in html and 'id="pay-button"' in html
    assert f'action="/payments/declarations/{assessed.pk}/pay/"' in html
    assert "js/payments.js" in html


def test_panel_shows_late_interest(client, trader1, assessed):
    registered_on(assessed, timezone.now() - timedelta(days=5))
    html = page(client, trader1, f"/payments/declarations/{assessed.pk}/panel/").content.decode()
    assert 'id="payment-late-interest"' in html and "4 late days" in html


def test_officer_sees_payments_but_no_pay_button(client, officer, trader1, assessed):
    payment = payment_start(declaration_id=assessed.pk, user=trader1)
    html = page(client, officer, f"/declarations/{assessed.pk}/").content.decode()
    assert 'id="payment-panel"' in html and 'id="pay-button"' not in html
    assert payment.reference in html and "continue at the bank" not in html


def test_other_enterprise_gets_404(client, trader2, assessed):
    assert page(client, trader2, f"/payments/declarations/{assessed.pk}/panel/").status_code == 404
    client.force_login(trader2)
    assert client.post(f"/payments/declarations/{assessed.pk}/pay/").status_code == 404
    assert not Payment.objects.exists()


def test_pay_redirects_to_the_bank_chosen(client, trader1, assessed):
    client.force_login(trader1)
    html = client.get(f"/payments/declarations/{assessed.pk}/panel/").content.decode()
    assert '<select class="form-select form-select-sm mb-2" name="bank" id="pay-bank" required hx-preserve="true">' in html
    assert '<option value="BFTVVNVX">Vietcombank — ' in html and " selected>" not in html
    response = client.post(f"/payments/declarations/{assessed.pk}/pay/", {"bank": "BFTVVNVX"})
    payment = Payment.objects.get()
    assert response.status_code == 302 and payment.bank == "BFTVVNVX"
    assert response["Location"].startswith(f"/bank-simulator/pay/{payment.reference}/?amount={payment.amount}")
    assert "&bank=BFTVVNVX" in response["Location"]
    # the next payment of the enterprise offers the same bank first
    html = client.get(f"/payments/declarations/{assessed.pk}/panel/").content.decode()
    assert '<option value="BFTVVNVX" selected>Vietcombank — ' in html
    html = client.get(f"/payments/declarations/{assessed.pk}/panel/").content.decode()
    assert 'id="payment-pending"' in html and payment.reference in html and "every 3s" in html


@pytest.mark.parametrize(("bank", "message"), [("", "Choose the bank you pay through."),
                                              ("XXXXVNVX", "Unknown bank: choose one of the banks listed.")])
def test_pay_without_a_known_bank_explains_and_starts_nothing(client, trader1, assessed, bank, message):
    client.force_login(trader1)
    response = client.post(f"/payments/declarations/{assessed.pk}/pay/", {"bank": bank}, follow=True)
    assert response.redirect_chain[-1][0] == f"/declarations/{assessed.pk}/"
    assert message in response.content.decode()
    assert not Payment.objects.exists()


def test_pay_on_a_closed_declaration_explains(client, trader1, declaration_in):
    cleared = declaration_in("cleared")
    client.force_login(trader1)
    response = client.post(f"/payments/declarations/{cleared.pk}/pay/", {"bank": "BIDVVNVX"}, follow=True)
    assert response.redirect_chain[-1][0] == f"/declarations/{cleared.pk}/"
    assert "cannot be paid" in response.content.decode()


def test_receipts_listed_and_downloadable(client, trader1, assessed):
    failed = payment_start(declaration_id=assessed.pk, user=trader1)
    payment_fail(notice=BankNotice(failed.reference, failed.amount, "failed", "SB-NO"))
    payment = payment_start(declaration_id=assessed.pk, user=trader1)
    _, credited = payment_credit(notice=BankNotice(payment.reference, payment.amount, "success", "SB-YES"))
    html = page(client, trader1, f"/payments/declarations/{assessed.pk}/panel/").content.decode()
    assert 'id="payment-paid-note"' in html and "The declaration is cleared." in html
    assert f'href="/payments/{credited.pk}/receipt/"' in html and 'id="payment-failed"' in html
    assert 'id="pay-button"' not in html and "every 3s" not in html
    response = client.get(f"/payments/{credited.pk}/receipt/")
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert client.get(f"/payments/{failed.pk}/receipt/").status_code == 302  # no receipt: back to the declaration


def test_panel_queries_do_not_grow_with_payments(client, trader1, assessed):
    client.force_login(trader1)
    url = f"/payments/declarations/{assessed.pk}/panel/"
    payment_start(declaration_id=assessed.pk, user=trader1)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(5):
        payment_start(declaration_id=assessed.pk, user=trader1)
    with CaptureQueriesContext(connection) as six:
        client.get(url)
    assert len(six) == len(one)


@pytest.mark.parametrize("role, expected", [("trader1", 403), ("gate_user", 403), ("officer", 200), ("risk_admin", 200)])
def test_reconciliation_pages_are_for_customs_staff(client, request, role, expected):
    user = request.getfixturevalue(role)
    reconciliation_run(statement_date=timezone.localdate() - timedelta(days=1), source="test",
                       content=b"bank_transaction_id,reference,amount,currency,booked_at\n"
                               b"SB9,HQ000000NOBODY0000,100,VND,2026-01-01T10:00:00+07:00\n")
    day = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert page(client, user, "/payments/reconciliation/").status_code == expected
    response = client.get(f"/payments/reconciliation/{day}/")
    assert response.status_code == expected
    if expected == 200:
        html = response.content.decode()
        assert 'data-kind="unknown"' in html and "HQ000000NOBODY0000" in html


def test_reconciliation_pages_need_login(client):
    assert client.get("/payments/reconciliation/").status_code == 302


def test_reconcile_form_queues_the_task(client, officer, django_capture_on_commit_callbacks):
    from unittest import mock

    client.force_login(officer)
    yesterday = timezone.localdate() - timedelta(days=1)
    with mock.patch("payments.tasks.reconcile_task.apply_async") as queued, \
            django_capture_on_commit_callbacks(execute=True):
        response = client.post("/payments/reconciliation/", {"statement_date": yesterday.isoformat()})
        client.post("/payments/reconciliation/", {"statement_date": timezone.localdate().isoformat()})
        client.post("/payments/reconciliation/", {"statement_date": "soon"})
    assert response.status_code == 302
    queued.assert_called_once()
    assert queued.call_args.kwargs["args"] == [yesterday.isoformat(), officer.pk]
