"""Request bodies used across tests: the API's (api.md) and the browser forms' posts."""
from datetime import timedelta

from django.utils import timezone


def import_body(**overrides) -> dict:
    """A valid 2-item FOB import from China through Hai Phong."""
    today = timezone.localdate()
    body = {
        "direction": "import",
        "type_code": "A11",
        "customs_office": "03CE",
        "partner": {"name": "Shenzhen Example Co.", "address": "1 Nanshan Road, Shenzhen", "country": "CN"},
        "transport_mode": "sea",
        "bill_of_lading": "COSU6312345670",
        "vessel_flight": "COSCO HAIPHONG V.123",
        "port_of_loading": "CNSHK",
        "port_of_discharge": "VNHPH",
        "arrival_date": (today - timedelta(days=1)).isoformat(),
        "packages": 12,
        "gross_weight_kg": "1530.5",
        "invoice": {"number": "INV-2026-001", "date": (today - timedelta(days=10)).isoformat(), "currency": "USD",
                    "incoterm": "FOB", "total": "26500.00"},
        "freight": "1200.00",
        "insurance": "80.00",
        "items": [
            {"hs_code": "84713020", "description": "Laptop computers", "origin_country": "CN",
             "quantity": "100", "unit": "PCE", "unit_price": "250.00", "preference": "MFN"},
            {"hs_code": "08051010", "description": "Fresh oranges", "origin_country": "CN",
             "quantity": "1000", "unit": "KGM", "unit_price": "1.50", "preference": "ACFTA",
             "certificate_of_origin": "E263000012345"},
        ],
    }
    body.update(overrides)
    return body


def export_body(**overrides) -> dict:
    today = timezone.localdate()
    body = import_body(
        direction="export",
        type_code="B11",
        partner={"name": "Tokyo Trading K.K.", "address": "Minato, Tokyo", "country": "JP"},
        port_of_loading="VNHPH",
        port_of_discharge="JPTYO",
        arrival_date=None,
        departure_date=(today + timedelta(days=3)).isoformat(),
        invoice={"number": "EXP-1", "date": today.isoformat(), "currency": "USD", "incoterm": "FOB", "total": "2500.00"},
        freight="0",
        insurance="0",
        items=[{"hs_code": "84713020", "description": "Laptops", "origin_country": "VN", "quantity": "10",
                "unit": "PCE", "unit_price": "250", "preference": "MFN"}],
    )
    body.update(overrides)
    return body


def plain_import_body(**overrides) -> dict:
    """An import of goods under no specialised management (keyboards, men's cotton T-shirts):
    green under the default rules for an established enterprise."""
    body = import_body(
        items=[
            {"hs_code": "84716030", "description": "Computer keyboards", "origin_country": "CN",
             "quantity": "200", "unit": "PCE", "unit_price": "12.50", "preference": "MFN"},
            {"hs_code": "61091010", "description": "Men's cotton T-shirts", "origin_country": "CN",
             "quantity": "1000", "unit": "PCE", "unit_price": "3.00", "preference": "MFN"},
        ],
    )
    body["invoice"] = {**body["invoice"], "total": "5500.00"}
    body.update(overrides)
    return body


# 8703.23.21: a sedan of 1,500–1,800 cc in CKD form, whose MFN duty the tariff leaves to a
# special rule ("Theo hướng dẫn tại khoản 1.1 Chương 98"), with no preferential rate.
SPECIAL_RATE_CAR = {"hs_code": "87032321", "description": "Sedan car kits (CKD), 1.8 L petrol", "origin_country": "JP",
                    "quantity": "2", "unit": "SET", "unit_price": "15000.00", "preference": "MFN"}


def special_rate_car_body(**overrides) -> dict:
    """A CIF import of two CKD sedan kits (a line whose duty a chapter-98 rule sets) and keyboards."""
    body = import_body(
        partner={"name": "Toyota Tsusho Corporation", "address": "Nagoya", "country": "JP"},
        port_of_loading="JPNGO",
        items=[
            dict(SPECIAL_RATE_CAR),
            {"hs_code": "84716030", "description": "Computer keyboards", "origin_country": "CN",
             "quantity": "200", "unit": "PCE", "unit_price": "12.50", "preference": "MFN"},
        ],
    )
    body["invoice"] = {**body["invoice"], "incoterm": "CIF", "total": "32500.00"}
    body.update(freight="0", insurance="0")
    body.update(overrides)
    return body


def as_form_data(body: dict) -> dict:
    """An API body as the browser's declaration form posts it: partner-name, invoice-total, items-0-hs_code, …"""
    data = {}
    for key, value in body.items():
        if key == "items":
            for index, item in enumerate(value):
                data.update({f"items-{index}-{name}": item_value for name, item_value in item.items()})
        elif isinstance(value, dict):
            data.update({f"{key}-{name}": nested for name, nested in value.items()})
        elif value is not None:
            data[key] = value
    return data



def rule_post(**overrides) -> dict:
    """The rule form as the browser posts it: tobacco imports to red, two conditions (indexes need not follow).
    A new rule's form has no "active" switch; an edit of an active rule posts `active="on"`."""
    data = {
        "name_en": "HS 2402 imports → red", "description_en": "Cigarettes and cigars", "score": "60", "min_channel": "red",
        "valid_from": "", "valid_to": "", "change_note": "",
        "cond-0-field": "items.hs_code", "cond-0-op": "startswith", "cond-0-value": "2402",
        "cond-3-field": "direction", "cond-3-op": "eq", "cond-3-value": "import",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def e31_fabric_body(**overrides) -> dict:
    """An E31 import (materials for export production) of woven cotton fabric, HS 52081100 (MFN 12 %,
    VAT 10 %), 40,000 m at 0.50 USD CIF: exempt from import duty, not subject to VAT."""
    body = import_body(
        type_code="E31",
        invoice={**import_body()["invoice"], "incoterm": "CIF", "total": "20000.00"},
        freight="0",
        insurance="0",
        items=[{"hs_code": "52081100", "description": "Vải bông dệt thoi, vân điểm, 95 g/m2", "origin_country": "CN",
                "quantity": "40000", "unit": "MTR", "unit_price": "0.50", "preference": "MFN"}],
    )
    body.update(overrides)
    return body
