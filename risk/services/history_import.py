"""Imports the history of an outside source (issue 16, "History to learn from"): a CSV file in the KCS
data set's format (risk/history_data/kcs/), one goods item per row, into HistoryParty / HistoryItem.

All or nothing: every row is checked first and every problem collected (line as the file shows it,
column, message); a file with one bad row imports nothing. Idempotent: a row whose Declaration ID the
source already has is skipped, never updated, and counted as already present. Fast: the parties are
upserted in bulk, the items inserted in batches, in one transaction under a lock per source, so two
imports of one source never interleave. `manage.py import_history` and the risk admins' page call it
with a path or an uploaded (binary) file. docs/operations.md, "Importing outside history".
"""
import csv
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import BinaryIO

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from customs_portal.audit.services import audit_record
from customs_portal.errors import DomainError
from declarations.models import TransportMode
from risk.learned_models import PORTAL_SOURCE, HistoryItem, HistoryParty
from risk.selectors.history import history_source_lock

MAX_ROWS = 1_000_000
BATCH_SIZE = 5000
PARTY_QUERY_SIZE = 20_000

# The columns of the KCS data set, all required (others are ignored), in any order.
DECLARATION_ID = "Declaration ID"
COLUMNS = (
    DECLARATION_ID, "Date", "Office ID", "Process Type", "Import Type", "Import Use", "Payment Type",
    "Mode of Transport", "Declarant ID", "Importer ID", "Seller ID", "Courier ID", "HS6 Code",
    "Country of Departure", "Country of Origin", "Tax Rate", "Tax Type", "Country of Origin Indicator",
    "Net Mass", "Item Price", "Fraud", "Critical Fraud",
)
PARTY_COLUMNS = {
    "Importer ID": HistoryParty.Role.IMPORTER,
    "Declarant ID": HistoryParty.Role.DECLARANT,
    "Seller ID": HistoryParty.Role.SELLER,
    "Courier ID": HistoryParty.Role.COURIER,
}
# Short codes kept as they are: (column, field, longest).
CODE_COLUMNS = (
    ("Office ID", "office", 16), ("Process Type", "process_type", 8), ("Import Type", "import_type", 8),
    ("Import Use", "import_use", 8), ("Payment Type", "payment_type", 8), ("Tax Type", "tax_type", 8),
    ("Country of Origin Indicator", "origin_indicator", 4),
)
# Amounts: (column, field, largest integer digits of the field, i.e. max_digits − decimal_places).
AMOUNT_COLUMNS = (("Tax Rate", "tax_rate", 6), ("Net Mass", "net_mass", 15), ("Item Price", "item_price", 19))
AMOUNT_PLACES = Decimal("0.001")
# The KCS codes of the mode of transport follow UN/ECE Recommendation 19, times ten.
TRANSPORT_MODES = {"10": TransportMode.SEA, "20": TransportMode.RAIL, "30": TransportMode.ROAD,
                   "40": TransportMode.AIR, "50": TransportMode.OTHER}
# Files that are plainly something else, by their first bytes.
NOT_CSV_SIGNATURES = ((b"PK\x03\x04", "ZIP / Excel (.xlsx)"), (b"\xd0\xcf\x11\xe0", "Excel (.xls)"),
                      (b"%PDF", "PDF"), (b"\x1f\x8b", "gzip"))
SOURCE_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")
DATE_FORMAT = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
HS6_FORMAT = re.compile(r"\d{6}", re.ASCII)
COUNTRY_FORMAT = re.compile(r"[A-Za-z]{2}")
CURRENCY_FORMAT = re.compile(r"[A-Z]{3}")
# A plain decimal number (ASCII digits, a point, an exponent as spreadsheets and pandas write large ones).
NUMBER_FORMAT = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", re.ASCII)


@dataclass(frozen=True)
class HistoryImportProblem:
    """One problem of a file: its line as the file shows it (the header is line 1; None for the file
    as a whole), the column (as the header names it; "" for the row or the file) and what is wrong."""

    line: int | None
    column: str
    message: str

    def __str__(self):
        if self.line is None:
            return self.message
        if not self.column:
            return _("line %(line)d: %(message)s") % {"line": self.line, "message": self.message}
        return _("line %(line)d, column %(column)s: %(message)s") % {
            "line": self.line, "column": self.column, "message": self.message}


class HistoryImportError(DomainError):
    """The file was not imported; `problems` says every reason found."""

    def __init__(self, problems: list[HistoryImportProblem]):
        self.problems = problems
        shown = "; ".join(str(problem) for problem in problems[:5])
        more = len(problems) - 5
        super().__init__(shown + (f"; … (+{more})" if more > 0 else ""))


