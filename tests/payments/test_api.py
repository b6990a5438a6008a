"""The payments API through HTTP: starting a payment (authorization matrix), the signed bank
callback (bad signatures change nothing, every bad input has its answer and is recorded),
payment status and receipt."""
import io
import json
import threading

import pytest
from django.db import connections
from pypdf import PdfReader

from customs_portal.audit.models import AuditEvent
from declarations.models import Declaration
from payments.models import LateInterest, Payment, RejectedCallback
from payments.services.callbacks import bank_callback_process
from payments.services.payments import payment_start
from tests.payments.conftest import callback_bytes, signed

pytestmark = pytest.mark.django_db
ROLES = ["anonymous", "trader2", "trader1", "officer", "risk_admin", "gate_user"]


@pytest.fixture
def users(trader1, trader2, officer, risk_admin, gate_user):
    return {"anonymous": None, "trader1": trader1, "trader2": trader2, "officer": officer, "risk_admin": risk_admin,
            "gate_user": gate_user}


@pytest.fixture
def pending(trader1, assessed):
    return payment_start(declaration_id=assessed.pk, user=trader1)


def state(payment):
    """Everything a callback could change."""
    fresh = Payment.objects.get(pk=payment.pk)
    declaration = Declaration.objects.get(pk=payment.declaration_id)
    return (fresh.status, fresh.bank_transaction_id, fresh.receipt_number, fresh.duplicate_callbacks,
            declaration.status, declaration.amount_due, declaration.payment_status,
            AuditEvent.objects.filter(declaration=declaration).count(), LateInterest.objects.count())


# POST /api/v1/declarations/{id}/payments/

@pytest.mark.parametrize("role, expected", [("anonymous", 401), ("trader2", 404), ("trader1", 201), ("officer", 403),
                                            ("risk_admin", 403), ("gate_user", 403)])
def test_start_matrix(users, api_client_for, assessed, role, expected):
    response = api_client_for(users[role]).post(f"/api/v1/declarations/{assessed.pk}/payments/")
    assert response.status_code == expected, response.content
    if expected == 201:
        body = response.json()
        payment = Payment.objects.get()
        assert body == {"id": payment.pk, "reference": payment.reference, "amount": str(assessed.tax_total),
                        "status": "pending", "bank": "",
                        "bank_url": body["bank_url"]}
        assert body["bank_url"].startswith(f"http://testserver/bank-simulator/pay/{payment.reference}/?amount=")
        assert f"return_url=http%3A%2F%2Ftestserver%2Fdeclarations%2F{assessed.pk}%2F" in body["bank_url"]
    else:
        assert not Payment.objects.exists()


def test_start_through_a_bank_chosen(api_client_for, trader1, assessed):
    response = api_client_for(trader1).post(f"/api/v1/declarations/{assessed.pk}/payments/", {"bank": "VBAAVNVX"},
                                            format="json")
    assert response.status_code == 201
    payment = Payment.objects.get()
    assert response.json()["bank"] == payment.bank == "VBAAVNVX"
    assert "&bank=VBAAVNVX" in response.json()["bank_url"]
    listed = api_client_for(trader1).get(f"/api/v1/declarations/{assessed.pk}/payments/").json()
    assert listed[0]["bank"] == "VBAAVNVX"


@pytest.mark.parametrize("bank", ["XXXXVNVX", "bftvvnvx", 17])
def test_start_through_an_unknown_bank_is_400(api_client_for, trader1, assessed, bank):
    response = api_client_for(trader1).post(f"/api/v1/declarations/{assessed.pk}/payments/", {"bank": bank},
                                            format="json")
    assert response.status_code == 400 and list(response.json()) == ["bank"]
    assert not Payment.objects.exists()


