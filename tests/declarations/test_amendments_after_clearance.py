"""Amendments after clearance (khai bổ sung sau thông quan; issue 18): within 60 days of clearance,
before a post-clearance audit is opened, reviewed by an officer of the declaration's office; the
difference in taxes is owed (with late interest from the original due date) or to be refunded."""
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from customs_portal.audit.models import AuditEvent
from customs_portal.errors import DomainConflict
from declarations.models import AmendmentDifference, AmendmentRequest, Declaration, DeclarationVersion
from declarations.services.amendments import declaration_amend, declaration_amendment_difference
from declarations.services.gate import gate_release
from declarations.services.review import declaration_decide
from payments.services.payments import BankNotice, payment_credit, payment_start
from post_clearance.models import Audit
from reference.models import CustomsOffice
from tests.factories import UserFactory, cleared_import, fewer_t_shirts, more_t_shirts

pytestmark = pytest.mark.django_db


@pytest.fixture
def cleared(trader1):
    """trader1's keyboards and T-shirts: registered, assessed green, paid through the bank: cleared."""
    return cleared_import(trader1)


URL = "/api/v1/declarations/"
HCM = ZoneInfo("Asia/Ho_Chi_Minh")

# The cleared declaration, hand-computed: USD at 26,345 VND; FOB, freight 1,200 + insurance 80 spread
# over the lines by value (5,500). Keyboards 8471.60.30: 0 % duty, 10 % VAT; T-shirts 6109.10.10: 20 %
# MFN duty, 10 % VAT. Keyboards taxable 81,190,500, VAT 8,119,050; T-shirts taxable 97,428,600, duty
# 19,485,720, VAT 10 % of 116,914,320 = 11,691,432.
BEFORE = {"import_duty": Decimal("19485720"), "vat": Decimal("8119050") + Decimal("11691432")}


MORE_T_SHIRTS = {"import_duty": Decimal("5173200"), "vat": Decimal("2888370")}


FEWER_T_SHIRTS = {"import_duty": Decimal("10001520"), "vat": Decimal("6216462")}


def local_day(declaration, days: int, at: time) -> datetime:
    """`at` o'clock (Vietnam) on the `days`-th day after the day the declaration was cleared."""
    day = timezone.localdate(declaration.cleared_at) + timedelta(days=days)
    return datetime.combine(day, at, tzinfo=HCM)


def requests_of(declaration) -> list[str]:
    return list(AmendmentRequest.objects.filter(declaration=declaration).values_list("status", flat=True))


# --- When the trader may amend -----------------------------------------------------------------


def test_taxes_are_hand_computed_as_cleared(cleared):
    assert (cleared.import_duty, cleared.vat, cleared.tax_total) == (
        BEFORE["import_duty"], BEFORE["vat"], Decimal("39296202"))


def test_day_60_is_the_last_day_and_day_61_is_refused(cleared, trader1):
    with time_machine.travel(local_day(cleared, 61, time(0, 5)), tick=False):
        with pytest.raises(DomainConflict) as refused:
            declaration_amend(declaration=cleared, user=trader1, data=more_t_shirts(cleared), reason="late")
    deadline = timezone.localdate(cleared.cleared_at) + timedelta(days=60)
    assert refused.value.code == "amendment_period_over"
    assert deadline.strftime("%d/%m/%Y") in str(refused.value)
    assert requests_of(cleared) == []

    with time_machine.travel(local_day(cleared, 60, time(23, 55)), tick=False):
        amended = declaration_amend(declaration=cleared, user=trader1, data=more_t_shirts(cleared), reason="1,300 shipped")
    assert (amended.status, amended.version, amended.tax_total) == ("cleared", 1, Decimal("39296202"))
    assert requests_of(cleared) == ["pending"]
    event = AuditEvent.objects.filter(declaration=cleared).order_by("-id").first()
    assert (event.action, event.from_status, event.to_status, event.actor) == ("request_amendment", "cleared", "cleared", trader1)
    assert (event.data["additional"], event.data["refund"]) == ({"import_duty": "5173200", "vat": "2888370"}, {})