@dataclass
class HistoryImportReport:
    source: str
    file_name: str
    read: int = 0  # data rows in the file
    created: int = 0
    already_present: int = 0  # skipped: the source already has their Declaration ID
    parties_created: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        """The report in plain words (the command prints it, a page shows it)."""
        text = ngettext(
            "%(file)s: %(read)d row read, %(created)d imported, %(present)d already present (skipped), "
            "%(parties)d new parties, source %(source)s, in %(seconds).1f s.",
            "%(file)s: %(read)d rows read, %(created)d imported, %(present)d already present (skipped), "
            "%(parties)d new parties, source %(source)s, in %(seconds).1f s.",
            self.read,
        ) % {"file": self.file_name, "read": self.read, "created": self.created, "present": self.already_present,
             "parties": self.parties_created, "source": self.source, "seconds": self.seconds}
        if self.read and not self.created:
            text += " " + _("Nothing new: every row had been imported before.")
        return text


@dataclass(slots=True)
class _Row:
    line: int
    values: dict = field(default_factory=dict)  # HistoryItem's fields, but the parties
    parties: dict = field(default_factory=dict)  # {role (the field's name): external ID or None}


def history_import(*, path_or_file: str | Path | BinaryIO, source: str = "kcs", file_name: str | None = None,
                   currency: str = "KRW", user=None, max_rows: int = MAX_ROWS) -> HistoryImportReport:
    """Import one file (a path, or a file-like opened in binary mode such as an upload); raises
    HistoryImportError, importing nothing, if the source, the currency or any row is not right."""
    started = time.monotonic()
    problems = []
    if source == PORTAL_SOURCE or not SOURCE_NAME.fullmatch(source):
        problems.append(HistoryImportProblem(None, "", _(
            "The source name must be 1 to 32 lowercase letters, digits, “-” or “_”, and not “%(portal)s”.")
            % {"portal": PORTAL_SOURCE}))
    if not CURRENCY_FORMAT.fullmatch(currency):
        problems.append(HistoryImportProblem(None, "", _("The currency must be a three-letter ISO code such as KRW.")))
    if problems:
        raise HistoryImportError(problems)
    if isinstance(path_or_file, str | Path):
        with open(path_or_file, "rb") as opened:
            rows = _rows_checked(opened, currency=currency, max_rows=max_rows)
        name = file_name or Path(path_or_file).name
    else:
        rows = _rows_checked(path_or_file, currency=currency, max_rows=max_rows)
        name = file_name or Path(getattr(path_or_file, "name", "") or "upload.csv").name
    report = HistoryImportReport(source=source, file_name=name[:255], read=len(rows))
    with transaction.atomic():
        history_source_lock(source=source)
        new_rows = _rows_not_present(rows, source=source)
        report.already_present = len(rows) - len(new_rows)
        party_ids, report.parties_created = _parties_upserted(new_rows, source=source)
        for start in range(0, len(new_rows), BATCH_SIZE):
            HistoryItem.objects.bulk_create(
                [_item(row, source=source, file_name=report.file_name, party_ids=party_ids)
                 for row in new_rows[start:start + BATCH_SIZE]],
                batch_size=BATCH_SIZE, ignore_conflicts=True)
        report.created = len(new_rows)
        report.seconds = round(time.monotonic() - started, 2)
        audit_record(declaration=None, actor=user, action="history_import", data={
            "source": source, "file": report.file_name, "read": report.read, "created": report.created,
            "already_present": report.already_present, "parties_created": report.parties_created})
    return report


def _rows_not_present(rows: list[_Row], *, source: str) -> list[_Row]:
    present = set()
    for start in range(0, len(rows), BATCH_SIZE):
        ids = [row.values["external_id"] for row in rows[start:start + BATCH_SIZE]]
        present.update(HistoryItem.objects.filter(source=source, external_id__in=ids)
                       .values_list("external_id", flat=True))
    return [row for row in rows if row.values["external_id"] not in present]


def _parties_upserted(rows: list[_Row], *, source: str) -> tuple[dict, int]:
    """{(role, external ID): id} of every party the rows name, creating those the source lacks; and
    how many were created."""
    wanted = {(role, external_id) for row in rows for role, external_id in row.parties.items() if external_id}
    ids = _party_ids(wanted, source=source)
    missing = wanted - ids.keys()
    if missing:
        HistoryParty.objects.bulk_create(
            [HistoryParty(source=source, role=role, external_id=external_id) for role, external_id in sorted(missing)],
            batch_size=BATCH_SIZE, ignore_conflicts=True)
        ids.update(_party_ids(missing, source=source))
    return ids, len(missing)


