"""Fixtures of the post-clearance tests: declarations released at the gate through the services
(registered, assessed green, paid through the bank flow, released), auditors of an office."""
from datetime import timedelta

import pytest
from django.utils import timezone

from customs_portal.accounts.models import Role
from declarations.models import Declaration
from declarations.services.gate import gate_release
from payments.services.payments import BankNotice, payment_credit, payment_start
from post_clearance.models import AuditRule, ClassPolicy
from reference.models import CustomsOffice
from risk.services.assessment import risk_assess
from tests.factories import UserFactory, random_selection_off, registered
from tests.payloads import plain_import_body


@pytest.fixture
def quiet_selection(db):
    """No random channel selection, no audit rule, no random audit: each test sets what it needs."""
    random_selection_off()
    AuditRule.objects.update(active=False)
    ClassPolicy.objects.update(random_rate=0)


def _pay(declaration: Declaration, user, txn: str, *, on=None):
    payment = payment_start(declaration_id=declaration.pk, user=user, on=on)
    return payment_credit(notice=BankNotice(payment.reference, payment.amount, "success", txn), on=on)[1]


@pytest.fixture
def released(quiet_selection, gate_user):
    """`released(trader, registered_days_ago=0)`: a green import of the trader's, paid and released at the gate
    (the selection queued on commit does not run: tests call the service)."""
    count = [0]

    def make(trader, *, registered_days_ago: int = 0, body=None) -> Declaration:
        count[0] += 1
        declaration = registered(trader, body or plain_import_body())
        if registered_days_ago:
            when = timezone.now() - timedelta(days=registered_days_ago)
            Declaration.objects.filter(pk=declaration.pk).update(registered_at=when)
        risk_assess(declaration_id=declaration.pk)
        declaration.refresh_from_db()
        assert declaration.status == "assessed", declaration.status
        _pay(declaration, trader, f"SB-PCA-{declaration.pk}-{count[0]}")
        declaration.refresh_from_db()
        assert declaration.status == "cleared"
        gate_release(user=gate_user, scanned=declaration.number, container_numbers=[])
        return Declaration.objects.select_related("enterprise").get(pk=declaration.pk)

    return make


@pytest.fixture
def auditor(db):
    """An officer of office 03CE (that of the test declarations) with the post-clearance audit permission."""
    return UserFactory(username="auditor1", role=Role.OFFICER, is_post_clearance_auditor=True,
                       offices=[CustomsOffice.objects.get(pk="03CE")])


@pytest.fixture
def auditor_elsewhere(db):
    office = CustomsOffice.objects.exclude(pk="03CE").order_by("pk").first()
    return UserFactory(username="auditor2", role=Role.OFFICER, is_post_clearance_auditor=True, offices=[office])


def pay(declaration, user, txn, *, on=None):
    return _pay(declaration, user, txn, on=on)