def test_start_conflicts(api_client_for, trader1, declaration_in):
    cleared = declaration_in("cleared")
    response = api_client_for(trader1).post(f"/api/v1/declarations/{cleared.pk}/payments/")
    assert response.status_code == 409
    assert response.json()["code"] == "not_payable"
    paid = declaration_in("under_review", amount_due=0, payment_status="paid")
    response = api_client_for(trader1).post(f"/api/v1/declarations/{paid.pk}/payments/")
    assert (response.status_code, response.json()["code"]) == (409, "nothing_due")
    assert api_client_for(trader1).post("/api/v1/declarations/999999999/payments/").status_code == 404


def test_declaration_payments_list(api_client_for, trader1, trader2, officer, pending):
    body = api_client_for(trader1).get(f"/api/v1/declarations/{pending.declaration_id}/payments/").json()
    assert [p["reference"] for p in body] == [pending.reference]
    assert body[0]["bank_url"].startswith("http://testserver/bank-simulator/pay/")
    staff = api_client_for(officer).get(f"/api/v1/declarations/{pending.declaration_id}/payments/").json()
    assert staff[0]["reference"] == pending.reference and staff[0]["bank_url"] is None
    assert api_client_for(trader2).get(f"/api/v1/declarations/{pending.declaration_id}/payments/").status_code == 404


# POST /api/v1/payments/bank-callback/

def test_success_callback_credits_and_clears(post_callback, pending):
    response = post_callback(callback_bytes(pending, txn="SB-API-1"))
    assert response.status_code == 200
    payment = Payment.objects.get(pk=pending.pk)
    assert response.json() == {"result": "credited", "reference": pending.reference, "payment_status": "credited",
                               "receipt_number": payment.receipt_number}
    assert Declaration.objects.get(pk=pending.declaration_id).status == "cleared"


def test_replay_answers_200_and_credits_once(post_callback, pending):
    body = callback_bytes(pending, txn="SB-API-2")
    assert post_callback(body).json()["result"] == "credited"
    before = state(pending)
    replay = post_callback(body)
    assert (replay.status_code, replay.json()["result"]) == (200, "already_credited")
    after = state(pending)
    assert after[:3] == before[:3] and after[4:] == before[4:]
    assert after[3] == before[3] + 1  # the duplicate is counted
    assert not RejectedCallback.objects.exists()


@pytest.mark.parametrize("signature", [
    None,                                   # missing
    "",                                     # empty
    "0" * 64,                               # wrong
    "not-hex-at-all",
    "ff" * 31,                              # too short
    "é" * 64,                               # not ASCII
    "other-secret",                         # signed with another secret
    "tampered",                             # signed body differs from the one sent
])
def test_bad_signature_is_403_and_changes_nothing(post_callback, pending, signature):
    body = callback_bytes(pending, txn="SB-FORGED")
    if signature == "other-secret":
        signature = signed(body, secret="not-the-bank")
    elif signature == "tampered":
        signature = signed(callback_bytes(pending, txn="SB-FORGED", amount=1))
    before = state(pending)
    response = post_callback(body, signature=signature)
    assert response.status_code == 403
    assert response.json()["code"] == "bad_signature"
    assert state(pending) == before
    assert not RejectedCallback.objects.exists()


def test_signature_is_checked_in_any_hex_case(post_callback, pending):
    body = callback_bytes(pending, txn="SB-UPPER")
    assert post_callback(body, signature=signed(body).upper()).status_code == 200


def test_no_secret_configured_refuses_everything(post_callback, pending, settings):
    body = callback_bytes(pending)
    signature = signed(body, secret="")
    settings.BANK_CALLBACK_SECRET = ""
    assert post_callback(body, signature=signature).status_code == 403
    assert Payment.objects.get(pk=pending.pk).status == "pending"


