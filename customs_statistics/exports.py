"""The statistics reports as tables to download (CSV and Excel): pure functions of the report's dict
(customs_statistics/selectors/reports.py), headed in the reader's language.

`export_tables(report, body)` flattens a report into tables: its groups, then the total row (and, for a
trader, the row of its offices' enterprises). Workload and revenue give more than one table. `csv_bytes`
and `xlsx_bytes` write them: the CSV in UTF-8 with a byte order mark (so that Excel reads the Vietnamese
as such), tables one under the other with their titles; the workbook one sheet per table, numbers as
numbers with their formats (money in whole dong, hours to a tenth, shares in percent).
"""
import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from customs_statistics.models import TAX_NAMES

TEXT, COUNT, MONEY, HOURS, DECIMAL, PERCENT, RATE = "text", "count", "money", "hours", "decimal", "percent", "rate"
NUMBER_FORMATS = {COUNT: "#,##0", MONEY: "#,##0", HOURS: "#,##0.0", DECIMAL: "#,##0.0", PERCENT: "0.0", RATE: "0.00"}
COLUMN_WIDTHS = {TEXT: 28, COUNT: 12, MONEY: 18, HOURS: 12, DECIMAL: 12, PERCENT: 12, RATE: 12}
# A text cell starting with one of these is a formula to a spreadsheet: written as text instead.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
AGE_BANDS = ("under_1_day", "1_to_3_days", "3_to_7_days", "over_7_days")
# The durations of a release in the order they are read: the whole, then where the time went, then the gate.
DURATIONS_ORDER = ("to_assessment", "to_clearance", "customs_held", "trader_held", "to_release")


@dataclass(frozen=True)
class Column:
    title: str
    kind: str = TEXT


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)


# --- Labels -----------------------------------------------------------------------------------------

def duration_labels() -> dict:
    return {"to_assessment": _("Registration → assessment"), "to_clearance": _("Registration → clearance"),
            "customs_held": _("Held by customs"), "trader_held": _("Held by the trader"),
            "to_release": _("Registration → gate release")}


def tax_labels() -> dict:
    return {"import_duty": _("Import duty"), "export_duty": _("Export duty"),
            "special_consumption_tax": _("Special consumption tax"), "environmental_tax": _("Environmental protection tax"),
            "vat": _("VAT")}


def age_labels() -> dict:
    return {"under_1_day": _("Under 1 day"), "1_to_3_days": _("1–3 days"), "3_to_7_days": _("3–7 days"),
            "over_7_days": _("Over 7 days")}


def group_title(group_by: str | None) -> str:
    """The heading of a report's group column."""
    return {
        "channel": _("Channel"), "office": _("Customs office"), "transport_mode": _("Transport mode"),
        "week": _("Week"), "direction": _("Direction"), "class": _("Compliance class"), "hs_chapter": _("HS chapter"),
        "enterprise": _("Enterprise"), "day": _("Day"), "month": _("Month"),
    }.get(group_by or "", _("Group"))


def comparison_label() -> str:
    return _("All enterprises at your offices")


def hit_percent(rate: str | None) -> Decimal | None:
    """A hit rate of the reports ("0.2250") in percent (22.50)."""
    return None if rate is None else (Decimal(rate) * 100).quantize(Decimal("0.01"))


# --- Reports as tables ------------------------------------------------------------------------------

def _release_times(body: dict) -> list[Table]:
    columns = [Column(_("Code")), Column(group_title(body["group_by"])), Column(_("Declarations"), COUNT)]
    for label in duration_labels().values():
        columns += [Column(_("%(duration)s: declarations") % {"duration": label}, COUNT),
                    Column(_("%(duration)s: median (h)") % {"duration": label}, HOURS),
                    Column(_("%(duration)s: 90th percentile (h)") % {"duration": label}, HOURS)]

    def row(key, label, summary):
        cells = [key, label, summary["declarations"]]
        for name in DURATIONS_ORDER:
            duration = summary["durations"][name]
            cells += [duration["count"], duration["median_hours"], duration["p90_hours"]]
        return cells

    rows = [row(group["key"], group["label"], group) for group in body["groups"]]
    rows.append(row("", _("Total"), body["all"]))
    if body.get("comparison"):
        rows.append(row("", comparison_label(), body["comparison"]))
    return [Table(_("Release times"), columns, rows)]


