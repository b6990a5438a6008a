"""The reference tables in Django's admin (reference/admin.py): searchable; editable only where admins
maintain values, and an edit is seen by the next lookup of every process (reference.cache)."""
from datetime import timedelta
from decimal import Decimal

import pytest

from reference.cache import reference_copies
from reference.models import Country, ExchangeRate, TariffLine, Unit
from reference.selectors.exchange_rates import exchange_rate_in_force

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("model", "query", "expected"), [
    ("hssection", "XVI", "Machinery and mechanical appliances"),
    ("hscode", "8471", "8471"),
    ("tariffline", "84713020", "84713020"),
    ("country", "Việt Nam", "VN"),
    ("currency", "USD", "US Dollar"),
    ("unit", "KGM", "KGM"),
    ("port", "VNSGN", "VNSGN"),
    ("customsoffice", "02CI", "02CI"),
    ("exchangerate", "USD", "USD"),
])
def test_every_reference_table_can_be_searched(admin_client, model, query, expected):
    response = admin_client.get(f"/admin/reference/{model}/", {"q": query})
    assert response.status_code == 200
    assert expected in response.content.decode()


def _tariff_form(line: TariffLine, **changes) -> dict:
    form = {name: "" if getattr(line, name) is None else str(getattr(line, name)) for name in (
        "vat_rate", "special_consumption_tax_rate", "environmental_tax_per_unit", "environmental_tax_unit", "export_duty_rate")}
    return {**form, **changes}


def test_a_tariff_lines_taxes_are_edited_and_the_next_lookup_sees_them(admin_client):
    line = reference_copies().row(TariffLine, "84713020", field="hs_code")  # this process holds a copy
    assert (line.vat_rate, line.mfn_rate) == (Decimal("10.00"), Decimal("0.000"))
    response = admin_client.post(f"/admin/reference/tariffline/{line.pk}/change/",
                                 _tariff_form(line, vat_rate="8", export_duty_rate="2", mfn_rate="99",
                                              description_vi="changed"))
    assert response.status_code == 302
    seen = reference_copies().row(TariffLine, "84713020", field="hs_code")
    assert (seen.vat_rate, seen.export_duty_rate) == (Decimal("8"), Decimal("2"))
    # What the loader writes stays as loaded: the form has no such fields.
    assert (seen.mfn_rate, seen.description_vi) == (line.mfn_rate, line.description_vi)


def test_a_countrys_mfn_treatment_is_edited_but_not_its_names(admin_client):
    assert reference_copies().row(Country, "KP").mfn_treatment is True
    response = admin_client.post("/admin/reference/country/KP/change/", {"name_en": "changed"})  # the box unticked
    assert response.status_code == 302
    country = reference_copies().row(Country, "KP")
    assert country.mfn_treatment is False
    assert country.name_en == "Korea, Democratic People's Republic of"


def test_an_exchange_rate_added_is_in_force_at_once(admin_client):
    latest = ExchangeRate.objects.filter(currency_id="USD").latest("valid_on")
    later = latest.valid_on + timedelta(days=3)
    assert exchange_rate_in_force(currency="USD", on=later) == (latest.rate, latest.valid_on)
    response = admin_client.post("/admin/reference/exchangerate/add/",
                                 {"currency": "USD", "valid_on": later.isoformat(), "rate": "26500.5"})
    assert response.status_code == 302
    assert exchange_rate_in_force(currency="USD", on=later) == (Decimal("26500.5"), later)


@pytest.mark.parametrize("path", [
    "/admin/reference/tariffline/add/",
    "/admin/reference/country/add/",
    "/admin/reference/unit/add/",
    "/admin/reference/port/VNSGN/delete/",
    "/admin/reference/customsoffice/02CI/delete/",
    "/admin/reference/hscode/8471/delete/",
])
def test_loaded_rows_are_neither_added_nor_deleted(admin_client, path):
    assert admin_client.post(path, {"post": "yes"}).status_code == 403


def test_code_lists_are_read_only(admin_client):
    response = admin_client.post("/admin/reference/unit/KGM/change/", {"name_en": "changed", "name_vi": "changed"})
    assert response.status_code == 403
    assert Unit.objects.get(code="KGM").name_en == "kilogram"
    response = admin_client.get("/admin/reference/customsoffice/02CI/change/")
    assert response.status_code == 200 and 'name="name_vi"' not in response.content.decode()
