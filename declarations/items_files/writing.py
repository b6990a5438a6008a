"""Write the goods-lines template, empty or with a declaration's lines, as an .xlsx workbook.

The first sheet is what `reading` reads: the header in row 1, one goods line per row from row 2
(a line's second and later permits on rows of their own below it). The second sheet explains
each column. Numbers are number cells (a value with more digits than a spreadsheet keeps
exactly is written as text, in the template's language, and read back the same); HS codes are
text cells, so that the leading zero of chapters 01-09 stays.
"""
import io
from datetime import date
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from customs_portal.localization import number_text, significant_places
from declarations.items_files.columns import COLUMNS, PERMIT_COLUMNS, REQUIRED_FIELDS

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXACT_DIGITS = 15  # what a spreadsheet's number keeps exactly
SHEET_TITLES = {"vi": ("Dòng hàng", "Hướng dẫn"), "en": ("Goods lines", "Instructions")}
WIDTHS = {"description": 40, "hs_code": 12, "certificate_of_origin": 18, "permit_agency": 24}
NOTES = {
    "vi": ("Dòng 1 là dòng tiêu đề; mỗi dòng hàng một dòng từ dòng 2. Dòng trống được bỏ qua. "
           "Không dùng công thức: ô có công thức bị từ chối. Tối đa 50 dòng hàng, tệp tối đa 2 MB."),
    "en": ("Row 1 is the header; one goods line per row from row 2. Empty rows are skipped. "
           "Do not use formulas: a cell holding one is refused. At most 50 goods lines, files up to 2 MB."),
}


def _number_cell(value: Decimal, language: str):
    digits = len(format(abs(value.normalize()), "f").replace(".", "").lstrip("0"))
    if digits > EXACT_DIGITS:
        return number_text(value, places=significant_places(value), language=language)
    places = significant_places(value)
    return int(value) if places == 0 else Decimal(format(value.normalize(), "f"))


def _line_rows(item: dict) -> list[dict]:
    """A goods line as the rows of the sheet: the line with its first permit, then one row per other permit."""
    permits = list(item.get("permits") or [])
    first = {name: item.get(name) for name in ("hs_code", "description", "origin_country", "quantity", "unit",
                                               "unit_price", "line_value", "preference", "certificate_of_origin")}
    rows = [first]
    for index, permit in enumerate(permits):
        values = {column: permit.get(key) for column, key in PERMIT_COLUMNS.items()}
        if index == 0:
            first.update(values)
        else:
            rows.append(values)
    return rows


def items_workbook(*, language: str, items: list[dict] = ()) -> bytes:
    """The template in `language` ("vi" or "en"), with `items` (declaration bodies' goods lines) filled in."""
    language = "vi" if language.startswith("vi") else "en"
    workbook = Workbook()
    sheet = workbook.active
    sheet.title, help_title = SHEET_TITLES[language]
    sheet.append([column.label(language) for column in COLUMNS])
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font, cell.fill = bold, fill
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS.get(column.field, 15)
    sheet.freeze_panes = "A2"
    for item in items:
        for values in _line_rows(item):
            row = []
            for column in COLUMNS:
                value = values.get(column.field)
                if isinstance(value, Decimal):
                    value = _number_cell(value, language)
                elif value in ("", None):
                    value = None
                row.append(value)
            sheet.append(row)
    fields = [column.field for column in COLUMNS]
    hs_index, date_index = 1 + fields.index("hs_code"), 1 + fields.index("permit_date")
    sheet.column_dimensions[get_column_letter(hs_index)].number_format = "@"  # HS codes as text, typed ones too
    for (cell,) in sheet.iter_rows(min_row=2, max_row=sheet.max_row, min_col=hs_index, max_col=hs_index):
        cell.number_format = "@"
    for (cell,) in sheet.iter_rows(min_row=2, max_row=sheet.max_row, min_col=date_index, max_col=date_index):
        if isinstance(cell.value, date):
            cell.number_format = "DD/MM/YYYY"

    instructions = workbook.create_sheet(help_title)
    instructions.append([NOTES[language]])
    instructions.append([])
    instructions.append(["Cột" if language == "vi" else "Column", "Bắt buộc" if language == "vi" else "Required",
                         "Tên trường API" if language == "vi" else "API field", "Giải thích" if language == "vi" else "Meaning"])
    for cell in instructions[3]:
        cell.font = bold
    yes, no = ("Có", "Không") if language == "vi" else ("Yes", "No")
    for column in COLUMNS:
        instructions.append([column.label(language), yes if column.field in REQUIRED_FIELDS else no, column.field,
                             column.help(language)])
    for letter, width in zip("ABCD", (22, 10, 22, 90)):
        instructions.column_dimensions[letter].width = width
    for row in instructions.iter_rows(min_row=4):
        row[3].alignment = Alignment(wrap_text=True)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
