"""Reading goods lines from .xlsx and .csv files (declarations/items_files/reading.py): what is read,
and every kind of bad or hostile file refused with a clear message."""
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from customs_portal.errors import DomainValidationError
from declarations.items_files.columns import COLUMNS, KNOWN_HEADERS, header_key
from declarations.items_files.reading import items_file_read
from tests.declarations.items_files.support import (
    API_HEADER,
    EN_HEADER,
    ENCRYPTED_WORKBOOK,
    KEYBOARDS,
    T_SHIRTS,
    VI_HEADER,
    csv_bytes,
    lines_vi,
    macro_workbook_bytes,
    xlsx_bytes,
    zip_bomb_bytes,
)


def file_errors(name: str, content: bytes, **kwargs) -> list[str]:
    with pytest.raises(DomainValidationError) as caught:
        items_file_read(name=name, content=content, **kwargs)
    assert set(caught.value.errors) == {"file"}, caught.value.errors
    return caught.value.errors["file"]


def test_no_header_names_two_columns():
    fields_of: dict[str, set[str]] = {}
    for column in COLUMNS:
        for text in (column.field, column.vi, column.en, *column.aliases):
            fields_of.setdefault(header_key(text), set()).add(column.field)
    assert {key: fields for key, fields in fields_of.items() if len(fields) > 1} == {}
    assert set(fields_of) == set(KNOWN_HEADERS)


@pytest.mark.parametrize("text, key", [("ĐƠN GIÁ", "don gia"), ("  Đơn   giá ", "don gia"), ("unit_price", "unit price"),
                                       ("Mã HS (8 số)", "ma hs 8 so"), ("Số C/O", "so c o")])
def test_headers_are_compared_without_case_accents_or_spacing(text, key):
    assert header_key(text) == key


def test_vietnamese_headers_and_numbers_as_text_and_as_number_cells():
    rows = [VI_HEADER, ["84716030", "Bàn phím", "cn", "1.234,5", "pce", 12.5, "MFN", None],
            [84713020, "Máy tính xách tay", "CN", 100, "PCE", "250", "MFN", None]]

    sheet = items_file_read(name="dong-hang.xlsx", content=xlsx_bytes(rows), language="en")

    assert sheet.language == "vi"  # the header's language, not the reader's
    assert sheet.errors == []
    assert [(line.row, line.values) for line in sheet.lines] == [
        (2, {"hs_code": "84716030", "description": "Bàn phím", "origin_country": "cn", "quantity": Decimal("1234.5"),
             "unit": "pce", "unit_price": Decimal("12.5"), "preference": "MFN"}),
        (3, {"hs_code": "84713020", "description": "Máy tính xách tay", "origin_country": "CN", "quantity": Decimal("100"),
             "unit": "PCE", "unit_price": Decimal("250"), "preference": "MFN"}),
    ]


def test_english_headers_read_text_numbers_the_english_way():
    rows = [EN_HEADER, ["84716030", "Keyboards", "CN", "1,234", "PCE", "1,234.50", "MFN", None]]

    with translation.override("vi"):
        sheet = items_file_read(name="lines.xlsx", content=xlsx_bytes(rows))

    assert sheet.language == "en"
    assert sheet.lines[0].values["quantity"] == Decimal("1234")
    assert sheet.lines[0].values["unit_price"] == Decimal("1234.50")


@pytest.mark.parametrize("language, quantity", [("vi", Decimal("1.234")), ("en", Decimal("1234"))])
def test_api_field_names_read_text_numbers_in_the_readers_language(language, quantity):
    rows = [API_HEADER, ["84716030", "Keyboards", "CN", "1,234", "PCE", "2", "MFN", None]]

    sheet = items_file_read(name="lines.xlsx", content=xlsx_bytes(rows), language=language)

    assert sheet.lines[0].values["quantity"] == quantity


def test_a_leading_zero_lost_in_a_number_cell_comes_back():
    rows = [EN_HEADER, [2013000, "Frozen beef", "AU", 10, "KGM", 5, "MFN", None]]
    assert items_file_read(name="a.xlsx", content=xlsx_bytes(rows)).lines[0].values["hs_code"] == "02013000"


def test_empty_rows_are_skipped_and_rows_keep_the_numbers_excel_shows():
    rows = [VI_HEADER, KEYBOARDS, [None] * 8, ["", "  ", None, None, None, None, None, None], T_SHIRTS]

    sheet = items_file_read(name="a.xlsx", content=xlsx_bytes(rows, title_rows=[[None], ["TỜ KHAI — DÒNG HÀNG"]]))

    assert [line.row for line in sheet.lines] == [4, 7]  # two title rows above the header (row 3)


def test_merged_cells_do_not_crash_the_reader():
    rows = [VI_HEADER, KEYBOARDS, T_SHIRTS]

    sheet = items_file_read(name="a.xlsx", content=xlsx_bytes(rows, merge="B2:C3"))

    assert [line.values.get("description") for line in sheet.lines] == ["Bàn phím máy tính", None]


def test_a_formula_is_refused_cell_by_cell_and_never_evaluated():
    rows = [EN_HEADER, ["84716030", "Keyboards", "CN", "=2*100", "PCE", "12.5", "MFN", None]]

    sheet = items_file_read(name="a.xlsx", content=xlsx_bytes(rows), language="en")

    assert sheet.errors == [{"row": 2, "field": "quantity", "errors": [
        "The cell holds a formula; formulas are not calculated: type the value itself."]}]
    assert "quantity" not in sheet.lines[0].values


