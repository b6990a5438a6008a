"""Fixtures of the payment tests: payable declarations in each status, signed bank callbacks."""
import json
from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from declarations.lifecycle import Status
from declarations.models import Declaration
from payments.signing import signature_compute
from risk.services.assessment import risk_assess
from tests.factories import random_selection_off, registered
from tests.payloads import plain_import_body

CALLBACK_URL = "/api/v1/payments/bank-callback/"


@pytest.fixture
def no_random(db):
    random_selection_off()


@pytest.fixture
def assessed(trader1, no_random) -> Declaration:
    """A green import of trader1 with taxes owed: status assessed, waiting for payment."""
    declaration = registered(trader1, plain_import_body())
    risk_assess(declaration_id=declaration.pk)
    declaration.refresh_from_db()
    assert (declaration.status, declaration.channel, declaration.payment_status) == (Status.ASSESSED, "green", "unpaid")
    assert declaration.amount_due == declaration.tax_total > 0
    return declaration


@pytest.fixture
def declaration_in(trader1, no_random):
    """`declaration_in("under_review")`: a registered declaration of trader1 moved to that status."""

    def make(status: str, **fields) -> Declaration:
        declaration = registered(trader1, plain_import_body())
        channel = {"under_review": "yellow", "under_inspection": "red", "assessed": "green"}.get(status)
        Declaration.objects.filter(pk=declaration.pk).update(status=status, channel=channel, **fields)
        return Declaration.objects.get(pk=declaration.pk)

    return make


def registered_on(declaration: Declaration, when: datetime) -> Declaration:
    Declaration.objects.filter(pk=declaration.pk).update(registered_at=when)
    return Declaration.objects.get(pk=declaration.pk)


def days_ago(n: int) -> datetime:
    return timezone.now() - timedelta(days=n)


def callback_bytes(payment=None, *, reference=None, amount=None, status="success", txn="SB0001", **extra) -> bytes:
    body = {"reference": reference if reference is not None else payment.reference,
            "amount": amount if amount is not None else int(payment.amount),
            "status": status, "bank_transaction_id": txn, **extra}
    return json.dumps(body).encode()


def signed(body: bytes, secret: str | None = None) -> str:
    return signature_compute(body=body, secret=secret if secret is not None else settings.BANK_CALLBACK_SECRET)


@pytest.fixture
def post_callback(client):
    """`post_callback(body_bytes, signature=...)`: the bank's POST, signed correctly unless told otherwise."""

    def post(body: bytes, signature: str | None = "valid"):
        headers = {}
        if signature == "valid":
            headers["HTTP_X_BANK_SIGNATURE"] = signed(body)
        elif signature is not None:
            headers["HTTP_X_BANK_SIGNATURE"] = signature
        return client.post(CALLBACK_URL, data=body, content_type="application/json", **headers)

    return post
