"""Request examples of the OpenAPI schema: what api.md shows, for integrators and for the API fuzzer
(schemathesis draws a valid request from them now and then, so its sequences get past creation)."""
from drf_spectacular.utils import OpenApiExample

IMPORT_BODY = {
    "direction": "import",
    "type_code": "A11",
    "customs_office": "03CE",
    "partner": {"name": "Shenzhen Example Co.", "address": "1 Nanshan Road, Shenzhen", "country": "CN"},
    "transport_mode": "sea",
    "bill_of_lading": "COSU6312345670",
    "port_of_loading": "CNSHK",
    "port_of_discharge": "VNHPH",
    "arrival_date": "2026-11-20",
    "packages": 12,
    "gross_weight_kg": "1530.5",
    "invoice": {"number": "INV-2026-001", "date": "2026-11-10", "currency": "USD", "incoterm": "FOB", "total": "25000.00"},
    "freight": "1200.00",
    "insurance": "80.00",
    "items": [
        {"hs_code": "84713020", "description": "Laptop computers", "origin_country": "CN",
         "quantity": "100", "unit": "PCE", "unit_price": "250.00", "preference": "MFN"},
    ],
}

CREATE = [OpenApiExample("An import by sea", value=IMPORT_BODY, request_only=True)]
EDIT = [OpenApiExample("Another package count", value={"packages": 14}, request_only=True)]
AMEND = [OpenApiExample("A corrected weight", value={"gross_weight_kg": "1602.0", "reason": "Weighbridge ticket"},
                        request_only=True)]
CANCEL = [OpenApiExample("Lodged twice", value={"reason": "Lodged twice"}, request_only=True)]
DECIDE = [
    OpenApiExample("Ask for documents", value={"action": "request_documents", "note": "Send the certificate of origin."},
                   request_only=True),
    OpenApiExample("Clear", value={"action": "release", "note": "Documents in order."}, request_only=True),
]
