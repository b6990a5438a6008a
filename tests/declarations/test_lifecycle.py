"""The state machine over every status × action, through the services that perform each action.

The expected table below is written from domain.md ("Lifecycle", "Channels", "Gate release"),
independently of declarations/lifecycle.py: a change to either shows here.
"""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from customs_portal.audit.models import AuditEvent
from customs_portal.errors import DomainConflict
from declarations.lifecycle import Status
from declarations.models import Declaration, InspectionResult
from declarations.services.amendments import declaration_amend
from declarations.services.declarations import (
    declaration_as_data,
    declaration_submit,
    declaration_update,
)
from declarations.services.gate import gate_release
from declarations.services.limits import draft_expire
from declarations.services.review import declaration_cancel, declaration_decide
from declarations.services.verification import qr_payload
from risk.services.assessment import risk_assess
from tests.factories import parsed, registered
from tests.payloads import plain_import_body

pytestmark = pytest.mark.django_db

ALLOWED = {
    "edit": {"draft"},
    "submit": {"draft"},
    "assess": {"registered"},
    "request_documents": {"under_review", "under_inspection"},
    "escalate": {"under_review"},
    "record_inspection": {"under_inspection"},
    "assess_duty": {"under_review", "under_inspection"},
    "release": {"under_review", "under_inspection"},
    "reject": {"under_review", "under_inspection"},
    "cancel": {"draft", "registered", "assessed", "under_review", "under_inspection"},
    # The trader's amendment: applied and re-assessed before customs holds the declaration, a request
    # for the officer in charge (status unchanged) once it is under review or inspection.
    # After clearance (within 60 days: tests/declarations/test_amendments_after_clearance.py) a request too.
    "amend": {"registered", "assessed", "under_review", "under_inspection", "cleared", "released"},
    "accept_amendment": {"under_review", "under_inspection", "cleared", "released"},
    "refuse_amendment": {"under_review", "under_inspection", "cleared", "released"},
    "gate_release": {"cleared"},
    # The system: a draft untouched for 7 days (declarations/services/limits.py).
    "expire": {"draft"},
}
EXPECTED_STATUS = {
    "edit": "draft", "submit": "registered", "request_documents": None, "assess_duty": None, "escalate": "under_inspection",
    "record_inspection": "under_inspection", "reject": "rejected", "cancel": "cancelled",
    "gate_release": "released", "expire": "expired",
}
HELD = {"under_review", "under_inspection"}
REQUESTED = HELD | {"cleared", "released"}  # an amendment is a request for the officer


def changed_body(declaration) -> dict:
    data = declaration_as_data(declaration=declaration)
    data["packages"] += 1
    return data


def perform(action, declaration, *, trader, officer, gate):
    if action == "edit":
        return declaration_update(declaration=declaration, user=trader, data=declaration_as_data(declaration=declaration))
    if action == "submit":
        return declaration_submit(declaration_id=declaration.pk, user=trader)
    if action == "assess":
        if risk_assess(declaration_id=declaration.pk) is None:
            raise DomainConflict("not assessable")
        return None
    if action == "cancel":
        return declaration_cancel(declaration_id=declaration.pk, user=trader)
    if action == "amend":
        return declaration_amend(declaration=declaration, user=trader, data=changed_body(declaration), reason="r")
    if action == "assess_duty":  # on an item whose duty a special rule of the tariff leaves to the officer
        declaration.items.filter(line_no=1).update(duty_assessment="to_be_assessed")
        return declaration_decide(declaration_id=declaration.pk, officer=officer, action=action, reason="r",
                                  duties=[{"line_no": 1, "rate": Decimal("5"), "amount": None}])
    if action == "expire":  # the sweep passes over what is not an old draft: refused here as a conflict
        if not draft_expire(declaration_id=declaration.pk, now=timezone.now() + timedelta(days=8)):
            raise DomainConflict("not an expirable draft")
        return None
    if action == "gate_release":
        return gate_release(user=gate, scanned=qr_payload(number=declaration.number), container_numbers=["CSQU3054383"])
    return declaration_decide(declaration_id=declaration.pk, officer=officer, action=action, note="n", reason="r",
                              discrepancy=False, findings="")


