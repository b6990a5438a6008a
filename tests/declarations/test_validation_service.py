"""declarations/services/validation.py called directly (issue 14): the data the API parses, checked against the
reference data in PostgreSQL; every refusal is a DomainValidationError with the message on the field that is wrong."""
from decimal import Decimal

import pytest

from customs_portal.errors import DomainValidationError
from declarations.models import Declaration, GoodsItem
from declarations.services.validation import (
    TAX_TOTAL_LIMIT,
    column_holds,
    column_limit,
    declaration_data_validate,
    line_value_of,
    taxes_fit_columns,
)
from reference.models import Country, CustomsOffice, TariffLine, Unit
from tests.factories import one_item_body, parsed
from tests.payloads import export_body, import_body

pytestmark = pytest.mark.django_db


def errors_of(body: dict) -> dict:
    """The field errors of the parsed `body` (which must be refused)."""
    with pytest.raises(DomainValidationError) as refused:
        declaration_data_validate(data=parsed(body))
    return refused.value.errors


def item_errors(body: dict) -> list[dict]:
    errors = errors_of(body)
    assert list(errors) == ["items"], errors
    return errors["items"]


# --- declaration_data_validate: a good body ---------------------------------------------------------

def test_a_good_import_passes_with_its_codes_resolved_to_rows():
    data = parsed(import_body())

    resolved = declaration_data_validate(data=data)

    assert isinstance(resolved["customs_office"], CustomsOffice) and resolved["customs_office"].code == "03CE"
    assert isinstance(resolved["partner_country"], Country) and resolved["partner_country"].code == "CN"
    assert resolved["port_of_loading"].locode == "CNSHK"
    assert resolved["port_of_discharge"].locode == "VNHPH" and resolved["port_of_discharge"].country == "VN"
    assert resolved["invoice_currency"].code == "USD"
    laptops, oranges = resolved["items"]
    assert isinstance(laptops["tariff_line"], TariffLine) and laptops["tariff_line"].hs_code == "84713020"
    assert isinstance(laptops["unit"], Unit) and laptops["unit"].code == "PCE"
    assert laptops["origin_country"].code == "CN"
    assert laptops["line_value"] == Decimal("25000.00")  # computed: 100 × 250.00, no line value given
    assert laptops["preference"] == "MFN"
    assert oranges["line_value"] == Decimal("1500.00") and oranges["preference"] == "ACFTA"
    assert resolved["container_numbers"] == []
    # The input is left as it was: the codes are resolved in a copy.
    assert data["customs_office"] == "03CE" and data["items"][0]["unit"] == "PCE"


def test_a_good_export_passes():
    resolved = declaration_data_validate(data=parsed(export_body()))
    assert resolved["port_of_loading"].locode == "VNHPH"
    assert [item["line_value"] for item in resolved["items"]] == [Decimal("2500.00")]


def test_a_given_line_value_within_a_cent_of_quantity_times_price_is_kept():
    body = one_item_body()
    body["items"] = [{**body["items"][0], "line_value": "25000.01"}]
    body["invoice"] = {**body["invoice"], "total": "25000.01"}
    resolved = declaration_data_validate(data=parsed(body))
    assert resolved["items"][0]["line_value"] == Decimal("25000.01")


# --- declaration_data_validate: each kind of bad input on its field ---------------------------------

def test_an_hs_code_missing_from_the_tariff_is_an_error_on_that_item():
    body = import_body()
    body["items"] = [body["items"][0], {**body["items"][1], "hs_code": "99999999"}]
    laptops, oranges = item_errors(body)
    assert laptops == {}
    assert oranges == {"hs_code": ["HS code 99999999 is not in the tariff."]}


def test_an_hs_code_that_is_not_8_digits_says_how_many_it_has():
    body = one_item_body()
    body["items"] = [{**body["items"][0], "hs_code": "847130"}]
    [errors] = item_errors(body)
    assert errors == {"hs_code": ["An HS code has 8 digits (AHTN); 847130 has 6."]}


def test_an_unknown_partner_country_is_an_error_on_partner_country():
    body = one_item_body(partner={**import_body()["partner"], "country": "ZZ"})
    assert errors_of(body) == {"partner": {"country": ["Unknown country code ZZ."]}}


def test_an_unknown_origin_country_is_an_error_on_the_item():
    body = one_item_body()
    body["items"] = [{**body["items"][0], "origin_country": "ZZ"}]
    assert item_errors(body) == [{"origin_country": ["Unknown country code ZZ."]}]


