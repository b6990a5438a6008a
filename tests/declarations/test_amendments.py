"""The amendment workflow through the API (declarations/services/amendments.py; issue 12, finding 2).

Before customs holds a declaration, the trader's amendment applies and the declaration is assessed
again (never to a lower channel: tests/risk/test_assessment.py). Once it is under review or
inspection, an amendment is a request that the officer in charge accepts or refuses; it never goes
back to a fresh automated draw. The two attacks that were reproduced against the running portal are
the first tests below.
"""
from decimal import Decimal

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.test import override_settings
from django.utils import timezone

from customs_portal.audit.models import AuditEvent
from declarations.live import enterprise_group
from declarations.models import (
    AmendmentRequest,
    Declaration,
    DeclarationVersion,
)
from payments.services.payments import BankNotice, payment_credit, payment_start
from reference.models import CustomsOffice
from risk.models import Assessment
from risk.services.assessment import risk_assess
from risk.services.rules import risk_rule_create
from tests.factories import CIGARETTES, class_caps_off, parsed, random_selection_off, registered
from tests.payloads import plain_import_body

pytestmark = pytest.mark.django_db
URL = "/api/v1/declarations/"
PENDING_MESSAGE = ("Awaits the decision of the officer in charge: until then the declaration keeps its content, "
                   "status and channel.")


@pytest.fixture
def rules(risk_admin):
    """No random selection nor caps per class; keyboards (HS 847160) score 30, yellow; tobacco is red."""
    random_selection_off()
    class_caps_off()
    risk_rule_create(user=risk_admin, data={
        "name": "Keyboards", "conditions": [{"field": "items.hs_code", "op": "startswith", "value": "847160"}], "score": 30,
        "active": True})
    risk_rule_create(user=risk_admin, data={
        "name": "Tobacco", "conditions": [{"field": "items.hs_code", "op": "startswith", "value": "2402"}],
        "score": 50, "min_channel": "red", "active": True})


@pytest.fixture
def yellow(rules, trader1):
    """trader1's keyboards and T-shirts, assessed yellow: under document review."""
    declaration = registered(trader1, plain_import_body())
    assert risk_assess(declaration_id=declaration.pk).channel == "yellow"
    declaration.refresh_from_db()
    assert declaration.status == "under_review"
    return declaration


@pytest.fixture
def trader_api(trader1, api_client_for):
    return api_client_for(trader1)


@pytest.fixture
def officer_api(officer, api_client_for):
    return api_client_for(officer)


def t_shirts_only() -> dict:
    """The same shipment without the keyboards: green under the rules above."""
    body = plain_import_body()
    return {"items": body["items"][1:], "invoice": {"total": "3000.00"}, "reason": "The keyboards were not shipped."}


def state(declaration) -> tuple:
    fresh = Declaration.objects.get(pk=declaration.pk)
    return (fresh.status, fresh.channel, fresh.version, fresh.packages, fresh.tax_total,
            list(fresh.items.order_by("line_no").values_list("hs_code", "quantity")))


def assessments_of(declaration) -> list[tuple]:
    return list(Assessment.objects.filter(declaration=declaration).order_by("declaration_version")
                .values_list("declaration_version", "channel"))


def decide(client, declaration, action, **body):
    return client.post(f"{URL}{declaration.pk}/decisions/", {"action": action, **body}, format="json")


# --- The two attacks ---------------------------------------------------------------------------


def test_an_inspection_order_survives_an_amendment(yellow, trader_api, officer_api):
    """Escalated to physical inspection, then amended "with no change": it used to be re-assessed yellow."""
    assert decide(officer_api, yellow, "escalate", note="The seals do not match.").status_code == 201
    escalated = state(yellow)
    events = AuditEvent.objects.filter(declaration=yellow).count()

    unchanged = trader_api.post(f"{URL}{yellow.pk}/amend/", {"reason": "No change."}, format="json")
    risk_assess(declaration_id=yellow.pk)  # as the worker would, had anything been queued

    assert unchanged.status_code == 400
    assert unchanged.json() == {"non_field_errors": [
        "This amendment changes nothing in the declaration: there is nothing for customs to decide."]}
    assert state(yellow) == escalated and escalated[:3] == ("under_inspection", "red", 1)
    assert assessments_of(yellow) == [(1, "yellow")]
    assert AuditEvent.objects.filter(declaration=yellow).count() == events

    changed = trader_api.post(f"{URL}{yellow.pk}/amend/", {"packages": 13, "reason": "Recounted."}, format="json")
    risk_assess(declaration_id=yellow.pk)

    assert changed.status_code == 202
    assert (changed.json()["status"], changed.json()["channel"], changed.json()["version"]) == ("under_inspection", "red", 1)
    assert changed.json()["amendment_request"]["status"] == "pending"
    assert state(yellow) == escalated
    assert assessments_of(yellow) == [(1, "yellow")]