def _party_ids(keys: set, *, source: str) -> dict:
    """{(role, external ID): id} of those of `keys` the source has: one query per 20,000 external IDs
    (one for a file of the KCS data set)."""
    ids = {}
    external_ids = sorted({external_id for _role, external_id in keys})
    for start in range(0, len(external_ids), PARTY_QUERY_SIZE):
        found = HistoryParty.objects.filter(source=source, external_id__in=external_ids[start:start + PARTY_QUERY_SIZE])
        for pk, role, external_id in found.values_list("pk", "role", "external_id"):
            if (role, external_id) in keys:
                ids[(role, external_id)] = pk
    return ids


def _item(row: _Row, *, source: str, file_name: str, party_ids: dict) -> HistoryItem:
    """The row's HistoryItem; its parties' fields are named as their roles (importer, declarant…)."""
    parties = {f"{role}_id": party_ids[(role, external_id)] if external_id else None
               for role, external_id in row.parties.items()}
    return HistoryItem(source=source, source_file=file_name, source_line=row.line, **row.values, **parties)


def _lines(file: BinaryIO, problems: list) -> Iterator[str]:
    """The file's lines as text; stops at the first line that is not UTF-8 text or holds a NUL
    (a problem then says so: one is enough, a binary file would give one on every line)."""
    if getattr(file, "seekable", lambda: False)():
        file.seek(0)  # an upload a form has already looked into
    number = 0
    for raw in iter(file.readline, b""):
        number += 1
        if number == 1:
            for signature, kind in NOT_CSV_SIGNATURES:
                if raw.startswith(signature):
                    problems.append(HistoryImportProblem(None, "", _(
                        "The file is not a CSV file: it looks like %(kind)s. Save it as CSV (UTF-8, comma-separated).")
                        % {"kind": kind}))
                    return
            raw = raw.removeprefix(b"\xef\xbb\xbf")
        if b"\x00" in raw:
            problems.append(HistoryImportProblem(number, "", _(
                "the file holds a NUL character: it is not a CSV text file.")))
            return
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            problems.append(HistoryImportProblem(number, "", _(
                "the file is not UTF-8 text. Save it as CSV (UTF-8).")))
            return
        yield text


def _rows_checked(file: BinaryIO, *, currency: str, max_rows: int) -> list[_Row]:
    problems: list[HistoryImportProblem] = []
    reader = csv.reader(_lines(file, problems))
    rows: list[_Row] = []
    try:
        header = next(reader, None)
        columns = _columns_checked(header, problems)
        first_line_of = {}
        if columns is not None:
            line, count = reader.line_num + 1, 0
            for cells in reader:
                if any(cell.strip() for cell in cells):
                    count += 1
                    if count > max_rows:
                        problems.append(HistoryImportProblem(None, "", _(
                            "The file has more than %(limit)s rows: split it into files of at most that many.")
                            % {"limit": f"{max_rows:,}"}))
                        break
                    row = _row_checked(line, cells, columns, currency, first_line_of, problems)
                    if row is not None:
                        rows.append(row)
                line = reader.line_num + 1
    except csv.Error as error:
        problems.append(HistoryImportProblem(reader.line_num, "", _(
            "the file cannot be read as CSV (%(error)s).") % {"error": error}))
    if problems:
        raise HistoryImportError(problems)
    return rows


def _columns_checked(header: list[str] | None, problems: list) -> dict[str, int] | None:
    """{column: index} of the header, or None (and a problem) if it lacks a required column."""
    if header is None:
        if not problems:
            problems.append(HistoryImportProblem(None, "", _("The file is empty.")))
        return None
    names = [name.strip() for name in header]
    if len(names) == 1 and (";" in names[0] or "\t" in names[0]):
        problems.append(HistoryImportProblem(1, "", _(
            "the columns are not separated by commas: save the file as CSV (comma-separated).")))
        return None
    missing = [name for name in COLUMNS if name not in names]
    if missing:
        problems.append(HistoryImportProblem(1, "", _("the header lacks the columns %(missing)s (expected: %(expected)s).")
                                             % {"missing": ", ".join(missing), "expected": ", ".join(COLUMNS)}))
        return None
    repeated = sorted({name for name in COLUMNS if names.count(name) > 1})
    if repeated:
        problems.append(HistoryImportProblem(1, "", _("the header names the columns %(repeated)s more than once.")
                                             % {"repeated": ", ".join(repeated)}))
        return None
    return {name: names.index(name) for name in COLUMNS} | {"": len(names)}