def test_an_unknown_unit_is_an_error_on_the_item():
    body = one_item_body()
    body["items"] = [{**body["items"][0], "unit": "ZZZ"}]
    [errors] = item_errors(body)
    assert list(errors) == ["unit"]
    [message] = errors["unit"]
    assert message.startswith("Unknown unit ZZZ (use UN/ECE Recommendation 20 codes")


def test_an_unknown_customs_office_is_an_error_on_customs_office():
    assert errors_of(one_item_body(customs_office="99ZZ")) == {"customs_office": ["Unknown customs office 99ZZ."]}


def test_several_errors_are_reported_together():
    body = one_item_body(customs_office="99ZZ", partner={**import_body()["partner"], "country": "ZZ"})
    body["items"] = [{**body["items"][0], "hs_code": "99999999"}]
    errors = errors_of(body)
    assert errors["customs_office"] == ["Unknown customs office 99ZZ."]
    assert errors["partner"] == {"country": ["Unknown country code ZZ."]}
    assert errors["items"] == [{"hs_code": ["HS code 99999999 is not in the tariff."]}]


def test_an_invoice_total_that_is_not_the_sum_of_the_lines_is_an_error_on_invoice_total():
    body = one_item_body()
    body["invoice"] = {**body["invoice"], "total": "24000.00"}
    errors = errors_of(body)
    assert list(errors) == ["invoice"]
    [message] = errors["invoice"]["total"]
    assert message.startswith("The invoice total ") and "does not match the sum of the item values" in message
    assert "24,000.00" in message and "25,000.00" in message


def test_the_invoice_total_may_differ_by_a_cent_per_item():
    body = import_body()  # two items: 26,500.00
    body["invoice"] = {**body["invoice"], "total": "26500.02"}
    declaration_data_validate(data=parsed(body))
    body["invoice"] = {**body["invoice"], "total": "26500.03"}
    assert list(errors_of(body)["invoice"]) == ["total"]


def test_under_cif_freight_and_insurance_worth_the_goods_are_errors_on_both():
    """An export is valued FOB: under CIF the costs are deducted from the goods, and cannot use up their value."""
    body = export_body(freight="2000.00", insurance="500.00",
                       invoice={**export_body()["invoice"], "incoterm": "CIF"})  # goods: 2,500.00
    errors = errors_of(body)
    assert sorted(errors) == ["freight", "insurance"]
    expected = ("Under CIF the freight and insurance (2500.00) are deducted from the value of the goods (2500.00) to "
                "find the customs value: they must be less than the value of the goods.")
    assert errors["freight"] == errors["insurance"] == [expected]


def test_under_cif_costs_below_the_goods_pass():
    body = export_body(freight="2000.00", insurance="499.99", invoice={**export_body()["invoice"], "incoterm": "CIF"})
    declaration_data_validate(data=parsed(body))


def test_a_line_value_over_its_column_is_an_error_on_the_item_not_a_database_overflow():
    """999,999,999,999,999 × 1,000: both inputs fit their columns, their product does not fit line_value."""
    body = one_item_body(freight="0", insurance="0", invoice={**import_body()["invoice"], "incoterm": "CIF"})
    body["items"] = [{**body["items"][0], "quantity": "999999999999999", "unit_price": "1000"}]
    body["invoice"] = {**body["invoice"], "total": "1.00"}
    errors = errors_of(body)
    assert errors["items"] == [{"line_value": [
        "Quantity × unit price is 999999999999999000.00, too large for one goods item (it must be below "
        "10000000000000000)."]}]
    # A sum that could never be stored is not compared with the invoice total: one error, on the line.
    assert "invoice" not in errors


def test_an_invoice_total_over_its_column_is_an_error_on_invoice_total():
    """The serializer stops such a total; the service does not rely on it (the browser form calls it too)."""
    data = parsed(one_item_body())
    data["invoice"] = {**data["invoice"], "total": Decimal(10) ** 16}
    with pytest.raises(DomainValidationError) as refused:
        declaration_data_validate(data=data)
    [message] = refused.value.errors["invoice"]["total"]
    assert message.startswith("The invoice total ") and "is too large to record" in message