def test_the_preview_shows_the_difference_per_tax_before_sending(cleared):
    preview = declaration_amendment_difference(declaration=cleared, data=more_t_shirts(cleared))
    assert (preview["additional"], preview["refund"], preview["additional_total"]) == (
        MORE_T_SHIRTS, {}, Decimal("8061570"))
    assert preview["deadline"] == timezone.localdate(cleared.cleared_at) + timedelta(days=60)
    assert preview["due_date"] == timezone.localdate(cleared.registered_at)
    preview = declaration_amendment_difference(declaration=cleared, data=fewer_t_shirts(cleared))
    assert (preview["additional"], preview["refund"], preview["refund_total"]) == ({}, FEWER_T_SHIRTS, Decimal("16217982"))
    assert requests_of(cleared) == []


def test_an_opened_post_clearance_audit_closes_the_door_a_selection_alone_does_not(cleared, trader1, gate_user):
    gate_release(user=gate_user, scanned=cleared.number, container_numbers=[])
    released = Declaration.objects.get(pk=cleared.pk)
    audit = Audit.objects.create(declaration=released, customs_office_id=released.customs_office_id, status="selected",
                                 selected_at=timezone.now(), deadline=timezone.localdate() + timedelta(days=1000))
    declaration_amend(declaration=released, user=trader1, data=more_t_shirts(released), reason="r")
    AmendmentRequest.objects.filter(declaration=released).update(status="refused")
    Audit.objects.filter(pk=audit.pk).update(status="open", opened_at=timezone.now())
    with pytest.raises(DomainConflict) as refused:
        declaration_amend(declaration=released, user=trader1, data=fewer_t_shirts(released), reason="r")
    assert refused.value.code == "post_clearance_audit"
    assert requests_of(released) == ["refused"]


def test_one_request_waits_at_a_time(cleared, trader1):
    declaration_amend(declaration=cleared, user=trader1, data=more_t_shirts(cleared), reason="r")
    with pytest.raises(DomainConflict) as refused:
        declaration_amend(declaration=cleared, user=trader1, data=fewer_t_shirts(cleared), reason="r")
    assert refused.value.code == "amendment_pending"
    assert requests_of(cleared) == ["pending"]


# --- The officer's decision and what it leaves to pay or to refund -----------------------------


