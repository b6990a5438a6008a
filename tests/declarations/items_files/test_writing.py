"""The template and the export (declarations/items_files/writing.py) read back as they were written."""
from datetime import date
from decimal import Decimal

import pytest

from customs_portal.errors import DomainValidationError
from declarations.items_files.reading import items_file_read
from declarations.items_files.writing import items_workbook

LINE = {"hs_code": "02013000", "description": "Thịt bò không xương, ướp lạnh", "origin_country": "AU",
        "quantity": Decimal("1234.500"), "unit": "KGM", "unit_price": Decimal("12.3456"), "line_value": Decimal("15240.64"),
        "preference": "AANZFTA", "certificate_of_origin": "AANZ-2026-0001",
        "permits": [{"kind": "quarantine", "number": "KD-1", "agency": "Cục Thú y", "date": date(2026, 11, 2)},
                    {"kind": "quality", "number": "Q-2", "agency": "Quatest 3", "date": date(2026, 11, 3)}]}


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_line_with_two_permits_reads_back_the_same(language):
    sheet = items_file_read(name="x.xlsx", content=items_workbook(language=language, items=[LINE]), language="en")

    line, = sheet.lines
    assert sheet.errors == []
    assert line.row == 2
    assert line.values == {name: value for name, value in LINE.items() if name != "permits"}
    assert line.permits == [(2, LINE["permits"][0]), (3, LINE["permits"][1])]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_more_digits_than_a_spreadsheet_keeps_are_written_as_text_and_read_back_exactly(language):
    big = {**LINE, "quantity": Decimal("123456789012345.123"), "unit_price": Decimal("0.0001"), "line_value": None,
           "permits": []}

    line, = items_file_read(name="x.xlsx", content=items_workbook(language=language, items=[big]), language="en").lines

    assert (line.values["quantity"], line.values["unit_price"]) == (Decimal("123456789012345.123"), Decimal("0.0001"))


def test_the_empty_template_is_refused_for_want_of_lines():
    with pytest.raises(DomainValidationError) as caught:
        items_file_read(name="x.xlsx", content=items_workbook(language="vi"))
    assert caught.value.errors == {"file": ["The file has no goods lines below its header."]}