# --- line_value_of ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("quantity", "unit_price", "value"), [
    ("100", "250.00", "25000.00"),
    ("3", "0.3333", "1.00"),            # 0.9999, rounded to the cent
    ("0.001", "4.9999", "0.00"),        # 0.0049999: rounds to nothing
    # 99,999,999,999,999,999,800,000,000,000.0000001: past the 28 digits of the default context, still exact.
    ("999999999999999.999", "99999999999999.9999", "99999999999999999800000000000.00"),
])
def test_line_value_of_is_quantity_times_price_to_the_cent(quantity, unit_price, value):
    item = {"quantity": Decimal(quantity), "unit_price": Decimal(unit_price)}
    assert line_value_of(item) == Decimal(value)
    assert line_value_of(item).as_tuple().exponent == -2


# --- column_limit, column_holds ------------------------------------------------------------------------

@pytest.mark.parametrize(("model", "name", "limit"), [
    (GoodsItem, "line_value", Decimal(10) ** 16),      # 18 digits, 2 decimal places
    (GoodsItem, "customs_value", Decimal(10) ** 16),   # 20 digits, 4 decimal places
    (GoodsItem, "taxable_value", Decimal(10) ** 20),   # 20 digits, whole dong
    (Declaration, "invoice_total", Decimal(10) ** 16),
    (Declaration, "tax_total", Decimal(10) ** 20),
])
def test_column_limit_is_the_first_amount_the_column_cannot_hold(model, name, limit):
    assert column_limit(model, name) == limit


@pytest.mark.parametrize(("model", "name", "largest"), [
    (GoodsItem, "line_value", Decimal("9999999999999999.99")),
    (GoodsItem, "customs_value", Decimal("9999999999999999.9999")),
    (GoodsItem, "taxable_value", Decimal("99999999999999999999")),
])
def test_column_holds_up_to_one_unit_below_the_limit_and_not_at_it(model, name, largest):
    limit = column_limit(model, name)
    unit = Decimal(1).scaleb(-model._meta.get_field(name).decimal_places)
    assert largest == limit - unit
    assert column_holds(model, name, largest)
    assert column_holds(model, name, -largest)
    assert not column_holds(model, name, limit)
    assert not column_holds(model, name, limit + unit)
    assert not column_holds(model, name, -limit)


def test_column_holds_rounds_to_the_columns_places_first():
    # 9,999,999,999,999,999.994 rounds down to the largest line value; .995 rounds up to the limit.
    assert column_holds(GoodsItem, "line_value", Decimal("9999999999999999.994"))
    assert not column_holds(GoodsItem, "line_value", Decimal("9999999999999999.995"))
    assert column_holds(GoodsItem, "taxable_value", Decimal("99999999999999999999.4"))
    assert not column_holds(GoodsItem, "taxable_value", Decimal("99999999999999999999.5"))


# --- taxes_fit_columns -----------------------------------------------------------------------------------

def test_taxes_that_fit_their_columns_pass():
    items = [GoodsItem(customs_value=Decimal("9999999999999999.9999"), taxable_value=Decimal(10) ** 20 - 1,
                       import_duty=Decimal(10) ** 20 - 1, vat=Decimal(10) ** 20 - 1)]
    assert taxes_fit_columns(declaration=Declaration(tax_total=TAX_TOTAL_LIMIT - 1), items=items) is None


def test_a_computed_item_amount_over_its_column_is_an_error_on_that_item_and_field():
    items = [GoodsItem(taxable_value=Decimal(1000)), GoodsItem(vat=Decimal(10) ** 20)]
    with pytest.raises(DomainValidationError) as refused:
        taxes_fit_columns(declaration=Declaration(tax_total=Decimal(0)), items=items)
    assert refused.value.errors == {"items": [{}, {"vat": [
        "The computed amount 100000000000000000000 is too large to record (it must be below 100000000000000000000): "
        "check the quantity, the unit price, the freight and the insurance."]}]}


def test_a_customs_value_over_its_column_is_refused():
    with pytest.raises(DomainValidationError) as refused:
        taxes_fit_columns(declaration=Declaration(), items=[GoodsItem(customs_value=Decimal(10) ** 16)])
    assert list(refused.value.errors["items"][0]) == ["customs_value"]


def test_a_tax_total_at_the_limit_is_an_error_on_items():
    with pytest.raises(DomainValidationError) as refused:
        taxes_fit_columns(declaration=Declaration(tax_total=TAX_TOTAL_LIMIT), items=[GoodsItem()])
    [message] = refused.value.errors["items"]
    assert message.startswith(f"The taxes of the declaration add up to {TAX_TOTAL_LIMIT} VND, more than can be recorded")
    assert "split the goods over several declarations" in message
