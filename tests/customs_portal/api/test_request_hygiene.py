"""A NUL character in the URL or in a body is a clear 400 everywhere, never a server error: JSON for
the API, the portal's 400 page for the pages' URLs."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from declarations.models import Declaration
from risk.models import RiskRule
from tests.factories import PDF, registered
from tests.payloads import import_body, plain_import_body

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", [
    "/api/v1/reference/hs-codes/?q=a%00b",
    "/api/v1/reference/exchange-rates/?currency=US%00",
    "/api/v1/declarations/?number=1%00",
    "/api/v1/review-queue/?enterprise=%00",
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


def test_nul_in_an_urlencoded_page_form_is_a_field_error(trader1, client):
    declaration = registered(trader1, plain_import_body())
    client.force_login(trader1)
    response = client.post(f"/declarations/{declaration.pk}/cancel/", "reason=Filed%00twice",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert response.json() == {"reason": ["Null characters are not allowed."]}


def test_nul_in_a_multipart_field_is_a_field_error(trader1, api_client_for):
    declaration = registered(trader1, plain_import_body())
    response = api_client_for(trader1).post(f"/api/v1/declarations/{declaration.pk}/documents/",
                                            {"kind": "invoice\x00", "file": SimpleUploadedFile("a.pdf", b"%PDF-")},
                                            format="multipart")
    assert response.status_code == 400
    assert response.json() == {"kind": ["Null characters are not allowed."]}


def test_a_malformed_multipart_body_is_400(trader1, client):
    client.force_login(trader1)
    response = client.generic("POST", "/declarations/new/", b"--xyz\r\nnot a part",
                              content_type="multipart/form-data; boundary=")  # no boundary: the parser gives up
    assert response.status_code == 400


# --- Numbers beyond any column: a 400 on the field, through the API and the pages (issue 12, finding 8) ---

HUGE = 10**30
API_NUMBERS = [
    ("risk_admin", "put", "/api/v1/risk/settings/", {"yellow_threshold": HUGE, "red_threshold": 60,
                                                     "random_yellow_rate": "0.05", "random_red_rate": "0.02"}, "yellow_threshold"),
    ("risk_admin", "put", "/api/v1/risk/settings/", {"yellow_threshold": 20, "red_threshold": 60,
                                                     "random_yellow_rate": "1e30", "random_red_rate": "0.02"}, "random_yellow_rate"),
    ("risk_admin", "post", "/api/v1/risk/reference-prices/", {"hs_code": "8703", "unit": "PCE", "price_vnd": "1e30"}, "price_vnd"),
    ("risk_admin", "post", "/api/v1/risk/reference-prices/", {"hs_code": "8703", "unit": "PCE", "price_vnd": "99999999999999999.99"}, "price_vnd"),
    ("risk_admin", "post", "/api/v1/risk/rules/", {"name": "Big", "score": HUGE, "conditions": []}, "score"),
    ("risk_admin", "post", "/api/v1/risk/rules/", {"name": "Big", "score": 1, "conditions": [
        {"field": "invoice.total", "op": "gt", "value": "1e400"}]}, "conditions"),
    ("risk_admin", "post", "/api/v1/risk/backtest/", {"rules": [HUGE], "from": "2026-01-01", "to": "2026-01-02"}, "rules"),
    ("officer", "get", f"/api/v1/review-queue/?min_wait_minutes={HUGE}", None, "min_wait_minutes"),
    ("gate_user", "post", "/api/v1/gate/release/", {"declaration_number": "9" * 201, "container_numbers": []}, "declaration_number"),
]


@pytest.mark.parametrize("role, method, url, body, field", API_NUMBERS, ids=[f"{c[2]} {c[4]}" for c in API_NUMBERS])
def test_numbers_beyond_a_column_are_field_errors(request, api_client_for, role, method, url, body, field):
    client = api_client_for(request.getfixturevalue(role))
    response = getattr(client, method)(url, body, format="json") if body is not None else client.get(url)
    assert response.status_code == 400, response.content[:500]
    assert field in response.json()


def test_a_document_request_id_beyond_any_row_is_a_field_error(trader1, api_client_for):
    declaration = registered(trader1, plain_import_body())
    response = api_client_for(trader1).post(f"/api/v1/declarations/{declaration.pk}/documents/",
                                            {"kind": "invoice", "file": SimpleUploadedFile("a.pdf", PDF), "request": HUGE},
                                            format="multipart")
    assert response.status_code == 400
    assert list(response.json()) == ["request"]


@pytest.mark.parametrize("url, data, field", [
    ("/risk/settings/", {"yellow_threshold": str(HUGE), "red_threshold": "60", "random_yellow_percent": "5",
                         "random_red_percent": "2"}, "yellow_threshold"),
    ("/risk/reference-prices/", {"hs_code": "8703", "unit": "PCE", "price_vnd": "1e30"}, "price_vnd"),
])
def test_numbers_beyond_a_column_in_the_pages_are_field_errors(risk_admin, client, url, data, field):
    client.force_login(risk_admin)
    response = client.post(url, data)
    assert response.status_code in (200, 400)
    assert f'id="id_{field}"' in response.content.decode() and "is-invalid" in response.content.decode()
@pytest.mark.parametrize(("language", "heading"), [("vi", "Yêu cầu không hợp lệ"), ("en", "Bad request")])
def test_nul_in_a_page_query_is_the_400_page_in_the_readers_language(officer, client, language, heading):
    client.force_login(officer)
    response = client.get("/declarations/?number=%00", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert f'<h1 class="h3 mb-3" id="error-title">{heading}</h1>' in response.content.decode()
