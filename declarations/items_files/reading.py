"""Read goods lines from an .xlsx or .csv file, refusing any file that is not plainly what it says.

What comes out is the lines as the spreadsheet shows them (`SheetRead`): each line's values by
the API's field names (text as typed, numbers as `Decimal`, dates as `date`), its row number as
Excel or a text editor shows it, and the errors of cells that could not be read (a formula, a
number or a date that is not one). The lines are then judged by the API's serializer and the
validation of goods items (declarations/api/item_rows.py, declarations/services/items_import.py),
never here.

Every problem of the file as a whole is a `DomainValidationError({"file": [message]})`: too
large, empty, not the type its name says, a zip that would unpack to too much, macros, a
password, an encoding that is not UTF-8, a header that names unknown columns, more lines than a
group of branch declarations may hold. The limits are checked before openpyxl opens anything.
"""
import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from customs_portal.errors import DomainValidationError
from customs_portal.localization import (
    NumberUnreadable,
    date_parse,
    date_unreadable_message,
    number_parse,
    number_unreadable_message,
)
from declarations.items_files.columns import (
    COLUMNS_BY_FIELD,
    KNOWN_HEADERS,
    LINE_FIELDS,
    PERMIT_COLUMNS,
    REQUIRED_FIELDS,
    header_key,
)

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 25 * 1024 * 1024  # what the zip's directory says its entries unpack to, summed
MAX_ZIP_ENTRIES = 200
MAX_COLUMNS = 40
HEADER_SEARCH_ROWS = 10
MAX_SCANNED_ROWS = 3000  # rows of any kind read before the file is called too long
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an encrypted .xlsx, or an .xls of Excel 97-2003
ZIP_MAGIC = b"PK\x03\x04"
MACRO_PARTS = ("xl/vbaProject.bin",)
FORMULA = object()


@dataclass
class SheetLine:
    """One goods line of the file: its row, its values, and its permits (each with its own row)."""

    row: int
    values: dict
    permits: list[tuple[int, dict]] = field(default_factory=list)


@dataclass
class SheetRead:
    language: str  # the language text numbers were read in
    lines: list[SheetLine]
    errors: list[dict]  # [{"row", "field", "errors"}] of cells that could not be read


def file_error(message: str) -> DomainValidationError:
    return DomainValidationError({"file": [message]})


