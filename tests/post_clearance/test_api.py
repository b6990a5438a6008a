"""The post-clearance API and pages over HTTP: who may see and do what, the declaration's
`post_clearance` object, and the Vietnamese texts."""
import pytest
from django.test import Client

from post_clearance.models import Audit, ClassPolicy
from post_clearance.services.audits import audit_open
from post_clearance.services.selection import post_clearance_select

pytestmark = pytest.mark.django_db
BASE = "/api/v1/post-clearance/audits/"


@pytest.fixture
def audit(released, trader1) -> Audit:
    ClassPolicy.objects.filter(compliance_level="high").update(random_rate=1, cap_rate=1)
    declaration = released(trader1)
    post_clearance_select(declaration_id=declaration.pk)
    return Audit.objects.get(declaration=declaration)


def test_who_may_use_the_api(audit, api_client_for, auditor, auditor_elsewhere, officer, trader1):
    assert api_client_for(None).get(BASE).status_code == 401
    for user in (trader1, officer):  # an officer without the permission, and a trader
        client = api_client_for(user)
        assert client.get(BASE).status_code == 403
        assert client.get(f"{BASE}{audit.pk}/").status_code == 403
        assert client.post(f"{BASE}{audit.pk}/close/").status_code == 403
    other = api_client_for(auditor_elsewhere)
    assert other.get(BASE).json()["results"] == []
    assert other.get(f"{BASE}{audit.pk}/").status_code == 404
    assert other.post(f"{BASE}{audit.pk}/open/").status_code == 404
    audit.refresh_from_db()
    assert audit.status == "selected"


def test_an_auditor_works_an_audit_through_the_api(audit, api_client_for, auditor):
    client = api_client_for(auditor)
    listed = client.get(BASE).json()
    assert [row["id"] for row in listed["results"]] == [audit.pk]
    assert listed["results"][0]["selection_reason"] == "random"

    assert client.post(f"{BASE}{audit.pk}/close/").status_code == 409
    assert client.post(f"{BASE}{audit.pk}/open/").json()["status"] == "open"
    bad = client.post(f"{BASE}{audit.pk}/findings/", {"findings": "x", "discrepancy": True, "lines": [{"line_no": 7, "quantity": "1"}]},
                      format="json")
    assert bad.status_code == 400
    item = audit.declaration.items.get(line_no=1)
    body = {"findings": "Price under-declared.", "discrepancy": True,
            "lines": [{"line_no": 1, "customs_value": str(item.customs_value * 2)}]}
    recorded = client.post(f"{BASE}{audit.pk}/findings/", body, format="json")
    assert recorded.status_code == 200, recorded.content
    assert recorded.json()["lines"][0]["line_no"] == 1
    closed = client.post(f"{BASE}{audit.pk}/close/").json()
    assert (closed["status"], closed["outcome"]) == ("closed", "discrepancy")
    assert closed["additional_amount"] == closed["additional_assessment"]["tax_amount"]  # registered today: no late day
    assert int(closed["additional_amount"]) > 0
    assert client.get(f"{BASE}?status=closed").json()["results"][0]["id"] == audit.pk
    assert client.get(BASE).json()["results"] == []


def test_the_declaration_shows_the_blue_flag_to_its_trader_only(audit, api_client_for, trader1, trader2, officer, auditor):
    path = f"/api/v1/declarations/{audit.declaration_id}/"
    assert api_client_for(trader1).get(path).json()["post_clearance"] is None  # selected: not told yet
    assert api_client_for(officer).get(path).json()["post_clearance"]["status"] == "selected"
    audit_open(audit_id=audit.pk, user=auditor)
    body = api_client_for(trader1).get(path).json()
    assert body["post_clearance"]["status"] == "open" and body["post_clearance"]["outcome"] is None
    assert body["channel"] == "green" and body["status"] == "released"
    assert api_client_for(trader2).get(path).status_code == 404
    listed = api_client_for(trader1).get("/api/v1/declarations/").json()["results"]
    assert all("post_clearance" not in row for row in listed)


def test_the_schema_documents_the_endpoints(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    for path in (BASE, BASE + "{id}/", BASE + "{id}/open/", BASE + "{id}/findings/", BASE + "{id}/close/"):
        assert path in schema["paths"], path
    assert "post_clearance" in schema["components"]["schemas"]["Declaration"]["properties"]


def _page(user, language="en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def test_the_pages(audit, auditor, auditor_elsewhere, officer, trader1, trader2):
    assert _page(officer).get("/post-clearance/audits/").status_code == 403
    assert _page(trader1).get("/post-clearance/audits/").status_code == 403
    assert _page(auditor_elsewhere).get(f"/post-clearance/audits/{audit.pk}/").status_code == 404
    page = _page(auditor)
    assert audit.declaration.number in page.get("/post-clearance/audits/").content.decode()
    assert page.post(f"/post-clearance/audits/{audit.pk}/open/").status_code == 302
    response = page.post(f"/post-clearance/audits/{audit.pk}/", {"findings": "Checked the contract.", "discrepancy": "on",
                                                               "line-2-quantity": "2000"})
    assert response.status_code == 302
    assert Audit.objects.get(pk=audit.pk).lines.get().quantity == 2000
    assert page.post(f"/post-clearance/audits/{audit.pk}/close/").status_code == 302
    assert Audit.objects.get(pk=audit.pk).outcome == "discrepancy"
    detail = _page(trader1).get(f"/declarations/{audit.declaration_id}/").content.decode()
    assert 'id="post-clearance-panel"' in detail and "Outcome: the audit found a discrepancy." in detail
    assert _page(trader2).get(f"/declarations/{audit.declaration_id}/").status_code == 404


def test_vietnamese_texts(audit, auditor, trader1):
    audit_open(audit_id=audit.pk, user=auditor)
    queue = _page(auditor, "vi").get("/post-clearance/audits/").content.decode()
    assert "Kiểm tra sau thông quan" in queue
    detail = _page(trader1, "vi").get(f"/declarations/{audit.declaration_id}/").content.decode()
    assert "Đang kiểm tra" in detail
