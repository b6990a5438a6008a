"""The JSON API keeps decimal strings with a dot: a comma, as people type on the pages, gets a
clear field error (customs_portal/api/fields.py), through HTTP on every endpoint that takes decimals."""
import pytest

from declarations.models import Declaration
from risk.models import ReferencePrice
from tests.payloads import import_body

pytestmark = pytest.mark.django_db

COMMA = ("Use a dot as the decimal separator and no thousands separators, for example 1234.56: "
         "the API does not accept a comma.")
COMMA_VI = ("Dùng dấu chấm để ngăn cách phần thập phân và không dùng dấu phân cách hàng nghìn, "
            "ví dụ 1234.56: API không chấp nhận dấu phẩy.")


def test_a_comma_in_a_declaration_gets_a_field_error_on_each_field(trader1, api_client_for):
    body = import_body()
    body["items"][0]["unit_price"] = "4,50"
    body["items"][1]["quantity"] = "1.000,5"
    body["invoice"]["total"] = "26,500.00"
    body["gross_weight_kg"] = "1530,5"
    body["freight"] = "1200,00"
    response = api_client_for(trader1).post("/api/v1/declarations/", body, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert errors["items"] == {"0": {"unit_price": [COMMA]}, "1": {"quantity": [COMMA]}}
    assert errors["invoice"] == {"total": [COMMA]}
    assert errors["gross_weight_kg"] == [COMMA]
    assert errors["freight"] == [COMMA]
    assert not Declaration.objects.exists()


def test_the_comma_error_follows_accept_language(trader1, api_client_for):
    body = import_body()
    body["items"][0]["unit_price"] = "4,50"
    response = api_client_for(trader1).post("/api/v1/declarations/", body, format="json", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.json()["items"] == {"0": {"unit_price": [COMMA_VI]}}


def test_dot_strings_and_json_numbers_are_still_read(trader1, api_client_for):
    body = import_body()
    body["items"][0]["unit_price"] = 250.0
    body["items"][1]["unit_price"] = "1.50"
    response = api_client_for(trader1).post("/api/v1/declarations/", body, format="json")
    assert response.status_code == 201, response.json()
    assert [item["unit_price"] for item in response.json()["items"]] == ["250.0000", "1.5000"]


def test_a_comma_in_the_risk_settings_and_a_reference_price(risk_admin, api_client_for):
    client = api_client_for(risk_admin)
    response = client.put("/api/v1/risk/settings/", {"yellow_threshold": 20, "red_threshold": 60,
                                                     "random_yellow_rate": "0,05", "random_red_rate": "0.02"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"random_yellow_rate": [COMMA]}
    assert client.get("/api/v1/risk/settings/").json()["random_yellow_rate"] == "0.0200"
    response = client.post("/api/v1/risk/reference-prices/", {"hs_code": "8471", "unit": "PCE", "price_vnd": "1.234,5"},
                           format="json")
    assert response.status_code == 400
    assert response.json() == {"price_vnd": [COMMA]}
    assert not ReferencePrice.objects.filter(hs_code="8471").exists()