def test_other_goods_do_not_turn_a_yellow_declaration_green_and_clear_it(yellow, trader1, trader_api, officer_api):
    """Amended to goods no rule selects: it used to be re-assessed green and clear itself once paid."""
    before = state(yellow)

    response = trader_api.post(f"{URL}{yellow.pk}/amend/", t_shirts_only(), format="json")
    risk_assess(declaration_id=yellow.pk)
    payment = payment_start(declaration_id=yellow.pk, user=trader1)
    payment_credit(notice=BankNotice(payment.reference, payment.amount, "success", "TXN-ATTACK-2"))

    assert response.status_code == 202
    assert response.json()["amendment_request"]["message"] == PENDING_MESSAGE
    fresh = Declaration.objects.get(pk=yellow.pk)
    assert (fresh.status, fresh.channel, fresh.version, fresh.payment_status) == ("under_review", "yellow", 1, "paid")
    assert state(yellow)[:3] == before[:3] and fresh.cleared_at is None
    assert assessments_of(yellow) == [(1, "yellow")]

    # The officer accepts: the rules find nothing now, but the channel stays yellow, the review goes on.
    assert decide(officer_api, yellow, "accept_amendment", note="Packing list checked.").status_code == 201
    fresh = Declaration.objects.get(pk=yellow.pk)
    assert (fresh.status, fresh.channel, fresh.version, fresh.cleared_at) == ("under_review", "yellow", 2, None)
    second = Assessment.objects.get(declaration=yellow, declaration_version=2)
    assert (second.score_channel, second.channel) == ("green", "yellow")
    assert second.thresholds["channel_floor"] == {"channel": "yellow", "version": 1, "set_by": "assessment", "raised": True}


# --- Every status × amend ----------------------------------------------------------------------

APPLIED, REQUESTED = "applied", "requested"
AMEND_BY_STATUS = {
    "draft": (409, "A draft is not lodged with customs yet: edit it instead of amending it."),
    "registered": (202, APPLIED),
    "assessed": (202, APPLIED),
    "under_review": (202, REQUESTED),
    "under_inspection": (202, REQUESTED),
    # After clearance, within 60 days: a request for the officer (tests/declarations/test_amendments_after_clearance.py).
    "cleared": (202, REQUESTED),
    "released": (202, REQUESTED),
    "cancelled": (409, "Cannot amend a declaration that is cancelled."),
    "rejected": (409, "Cannot amend a declaration that is rejected."),
}
CHANNEL_OF = {"assessed": "green", "under_review": "yellow", "under_inspection": "red", "cleared": "green",
              "released": "green", "rejected": "yellow"}