def items_file_read(*, name: str, content: bytes, language: str | None = None) -> SheetRead:
    """The goods lines of an uploaded .xlsx or .csv file. `language` reads numbers typed as text
    when the header is not in Vietnamese (the request's language by default)."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if not content:
        raise file_error(_("The file is empty."))
    if len(content) > MAX_FILE_BYTES:
        raise file_error(_("The file is larger than %(max)d MB.") % {"max": MAX_FILE_BYTES // (1024 * 1024)})
    if extension in ("xlsm", "xltm", "xlsb"):
        raise file_error(_("Workbooks with macros are not accepted: save the file as an Excel workbook (.xlsx)."))
    if extension == "xls":
        raise file_error(_("The old Excel 97–2003 format (.xls) is not read: save the file as an Excel workbook (.xlsx)."))
    if extension == "xlsx":
        rows = _xlsx_rows(content)
    elif extension == "csv":
        rows = _csv_rows(content)
    else:
        raise file_error(_("Give an Excel workbook (.xlsx) or a CSV file (.csv)."))
    return _sheet_read(rows, language=language or get_language() or "vi")


def _xlsx_rows(content: bytes):
    if content.startswith(OLE_MAGIC):
        raise file_error(_("The workbook is protected by a password (encrypted) or is an old .xls file: remove the "
                           "password and save it as an Excel workbook (.xlsx)."))
    if not content.startswith(ZIP_MAGIC):
        raise file_error(_("The file is named .xlsx but is not an Excel workbook."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise file_error(_("The file is named .xlsx but is not an Excel workbook.")) from None
    if len(entries) > MAX_ZIP_ENTRIES or sum(entry.file_size for entry in entries) > MAX_UNCOMPRESSED_BYTES:
        raise file_error(_("The workbook unpacks to more than %(max)d MB: it is not a sheet of goods lines.") % {
            "max": MAX_UNCOMPRESSED_BYTES // (1024 * 1024)})
    if any(entry.flag_bits & 0x1 for entry in entries):
        raise file_error(_("The workbook is protected by a password (encrypted): remove the password and save it again."))
    names = {entry.filename for entry in entries}
    if names & set(MACRO_PARTS) or any("macroenabled" in _read_part(archive, name).lower()
                                       for name in ("[Content_Types].xml",) if name in names):
        raise file_error(_("Workbooks with macros are not accepted: save the file as an Excel workbook (.xlsx)."))
    if "xl/workbook.xml" not in names:
        raise file_error(_("The file is named .xlsx but is not an Excel workbook."))
    try:
        # Read-only and without data_only: a cell holding a formula gives its text, never a value
        # computed by anyone (the formula is refused cell by cell).
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False, keep_links=False)
        try:
            sheet = workbook.worksheets[0]
            rows = []
            for cells in sheet.iter_rows(max_col=MAX_COLUMNS + 1):
                if len(rows) > MAX_SCANNED_ROWS + 1:
                    break
                rows.append([FORMULA if getattr(cell, "data_type", None) == "f" else cell.value for cell in cells])
        finally:
            workbook.close()
    except DomainValidationError:
        raise
    except Exception:  # any malformed workbook, whatever openpyxl or lxml raise on it, is the sender's problem
        raise file_error(_("The workbook could not be read: open it in Excel and save it again as .xlsx.")) from None
    return rows


def _read_part(archive: zipfile.ZipFile, name: str) -> str:
    with archive.open(name) as part:
        return part.read(64 * 1024).decode("utf-8", errors="replace")


def _csv_rows(content: bytes):
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise file_error(_("The CSV file is in UTF-16: save it as “CSV UTF-8 (Comma delimited)”."))
    if b"\x00" in content or content.startswith((ZIP_MAGIC, OLE_MAGIC)):
        raise file_error(_("The file is named .csv but is not a text file."))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise file_error(_("The CSV file is not in UTF-8 (perhaps Windows-1258 or TCVN3): save it as "
                           "“CSV UTF-8 (Comma delimited)”.")) from None
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        rows = []
        for index, row in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)):
            if index > MAX_SCANNED_ROWS + 1:
                break
            rows.append(row)
    except csv.Error:
        raise file_error(_("The CSV file could not be read: check its quotes.")) from None
    return rows


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _sheet_read(rows: list[list], *, language: str) -> SheetRead:
    numbered = [(number, row) for number, row in enumerate(rows, start=1)]
    filled = [index for index, (_n, row) in enumerate(numbered) if any(not _blank(v) for v in row)]
    if not filled:
        raise file_error(_("The file has no header row and no goods lines."))
    # The header is the first row naming at least three known columns (title rows may stand above
    # it, as in customs software's exports), or else the first row that is not empty.
    header_at = next((index for index in filled[:HEADER_SEARCH_ROWS]
                      if sum(isinstance(v, str) and header_key(v) in KNOWN_HEADERS for v in numbered[index][1]) >= 3),
                     filled[0])
    header_row, header = numbered[header_at]
    fields: dict[int, str] = {}
    problems, languages = [], []
    for index, text in enumerate(header):
        if _blank(text):
            continue
        if index >= MAX_COLUMNS or text is FORMULA:
            problems.append(_("Unknown column %(column)s “%(header)s”.") % {
                "column": get_column_letter(index + 1), "header": "=…" if text is FORMULA else str(text).strip()})
            continue
        known = KNOWN_HEADERS.get(header_key(text))
        if known is None:
            problems.append(_("Unknown column %(column)s “%(header)s”.") % {
                "column": get_column_letter(index + 1), "header": str(text).strip()})
            continue
        found, header_language = known
        if str(text).strip() == found:  # the API's own name says nothing of the language of numbers
            header_language = None
        if found in fields.values():
            problems.append(_("Column %(column)s repeats the column “%(header)s”.") % {
                "column": get_column_letter(index + 1), "header": str(text).strip()})
            continue
        fields[index] = found
        languages.append(header_language)
    missing = [COLUMNS_BY_FIELD[name] for name in REQUIRED_FIELDS if name not in fields.values()]
    if missing:
        problems.append(_("Columns missing: %(columns)s.") % {
            "columns": ", ".join(f"{column.vi} / {column.en}" for column in missing)})
    if problems:
        problems.append(_("The header (row %(row)d) must name the template's columns, in Vietnamese, in English "
                          "or by the API's field names.") % {"row": header_row})
        raise DomainValidationError({"file": problems})
    # Numbers typed as text: Vietnamese headers read them the Vietnamese way, English ones the
    # English way, the API's names in the reader's language (docs/decisions.md).
    if languages.count("vi") > languages.count("en"):
        language = "vi"
    elif "en" in languages:
        language = "en"
    language = "vi" if str(language).startswith("vi") else "en"

    lines: list[SheetLine] = []
    errors: list[dict] = []
    for number, row in numbered[header_at + 1:]:
        if all(_blank(value) for value in row):
            continue
        for index, value in enumerate(row):
            if index not in fields and not _blank(value):
                raise file_error(_("Column %(column)s has values (row %(row)d) but no header.") % {
                    "column": get_column_letter(index + 1), "row": number})
        values = {}
        for index, name in fields.items():
            value = row[index] if index < len(row) else None
            if _blank(value):
                continue
            parsed, problem = _cell(COLUMNS_BY_FIELD[name].kind, name, value, language)
            if problem:
                errors.append({"row": number, "field": name, "errors": [problem]})
            else:
                values[name] = parsed
        permit = {PERMIT_COLUMNS[name]: value for name, value in values.items() if name in PERMIT_COLUMNS}
        line_values = {name: value for name, value in values.items() if name not in PERMIT_COLUMNS}
        cell_errors = any(error["row"] == number and error["field"] in LINE_FIELDS for error in errors)
        if not line_values and not cell_errors:
            if lines:
                lines[-1].permits.append((number, permit))
            elif permit:
                errors.append({"row": number, "field": "permit_number",
                               "errors": [_("A row with a permit alone adds it to the goods line above: there is none.")]})
            continue
        lines.append(SheetLine(number, line_values, [(number, permit)] if permit else []))
    # More than 50 lines become linked branch declarations (declarations/services/branches.py).
    max_items = settings.DECLARATION_MAX_ITEMS * settings.DECLARATION_MAX_BRANCHES
    if len(lines) > max_items or len(rows) > MAX_SCANNED_ROWS + 1:
        raise file_error(_("At most %(max)d goods lines (%(branches)d branch declarations of %(size)d lines) are "
                           "imported together; this file has %(count)s.") % {
            "max": max_items, "branches": settings.DECLARATION_MAX_BRANCHES, "size": settings.DECLARATION_MAX_ITEMS,
            "count": len(lines) if len(rows) <= MAX_SCANNED_ROWS + 1 else pgettext("number of lines in a file", "more")})
    if not lines and not errors:
        raise file_error(_("The file has no goods lines below its header."))
    return SheetRead(language=language, lines=lines, errors=errors)


def _cell(kind: str, name: str, value, language: str) -> tuple[object, str | None]:
    """A cell's value as the column's kind, or the reason it cannot be read."""
    if value is FORMULA:
        return None, _("The cell holds a formula; formulas are not calculated: type the value itself.")
    if kind == "number":
        if isinstance(value, bool) or isinstance(value, (datetime, date)):
            return None, number_unreadable_message(language=language)
        if isinstance(value, (int, float, Decimal)):
            try:
                number = Decimal(str(value))
            except InvalidOperation:
                return None, number_unreadable_message(language=language)
            return (number, None) if number.is_finite() else (None, number_unreadable_message(language=language))
        try:
            return number_parse(str(value), language=language), None
        except NumberUnreadable:
            return None, number_unreadable_message(language=language)
    if kind == "date":
        if isinstance(value, datetime):
            return value.date(), None
        if isinstance(value, date):
            return value, None
        try:
            return date_parse(str(value)), None
        except ValueError:
            return None, date_unreadable_message()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (datetime, date)):
        value = value.strftime("%d/%m/%Y")
    text = str(value).strip()
    if name == "hs_code" and isinstance(value, int) and len(text) == 7:
        text = "0" + text  # a code of chapters 01-09 typed into a number cell lost its leading zero
    return text, None
