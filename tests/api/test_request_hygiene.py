"""A NUL character in the URL or in a body is a clear 400 everywhere, never a server error."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from declarations.models import Declaration
from risk.models import BacktestRun, RiskRule
from tests.payloads import import_body, plain_import_body
from tests.risk.test_assessment import registered

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", [
    "/api/v1/reference/hs-codes/?q=a%00b",
    "/api/v1/reference/exchange-rates/?currency=US%00",
    "/api/v1/declarations/?number=1%00",
    "/api/v1/review-queue/?enterprise=%00",
    "/declarations/?number=%00",
])
def test_nul_in_the_query_is_400(officer, api_client_for, url):
    response = api_client_for(officer).get(url)
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]


# --- NUL characters in bodies: a 400 that names the field (issue 12, finding 8) --------------------

def test_nul_in_a_json_value_is_a_field_error(risk_admin, api_client_for):
    """A rule's condition value is free JSON (no CharField checks it): PostgreSQL's jsonb refused it with a 500."""
    body = {"name": "Tobacco", "score": 10,
            "conditions": [{"field": "items.hs_code", "op": "startswith", "value": "2402"},
                           {"field": "partner.name", "op": "eq", "value": "Acme\x00"}]}
    response = api_client_for(risk_admin).post("/api/v1/risk/rules/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {"conditions": {"1": {"value": ["Null characters are not allowed."]}}}
    assert not RiskRule.objects.exists()


def test_nul_in_a_json_key_is_a_field_error(trader1, api_client_for):
    response = api_client_for(trader1).post("/api/v1/declarations/", {"direction": "import", "x\x00": 1}, format="json")
    assert response.status_code == 400
    assert response.json() == {"x\\u0000": ["Null characters are not allowed."]}


def test_nul_in_a_nested_json_string_is_a_field_error(trader1, api_client_for):
    body = import_body()
    body["items"][1]["description"] = "Fresh\x00oranges"
    response = api_client_for(trader1).post("/api/v1/declarations/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {"items": {"1": {"description": ["Null characters are not allowed."]}}}


def test_nul_in_a_form_field_is_a_field_error(trader1, client):
    """The trader's cancel form passes its reason straight to the service (no form field checks it)."""
    declaration = registered(trader1, plain_import_body())
    client.force_login(trader1)
    response = client.post(f"/declarations/{declaration.pk}/cancel/", {"reason": "Filed\x00twice"})
    assert response.status_code == 400
    assert response.json() == {"reason": ["Null characters are not allowed."]}
    assert Declaration.objects.get(pk=declaration.pk).status == "registered"


def test_nul_in_a_multipart_field_is_a_field_error(trader1, api_client_for):
    declaration = registered(trader1, plain_import_body())
    response = api_client_for(trader1).post(f"/api/v1/declarations/{declaration.pk}/documents/",
                                            {"kind": "invoice\x00", "file": SimpleUploadedFile("a.pdf", b"%PDF-")},
                                            format="multipart")
    assert response.status_code == 400
    assert response.json() == {"kind": ["Null characters are not allowed."]}


def test_nul_escaped_in_a_backtest_rule_typed_in_the_form(risk_admin, client):
    """The form's JSON text holds no NUL itself, only its \\u0000 escape."""
    client.force_login(risk_admin)
    response = client.post("/risk/backtest/", {
        "inline_rules": '{"name": "x\\u0000", "conditions": [{"field": "partner.name", "op": "eq", "value": "A"}]}',
        "date_from": "2026-01-01", "date_to": "2026-01-02"})
    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()
    assert not BacktestRun.objects.exists()


def test_a_malformed_multipart_body_is_400(trader1, client):
    client.force_login(trader1)
    response = client.generic("POST", "/declarations/new/", b"--xyz\r\nnot a part",
                              content_type="multipart/form-data; boundary=")  # no boundary: the parser gives up
    assert response.status_code == 400