@pytest.mark.parametrize("action", sorted(ALLOWED))
@pytest.mark.parametrize("status", Status.values)
def test_status_by_action(status, action, trader1, officer, gate_user):
    declaration = registered(trader1, plain_import_body())
    channel = {"under_review": "yellow", "under_inspection": "red"}.get(status, "green")
    Declaration.objects.filter(pk=declaration.pk).update(status=status, channel=None if status in ("draft", "registered") else channel,
                                                         cleared_at=timezone.now() if status in ("cleared", "released") else None)
    if status == "under_inspection":
        InspectionResult.objects.create(declaration=declaration, declaration_version=1, inspected_by=officer,
                                        discrepancy=False, tax_total_before=0, tax_total_after=0)
    declaration.refresh_from_db()
    if action in ("accept_amendment", "refuse_amendment") and status in REQUESTED:  # a pending request to decide
        declaration = declaration_amend(declaration=declaration, user=trader1, data=changed_body(declaration), reason="r")
    events_before = AuditEvent.objects.filter(declaration=declaration).count()

    if status in ALLOWED[action]:
        perform(action, declaration, trader=trader1, officer=officer, gate=gate_user)
        declaration.refresh_from_db()
        expected = EXPECTED_STATUS.get(action) or status
        if action == "release":
            expected = "assessed"  # taxes are owed and unpaid: the green light waits for payment
        if action == "amend" and status not in REQUESTED:
            expected = "registered"
        if action == "assess":
            assert declaration.status in {"assessed", "under_review", "under_inspection", "cleared"}
        else:
            assert declaration.status == expected
        assert AuditEvent.objects.filter(declaration=declaration).count() > events_before
    else:
        with pytest.raises(DomainConflict):
            perform(action, declaration, trader=trader1, officer=officer, gate=gate_user)
        after = Declaration.objects.get(pk=declaration.pk)
        assert after.status == status
        assert AuditEvent.objects.filter(declaration=declaration).count() == events_before


def test_release_of_a_red_declaration_needs_an_inspection_first(trader1, officer):
    declaration = registered(trader1, plain_import_body())
    Declaration.objects.filter(pk=declaration.pk).update(status="under_inspection", channel="red")
    with pytest.raises(DomainConflict, match="Record the result"):
        declaration_decide(declaration_id=declaration.pk, officer=officer, action="release")
    declaration_decide(declaration_id=declaration.pk, officer=officer, action="record_inspection", discrepancy=True,
                       findings="200 pieces more than declared")
    declaration_decide(declaration_id=declaration.pk, officer=officer, action="release", note="duty on the difference paid")
    assert Declaration.objects.get(pk=declaration.pk).status == "assessed"
    inspection = InspectionResult.objects.get(declaration=declaration)
    assert inspection.discrepancy and inspection.findings == "200 pieces more than declared"


def test_release_with_nothing_owed_clears(trader1, officer):
    declaration = registered(trader1, plain_import_body())
    Declaration.objects.filter(pk=declaration.pk).update(status="under_review", channel="yellow", amount_due=0,
                                                         payment_status="not_due")
    declaration_decide(declaration_id=declaration.pk, officer=officer, action="release")
    declaration.refresh_from_db()
    assert declaration.status == "cleared" and declaration.cleared_at is not None


@pytest.mark.parametrize(
    "action, kwargs, field",
    [
        ("reject", {}, "reason"),
        ("request_documents", {}, "note"),
        ("escalate", {}, "note"),
        ("record_inspection", {}, "discrepancy"),
        ("record_inspection", {"discrepancy": True}, "findings"),
    ],
)
def test_decisions_need_their_fields(trader1, officer, action, kwargs, field):
    from customs_portal.errors import DomainValidationError

    declaration = registered(trader1, plain_import_body())
    status = "under_inspection" if action == "record_inspection" else "under_review"
    Declaration.objects.filter(pk=declaration.pk).update(status=status)
    with pytest.raises(DomainValidationError) as error:
        declaration_decide(declaration_id=declaration.pk, officer=officer, action=action, **kwargs)
    assert field in error.value.errors
    assert Declaration.objects.get(pk=declaration.pk).status == status