def _channel_mix(body: dict) -> list[Table]:
    with_caps = any(group.get("caps") for group in body["groups"])
    columns = [Column(_("Code")), Column(group_title(body["group_by"])),
               Column(_("Green"), COUNT), Column(_("Yellow"), COUNT), Column(_("Red"), COUNT),
               Column(_("Not assessed"), COUNT), Column(_("Total"), COUNT),
               Column(_("Yellow at random"), COUNT), Column(_("Red at random"), COUNT),
               Column(_("Yellow share of assessed (%)"), PERCENT), Column(_("Red share of assessed (%)"), PERCENT),
               Column(_("Yellow counted against the cap (%)"), PERCENT),
               Column(_("Red counted against the cap (%)"), PERCENT)]
    if with_caps:
        columns += [Column(_("Yellow cap (%)"), PERCENT), Column(_("Red cap (%)"), PERCENT)]

    def row(key, label, mix, caps=None):
        counts, random, shares = mix["counts"], mix.get("random") or {}, mix.get("shares") or {}
        cells = [key, label, counts["green"], counts["yellow"], counts["red"], counts["unassessed"], counts["total"],
                 random.get("yellow"), random.get("red"), shares.get("yellow_percent"), shares.get("red_percent"),
                 shares.get("yellow_counted_percent"), shares.get("red_counted_percent")]
        if with_caps:
            cells += [caps["yellow_percent"], caps["red_percent"]] if caps else [None, None]
        return cells

    rows = [row(group["key"], group["label"], group, group.get("caps")) for group in body["groups"]]
    rows.append(row("", _("Total"), body))
    if body.get("comparison"):
        rows.append(row("", comparison_label(), body["comparison"]))
    return [Table(_("Channel mix"), columns, rows)]


def _hit_rates(body: dict) -> list[Table]:
    columns = [Column(_("Selection")), Column(_("Checks"), COUNT), Column(_("Found a discrepancy"), COUNT),
               Column(_("Hit rate (%)"), RATE)]

    def row(label, rate):
        return [label, rate["checked"], rate["found"], hit_percent(rate["hit_rate"])]

    rows = [row(_("Rule: %(name)s") % {"name": rule["name"]}, rule) for rule in body["rules"]]
    bands = {"high": _("high score"), "medium": _("medium score"), "low": _("low score")}
    for model in body["models"]:
        for band, label in bands.items():
            rows.append(row(_("Model version %(number)s, %(band)s") % {"number": model["version"], "band": label},
                            model["bands"][band]))
    rows += [row(_("Random selection"), body["random_selection"]), row(_("Physical inspections"), body["physical"]),
             row(_("Document checks"), body["documentary"])]
    if body.get("history"):
        rows.append(row(_("Imported history"), body["history"]))
    rows.append(row(_("All checks"), body["all"]))
    return [Table(_("Hit rates"), columns, rows)]


def _revenue(body: dict) -> list[Table]:
    taxes = tax_labels()
    columns = [Column(_("Code")), Column(group_title(body["group_by"])), Column(_("Declarations assessed"), COUNT)]
    columns += [Column(_("Assessed: %(tax)s") % {"tax": label}, MONEY) for label in taxes.values()]
    columns += [Column(_("Assessed: total"), MONEY), Column(_("Payments"), COUNT)]
    columns += [Column(_("Paid: %(tax)s") % {"tax": label}, MONEY) for label in taxes.values()]
    columns += [Column(_("Paid: late interest"), MONEY), Column(_("Paid: total"), MONEY)]

    def row(key, label, assessed, paid):
        return [key, label, assessed["declarations"], *(assessed[name] for name in TAX_NAMES), assessed["total"],
                paid["payments"], *(paid[name] for name in TAX_NAMES), paid["late_interest"], paid["total"]]

    rows = [row(group["key"], group["label"], group["assessed"], group["paid"]) for group in body["groups"]]
    rows.append(row("", _("Total"), body["assessed"], body["paid"]))
    summary = Table(_("Overdue and interest"), [Column(_("Figure")), Column(_("Amount (VND)"), MONEY)], [
        [_("Overdue: declarations"), body["overdue"]["declarations"]],
        [_("Overdue: amount owed"), body["overdue"]["amount"]],
        [_("Late interest charged"), body["late_interest"]["charged"]],
        [_("Late interest paid"), body["late_interest"]["paid"]],
    ])
    banks = Table(_("Paid per bank"), [Column(_("Code")), Column(_("Bank")), Column(_("Payments"), COUNT),
                                       *(Column(_("Paid: %(tax)s") % {"tax": label}, MONEY) for label in taxes.values()),
                                       Column(_("Paid: late interest"), MONEY), Column(_("Paid: total"), MONEY)],
                  [[bank["key"], bank["label"], bank["payments"], *(bank[name] for name in TAX_NAMES), bank["late_interest"],
                    bank["total"]] for bank in body["paid_by_bank"]])
    return [Table(_("Revenue"), columns, rows), summary, banks]


