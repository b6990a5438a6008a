"""The shared validation refuses hostile amounts with field errors, through the API and the browser form
alike (issue 12, findings 8 and 9): every number fits its column, computed ones included, and no cost
makes a customs value zero or negative."""
from decimal import Decimal

import pytest
from django.test import Client

from declarations.models import Declaration, GoodsItem
from tests.payloads import as_form_data, export_body, import_body

pytestmark = pytest.mark.django_db
URL = "/api/v1/declarations/"


def one_item(body: dict, *, quantity: str, unit_price: str, total: str | None = None) -> dict:
    body["items"] = [{**body["items"][0], "quantity": quantity, "unit_price": unit_price}]
    body["invoice"] = {**body["invoice"], "total": total or str(Decimal(quantity) * Decimal(unit_price))}
    return body


@pytest.fixture
def api(trader1, api_client_for):
    return api_client_for(trader1)


@pytest.fixture
def browser(trader1):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(trader1)
    return client


def api_errors(client, body) -> dict:
    response = client.post(URL, body, format="json")
    assert response.status_code == 400, (response.status_code, response.content[:2000])
    assert not Declaration.objects.exists()
    return response.json()


def page_text(browser, body) -> str:
    """The form again, with its errors, and nothing stored."""
    response = browser.post("/declarations/new/", as_form_data(body))
    assert response.status_code == 200, response.status_code
    assert not Declaration.objects.exists()
    return response.content.decode()


# --- Finding 8: numbers that no column can hold ---------------------------------------------------

def test_a_huge_quantity_times_the_price_is_a_field_error_not_a_database_overflow(api, browser):
    """999,999,999,999,999 × 10 USD is a valid line value (16 digits) whose value in VND is not (21 digits)."""
    body = one_item(import_body(freight="0", insurance="0", invoice={**import_body()["invoice"], "incoterm": "CIF"}),
                    quantity="999999999999999", unit_price="10")
    errors = api_errors(api, body)
    assert list(errors) == ["items"]
    [message] = errors["items"][0]["taxable_value"]
    assert message.startswith("The computed amount ") and "is too large to record (it must be below 100000000000000000000)" in message
    assert "Taxable value: The computed amount" in page_text(browser, body)


def test_a_line_value_beyond_its_column(api, browser):
    body = one_item(import_body(), quantity="999999999999999", unit_price="99999999999", total="99999999.00")
    errors = api_errors(api, body)
    assert errors["items"][0]["line_value"] == [
        "Quantity × unit price is 99999999998999900000000001.00, too large for one goods item "
        "(it must be below 10000000000000000)."]
    assert "too large for one goods item" in page_text(browser, body)


def test_a_line_value_that_rounds_to_nothing(api):
    body = one_item(import_body(), quantity="0.001", unit_price="0.0001", total="0.01")
    assert api_errors(api, body)["items"][0]["line_value"] == [
        "Quantity × unit price rounds to 0.00: a goods item must have a value."]


def test_freight_that_makes_the_customs_value_unrecordable(api):
    body = one_item(import_body(freight="9999999999999999.00", insurance="9999999999999999.00"),
                    quantity="1000000", unit_price="1000")
    errors = api_errors(api, body)
    assert errors["freight"] == errors["insurance"] == [
        "The goods with freight and insurance are worth 20000000999999998.00, too large to record "
        "(it must be below 10000000000000000)."]


def test_taxes_that_add_up_beyond_what_a_payment_can_carry(api):
    """Each item's taxes fit their columns; together they pass 10^18 VND (the amount a bank payment can carry)."""
    item = {"hs_code": "84713020", "description": "Laptops", "origin_country": "CN", "quantity": "1000000",
            "unit": "PCE", "unit_price": "9999999.9999", "preference": "MFN"}
    body = import_body(items=[dict(item) for _ in range(50)], freight="0", insurance="0")
    body["invoice"] = {**body["invoice"], "incoterm": "CIF", "total": str(Decimal("9999999999900.00") * 50)}
    errors = api_errors(api, body)
    [message] = errors["items"]
    assert message.startswith("The taxes of the declaration add up to ")
    assert message.endswith("more than can be recorded (they must be below 1000000000000000000 VND): "
                            "split the goods over several declarations.")


@pytest.mark.parametrize("field, value", [("gross_weight_kg", "1" + "0" * 11), ("packages", 10**30), ("freight", "1e17"),
                                          ("insurance", "-0.01")])
def test_header_numbers_are_bounded_by_their_fields(api, field, value):
    assert field in api_errors(api, import_body(**{field: value}))


@pytest.mark.parametrize("name, value", [("quantity", "1" + "0" * 15), ("unit_price", "1e14"), ("line_value", "1e16")])
def test_item_numbers_are_bounded_by_their_fields(api, name, value):
    body = import_body()
    body["items"][0][name] = value
    assert name in api_errors(api, body)["items"]["0"]  # DRF's shape for a list's errors


def test_what_fits_is_stored_whole(api):
    """At the bounds that do fit, the declaration is accepted and stored as given."""
    body = one_item(import_body(freight="0", insurance="0", invoice={**import_body()["invoice"], "incoterm": "CIF"}),
                    quantity="999999.999", unit_price="99999.9999", total="99999999800.00")
    response = api.post(URL, body, format="json")
    assert response.status_code == 201, response.json()
    item = GoodsItem.objects.get()
    assert (item.quantity, item.unit_price, item.line_value) == (Decimal("999999.999"), Decimal("99999.9999"),
                                                                 Decimal("99999999800.00"))


# --- Finding 9: costs deducted beyond the value of the goods ---------------------------------------

def cif_export(*, freight: str, insurance: str) -> dict:
    body = export_body(freight=freight, insurance=insurance)
    body["invoice"] = {**body["invoice"], "incoterm": "CIF"}
    return body


def test_cif_costs_above_the_goods_are_refused_on_their_fields(api, browser):
    """An export at CIF 2,500 USD with 1,500,000 freight and insurance valued the goods at −1,497,500 USD."""
    errors = api_errors(api, cif_export(freight="1000000", insurance="500000"))
    message = ("Under CIF the freight and insurance (1500000.00) are deducted from the value of the goods (2500.00) "
               "to find the customs value: they must be less than the value of the goods.")
    assert errors == {"freight": [message], "insurance": [message]}
    assert page_text(browser, cif_export(freight="1000000", insurance="500000")).count(message) >= 2


def test_costs_equal_to_the_goods_leave_no_customs_value(api):
    errors = api_errors(api, cif_export(freight="2500", insurance="0"))
    assert list(errors) == ["freight"]


def test_only_the_costs_the_term_includes_are_named(api):
    """CFR includes the freight but not the insurance: only the freight is deducted, and only it is wrong."""
    body = export_body(freight="3000", insurance="100")
    body["invoice"] = {**body["invoice"], "incoterm": "CFR"}
    assert list(api_errors(api, body)) == ["freight"]


def test_costs_below_the_goods_give_a_positive_customs_value(api):
    response = api.post(URL, cif_export(freight="400", insurance="100"), format="json")
    assert response.status_code == 201, response.json()
    assert Decimal(response.json()["items"][0]["customs_value"]) == Decimal("2000.0000")


def test_an_import_adds_the_costs_and_is_never_refused_for_them(api):
    body = import_body(freight="100000", insurance="50000")
    response = api.post(URL, body, format="json")
    assert response.status_code == 201, response.json()
