"""Decisions, cancellation, review queue and gate through HTTP, with an authorization matrix:
every role gets its expected answer and a denied request changes nothing."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from customs_portal.audit.models import AuditEvent
from declarations.models import Declaration
from declarations.services.verification import qr_payload
from risk.services.assessment import risk_assess
from risk.services.defaults import risk_defaults_seed
from tests.factories import class_caps_off, random_selection_off, registered
from tests.payloads import plain_import_body

pytestmark = pytest.mark.django_db
ROLES = ["anonymous", "trader2", "trader1", "officer", "risk_admin", "gate_user"]


@pytest.fixture
def users(request, trader1, trader2, officer, risk_admin, gate_user):
    return {"anonymous": None, "trader1": trader1, "trader2": trader2, "officer": officer, "risk_admin": risk_admin,
            "gate_user": gate_user}


@pytest.fixture
def yellow(trader1, trader2):
    random_selection_off()
    declaration = registered(trader1, plain_import_body())
    Declaration.objects.filter(pk=declaration.pk).update(status="under_review", channel="yellow")
    return Declaration.objects.get(pk=declaration.pk)


def snapshot(declaration):
    fresh = Declaration.objects.get(pk=declaration.pk)
    return fresh.status, fresh.channel, fresh.version, AuditEvent.objects.filter(declaration=declaration).count()


@pytest.mark.parametrize("role, expected", [("anonymous", 401), ("trader2", 403), ("trader1", 403), ("officer", 201),
                                            ("risk_admin", 403), ("gate_user", 403)])
def test_decisions_matrix(users, api_client_for, yellow, role, expected):
    before = snapshot(yellow)
    response = api_client_for(users[role]).post(f"/api/v1/declarations/{yellow.pk}/decisions/",
                                                {"action": "reject", "reason": "forged invoice"}, format="json")
    assert response.status_code == expected
    if expected == 201:
        body = response.json()
        assert body["event"]["action"] == "reject" and body["declaration"]["status"] == "rejected"
    else:
        assert snapshot(yellow) == before


@pytest.mark.parametrize("role, expected", [("anonymous", 401), ("trader2", 404), ("trader1", 200), ("officer", 400),
                                            ("risk_admin", 403), ("gate_user", 403)])
def test_cancel_matrix(users, api_client_for, yellow, role, expected):
    before = snapshot(yellow)
    response = api_client_for(users[role]).post(f"/api/v1/declarations/{yellow.pk}/cancel/", {}, format="json")
    assert response.status_code == expected, response.content
    if expected == 200:
        assert response.json()["status"] == "cancelled"
        assert "risk" not in response.json()
    else:
        assert snapshot(yellow) == before


def test_officer_cancels_with_a_reason(officer, api_client_for, yellow):
    response = api_client_for(officer).post(f"/api/v1/declarations/{yellow.pk}/cancel/", {"reason": "duplicate"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"


class TestWithdrawingADraft:
    """A draft is withdrawn with the cancel endpoint (api.md): cancelled without a number, kept, audited.
    It used to be a 500: the database refused a cancelled declaration without a number."""

    @pytest.fixture
    def draft_id(self, trader1, api_client_for):
        response = api_client_for(trader1).post("/api/v1/declarations/", plain_import_body(), format="json")
        assert response.status_code == 201
        return response.json()["id"]

    def test_the_trader_withdraws_a_draft(self, trader1, api_client_for, draft_id):
        client = api_client_for(trader1)
        response = client.post(f"/api/v1/declarations/{draft_id}/cancel/", {"reason": "Entered twice"}, format="json")
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["id"], body["status"], body["number"], body["registered_at"]) == (draft_id, "cancelled", None, None)
        assert "risk" not in body
        event = AuditEvent.objects.filter(declaration_id=draft_id).latest("id")
        assert (event.actor, event.action, event.from_status, event.to_status, event.reason) == (
            trader1, "cancel", "draft", "cancelled", "Entered twice")

        assert client.get(f"/api/v1/declarations/{draft_id}/").json()["status"] == "cancelled"
        listed = client.get("/api/v1/declarations/", {"status": "cancelled"}).json()
        assert [(d["id"], d["number"]) for d in listed["results"]] == [(draft_id, None)]
        for method, path, data in [("patch", "", {"packages": 3}), ("post", "submit/", None), ("post", "cancel/", {})]:
            again = getattr(client, method)(f"/api/v1/declarations/{draft_id}/{path}", data, format="json")
            assert again.status_code == 409, (path, again.content)
        assert Declaration.objects.get(pk=draft_id).status == "cancelled"

    def test_customs_cannot_withdraw_a_traders_draft(self, officer, api_client_for, draft_id):
        before = snapshot(Declaration.objects.get(pk=draft_id))
        response = api_client_for(officer).post(f"/api/v1/declarations/{draft_id}/cancel/", {"reason": "tidy up"},
                                                format="json")
        assert response.status_code == 409
        assert response.json() == {"detail": "Customs has not received this draft: only its trader can withdraw it.",
                                   "code": "not_lodged"}
        assert snapshot(Declaration.objects.get(pk=draft_id)) == before


@pytest.mark.parametrize("role, expected", [("anonymous", 401), ("trader2", 403), ("trader1", 403), ("officer", 200),
                                            ("risk_admin", 403), ("gate_user", 403)])
def test_review_queue_matrix(users, api_client_for, yellow, role, expected):
    assert api_client_for(users[role]).get("/api/v1/review-queue/").status_code == expected


@pytest.mark.parametrize("role, expected", [("anonymous", 401), ("trader2", 403), ("trader1", 403), ("officer", 403),
                                            ("risk_admin", 403), ("gate_user", 200)])
def test_gate_matrix(users, api_client_for, trader1, role, expected):
    declaration = registered(trader1, plain_import_body())
    Declaration.objects.filter(pk=declaration.pk).update(status="cleared", channel="green")
    response = api_client_for(users[role]).post("/api/v1/gate/release/", {
        "declaration_number": qr_payload(number=declaration.number), "container_numbers": ["CSQU3054383"]}, format="json")
    assert response.status_code == expected
    assert Declaration.objects.get(pk=declaration.pk).status == ("released" if expected == 200 else "cleared")


def test_gate_refusals_are_409_with_the_reason(gate_user, api_client_for, trader1):
    declaration = registered(trader1, plain_import_body())
    client = api_client_for(gate_user)
    response = client.post("/api/v1/gate/release/", {"declaration_number": declaration.number}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "not_cleared" and "not cleared" in response.json()["detail"]
    assert client.post("/api/v1/gate/release/", {"declaration_number": "100000000000"}, format="json").json()["code"] == "unknown"
    assert client.post("/api/v1/gate/release/", {"declaration_number": "x"}, format="json").status_code == 400


def test_illegal_decision_is_409_with_the_reason(officer, api_client_for, yellow):
    client = api_client_for(officer)
    assert client.post(f"/api/v1/declarations/{yellow.pk}/decisions/", {"action": "release", "note": "ok"}, format="json").status_code == 201
    second = client.post(f"/api/v1/declarations/{yellow.pk}/decisions/", {"action": "reject", "reason": "x"}, format="json")
    assert second.status_code == 409
    assert "already recorded" in second.json()["detail"]
    bad = client.post(f"/api/v1/declarations/{yellow.pk}/decisions/", {"action": "dance"}, format="json")
    assert bad.status_code == 400


class TestReviewQueue:
    def test_oldest_first_with_risk_and_filters_in_one_query(self, trader1, trader2, officer, api_client_for):
        risk_defaults_seed()
        random_selection_off()
        class_caps_off()  # three yellows of one class in a quiet window
        ids = []
        for _ in range(3):
            declaration = registered(trader2, plain_import_body())  # new enterprise: yellow
            risk_assess(declaration_id=declaration.pk)
            ids.append(declaration.pk)
        green = registered(trader1, plain_import_body())
        risk_assess(declaration_id=green.pk)
        client = api_client_for(officer)
        with CaptureQueriesContext(connection) as queries:
            page = client.get("/api/v1/review-queue/").json()
        assert [entry["id"] for entry in page["results"]] == ids
        entry = page["results"][0]
        assert entry["channel"] == "yellow" and entry["risk_score"] == 30
        assert entry["fired_rules"][0]["name"] == "New enterprise"
        assert entry["waiting_seconds"] >= 0
        assert len(queries) <= 8
        assert client.get("/api/v1/review-queue/", {"channel": "red"}).json()["count"] == 0
        assert client.get("/api/v1/review-queue/", {"hs_chapter": "61"}).json()["count"] == 3
        assert client.get("/api/v1/review-queue/", {"hs_chapter": "02"}).json()["count"] == 0
        assert client.get("/api/v1/review-queue/", {"enterprise": "0318765402"}).json()["count"] == 3
        assert client.get("/api/v1/review-queue/", {"min_wait_minutes": 60}).json()["count"] == 0
        assert client.get("/api/v1/review-queue/", {"hs_chapter": "x"}).status_code == 400