@pytest.mark.parametrize("status", list(AMEND_BY_STATUS))
def test_amend_in_every_status(status, trader1, trader_api):
    from declarations.services.declarations import declaration_create
    if status == "draft":
        declaration = declaration_create(user=trader1, data=parsed(plain_import_body()))
    else:
        declaration = registered(trader1, plain_import_body())
        Declaration.objects.filter(pk=declaration.pk).update(
            status=status, channel=CHANNEL_OF.get(status),
            cleared_at=timezone.now() if status in ("cleared", "released") else None)
    before = state(declaration)
    events = AuditEvent.objects.filter(declaration=declaration).count()

    response = trader_api.post(f"{URL}{declaration.pk}/amend/", {"packages": 13, "reason": "Recounted."}, format="json")

    code, outcome = AMEND_BY_STATUS[status]
    assert response.status_code == code, response.json()
    body = response.json()
    latest = AuditEvent.objects.filter(declaration=declaration).order_by("-id").first()
    if code == 409:
        assert body == {"detail": outcome, "code": "illegal_transition"}
        assert state(declaration) == before
        assert AuditEvent.objects.filter(declaration=declaration).count() == events
    elif outcome == APPLIED:
        assert (body["status"], body["channel"], body["version"], body["packages"]) == ("registered", None, 2, 13)
        assert body["amendment_request"] is None
        assert DeclarationVersion.objects.get(declaration=declaration).version == 1
        assert (latest.action, latest.from_status, latest.to_status) == ("amend", status, "registered")
    else:
        assert (body["status"], body["channel"], body["version"], body["packages"]) == (status, CHANNEL_OF[status], 1, 12)
        assert (body["amendment_request"]["status"], body["amendment_request"]["message"]) == ("pending", PENDING_MESSAGE)
        assert body["amendment_request"]["changes"] == [{"field": "packages", "from": 12, "to": 13}]
        assert state(declaration) == before
        assert not DeclarationVersion.objects.filter(declaration=declaration).exists()
        assert (latest.action, latest.from_status, latest.to_status, latest.actor, latest.reason) == (
            "request_amendment", status, status, trader1, "Recounted.")
    assert AmendmentRequest.objects.filter(declaration=declaration).count() == (1 if outcome == REQUESTED else 0)


# --- The officer's decision --------------------------------------------------------------------


def test_accepting_makes_the_request_the_next_version(yellow, trader1, officer, trader_api, officer_api):
    body = plain_import_body()
    body["items"][1]["quantity"] = "2000"
    body["invoice"]["total"] = "8500.00"
    old_tax, old_rate = yellow.tax_total, yellow.exchange_rate
    requested = trader_api.post(f"{URL}{yellow.pk}/amend/", {**body, "reason": "2,000 T-shirts shipped."}, format="json")
    request = AmendmentRequest.objects.get(declaration=yellow)
    assert requested.status_code == 202
    assert request.changes == [
        {"field": "invoice.total", "from": "5500.00", "to": "8500.00"},
        {"line": 2, "field": "quantity", "from": "1000.000", "to": "2000.000"},
        {"line": 2, "field": "line_value", "from": "3000.00", "to": "6000.00"},
    ]

    response = decide(officer_api, yellow, "accept_amendment", note="Invoice INV-2026-001 rev. 2 checked.")

    assert response.status_code == 201, response.json()
    assert response.json()["event"]["action"] == "accept_amendment"
    fresh = Declaration.objects.get(pk=yellow.pk)
    assert (fresh.status, fresh.channel, fresh.version, fresh.exchange_rate) == ("under_review", "yellow", 2, old_rate)
    assert fresh.items.get(line_no=2).quantity == Decimal("2000")
    assert fresh.tax_total > old_tax and str(fresh.tax_total) == request.taxes["total"]
    assert (fresh.amount_due, fresh.payment_status) == (fresh.tax_total, "unpaid")
    kept = DeclarationVersion.objects.get(declaration=yellow)
    assert (kept.version, kept.reason, kept.superseded_by, kept.content["items"][1]["quantity"]) == (
        1, "2,000 T-shirts shipped.", trader1, "1000.000")
    request.refresh_from_db()
    assert (request.status, request.decided_by, request.result_version, request.decision_note) == (
        "accepted", officer, 2, "Invoice INV-2026-001 rev. 2 checked.")
    events = list(AuditEvent.objects.filter(declaration=yellow).order_by("id").values_list("action", "actor", "to_status"))
    assert events[-2:] == [("request_amendment", trader1.pk, "under_review"), ("accept_amendment", officer.pk, "under_review")]
    accepted = AuditEvent.objects.filter(declaration=yellow, action="accept_amendment").get()
    assert {k: accepted.data[k] for k in ("amendment_request", "from_version", "to_version", "channel")} == {
        "amendment_request": request.pk, "from_version": 1, "to_version": 2, "channel": "yellow"}
    assert assessments_of(yellow) == [(1, "yellow"), (2, "yellow")]
    seen = trader_api.get(f"{URL}{yellow.pk}/").json()["amendment_request"]
    assert (seen["status"], seen["result_version"], seen["message"]) == (
        "accepted", 2, "Accepted by customs: it is version 2 of the declaration.")