@pytest.mark.parametrize("body, status, reason", [
    (b"{not json", 400, "malformed"),
    (b"\xff\xfe", 400, "malformed"),
    (b"[1, 2]", 400, "malformed"),
    (b"", 400, "malformed"),
    ({"amount": -1}, 400, "invalid"),
    ({"amount": 0}, 400, "invalid"),
    ({"amount": "12.5"}, 400, "invalid"),
    ({"amount": 12.5}, 400, "invalid"),
    ({"amount": True}, 400, "invalid"),
    ({"amount": "1e400"}, 400, "invalid"),
    ({"amount": "NaN"}, 400, "invalid"),
    ({"status": "ok"}, 400, "invalid"),
    ({"reference": ""}, 400, "invalid"),
    ({"bank_transaction_id": None}, 400, "invalid"),
    ({"bank_transaction_id": "x" * 65}, 400, "invalid"),
    ({"reference": "HQ\x00X"}, 400, "invalid"),  # a NUL character (\u0000 in the JSON) was a 500
    ({"bank_transaction_id": "SB\x00"}, 400, "invalid"),
    ({"reference": "HQ000000UNKNOWN00"}, 404, "unknown_reference"),
    ({"amount": "wrong"}, 409, "amount_mismatch"),
])
def test_each_bad_input_has_its_answer_and_is_recorded(post_callback, pending, body, status, reason):
    if isinstance(body, dict):
        fields = {"reference": pending.reference, "amount": int(pending.amount), "status": "success",
                  "bank_transaction_id": "SB-BAD"}
        fields.update(body)
        if fields["amount"] == "wrong":
            fields["amount"] = int(pending.amount) + 1000
        body = json.dumps(fields).encode()
    before = state(pending)
    response = post_callback(body)
    assert response.status_code == status, response.content
    assert response.json()["result"] == "rejected" and response.json()["code"] == reason
    assert state(pending) == before
    rejected = RejectedCallback.objects.get()
    assert (rejected.reason, rejected.http_status) == (reason, status)
    assert rejected.body == body.decode("utf-8", "replace")
    if reason == "amount_mismatch":
        assert (rejected.payment_id, rejected.reference, rejected.amount) == (
            pending.pk, pending.reference, str(int(pending.amount) + 1000))


def test_a_raw_nul_byte_is_malformed_and_recorded_without_it(post_callback, pending):
    body = b'{"reference": "HQ\x00X", "amount": 1, "status": "success", "bank_transaction_id": "SB-NUL"}'
    response = post_callback(body)
    assert response.status_code == 400 and response.json()["code"] == "malformed"
    assert RejectedCallback.objects.get().body == body.decode().replace("\x00", "\\u0000")


@pytest.mark.parametrize("content_type", ["multipart/form-data; boundary=BoUnDaRy", "application/x-www-form-urlencoded"])
def test_a_form_encoded_callback_is_read_as_raw_bytes_too(client, pending, content_type):
    """Its signature is over the raw body, which nothing may have consumed before (a 500 when something had)."""
    body = (b'--BoUnDaRy\r\nContent-Disposition: form-data; name="reference"\r\n\r\nX\r\n--BoUnDaRy--\r\n'
            if content_type.startswith("multipart") else b"reference=X&amount=1")
    response = client.generic("POST", "/api/v1/payments/bank-callback/", body, content_type=content_type,
                              HTTP_X_BANK_SIGNATURE=signed(body))
    assert response.status_code == 400 and response.json()["code"] == "malformed"


def test_amount_as_a_string_of_digits_is_accepted(post_callback, pending):
    assert post_callback(callback_bytes(pending, amount=str(int(pending.amount)))).status_code == 200


def test_failed_callback_then_retry(post_callback, api_client_for, trader1, pending):
    response = post_callback(callback_bytes(pending, status="failed", txn="SB-DECLINED"))
    assert (response.status_code, response.json()["result"]) == (200, "failed")
    assert Declaration.objects.get(pk=pending.declaration_id).status == "assessed"
    retry = api_client_for(trader1).post(f"/api/v1/declarations/{pending.declaration_id}/payments/").json()
    assert retry["reference"] != pending.reference
    assert post_callback(callback_bytes(reference=retry["reference"], amount=int(pending.amount), txn="SB-OK")).json()[
        "result"] == "credited"


