"""Goods lines as spreadsheets through HTTP: the template, the export of a declaration's lines, the
import into a draft (all lines or none, every bad row named), and the round trip."""
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from customs_portal.audit.models import AuditEvent
from declarations.items_files.columns import COLUMNS
from declarations.models import Declaration
from tests.declarations.items_files.support import (
    API_HEADER,
    EN_HEADER,
    VI_HEADER,
    csv_bytes,
    encrypted_xlsx_bytes,
    lines_vi,
    xlsx_bytes,
    zip_bomb_bytes,
)
from tests.factories import registered
from tests.payloads import import_body

pytestmark = pytest.mark.django_db
TEMPLATE = "/api/v1/declarations/items-template.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def draft(client) -> dict:
    response = client.post("/api/v1/declarations/", import_body(), format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def upload(client, pk, content: bytes, name="dong-hang.xlsx"):
    return client.post(f"/api/v1/declarations/{pk}/items/import/",
                       {"file": SimpleUploadedFile(name, content, content_type="application/octet-stream")},
                       format="multipart")


def items_of(pk) -> list[tuple]:
    return list(Declaration.objects.get(pk=pk).items.order_by("line_no").values_list(
        "hs_code", "description", "origin_country_id", "quantity", "unit_id", "unit_price", "line_value", "preference",
        "certificate_of_origin", "permits"))


def workbook_rows(content: bytes, sheet=0) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return [row for row in workbook.worksheets[sheet].iter_rows(values_only=True)]


class TestTemplate:
    @pytest.mark.parametrize("lang, header, sheets", [
        ("vi", [c.vi for c in COLUMNS], ["Dòng hàng", "Hướng dẫn"]),
        ("en", [c.en for c in COLUMNS], ["Goods lines", "Instructions"]),
    ])
    def test_the_template_in_either_language(self, trader1, api_client_for, lang, header, sheets):
        response = api_client_for(trader1).get(f"{TEMPLATE}?lang={lang}")

        assert response.status_code == 200
        assert response["Content-Type"] == XLSX
        assert workbook_rows(response.content) == [tuple(header)]
        assert load_workbook(io.BytesIO(response.content)).sheetnames == sheets

    def test_the_request_language_without_lang(self, trader1, api_client_for):
        response = api_client_for(trader1).get(TEMPLATE, HTTP_ACCEPT_LANGUAGE="en")
        assert workbook_rows(response.content)[0][0] == "HS code"
        assert 'filename="goods-lines-template.xlsx"' in response["Content-Disposition"]

    def test_the_template_filled_in_imports(self, trader1, api_client_for):
        client = api_client_for(trader1)
        workbook = load_workbook(io.BytesIO(client.get(f"{TEMPLATE}?lang=vi").content))
        workbook.active.append(["84716030", "Bàn phím", "CN", 200, "PCE", "12,5", None, "MFN"])
        output = io.BytesIO()
        workbook.save(output)
        pk = draft(client)["id"]

        response = upload(client, pk, output.getvalue())

        assert response.status_code == 200, response.json()
        assert [item["unit_price"] for item in response.json()["items"]] == ["12.5000"]


class TestImport:
    def test_vietnamese_headers_and_numbers_replace_the_drafts_lines(self, trader1, api_client_for):
        client = api_client_for(trader1)
        pk = draft(client)["id"]
        rows = [VI_HEADER, ["84716030", "Bàn phím máy tính", "CN", "1.234,5", "PCE", 12.5, "MFN", None],
                [None] * 8,
                ["08051010", "Cam tươi", "CN", 1000, "KGM", "1,5", "ACFTA", "E263000012345"]]

        response = upload(client, pk, xlsx_bytes(rows))

        assert response.status_code == 200, response.json()
        body = response.json()
        assert body == client.get(f"/api/v1/declarations/{pk}/").json()  # the declaration as GET shows it
        assert [(i["hs_code"], i["quantity"], i["unit_price"], i["line_value"]) for i in body["items"]] == [
            ("84716030", "1234.500", "12.5000", "15431.25"), ("08051010", "1000.000", "1.5000", "1500.00")]
        assert body["invoice"]["total"] == "16931.25"
        assert AuditEvent.objects.filter(declaration_id=pk, action="edit").count() == 1

    @pytest.mark.parametrize("header", [EN_HEADER, API_HEADER])
    def test_english_and_api_headers(self, trader1, api_client_for, header):
        client = api_client_for(trader1)
        pk = draft(client)["id"]

        response = upload(client, pk, xlsx_bytes([header, ["84716030", "Keyboards", "CN", 200, "PCE", "12.5", "MFN", None]]))

        assert response.status_code == 200, response.json()
        assert [(i["quantity"], i["unit_price"]) for i in response.json()["items"]] == [("200.000", "12.5000")]

    def test_fifty_lines(self, trader1, api_client_for):
        client = api_client_for(trader1)
        pk = draft(client)["id"]

        response = upload(client, pk, xlsx_bytes(lines_vi(50)))

        assert response.status_code == 200, response.json()
        assert len(response.json()["items"]) == 50
        assert response.json()["invoice"]["total"] == "138881.00"  # 50 × 1234.5 × 2.25 = 50 × 2777.62 (half-even)

    def test_a_real_password_protected_workbook_is_refused(self, trader1, api_client_for):
        client = api_client_for(trader1)
        pk = draft(client)["id"]
        before = items_of(pk)

        response = upload(client, pk, encrypted_xlsx_bytes(lines_vi(3)))

        assert (response.status_code, response.json()) == (400, {"file": [
            "The workbook is protected by a password (encrypted) or is an old .xls file: remove the password and save "
            "it as an Excel workbook (.xlsx)."]})
        assert items_of(pk) == before

    def test_one_line_over_the_maximum_of_a_group_of_branches(self, trader1, api_client_for):
        client = api_client_for(trader1)
        pk = draft(client)["id"]
        before = items_of(pk)

        response = upload(client, pk, csv_bytes(lines_vi(1001), delimiter=";"), name="dong-hang.csv")

        assert (response.status_code, response.json()) == (400, {"file": [
            "At most 1000 goods lines (20 branch declarations of 50 lines) are imported together; this file has 1001."]})
        assert items_of(pk) == before

    def test_every_bad_row_is_named_and_nothing_is_imported(self, trader1, api_client_for):
        client = api_client_for(trader1)
        pk = draft(client)["id"]
        before = items_of(pk)
        rows = [EN_HEADER,
                ["84716030", "Keyboards", "CN", 200, "PCE", "12.5", "MFN", None],     # row 2: good
                ["84716030", "Keyboards", "CN", 200, "PCE", "twelve", "MFN", None],   # row 3: not a number
                ["84716030", "Keyboards", "ZZ", 200, "PCE", "12.5", "MFN", None],     # row 4: unknown country
                ["12345678", "Mystery", "CN", "=1+1", "PCE", "3", "MFN", None],       # row 5: formula
                ["12345678", "Mystery", "CN", 1, "PCE", "3", "MFN", None],            # row 6: not in the tariff
                [None] * 8,
                ["61091010", "T-shirts", "CN", 10, "PCE", "3", "ACFTA", None],        # row 8: no C/O
                ["61091010", "", "CN", 10, "PCE", "3", "MFN", None]]                  # row 9: no description

        response = upload(client, pk, xlsx_bytes(rows))

        assert response.status_code == 400
        assert response.json() == {"rows": [
            {"row": 3, "field": "unit_price", "errors": ["Type a number, for example 1,234.56."]},
            {"row": 4, "field": "origin_country", "errors": ["Unknown country code ZZ."]},
            {"row": 5, "field": "quantity", "errors": [
                "The cell holds a formula; formulas are not calculated: type the value itself."]},
            {"row": 6, "field": "hs_code", "errors": ["HS code 12345678 is not in the tariff."]},
            {"row": 8, "field": "certificate_of_origin", "errors": [
                "A ACFTA preference needs the number of its certificate of origin (form E)."]},
            {"row": 9, "field": "description", "errors": ["This field is required."]},
        ]}
        assert items_of(pk) == before

    def test_row_errors_in_vietnamese(self, trader1, api_client_for):
        client = api_client_for(trader1)
        pk = draft(client)["id"]
        rows = [VI_HEADER, ["84716030", "Bàn phím", "CN", "abc", "PCE", "12,5", "MFN", None]]

        response = client.post(f"/api/v1/declarations/{pk}/items/import/",
                               {"file": SimpleUploadedFile("a.xlsx", xlsx_bytes(rows))}, format="multipart",
                               HTTP_ACCEPT_LANGUAGE="vi")

        assert response.json() == {"rows": [{"row": 2, "field": "quantity",
                                             "errors": ["Hãy nhập một số, ví dụ 1.234,56."]}]}

    def test_a_permit_error_is_on_the_permits_row(self, trader1, api_client_for):
        client = api_client_for(trader1)
        pk = draft(client)["id"]
        header = [*EN_HEADER, "Permit kind", "Permit number", "Issuing agency", "Date of issue"]
        rows = [header, ["84716030", "Keyboards", "CN", 200, "PCE", "12.5", "MFN", None, "quality", "Q1", "Quatest 3", "01/11/2026"],
                [None] * 8 + ["licence", "L1", "", "01/11/2026"]]

        response = upload(client, pk, xlsx_bytes(rows))

        assert response.json() == {"rows": [{"row": 3, "field": "permit_agency", "errors": ["This field is required."]}]}

    def test_csv_utf8_with_bom_and_semicolons(self, trader1, api_client_for):
        client = api_client_for(trader1)
        pk = draft(client)["id"]
        content = csv_bytes([VI_HEADER, ["84716030", "Bàn phím", "CN", "1.234,5", "PCE", "12,5", "MFN", ""]], delimiter=";")

        response = upload(client, pk, content, name="dong-hang.csv")

        assert response.status_code == 200, response.json()
        assert [(i["quantity"], i["unit_price"]) for i in response.json()["items"]] == [("1234.500", "12.5000")]

    @pytest.mark.parametrize("name, content, message", [
        ("a.xlsx", csv_bytes([EN_HEADER]), "The file is named .xlsx but is not an Excel workbook."),
        ("a.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "The file is named .xlsx but is not an Excel workbook."),
        ("a.xlsx", zip_bomb_bytes(), "The workbook unpacks to more than 25 MB: it is not a sheet of goods lines."),
        ("a.xlsx", b"", "The file is empty."),
        ("a.xlsx", b"PK\x03\x04" + b"\x00" * 3_000_000, "The file is larger than 2 MB."),
    ])
    def test_bad_files_are_a_clear_400(self, trader1, api_client_for, name, content, message):
        client = api_client_for(trader1)
        pk = draft(client)["id"]
        before = items_of(pk)

        response = upload(client, pk, content, name=name)

        assert (response.status_code, response.json()) == (400, {"file": [message]})
        assert items_of(pk) == before

    def test_no_file(self, trader1, api_client_for):
        client = api_client_for(trader1)
        pk = draft(client)["id"]
        response = client.post(f"/api/v1/declarations/{pk}/items/import/", {}, format="multipart")
        assert (response.status_code, response.json()) == (400, {"file": ["Choose an .xlsx or .csv file of goods lines."]})

    def test_a_registered_declaration_is_409(self, trader1, api_client_for):
        declaration = registered(trader1)
        response = upload(api_client_for(trader1), declaration.pk, xlsx_bytes(lines_vi(2)))
        assert response.status_code == 409

    def test_another_enterprises_draft_is_404(self, trader1, trader2, api_client_for):
        pk = draft(api_client_for(trader1))["id"]
        before = items_of(pk)
        response = upload(api_client_for(trader2), pk, xlsx_bytes(lines_vi(2)))
        assert response.status_code == 404
        assert items_of(pk) == before


class TestExport:
    def test_round_trip_export_then_import_gives_the_same_lines(self, trader1, api_client_for):
        client = api_client_for(trader1)
        body = import_body()
        body["items"][0]["permits"] = [{"kind": "quality", "number": "QC-7", "agency": "Quatest 3", "date": "2026-11-02"},
                                       {"kind": "licence", "number": "GP-1", "agency": "MOIT", "date": "2026-10-01"}]
        body["items"][0]["quantity"] = "1234.567"
        body["items"][0]["unit_price"] = "20.2503"
        body["invoice"]["total"] = str((Decimal("1234.567") * Decimal("20.2503")).quantize(Decimal("0.01")) + 1500)
        source = client.post("/api/v1/declarations/", body, format="json").json()
        target = draft(client)["id"]

        for lang in ("vi", "en"):
            exported = client.get(f"/api/v1/declarations/{source['id']}/items.xlsx?lang={lang}")
            assert exported.status_code == 200
            response = upload(client, target, exported.content)
            assert response.status_code == 200, response.json()
            assert items_of(target) == items_of(source["id"])

    def test_the_export_shows_the_lines(self, trader1, api_client_for):
        client = api_client_for(trader1)
        declaration = registered(trader1)

        response = client.get(f"/api/v1/declarations/{declaration.pk}/items.xlsx?lang=en")

        assert workbook_rows(response.content)[1][:9] == (
            "84713020", "Laptop computers", "CN", 100, "PCE", 250, 25000, "MFN", None)
        assert f'filename="goods-lines-{declaration.number}.xlsx"' in response["Content-Disposition"]

    def test_an_officer_may_export_another_enterprises_lines_a_trader_may_not(self, trader2, officer, api_client_for, trader1):
        declaration = registered(trader1)
        assert api_client_for(officer).get(f"/api/v1/declarations/{declaration.pk}/items.xlsx").status_code == 200
        assert api_client_for(trader2).get(f"/api/v1/declarations/{declaration.pk}/items.xlsx").status_code == 404