def _workload(body: dict) -> list[Table]:
    ages = age_labels()
    office_columns = [Column(_("Code")), Column(_("Customs office")), Column(_("Under review"), COUNT),
                      Column(_("Under inspection"), COUNT), Column(pgettext("workload", "Open"), COUNT),
                      *(Column(label, COUNT) for label in ages.values()), Column(_("Oldest (h)"), HOURS)]

    def office_row(key, label, summary):
        return [key, label, summary["under_review"], summary["under_inspection"], summary["total"],
                *(summary["age"][band] for band in AGE_BANDS), summary.get("oldest_hours")]

    offices = [office_row(office["key"], office["label"], office) for office in body["offices"]]
    offices.append(office_row("", _("Total"), body["open"]))
    officer_columns = [Column(_("Username")), Column(_("Officer")), Column(pgettext("workload", "Open"), COUNT), Column(_("Oldest (h)"), HOURS),
                       Column(_("Decisions"), COUNT), Column(_("Days with decisions"), COUNT),
                       Column(_("Decisions per day"), DECIMAL)]
    officers = [[officer["key"], officer["label"], officer["open"], officer["oldest_hours"], officer["decisions"],
                 officer.get("days_with_decisions"), officer["decisions_per_day"]] for officer in body["officers"]]
    days = [[day["key"], day["decisions"]] for day in body["decisions_by_day"]]
    days.append([_("Total"), sum(day["decisions"] for day in body["decisions_by_day"])])
    return [Table(_("Open work per office"), office_columns, offices),
            Table(_("Officers"), officer_columns, officers),
            Table(_("Decisions per day"), [Column(_("Day")), Column(_("Decisions"), COUNT)], days)]


FLATTEN = {"release-times": _release_times, "channel-mix": _channel_mix, "hit-rates": _hit_rates,
           "revenue": _revenue, "workload": _workload}


def export_tables(report: str, body: dict) -> list[Table]:
    return FLATTEN[report](body)


def export_filename(report: str, body: dict, extension: str) -> str:
    return f"statistics-{report}-{body['date_from']}-{body['date_to']}.{extension}"


# --- Files ------------------------------------------------------------------------------------------

def _text(value) -> str:
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_value(value, kind: str):
    if value is None:
        return ""
    if kind == TEXT:
        return _text(value)
    return value


def csv_bytes(tables: list[Table]) -> bytes:
    """UTF-8 with a BOM; several tables one under the other, each after its title and a blank line between."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for index, table in enumerate(tables):
        if len(tables) > 1:
            if index:
                writer.writerow([])
            writer.writerow([_text(table.title)])
        writer.writerow([_text(column.title) for column in table.columns])
        for row in table.rows:
            writer.writerow([_csv_value(value, column.kind) for value, column in zip(row, table.columns, strict=True)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _sheet_title(title: str, taken: set) -> str:
    cleaned = "".join(" " if c in "[]:*?/\\" else c for c in title)[:31].strip() or "Sheet"
    name, n = cleaned, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = cleaned[:31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def xlsx_bytes(tables: list[Table]) -> bytes:
    """A workbook written row by row (openpyxl's write-only mode): one sheet per table, its header in bold."""
    workbook = Workbook(write_only=True)
    bold, taken = Font(bold=True), set()
    for table in tables:
        sheet = workbook.create_sheet(_sheet_title(table.title, taken))
        sheet.freeze_panes = "A2"
        for index, column in enumerate(table.columns):
            letter = get_column_letter(index + 1)
            sheet.column_dimensions[letter].width = max(COLUMN_WIDTHS[column.kind], min(len(column.title) + 2, 40))
        header = []
        for column in table.columns:
            cell = WriteOnlyCell(sheet, value=column.title)
            cell.font = bold
            cell.data_type = "s"
            header.append(cell)
        sheet.append(header)
        for row in table.rows:
            cells = []
            for value, column in zip(row, table.columns, strict=True):
                cell = WriteOnlyCell(sheet, value=_xlsx_value(value, column.kind))
                if column.kind == TEXT:
                    cell.data_type = "s"  # a name starting with "=" stays a name
                elif value is not None:
                    cell.number_format = NUMBER_FORMATS[column.kind]
                cells.append(cell)
            sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx_value(value, kind: str):
    if value is None:
        return None
    if kind == TEXT:
        return str(value)
    if isinstance(value, Decimal):
        return float(value) if kind in (PERCENT, RATE, HOURS, DECIMAL) else int(value)
    return value