def _row_checked(line: int, cells: list[str], columns: dict, currency: str, first_line_of: dict,
                 problems: list) -> _Row | None:
    """The row's values, or None with its problems added (every one of them)."""
    if len(cells) != columns[""]:
        problems.append(HistoryImportProblem(line, "", _("%(found)d values instead of %(expected)d.")
                                             % {"found": len(cells), "expected": columns[""]}))
        return None
    cell = {name: cells[index].strip() for name, index in columns.items() if name}
    found = len(problems)

    def problem(column, message):
        problems.append(HistoryImportProblem(line, column, message))

    for name, value in cell.items():
        if not value.isprintable():
            problem(name, _("holds a control character."))
    if len(problems) > found:
        return None
    row = _Row(line=line)
    values = row.values

    external_id = cell[DECLARATION_ID]
    if not external_id:
        problem(DECLARATION_ID, _("is empty."))
    elif len(external_id) > 64:
        problem(DECLARATION_ID, _("is longer than %(limit)d characters.") % {"limit": 64})
    elif external_id in first_line_of:
        problem(DECLARATION_ID, _("“%(value)s” is also on line %(line)d: each row needs its own ID.")
                % {"value": external_id, "line": first_line_of[external_id]})
    else:
        first_line_of[external_id] = line
    values["external_id"] = external_id

    text = cell["Date"]
    values["declared_on"] = None
    if DATE_FORMAT.fullmatch(text):
        try:
            values["declared_on"] = date.fromisoformat(text)
        except ValueError:
            pass
    if values["declared_on"] is None:
        problem("Date", _("“%(value)s” is not a date written yyyy-mm-dd.") % {"value": text})

    for column, name, longest in CODE_COLUMNS:
        if len(cell[column]) > longest:
            problem(column, _("is longer than %(limit)d characters.") % {"limit": longest})
        values[name] = cell[column]
    if not cell["Office ID"]:
        problem("Office ID", _("is empty."))

    code = cell["Mode of Transport"]
    if len(code) > 8:
        problem("Mode of Transport", _("is longer than %(limit)d characters.") % {"limit": 8})
    values["transport_code"] = code
    values["transport_mode"] = TRANSPORT_MODES.get(code, TransportMode.OTHER).value

    for column, role in PARTY_COLUMNS.items():
        external = cell[column]
        if len(external) > 64:
            problem(column, _("is longer than %(limit)d characters.") % {"limit": 64})
        row.parties[role.value] = external or None
    if not cell["Importer ID"]:
        problem("Importer ID", _("is empty: every row needs its importer."))

    hs6 = cell["HS6 Code"]
    if not HS6_FORMAT.fullmatch(hs6):
        problem("HS6 Code", _("“%(value)s” is not six digits.") % {"value": hs6})
    values["hs6"] = hs6

    for column, name in (("Country of Departure", "departure_country"), ("Country of Origin", "origin_country")):
        country = cell[column]
        if country and not COUNTRY_FORMAT.fullmatch(country):
            problem(column, _("“%(value)s” is not a two-letter country code.") % {"value": country})
        values[name] = country.upper()

    for column, name, digits in AMOUNT_COLUMNS:
        text = cell[column]
        amount = Decimal(text) if NUMBER_FORMAT.fullmatch(text) else None
        if amount is None:
            problem(column, _("“%(value)s” is not a number.") % {"value": text})
        elif amount < 0:
            problem(column, _("“%(value)s” is negative.") % {"value": text})
        elif amount >= Decimal(10) ** digits:
            problem(column, _("“%(value)s” is too large.") % {"value": text})
        else:
            amount = amount.copy_abs().quantize(AMOUNT_PLACES, rounding=ROUND_HALF_UP)
        values[name] = amount

    fraud = cell["Fraud"]
    if fraud not in ("", "0", "1"):
        problem("Fraud", _("“%(value)s” is not 0, 1 or empty (not checked).") % {"value": fraud})
    values["fraud"] = None if fraud == "" else fraud == "1"
    critical = cell["Critical Fraud"]
    if critical not in ("", "0", "1", "2"):
        problem("Critical Fraud", _("“%(value)s” is not 0, 1, 2 or empty (not checked).") % {"value": critical})
    values["critical"] = None if critical == "" else critical == "2"

    values["currency"] = currency
    return row if len(problems) == found else None