def test_accepted_additional_tax_is_owed_with_interest_from_the_original_due_date_and_paid(cleared, trader1, officer):
    """Accepted 20 days after registration and paid 25 days after: late days 24 (the day of payment is
    not late), interest 8,061,570 x 0.03 % x 24 = 58,043.30 -> 58,043 VND."""
    registered_on = timezone.localdate(cleared.registered_at)
    with time_machine.travel(datetime.combine(registered_on + timedelta(days=20), time(10), tzinfo=HCM), tick=False):
        declaration_amend(declaration=cleared, user=trader1, data=more_t_shirts(cleared), reason="1,300 shipped")
        declaration_decide(declaration_id=cleared.pk, officer=officer, action="accept_amendment", note="Checked the invoice.")
    declaration = Declaration.objects.get(pk=cleared.pk)
    assert (declaration.status, declaration.version, declaration.import_duty, declaration.vat) == (
        "cleared", 2, BEFORE["import_duty"] + MORE_T_SHIRTS["import_duty"], BEFORE["vat"] + MORE_T_SHIRTS["vat"])
    assert DeclarationVersion.objects.get(declaration=declaration, version=1).taxes["total"] == "39296202"
    difference = AmendmentDifference.objects.get(declaration=declaration)
    assert (difference.taxes, difference.tax_amount, difference.refunds, difference.refund_status, difference.due_date) == (
        {"import_duty": "5173200", "vat": "2888370"}, Decimal("8061570"), {}, "", registered_on)
    interest_on_day_20 = Decimal("45951")  # 8,061,570 x 0.0003 x 19 = 45,950.95
    assert (declaration.payment_status, declaration.amount_due) == ("unpaid", Decimal("8061570") + interest_on_day_20)
    event = AuditEvent.objects.filter(declaration=declaration).order_by("-id").first()
    assert (event.action, event.from_status, event.to_status, event.actor, event.reason) == (
        "accept_amendment", "cleared", "cleared", officer, "Checked the invoice.")
    assert (event.data["additional"], event.data["refund"], event.data["due_date"]) == (
        {"import_duty": "5173200", "vat": "2888370"}, {}, registered_on.isoformat())

    paid_on = registered_on + timedelta(days=25)
    payment = payment_start(declaration_id=declaration.pk, user=trader1, on=paid_on)
    interest = Decimal("58043")
    assert (payment.amount, payment.tax_amount, payment.interest_amount) == (Decimal("8061570") + interest, Decimal("8061570"), interest)
    assert payment.breakdown == {"import_duty": "5173200", "vat": "2888370", "late_interest": "58043"}
    outcome, credited = payment_credit(notice=BankNotice(payment.reference, payment.amount, "success", "SB-AAC-ADD"), on=paid_on)
    assert (outcome, credited.applied_tax, credited.applied_interest, credited.refund_due) == (
        "credited", Decimal("8061570"), interest, 0)
    difference.refresh_from_db()
    assert (difference.tax_paid, difference.interest_fixed, difference.interest_paid) == (Decimal("8061570"), interest, interest)
    assert difference.settled_at is not None
    declaration.refresh_from_db()
    assert (declaration.status, declaration.payment_status, declaration.amount_due) == ("cleared", "paid", 0)
    with pytest.raises(DomainConflict):
        payment_start(declaration_id=declaration.pk, user=trader1, on=paid_on)


def test_a_lower_tax_is_recorded_to_be_refunded_without_interest(cleared, trader1, officer):
    declaration_amend(declaration=cleared, user=trader1, data=fewer_t_shirts(cleared), reason="500 shipped")
    declaration_decide(declaration_id=cleared.pk, officer=officer, action="accept_amendment")
    declaration = Declaration.objects.get(pk=cleared.pk)
    difference = AmendmentDifference.objects.get(declaration=declaration)
    assert (difference.taxes, difference.tax_amount, difference.refunds, difference.refund_amount, difference.refund_status) == (
        {}, 0, {"import_duty": "10001520", "vat": "6216462"}, Decimal("16217982"), "to_be_refunded")
    assert difference.settled_at is not None  # nothing to pay
    assert (declaration.status, declaration.version, declaration.tax_total, declaration.payment_status, declaration.amount_due) == (
        "cleared", 2, Decimal("39296202") - Decimal("16217982"), "paid", 0)
    with pytest.raises(DomainConflict):
        payment_start(declaration_id=declaration.pk, user=trader1)


def test_a_refusal_needs_a_reason_and_changes_nothing(cleared, trader1, officer):
    declaration_amend(declaration=cleared, user=trader1, data=more_t_shirts(cleared), reason="r")
    from customs_portal.errors import DomainValidationError
    with pytest.raises(DomainValidationError):
        declaration_decide(declaration_id=cleared.pk, officer=officer, action="refuse_amendment")
    declaration_decide(declaration_id=cleared.pk, officer=officer, action="refuse_amendment", note="The invoice says 1,000.")
    declaration = Declaration.objects.get(pk=cleared.pk)
    assert (declaration.status, declaration.version, declaration.tax_total, declaration.amount_due) == (
        "cleared", 1, Decimal("39296202"), 0)
    assert requests_of(cleared) == ["refused"]
    assert AmendmentRequest.objects.get(declaration=cleared).decision_note == "The invoice says 1,000."
    assert not AmendmentDifference.objects.exists()


