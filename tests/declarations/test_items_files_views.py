"""The declaration form's import of goods lines from a file (declarations/views/items_files.py): the
lines fill the form when every row is good, nothing changes otherwise, errors by row and column."""
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from declarations.models import AmendmentRequest, Declaration
from tests.declarations.items_files.support import VI_HEADER, xlsx_bytes
from tests.factories import draft_of, registered
from tests.payloads import as_form_data, plain_import_body

pytestmark = pytest.mark.django_db

GOOD = [VI_HEADER, ["84716030", "Bàn phím máy tính", "CN", "1.234,5", "PCE", "2,25", "MFN", None],
        ["61091010", "Áo thun cotton nam", "CN", 1000, "PCE", 3, "MFN", None],
        ["08051010", "Cam tươi", "CN", "1.000", "KGM", "1,5", "ACFTA", "E263000012345"]]
BAD = [VI_HEADER, ["84716030", "Bàn phím máy tính", "CN", "1.234,5", "PCE", "2,25", "MFN", None],
       ["61091010", "Áo thun cotton nam", "CN", 1000, "PCE", "ba đô", "MFN", None],
       ["6109", "Áo thun", "CN", 1000, "PCE", 3, "MFN", None]]


def post_import(client, content: bytes, *, path="/declarations/new/", language="en"):
    data = {**as_form_data(plain_import_body()), "import_items": "1",
            "items_file": SimpleUploadedFile("dong-hang.xlsx", content)}
    return client.post(path, data, HTTP_ACCEPT_LANGUAGE=language)


def test_the_form_links_the_template_in_both_languages(trader1, client):
    client.force_login(trader1)
    page = client.get("/declarations/new/").content.decode()
    assert 'href="/api/v1/declarations/items-template.xlsx?lang=vi"' in page
    assert 'href="/api/v1/declarations/items-template.xlsx?lang=en"' in page
    assert 'name="import_items"' in page and 'formenctype="multipart/form-data"' in page


def test_good_lines_fill_the_form_and_nothing_is_saved(trader1, client):
    client.force_login(trader1)

    response = post_import(client, xlsx_bytes(GOOD))

    assert response.status_code == 200
    rows = response.context["form"].rows
    assert [(row["hs_code"], row["quantity"], row["unit_price"], row["preference"], row["certificate_of_origin"])
            for row in rows] == [("84716030", "1,234.5", "2.25", "MFN", ""), ("61091010", "1,000", "3", "MFN", ""),
                                 ("08051010", "1,000", "1.5", "ACFTA", "E263000012345")]
    assert response.context["form"].values["partner_name"] == "Shenzhen Example Co."  # the header as typed
    assert "3 goods lines imported from dong-hang.xlsx." in response.content.decode()
    assert Declaration.objects.count() == 0


def test_bad_rows_are_listed_by_row_and_column_and_the_typed_lines_stay(trader1, client):
    client.force_login(trader1)

    response = post_import(client, xlsx_bytes(BAD))

    assert response.context["form"].import_errors == [
        "row 3, column Unit price: Type a number, for example 1.234,56.",  # the file is read the Vietnamese way
        "row 4, column HS code: An HS code has 8 digits (AHTN); 6109 has 4.",
    ]
    assert [row["hs_code"] for row in response.context["form"].rows] == ["84716030", "61091010"]  # as typed


def test_bad_rows_in_vietnamese(trader1, client):
    client.force_login(trader1)

    response = post_import(client, xlsx_bytes(BAD), language="vi")

    assert response.context["form"].import_errors == [
        "dòng 3, cột Đơn giá: Hãy nhập một số, ví dụ 1.234,56.",
        "dòng 4, cột Mã HS: Mã HS gồm 8 chữ số (AHTN); 6109 có 4 chữ số.",
    ]


def test_a_bad_file_says_why(trader1, client):
    client.force_login(trader1)
    response = post_import(client, b"not a workbook")
    assert response.context["form"].import_errors == ["The file is named .xlsx but is not an Excel workbook."]


def test_import_into_a_drafts_form_then_save(trader1, client):
    client.force_login(trader1)
    declaration = draft_of(trader1)

    imported = post_import(client, xlsx_bytes(GOOD), path=f"/declarations/{declaration.pk}/edit/")
    form = imported.context["form"]
    data = {**as_form_data(plain_import_body()), "invoice-total": "7277.62"}
    data = {key: value for key, value in data.items() if not key.startswith("items-")}
    for index, row in enumerate(form.rows):
        data.update({f"items-{index}-{key}": value for key, value in row.items() if key != "permits"})
    saved = client.post(f"/declarations/{declaration.pk}/edit/", data, HTTP_ACCEPT_LANGUAGE="en")

    assert saved.status_code == 302, saved.context["form"].summary
    assert list(declaration.items.order_by("line_no").values_list("hs_code", "line_value")) == [
        ("84716030", Decimal("2777.62")), ("61091010", Decimal("3000.00")), ("08051010", Decimal("1500.00"))]


def test_the_amend_form_imports_lines_too_and_sends_nothing(trader1, client):
    client.force_login(trader1)
    declaration = registered(trader1)

    response = post_import(client, xlsx_bytes(GOOD), path=f"/declarations/{declaration.pk}/amend/")

    assert response.status_code == 200
    assert [row["hs_code"] for row in response.context["form"].rows] == ["84716030", "61091010", "08051010"]
    declaration.refresh_from_db()
    assert (declaration.version, declaration.items.count()) == (1, 2)
    assert not AmendmentRequest.objects.exists()