def test_a_red_result_on_acceptance_sends_a_declaration_under_review_to_inspection(yellow, trader_api, officer_api):
    body = plain_import_body()
    body["items"] = [body["items"][0], CIGARETTES]
    body["invoice"]["total"] = "3000.00"
    assert trader_api.post(f"{URL}{yellow.pk}/amend/", body, format="json").status_code == 202

    assert decide(officer_api, yellow, "accept_amendment").status_code == 201

    fresh = Declaration.objects.get(pk=yellow.pk)
    assert (fresh.status, fresh.channel, fresh.version) == ("under_inspection", "red", 2)
    event = AuditEvent.objects.get(declaration=yellow, action="accept_amendment")
    assert (event.from_status, event.to_status) == ("under_review", "under_inspection")
    release = decide(officer_api, yellow, "release")
    assert release.status_code == 409 and "Record the result" in release.json()["detail"]


def test_refusing_needs_a_reason_and_changes_nothing(yellow, officer, trader_api, officer_api):
    assert trader_api.post(f"{URL}{yellow.pk}/amend/", t_shirts_only(), format="json").status_code == 202
    before = state(yellow)

    missing = decide(officer_api, yellow, "refuse_amendment")
    assert missing.status_code == 400
    assert missing.json() == {"note": ["Say why the amendment is refused; the trader reads it."]}
    assert AmendmentRequest.objects.get(declaration=yellow).status == "pending"

    refused = decide(officer_api, yellow, "refuse_amendment", note="The keyboards are on the bill of lading.")

    assert refused.status_code == 201
    assert state(yellow) == before
    request = AmendmentRequest.objects.get(declaration=yellow)
    assert (request.status, request.decided_by, request.decision_note, request.result_version) == (
        "refused", officer, "The keyboards are on the bill of lading.", None)
    seen = trader_api.get(f"{URL}{yellow.pk}/").json()["amendment_request"]
    assert (seen["status"], seen["decision_note"], seen["message"]) == (
        "refused", "The keyboards are on the bill of lading.", "Refused by customs: the declaration stays as it was.")
    event = AuditEvent.objects.filter(declaration=yellow).latest("id")
    assert (event.action, event.actor, event.reason) == ("refuse_amendment", officer, "The keyboards are on the bill of lading.")
    # Decided: the trader may ask again.
    again = trader_api.post(f"{URL}{yellow.pk}/amend/", {"packages": 13}, format="json")
    assert again.status_code == 202 and again.json()["amendment_request"]["status"] == "pending"


def test_one_request_waits_at_a_time(yellow, trader_api):
    assert trader_api.post(f"{URL}{yellow.pk}/amend/", {"packages": 13}, format="json").status_code == 202

    second = trader_api.post(f"{URL}{yellow.pk}/amend/", {"packages": 14}, format="json")

    assert second.status_code == 409
    assert second.json()["code"] == "amendment_pending"
    assert second.json()["detail"].startswith("An amendment request sent on ")
    assert second.json()["detail"].endswith("only one may wait at a time. Once it is decided you may amend again.")
    assert list(AmendmentRequest.objects.filter(declaration=yellow).values_list("content__packages", flat=True)) == [13]


def test_release_waits_for_the_pending_request(yellow, trader_api, officer_api):
    assert trader_api.post(f"{URL}{yellow.pk}/amend/", {"packages": 13}, format="json").status_code == 202

    response = decide(officer_api, yellow, "release")

    assert response.status_code == 409
    assert response.json() == {"code": "amendment_pending", "detail": (
        "An amendment request of the trader awaits your decision: accept or refuse it before releasing the goods.")}
    assert Declaration.objects.get(pk=yellow.pk).status == "under_review"


@pytest.mark.parametrize("who, action, body, status", [
    ("officer", "reject", {"action": "reject", "reason": "Forged invoice."}, "rejected"),
    ("trader", "cancel", {"reason": "Filed twice."}, "cancelled"),
])
def test_a_rejection_or_cancellation_closes_the_pending_request(yellow, trader_api, officer_api, who, action, body, status):
    assert trader_api.post(f"{URL}{yellow.pk}/amend/", {"packages": 13}, format="json").status_code == 202
    client = officer_api if who == "officer" else trader_api
    path = "decisions" if action == "reject" else "cancel"

    response = client.post(f"{URL}{yellow.pk}/{path}/", body, format="json")

    assert response.status_code in (200, 201)
    request = AmendmentRequest.objects.get(declaration=yellow)
    assert request.status == "lapsed"
    event = AuditEvent.objects.filter(declaration=yellow).latest("id")
    assert (event.action, event.to_status, event.data["amendment_status"]) == (action, status, "lapsed")
    assert trader_api.get(f"{URL}{yellow.pk}/").json()["amendment_request"]["message"] == (
        "Closed without a decision: the declaration was rejected or cancelled first.")