def test_callback_for_a_cancelled_declaration_is_kept_for_refund(post_callback, api_client_for, trader1, pending):
    assert api_client_for(trader1).post(f"/api/v1/declarations/{pending.declaration_id}/cancel/", {},
                                        format="json").status_code == 200
    response = post_callback(callback_bytes(pending, txn="SB-LATE"))
    assert (response.status_code, response.json()["result"]) == (200, "credited")
    payment = Payment.objects.get(pk=pending.pk)
    assert (payment.applied_amount, payment.refund_due) == (0, pending.amount)
    assert Declaration.objects.get(pk=pending.declaration_id).status == "cancelled"


def test_callback_arriving_before_the_payment_is_committed(pending, settings):
    """The payment exists only in this test's open transaction: a callback on another connection
    cannot see it, is answered 404 (the bank retries) and recorded; once visible, the retry credits."""
    body = callback_bytes(pending, txn="SB-EARLY")
    signature = signed(body)
    seen = {}

    def bank():
        try:
            outcome = bank_callback_process(body=body, signature=signature)
            seen["status"], seen["body"] = outcome.http_status, outcome.body
            seen["recorded"] = list(RejectedCallback.objects.values_list("reason", "reference"))
            RejectedCallback.objects.all().delete()  # committed on that connection: leave the database clean
        finally:
            connections.close_all()

    thread = threading.Thread(target=bank)
    thread.start()
    thread.join()
    assert (seen["status"], seen["body"]["code"]) == (404, "unknown_reference")
    assert seen["recorded"] == [("unknown_reference", pending.reference)]
    assert Payment.objects.get(pk=pending.pk).status == "pending"
    retry = bank_callback_process(body=body, signature=signature)
    assert (retry.http_status, retry.body["result"]) == (200, "credited")


# GET /api/v1/payments/{id}/ and its receipt

@pytest.mark.parametrize("role, expected", [("anonymous", 401), ("trader2", 404), ("trader1", 200), ("officer", 200),
                                            ("risk_admin", 200), ("gate_user", 403)])
def test_payment_detail_matrix(users, api_client_for, pending, role, expected):
    response = api_client_for(users[role]).get(f"/api/v1/payments/{pending.pk}/")
    assert response.status_code == expected
    if expected == 200:
        body = response.json()
        assert (body["reference"], body["status"], body["amount"], body["receipt_url"]) == (
            pending.reference, "pending", str(pending.amount), None)
        assert (body["bank_url"] is not None) == (role == "trader1")


@pytest.mark.parametrize("role, expected", [("anonymous", 401), ("trader2", 404), ("trader1", 200), ("officer", 200),
                                            ("gate_user", 403)])
def test_receipt_matrix(users, api_client_for, post_callback, pending, role, expected):
    post_callback(callback_bytes(pending, txn="SB-RECEIPT"))
    response = api_client_for(users[role]).get(f"/api/v1/payments/{pending.pk}/receipt/")
    assert response.status_code == expected
    if expected == 200:
        payment = Payment.objects.get(pk=pending.pk)
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == f'attachment; filename="bien-lai-{payment.receipt_number}.pdf"'
        text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
        declaration = payment.declaration
        for expected_text in (payment.receipt_number, declaration.number, "SB-RECEIPT", declaration.enterprise.name,
                              declaration.enterprise.tax_code, "Biên lai thu thuế", "Thuế nhập khẩu",
                              "Thuế giá trị gia tăng", "Tổng cục Hải quan"):
            assert expected_text.lower() in text.lower(), expected_text


def test_no_receipt_before_credit(api_client_for, trader1, pending):
    response = api_client_for(trader1).get(f"/api/v1/payments/{pending.pk}/receipt/")
    assert (response.status_code, response.json()["code"]) == (409, "no_receipt")


def test_receipt_amounts_per_tax(api_client_for, trader1, post_callback, pending):
    from declarations.services.pdf import vn_number

    post_callback(callback_bytes(pending, txn="SB-TAXES"))
    declaration = Declaration.objects.get(pk=pending.declaration_id)
    pdf = api_client_for(trader1).get(f"/api/v1/payments/{pending.pk}/receipt/").content
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    for amount in (declaration.import_duty, declaration.vat, declaration.tax_total):
        assert vn_number(amount) in text
