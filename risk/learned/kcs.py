"""The KCS data set's format (risk/history_data/kcs/, one goods item per row) as the model's rows.

Its transport codes follow UN/ECE Recommendation 19 times ten (10 sea, 20 rail, 30 road, 40 air,
50 post); its party IDs are kept with the source's name so they never meet the portal's tax codes.
"""
from datetime import date

from risk.learned.rows import HistoryRow

TRANSPORT_MODES = {"10": "sea", "20": "rail", "30": "road", "40": "air"}
COLUMNS = (
    "Declaration ID", "Date", "Office ID", "Process Type", "Import Type", "Import Use", "Payment Type",
    "Mode of Transport", "Declarant ID", "Importer ID", "Seller ID", "Courier ID", "HS6 Code",
    "Country of Departure", "Country of Origin", "Tax Rate", "Tax Type", "Country of Origin Indicator",
    "Net Mass", "Item Price",
)
LABEL_COLUMNS = ("Fraud", "Critical Fraud")


def transport_mode(code: str) -> str:
    return TRANSPORT_MODES.get(code.strip(), "other")


def party_key(source: str, role: str, external_id: str) -> str:
    return f"{source}:{role}:{external_id}" if external_id else ""


def kcs_row(record: dict, *, source: str = "kcs", currency: str = "KRW", labelled: bool = True) -> HistoryRow:
    """One parsed row; `record` is a csv.DictReader row already checked by the caller (values are
    strings). Without `labelled`, the Fraud column is ignored (scoring)."""
    fraud = None
    if labelled and (record.get("Fraud") or "").strip() != "":
        fraud = record["Fraud"].strip() == "1"
    return HistoryRow(
        source=source,
        key=record["Declaration ID"].strip(),
        declared_on=date.fromisoformat(record["Date"].strip()),
        office=record["Office ID"].strip(),
        transport_mode=transport_mode(record["Mode of Transport"]),
        importer=party_key(source, "importer", record["Importer ID"].strip()),
        declarant=party_key(source, "declarant", record["Declarant ID"].strip()),
        seller=party_key(source, "seller", record["Seller ID"].strip()),
        courier=party_key(source, "courier", record["Courier ID"].strip()),
        hs6=record["HS6 Code"].strip(),
        origin_country=record["Country of Origin"].strip().upper(),
        departure_country=record["Country of Departure"].strip().upper(),
        tax_rate=float(record["Tax Rate"]),
        tax_type=record["Tax Type"].strip(),
        net_mass=float(record["Net Mass"] or 0),
        item_price=float(record["Item Price"] or 0),
        currency=currency,
        process_type=record["Process Type"].strip(),
        import_type=record["Import Type"].strip(),
        import_use=record["Import Use"].strip(),
        payment_type=record["Payment Type"].strip(),
        origin_indicator=record["Country of Origin Indicator"].strip(),
        fraud=fraud,
    )


class KcsFormatError(ValueError):
    """The file is not in the data set's format; `problems` lists (line, column, message)."""

    def __init__(self, problems: list[tuple[int, str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"line {line}, {column}: {message}" if column else f"line {line}: {message}"
                                   for line, column, message in problems[:20]))


def kcs_rows_read(lines, *, source: str = "kcs", currency: str = "KRW", labelled: bool = False,
                  max_problems: int = 50) -> list[HistoryRow]:
    """Rows of a file in the data set's format (an iterable of text lines), every row checked: a bad
    row is reported with its line (the header is line 1) and column, and no row is returned then."""
    import csv

    reader = csv.DictReader(lines)
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise KcsFormatError([(1, "", "missing columns: " + ", ".join(missing))])
    rows, problems = [], []
    for line, record in enumerate(reader, start=2):
        try:
            if None in record or any(record.get(c) is None for c in COLUMNS):
                raise ValueError("the row does not have the header's number of columns")
            row = kcs_row(record, source=source, currency=currency, labelled=labelled)
            if not row.key:
                raise ValueError("Declaration ID is empty")
            if len(row.hs6) != 6 or not row.hs6.isdigit():
                raise ValueError(f"HS6 Code {row.hs6!r} is not 6 digits")
        except ValueError as error:
            problems.append((line, "", str(error)))
            if len(problems) >= max_problems:
                break
            continue
        rows.append(row)
    if problems:
        raise KcsFormatError(problems)
    return rows