def test_escalation_turns_the_channel_red(trader1, officer):
    declaration = registered(trader1, plain_import_body())
    Declaration.objects.filter(pk=declaration.pk).update(status="under_review", channel="yellow")
    declaration_decide(declaration_id=declaration.pk, officer=officer, action="escalate", note="seal broken")
    declaration.refresh_from_db()
    assert (declaration.status, declaration.channel) == ("under_inspection", "red")
    event = AuditEvent.objects.filter(declaration=declaration, action="escalate").get()
    assert (event.from_status, event.to_status, event.actor, event.reason) == ("under_review", "under_inspection", officer, "seal broken")


def test_officer_of_another_office_cannot_decide(trader1, officer):
    from reference.models import CustomsOffice

    officer.all_offices = False
    officer.save()
    officer.offices.set([CustomsOffice.objects.exclude(code="03CE").first()])
    declaration = registered(trader1, plain_import_body())
    Declaration.objects.filter(pk=declaration.pk).update(status="under_review")
    with pytest.raises(DomainConflict, match="office"):
        declaration_decide(declaration_id=declaration.pk, officer=officer, action="release")


class TestGate:
    @pytest.fixture
    def cleared(self, trader1):
        declaration = registered(trader1, plain_import_body())
        Declaration.objects.filter(pk=declaration.pk).update(status="cleared", channel="green")
        return Declaration.objects.get(pk=declaration.pk)

    def test_release_by_qr_and_by_number(self, cleared, gate_user):
        released = gate_release(user=gate_user, scanned=qr_payload(number=cleared.number), container_numbers=["csqu 305438 3"])
        assert released.status == "released" and released.released_at
        assert released.gate_release.container_numbers == ["CSQU3054383"]
        with pytest.raises(DomainConflict, match="already left the area"):
            gate_release(user=gate_user, scanned=cleared.number, container_numbers=[])

    def test_tampered_unknown_and_not_cleared(self, cleared, gate_user, trader1):
        from customs_portal.errors import DomainValidationError

        payload = qr_payload(number=cleared.number)
        forged = payload.replace(cleared.number, str(int(cleared.number) + 1))
        with pytest.raises(DomainConflict, match="verification code"):
            gate_release(user=gate_user, scanned=forged, container_numbers=[])
        with pytest.raises(DomainConflict, match="No declaration"):
            gate_release(user=gate_user, scanned="109999999999", container_numbers=[])
        pending = registered(trader1, plain_import_body())
        with pytest.raises(DomainConflict, match="not cleared"):
            gate_release(user=gate_user, scanned=pending.number, container_numbers=[])
        with pytest.raises(DomainValidationError):
            gate_release(user=gate_user, scanned="12ab", container_numbers=[])
        with pytest.raises(DomainValidationError):
            gate_release(user=gate_user, scanned=cleared.number, container_numbers=["CSQU3054384"])
        assert Declaration.objects.get(pk=cleared.pk).status == "cleared"


def test_inspection_that_finds_other_goods_reassesses_the_taxes(trader1, officer):
    from decimal import Decimal

    declaration = registered(trader1, plain_import_body())
    Declaration.objects.filter(pk=declaration.pk).update(status="under_inspection", channel="red")
    declaration.refresh_from_db()
    before_total, before_due = declaration.tax_total, declaration.amount_due
    found = [dict(item) for item in parsed(plain_import_body())["items"]]
    found[1]["quantity"] = Decimal("2000")  # twice the T-shirts declared
    declaration_decide(declaration_id=declaration.pk, officer=officer, action="record_inspection", discrepancy=True,
                       findings="2,000 T-shirts, not 1,000", items=found)
    declaration.refresh_from_db()
    inspection = InspectionResult.objects.get(declaration=declaration)
    assert inspection.tax_total_before == before_total and inspection.tax_total_after == declaration.tax_total
    assert declaration.tax_total > before_total
    assert declaration.amount_due == before_due + (declaration.tax_total - before_total)
    assert declaration.invoice_total == Decimal("8500.00")
    assert [item["quantity"] for item in inspection.goods_before] == ["200.000", "1000.000"]
    assert declaration.items.get(line_no=2).quantity == Decimal("2000")
    assert declaration.status == "under_inspection"
    event = AuditEvent.objects.get(declaration=declaration, action="record_inspection")
    assert event.data["tax_total_after"] == str(declaration.tax_total)