def test_a_decision_needs_a_pending_request(yellow, trader_api, officer_api):
    nothing = decide(officer_api, yellow, "accept_amendment")
    assert nothing.status_code == 409
    assert nothing.json() == {"code": "no_pending_amendment",
                              "detail": "No amendment request awaits a decision on this declaration."}

    trader_api.post(f"{URL}{yellow.pk}/amend/", {"packages": 13}, format="json")
    assert decide(officer_api, yellow, "refuse_amendment", note="No.").status_code == 201
    twice = decide(officer_api, yellow, "accept_amendment")
    assert twice.status_code == 409
    assert twice.json()["detail"] == "The amendment request is no longer awaiting a decision: it is refused."
    assert Declaration.objects.get(pk=yellow.pk).version == 1


def test_only_the_officers_of_the_office_decide_and_traders_never(yellow, officer, trader1, trader2, trader_api,
                                                                     officer_api, api_client_for):
    trader_api.post(f"{URL}{yellow.pk}/amend/", {"packages": 13}, format="json")
    officer.all_offices = False
    officer.save()
    officer.offices.set([CustomsOffice.objects.exclude(code=yellow.customs_office_id).first()])

    elsewhere = decide(officer_api, yellow, "accept_amendment")
    assert elsewhere.status_code == 409 and elsewhere.json()["code"] == "wrong_office"
    assert decide(trader_api, yellow, "accept_amendment").status_code == 403
    assert decide(api_client_for(trader2), yellow, "accept_amendment").status_code == 403
    assert api_client_for(trader2).post(f"{URL}{yellow.pk}/amend/", {"packages": 14}, format="json").status_code == 404
    assert (AmendmentRequest.objects.get(declaration=yellow).status, Declaration.objects.get(pk=yellow.pk).version) == (
        "pending", 1)


def test_the_review_queue_shows_which_declarations_have_a_request_waiting(yellow, trader1, trader_api, officer_api):
    other = registered(trader1, plain_import_body())
    risk_assess(declaration_id=other.pk)
    trader_api.post(f"{URL}{yellow.pk}/amend/", {"packages": 13}, format="json")

    entries = officer_api.get("/api/v1/review-queue/").json()["results"]

    assert {entry["id"]: entry["amendment_pending"] for entry in entries} == {yellow.pk: True, other.pk: False}


IN_MEMORY_LAYER = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


@override_settings(CHANNEL_LAYERS=IN_MEMORY_LAYER)
def test_requests_and_decisions_are_published_live(yellow, trader1, officer, django_capture_on_commit_callbacks):
    from declarations.services.amendments import declaration_amend
    from declarations.services.declarations import declaration_as_data
    from declarations.services.review import declaration_decide

    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(enterprise_group(trader1.enterprise_id), channel)
    data = declaration_as_data(declaration=yellow)
    data["packages"] = 13

    with django_capture_on_commit_callbacks(execute=True):
        declaration_amend(declaration=yellow, user=trader1, data=data, reason="Recounted.")
    lodged = async_to_sync(layer.receive)(channel)
    with django_capture_on_commit_callbacks(execute=True):
        declaration_decide(declaration_id=yellow.pk, officer=officer, action="accept_amendment")
    accepted = async_to_sync(layer.receive)(channel)

    expected = {"id": yellow.pk, "number": yellow.number, "status": "under_review", "channel": "yellow"}
    seq_lodged, seq_accepted = lodged["declaration"].pop("seq"), accepted["declaration"].pop("seq")
    assert lodged == {"type": "declaration.changed", "declaration": {**expected, "version": 1}}
    assert accepted == {"type": "declaration.changed", "declaration": {**expected, "version": 2}}
    assert seq_lodged < seq_accepted == Declaration.objects.get(pk=yellow.pk).live_seq  # the later state, last
