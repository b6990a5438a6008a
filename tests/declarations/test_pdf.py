"""The declaration as a PDF: through the API and the browser route, with its text (Vietnamese
diacritics included), pagination of 50 items, the QR code the gate scans, and who may get it."""
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from declarations.models import Declaration
from declarations.services.pdf import (
    AMOUNT_FONT_PT,
    _amount,
    declaration_pdf_render,
    vn_number,
)
from declarations.services.verification import qr_payload, verification_code
from tests.factories import parsed, registered
from tests.payloads import import_body
from tests.support import pdf_text, qr_codes, squashed

pytestmark = pytest.mark.django_db

VIETNAMESE_ITEMS = [
    ("61091010", "Áo phông nam bằng bông, cổ tròn, ngắn tay", "PCE", "3.00", "1000"),
    ("84716030", "Bàn phím máy tính có dây, tiếng Việt", "PCE", "12.50", "200"),
    ("84713020", "Máy tính xách tay màn hình 14 inch", "PCE", "250.00", "40"),
]


def vietnamese_body(count: int = 3) -> dict:
    """An import of `count` items (cycling through VIETNAMESE_ITEMS) with numbered descriptions."""
    items = []
    total = Decimal(0)
    for index in range(count):
        hs_code, description, unit, price, quantity = VIETNAMESE_ITEMS[index % len(VIETNAMESE_ITEMS)]
        if count > len(VIETNAMESE_ITEMS):
            description = f"{description} — lô {index + 1:02d}"
        items.append({"hs_code": hs_code, "description": description, "origin_country": "CN", "quantity": quantity,
                      "unit": unit, "unit_price": price, "preference": "MFN"})
        total += Decimal(price) * Decimal(quantity)
    body = import_body(items=items)
    body["invoice"] = {**body["invoice"], "total": f"{total:.2f}"}
    return body


@pytest.fixture
def vietnamese_import(trader1):
    return registered(trader1, vietnamese_body())


def test_api_pdf_has_number_vietnamese_descriptions_and_a_qr_the_gate_accepts(trader1, api_client_for, vietnamese_import):
    response = api_client_for(trader1).get(f"/api/v1/declarations/{vietnamese_import.pk}/pdf/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="to-khai-{vietnamese_import.number}.pdf"'
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert content.startswith(b"%PDF-")
    _, text = pdf_text(content)
    text = squashed(text)
    assert vietnamese_import.number in text
    for _, description, *_rest in VIETNAMESE_ITEMS:
        assert description in text
    assert "TỜ KHAI HÀNG HÓA NHẬP KHẨU" in text
    assert "Công ty TNHH Thương mại Minh Anh" in text
    assert verification_code(number=vietnamese_import.number) in text
    assert qr_codes(content) == [qr_payload(number=vietnamese_import.number)]


def test_pdf_shows_the_taxes_of_each_item_and_the_totals(trader1, vietnamese_import):
    declaration = Declaration.objects.get(pk=vietnamese_import.pk)
    _, text = pdf_text(declaration_pdf_render(declaration=declaration))
    text = squashed(text)

    for item in declaration.items.all():
        assert f"{vn_number(item.taxable_value, 0)}" in text
        assert f"{vn_number(item.vat, 0)}" in text
    assert vn_number(declaration.tax_total, 0) in text
    assert vn_number(declaration.amount_due, 0) in text


def test_fifty_items_paginate_with_every_description_and_page_numbers(trader1):
    declaration = registered(trader1, vietnamese_body(50))
    declaration = Declaration.objects.prefetch_related("items").get(pk=declaration.pk)

    reader, text = pdf_text(declaration_pdf_render(declaration=declaration))

    pages = len(reader.pages)
    assert pages > 1
    text = squashed(text)
    for item in declaration.items.all():
        assert item.description in text, item.line_no
    for page in range(1, pages + 1):
        assert f"Trang {page}/{pages}" in text
    # The table header repeats on every page that carries items.
    assert text.count("Mô tả hàng hóa") >= 2


def test_render_queries_do_not_grow_with_the_items(trader1):
    declaration = registered(trader1, vietnamese_body(50))
    declaration = Declaration.objects.select_related(
        "enterprise", "customs_office", "created_by", "partner_country", "port_of_loading", "port_of_discharge",
    ).prefetch_related("items").get(pk=declaration.pk)

    with CaptureQueriesContext(connection) as queries:
        declaration_pdf_render(declaration=declaration)

    assert len(queries) == 0


def test_draft_has_a_watermark_and_no_qr(trader1, api_client_for):
    from declarations.services.declarations import declaration_create

    draft = declaration_create(user=trader1, data=parsed(vietnamese_body()))
    response = api_client_for(trader1).get(f"/api/v1/declarations/{draft.pk}/pdf/")

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="to-khai-draft-{draft.pk}.pdf"'
    _, text = pdf_text(response.content)
    text = squashed(text)
    assert "BẢN NHÁP" in text and "DRAFT" in text
    assert "Áo phông nam bằng bông" in text
    assert qr_codes(response.content) == []


@pytest.mark.parametrize("role, expected", [("anonymous", 401), ("trader2", 404), ("trader1", 200), ("officer", 200),
                                            ("risk_admin", 200), ("gate_user", 403)])
def test_api_pdf_matrix(request, api_client_for, vietnamese_import, role, expected):
    user = None if role == "anonymous" else request.getfixturevalue(role)

    response = api_client_for(user).get(f"/api/v1/declarations/{vietnamese_import.pk}/pdf/")

    assert response.status_code == expected
    if expected == 200:
        assert response.content.startswith(b"%PDF-")
    else:
        assert not response.content.startswith(b"%PDF-")


def test_unknown_declaration_is_404(trader1, api_client_for):
    assert api_client_for(trader1).get("/api/v1/declarations/999999999/pdf/").status_code == 404


@pytest.mark.parametrize("role, expected", [("trader2", 404), ("trader1", 200), ("officer", 200), ("gate_user", 403)])
def test_browser_download(request, client, vietnamese_import, role, expected):
    client.force_login(request.getfixturevalue(role))

    response = client.get(f"/declarations/{vietnamese_import.pk}/pdf/")

    assert response.status_code == expected
    if expected == 200:
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == f'attachment; filename="to-khai-{vietnamese_import.number}.pdf"'
        assert response.content.startswith(b"%PDF-")


def test_browser_download_needs_a_login(client, vietnamese_import):
    response = client.get(f"/declarations/{vietnamese_import.pk}/pdf/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_detail_page_links_to_the_pdf(client, trader1, vietnamese_import):
    client.force_login(trader1)

    response = client.get(f"/declarations/{vietnamese_import.pk}/")

    assert f'href="/declarations/{vietnamese_import.pk}/pdf/"' in response.content.decode()


@pytest.mark.parametrize("value, places, expected", [
    (Decimal("1234567.5"), None, "1.234.567,5"),
    (Decimal("1234567.5"), 0, "1.234.568"),
    (Decimal("3.5000"), None, "3,5"),
    (Decimal(26500), 2, "26.500,00"),
    (Decimal(0), 0, "0"),
    (Decimal("-1200.25"), 2, "-1.200,25"),
])
def test_vietnamese_number_format(value, places, expected):
    assert vn_number(value, places) == expected


def test_long_amounts_shrink_to_fit_their_column():
    assert _amount("9.532.089", 15) == {"text": "9.532.089", "size": ""}
    assert _amount("", 15)["size"] == ""
    shrunk = float(_amount("131.758.604.441", 18.5)["size"])
    assert 5.5 < shrunk < AMOUNT_FONT_PT