def test_a_released_declaration_stays_released(cleared, trader1, officer, gate_user):
    gate_release(user=gate_user, scanned=cleared.number, container_numbers=[])
    released = Declaration.objects.get(pk=cleared.pk)
    declaration_amend(declaration=released, user=trader1, data=more_t_shirts(released), reason="r")
    declaration_decide(declaration_id=released.pk, officer=officer, action="accept_amendment")
    released.refresh_from_db()
    assert (released.status, released.version, released.payment_status) == ("released", 2, "unpaid")


def test_the_gate_releases_a_cleared_declaration_that_owes_an_amendment_s_tax(cleared, trader1, officer, gate_user):
    declaration_amend(declaration=cleared, user=trader1, data=more_t_shirts(cleared), reason="r")
    declaration_decide(declaration_id=cleared.pk, officer=officer, action="accept_amendment")
    assert Declaration.objects.get(pk=cleared.pk).payment_status == "unpaid"
    released = gate_release(user=gate_user, scanned=cleared.number, container_numbers=[])
    assert released.status == "released"


# --- Through the API, and who may --------------------------------------------------------------


def test_api_preview_request_and_decision(cleared, trader1, officer, api_client_for):
    trader_api, officer_api = api_client_for(trader1), api_client_for(officer)
    body = {"items": [{key: str(value) if isinstance(value, Decimal) else value for key, value in item.items()}
                      for item in more_t_shirts(cleared)["items"]],
            "invoice": {"total": "6400.00"}, "reason": "1,300 shipped"}
    preview = trader_api.post(f"{URL}{cleared.pk}/amend/preview/", body, format="json")
    assert preview.status_code == 200, preview.json()
    deadline = (timezone.localdate(cleared.cleared_at) + timedelta(days=60)).isoformat()
    assert preview.json() == {
        "deadline": deadline, "due_date": timezone.localdate(cleared.registered_at).isoformat(),
        "additional": {"import_duty": "5173200", "vat": "2888370"}, "refund": {},
        "additional_total": "8061570", "refund_total": "0"}
    assert requests_of(cleared) == []

    response = trader_api.post(f"{URL}{cleared.pk}/amend/", body, format="json")
    assert response.status_code == 202, response.json()
    assert (response.json()["status"], response.json()["amendment_request"]["status"]) == ("cleared", "pending")
    decided = officer_api.post(f"{URL}{cleared.pk}/decisions/", {"action": "accept_amendment"}, format="json")
    assert decided.status_code == 201, decided.json()
    fresh = trader_api.get(f"{URL}{cleared.pk}/").json()
    assert (fresh["status"], fresh["version"], fresh["amendment_request"]["status"]) == ("cleared", 2, "accepted")
    assert fresh["amendment_request"]["difference"] == {
        "additional": {"import_duty": "5173200", "vat": "2888370"}, "additional_total": "8061570",
        "refund": {}, "refund_total": "0", "refund_status": "", "due_date": timezone.localdate(cleared.registered_at).isoformat()}


def test_only_the_trader_s_enterprise_requests_and_only_an_officer_of_the_office_decides(
        cleared, trader1, trader2, officer, api_client_for):
    other = api_client_for(trader2)
    assert other.post(f"{URL}{cleared.pk}/amend/", {"packages": 13}, format="json").status_code == 404
    assert other.post(f"{URL}{cleared.pk}/amend/preview/", {"packages": 13}, format="json").status_code == 404
    assert requests_of(cleared) == []
    declaration_amend(declaration=cleared, user=trader1, data=more_t_shirts(cleared), reason="r")
    elsewhere = UserFactory(username="officer-elsewhere", role="officer",
                            offices=[CustomsOffice.objects.exclude(pk=cleared.customs_office_id).order_by("pk").first()])
    refused = api_client_for(elsewhere).post(f"{URL}{cleared.pk}/decisions/", {"action": "accept_amendment"}, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "wrong_office"
    assert api_client_for(trader1).post(f"{URL}{cleared.pk}/decisions/", {"action": "accept_amendment"},
                                        format="json").status_code == 403
    assert requests_of(cleared) == ["pending"]
    assert Declaration.objects.get(pk=cleared.pk).version == 1