def test_a_thousand_lines_are_read_and_a_thousand_and_one_refused():
    """More than 50 lines make linked branch declarations (declarations/services/branches.py), at most 20."""
    assert len(items_file_read(name="a.csv", content=csv_bytes(lines_vi(1000), delimiter=";")).lines) == 1000

    assert file_errors("a.xlsx", xlsx_bytes(lines_vi(1001))) == [
        "At most 1000 goods lines (20 branch declarations of 50 lines) are imported together; this file has 1001."]


def test_permits_of_a_line_and_a_permit_row_below_it():
    header = [*EN_HEADER, "Permit kind", "Permit number", "Issuing agency", "Date of issue"]
    rows = [header, [*KEYBOARDS, "quality", "QC-1", "Quatest 3", "02/11/2026"],
            [None] * 8 + ["licence", "L-2", "MOIT", date(2026, 11, 3)]]

    line, = items_file_read(name="a.xlsx", content=xlsx_bytes(rows)).lines

    assert line.permits == [(2, {"kind": "quality", "number": "QC-1", "agency": "Quatest 3", "date": date(2026, 11, 2)}),
                            (3, {"kind": "licence", "number": "L-2", "agency": "MOIT", "date": date(2026, 11, 3)})]


def test_csv_utf8_with_bom_and_semicolons():
    content = csv_bytes([VI_HEADER, ["84716030", "Bàn phím; loại USB", "CN", "1.234,5", "PCE", "12,5", "MFN", ""]],
                        delimiter=";")
    content = content.replace("Bàn phím; loại USB".encode(), '"Bàn phím; loại USB"'.encode())

    line, = items_file_read(name="dong-hang.csv", content=content).lines

    assert line.values["description"] == "Bàn phím; loại USB"
    assert (line.values["quantity"], line.values["unit_price"]) == (Decimal("1234.5"), Decimal("12.5"))


def test_csv_utf8_without_bom_and_commas():
    line, = items_file_read(name="a.csv", content=csv_bytes([EN_HEADER, ["84716030", "Keyboards", "CN", "200", "PCE",
                                                                        "12.5", "MFN", ""]], bom=False)).lines
    assert line.values["unit_price"] == Decimal("12.5")


def test_unknown_and_missing_columns_are_named():
    rows = [["Mã HS", "Mô tả hàng hóa", "Xuất xứ", "Số lượng", "Đơn vị tính", "Ghi chú", "Mã HS"], KEYBOARDS[:7]]

    assert file_errors("a.xlsx", xlsx_bytes(rows)) == [
        "Unknown column F “Ghi chú”.",
        "Column G repeats the column “Mã HS”.",
        "Columns missing: Đơn giá / Unit price.",
        "The header (row 1) must name the template's columns, in Vietnamese, in English or by the API's field names.",
    ]


def test_values_under_no_header_are_refused():
    assert file_errors("a.xlsx", xlsx_bytes([EN_HEADER, [*KEYBOARDS, "stray"]])) == [
        "Column I has values (row 2) but no header."]


@pytest.mark.parametrize("name, content, message", [
    ("a.xlsx", b"", "The file is empty."),
    ("a.xlsx", b"x" * (2 * 1024 * 1024 + 1), "The file is larger than 2 MB."),
    ("a.xlsx", csv_bytes([EN_HEADER, KEYBOARDS]), "The file is named .xlsx but is not an Excel workbook."),
    ("a.xlsx", bytes(range(256)) * 8, "The file is named .xlsx but is not an Excel workbook."),
    ("a.xlsx", b"PK\x03\x04" + b"\x00" * 100, "The file is named .xlsx but is not an Excel workbook."),
    ("a.xlsx", zip_bomb_bytes(), "The workbook unpacks to more than 25 MB: it is not a sheet of goods lines."),
    ("a.xlsx", macro_workbook_bytes(), "Workbooks with macros are not accepted: save the file as an Excel workbook (.xlsx)."),
    ("a.xlsm", xlsx_bytes([EN_HEADER, KEYBOARDS]),
     "Workbooks with macros are not accepted: save the file as an Excel workbook (.xlsx)."),
    ("a.xlsx", ENCRYPTED_WORKBOOK, "The workbook is protected by a password (encrypted) or is an old .xls file: "
                                   "remove the password and save it as an Excel workbook (.xlsx)."),
    ("a.xls", ENCRYPTED_WORKBOOK, "The old Excel 97–2003 format (.xls) is not read: save the file as an Excel workbook (.xlsx)."),
    ("a.csv", xlsx_bytes([EN_HEADER, KEYBOARDS]), "The file is named .csv but is not a text file."),
    ("a.csv", bytes(range(256)) * 8, "The file is named .csv but is not a text file."),
    ("a.csv", csv_bytes([VI_HEADER, KEYBOARDS], bom=False, encoding="cp1258"),
     "The CSV file is not in UTF-8 (perhaps Windows-1258 or TCVN3): save it as “CSV UTF-8 (Comma delimited)”."),
    ("a.csv", "\ufeff".encode("utf-16-le") + csv_bytes([VI_HEADER, KEYBOARDS], bom=False, encoding="utf-16-le"),
     "The CSV file is in UTF-16: save it as “CSV UTF-8 (Comma delimited)”."),
    ("a.txt", b"hs_code\n", "Give an Excel workbook (.xlsx) or a CSV file (.csv)."),
    ("a.csv", b"\xef\xbb\xbf\r\n\r\n", "The file has no header row and no goods lines."),
    ("a.csv", csv_bytes([EN_HEADER]), "The file has no goods lines below its header."),
])
def test_bad_and_hostile_files_are_refused_with_a_clear_message(name, content, message):
    with translation.override("en"):
        assert file_errors(name, content) == [message]


def test_messages_in_vietnamese():
    with translation.override("vi"):
        message, = file_errors("a.xlsx", b"")
    assert message == "Tệp rỗng."
