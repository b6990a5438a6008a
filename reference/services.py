# Kept whole (about 450 lines): one loader, table after table in the order of their foreign keys,
# sharing the CSV reading, the upsert and the report of what could not be read.
"""Load the reference tables from the CSV files shipped in `reference/data/` (see PROVENANCE.md).

The load is idempotent: each table is upserted on its natural key with
`bulk_create(update_conflicts=...)`, so running it twice leaves the same rows. Values
that admins maintain are never overwritten by a re-load: VAT, special consumption tax,
environmental tax and export duty on tariff lines (the seeds from
`excise_and_environmental_taxes.csv` only fill a line when it is created or while the
field is still empty/default), `Country.mfn_treatment`, and exchange rates already
recorded for a day. A rate whose notation cannot be parsed is reported, never read as 0.

Names are loaded in Vietnamese and English (`name_vi`, `name_en`): countries and currencies
from pycountry's ISO names and its Vietnamese gettext catalogues, corrected to official
Vietnamese usage by `names_vi.csv`; units from `units.csv`; Vietnamese places of the
UN/LOCODE list from `port_names_vi.csv` (foreign ports keep their UN/LOCODE name); customs
offices from `customs_offices.csv` (see PROVENANCE.md).

Over 400 lines on purpose: one short loader per source file, in load order, sharing the upsert
and the file helpers at the end; split it when a loader grows, not before.
"""
import csv
import gettext
import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TextIO

import pycountry
from django.db import transaction
from django.utils import translation

from reference.agreements import TARIFF_COLUMNS
from reference.models import Country, Currency, CustomsOffice, ExchangeRate, HSCode, HSSection, Port, TariffLine, Unit
from reference.search_text import heading_plain, search_texts
from reference.tariff_notation import NONE, RATE, UNPARSED, parse_rate

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_VAT_RATE = Decimal("10")
BATCH_SIZE = 2000
# In the tax seed file, "-" under a longer prefix cancels the value inherited from a shorter one.
NO_SEED = "-"


@dataclass(frozen=True)
class TableCount:
    rows: int  # rows in the files, after de-duplication
    created: int  # rows that did not exist before this load


@dataclass(frozen=True)
class UnparsedRate:
    hs_code: str
    column: str
    raw: str


@dataclass
class LoadReport:
    counts: dict[str, TableCount] = field(default_factory=dict)
    unparsed: list[UnparsedRate] = field(default_factory=list)
    duplicates: dict[str, list[int]] = field(default_factory=dict)  # hs_code -> file lines skipped
    ignored: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seeded_on_existing: dict[str, int] = field(default_factory=dict)
    elapsed: float = 0.0


def reference_data_load(*, data_dir: Path | str | None = None, stdout: TextIO | None = None) -> LoadReport:
    """Load every reference table in one transaction; `stdout` receives one line per table."""
    data_dir = Path(data_dir) if data_dir else DATA_DIR
    report = LoadReport()
    started = time.monotonic()
    steps = [
        ("hs_sections", lambda: hs_sections_load(data_dir=data_dir)),
        ("hs_codes", lambda: hs_codes_load(data_dir=data_dir)),
        ("tariff_lines", lambda: tariff_lines_load(data_dir=data_dir, report=report)),
        ("countries", lambda: countries_load(data_dir=data_dir)),
        ("currencies", lambda: currencies_load(data_dir=data_dir)),
        ("units", lambda: units_load(data_dir=data_dir)),
        ("ports", lambda: ports_load(data_dir=data_dir, report=report)),
        ("customs_offices", lambda: customs_offices_load(data_dir=data_dir)),
        ("exchange_rates", lambda: exchange_rates_load(data_dir=data_dir)),
    ]
    with transaction.atomic(), translation.override("en"):  # the tables keep the rate notes in English
        for name, step in steps:
            step_started = time.monotonic()
            report.counts[name] = step()
            if stdout:
                count = report.counts[name]
                stdout.write(
                    f"{name}: {count.rows} rows ({count.created} new) in {time.monotonic() - step_started:.2f} s\n"
                )
    report.elapsed = time.monotonic() - started
    return report


def hs_sections_load(*, data_dir: Path) -> TableCount:
    sections = [
        HSSection(number=row["section"].strip(), name=_capitalised(row["name"].strip()))
        for row in _rows(data_dir / "sections.csv")
    ]
    return _upsert(HSSection, sections, unique_fields=["number"], update_fields=["name"])


def hs_codes_load(*, data_dir: Path) -> TableCount:
    """HS 2022 chapters, headings and subheadings; the TOTAL row is not a code and is skipped."""
    sections = set(HSSection.objects.values_list("number", flat=True))
    codes = []
    for row in _rows(data_dir / "harmonized-system-2022.csv"):
        code = row["hscode"].strip()
        if not code.isdigit():
            continue
        parent = row["parent"].strip()
        section = row["section"].strip()
        codes.append(
            HSCode(
                code=code,
                description=row["description"].strip(),
                level=int(row["level"]),
                parent_id=parent if parent.isdigit() else None,
                section_id=section if section in sections else None,  # 99/9999/999999 have no section
            )
        )
    codes.sort(key=lambda c: (c.level, c.code))
    return _upsert(HSCode, codes, unique_fields=["code"], update_fields=["description", "level", "parent", "section"])


def tariff_lines_load(*, data_dir: Path, report: LoadReport) -> TableCount:
    """Tariff lines with an 8-digit code; the first occurrence of a duplicated code wins."""
    procedures = {
        row["hs_code"].strip(): row["procedures"].strip() for row in _rows(data_dir / "specialised-procedures-2026.csv")
    }
    seeds = _TaxSeeds(data_dir / "excise_and_environmental_taxes.csv")
    parsed_cache = {}
    lines, first_rows = {}, {}
    for line_number, row, parents in _tariff_rows(data_dir):
        code = row["hs_code"].strip()
        if not code or (code.isdigit() and len(code) in (2, 4, 6)):
            continue  # heading rows that group the lines below them
        if not (code.isdigit() and len(code) == 8):
            report.ignored.append(f"tariff-2026.csv line {line_number}: code {code!r} is not 8 digits")
            continue
        if code in lines:
            report.duplicates.setdefault(code, []).append(line_number)
            if _without_level(row) != first_rows[code]:
                report.warnings.append(f"tariff-2026.csv line {line_number}: duplicate {code} differs from the row kept")
            continue
        first_rows[code] = _without_level(row)
        lines[code] = _tariff_line(code, row, report, parsed_cache, procedures.get(code, ""), seeds, parents)

    missing = sorted(set(procedures) - set(lines))
    if missing:
        report.warnings.append(
            f"{len(missing)} specialised-procedure codes have no tariff line: {', '.join(missing[:10])}"
            + (" ..." if len(missing) > 10 else "")
        )
    count = _upsert(
        TariffLine,
        list(lines.values()),
        unique_fields=["hs_code"],
        update_fields=[
            "description_vi", "description_en", "standard_rate", "standard_rate_raw", "mfn_rate",
            "mfn_rate_raw", "mfn_rate_note", "preferential", "specialised_procedures", "parents", "search_text",
            "search_own",
        ],
    )
    report.seeded_on_existing = _seed_taxes_on_existing(seeds, list(lines))
    return count


def tariff_headings_read(*, data_dir: Path) -> dict[str, list[dict]]:
    """The headings above each 8-digit line of the tariff file (first occurrence of a code)."""
    headings: dict[str, list[dict]] = {}
    for _, row, parents in _tariff_rows(data_dir):
        code = row["hs_code"].strip()
        if code.isdigit() and len(code) == 8:
            headings.setdefault(code, parents)
    return headings


def _tariff_rows(data_dir: Path):
    """(file line number, row, the headings above the row) for every row of the tariff file.

    A row's `level` is its indentation: the rows above it with a lower level, nearest last,
    group it (a 4-digit heading at level 0, then subheadings and untitled groupings).
    """
    open_headings: list[tuple[int, dict]] = []
    for line_number, row in enumerate(_rows(data_dir / "tariff-2026.csv"), start=2):
        try:
            level = int(row["level"])
        except (TypeError, ValueError):
            level = len(open_headings)
        while open_headings and open_headings[-1][0] >= level:
            open_headings.pop()
        yield line_number, row, [heading for _, heading in open_headings]
        code = row["hs_code"].strip()
        open_headings.append((level, {
            "code": code if code.isdigit() and len(code) in (4, 6) else "",
            "vi": heading_plain(row["description_vi"]),
            "en": heading_plain(row["description_en"]),
        }))


def countries_load(*, data_dir: Path) -> TableCount:
    """Every ISO 3166-1 country; `mfn_treatment` is left as admins set it."""
    vietnamese = vietnamese_names(data_dir=data_dir, code_list="country")
    countries = [
        Country(code=c.alpha_2, name_en=c.name, name_vi=vietnamese[c.alpha_2]) for c in pycountry.countries
    ]
    return _upsert(Country, countries, unique_fields=["code"], update_fields=["name_vi", "name_en"])


def currencies_load(*, data_dir: Path) -> TableCount:
    vietnamese = vietnamese_names(data_dir=data_dir, code_list="currency")
    currencies = [
        Currency(code=c.alpha_3, name_en=c.name, name_vi=vietnamese[c.alpha_3]) for c in pycountry.currencies
    ]
    return _upsert(Currency, currencies, unique_fields=["code"], update_fields=["name_vi", "name_en"])


# pycountry's gettext domain of each code list, and the ISO code of its entries.
_ISO_CODE_LISTS = {"country": ("iso3166-1", pycountry.countries, "alpha_2"),
                   "currency": ("iso4217", pycountry.currencies, "alpha_3")}


def vietnamese_names(*, data_dir: Path, code_list: str) -> dict[str, str]:
    """The Vietnamese name of every country or currency (`code_list`), by ISO code: pycountry's
    Vietnamese catalogue, with the corrections of `names_vi.csv` applied."""
    domain, entries, code_attribute = _ISO_CODE_LISTS[code_list]
    catalogue = gettext.translation(domain, pycountry.LOCALES_DIR, languages=["vi"])
    names = {getattr(entry, code_attribute): catalogue.gettext(entry.name) for entry in entries}
    for row in _rows(data_dir / "names_vi.csv"):
        if row["list"] == code_list and row["code"] in names:
            names[row["code"]] = row["name_vi"].strip()
    return names


def units_load(*, data_dir: Path) -> TableCount:
    units = [
        Unit(code=row["code"].strip(), name_en=row["name_en"].strip(), name_vi=row["name_vi"].strip())
        for row in _rows(data_dir / "units.csv")
    ]
    return _upsert(Unit, units, unique_fields=["code"], update_fields=["name_vi", "name_en"])


def ports_load(*, data_dir: Path, report: LoadReport) -> TableCount:
    """Vietnam's UN/LOCODE list plus the main foreign ports; the country is the locode's first two letters.

    Places in Vietnam get their Vietnamese name from `port_names_vi.csv`; the others (and the
    few Vietnamese places that file leaves out) have their UN/LOCODE name in both languages."""
    names_vi = {row["locode"].strip(): row["name_vi"].strip() for row in _rows(data_dir / "port_names_vi.csv")}
    ports = {}
    for row in _rows(data_dir / "unlocode-vn.csv"):
        port = _port(row, report)
        port.name_vi = names_vi.get(port.locode, port.name_en)
        ports.setdefault(port.locode, port)
    for row in _rows(data_dir / "foreign_ports.csv"):
        port = _port(row, report)
        port.name_vi = port.name_en
        if row.get("country", "").strip() not in ("", port.country):
            report.warnings.append(f"foreign_ports.csv: {port.locode} lists country {row['country']!r}")
        ports.setdefault(port.locode, port)
    return _upsert(
        Port,
        list(ports.values()),
        unique_fields=["locode"],
        update_fields=["name_vi", "name_en", "country", "subdivision", "function", "iata"],
    )


def customs_offices_load(*, data_dir: Path) -> TableCount:
    offices = [
        CustomsOffice(
            code=row["code"].strip(),
            name_vi=row["name_vi"].strip(),
            name_en=row["name_en"].strip(),
            province=row["province"].strip(),
            kind=row["kind"].strip(),
        )
        for row in _rows(data_dir / "customs_offices.csv")
    ]
    return _upsert(CustomsOffice, offices, unique_fields=["code"], update_fields=["name_vi", "name_en", "province", "kind"])


def exchange_rates_load(*, data_dir: Path) -> TableCount:
    """Initial rates only: a rate already recorded for a currency and day is kept (admins maintain them)."""
    rates = [
        ExchangeRate(currency_id=row["currency"].strip(), valid_on=row["valid_on"].strip(), rate=Decimal(row["rate"]))
        for row in _rows(data_dir / "exchange_rates.csv")
    ]
    existing = set(ExchangeRate.objects.values_list("currency_id", "valid_on"))
    ExchangeRate.objects.bulk_create(rates, batch_size=BATCH_SIZE, ignore_conflicts=True)
    after = set(ExchangeRate.objects.values_list("currency_id", "valid_on"))
    return TableCount(rows=len(rates), created=len(after - existing))


# --- helpers -------------------------------------------------------------------------------


def _tariff_line(code, row, report, parsed_cache, procedures, seeds, parents) -> TariffLine:
    mfn = parse_rate(row["mfn_rate"])
    standard = parse_rate(row["standard_rate"], mfn=mfn.rate)
    for column, parsed in (("mfn_rate", mfn), ("standard_rate", standard)):
        if parsed.status == UNPARSED:
            report.unparsed.append(UnparsedRate(code, column, parsed.raw))
    preferential = {}
    for column in TARIFF_COLUMNS:
        raw = row[column]
        if raw not in parsed_cache:
            parsed = parse_rate(raw)
            parsed_cache[raw] = (parsed.status, parsed.as_json())
        status, as_json = parsed_cache[raw]
        if status == UNPARSED:
            report.unparsed.append(UnparsedRate(code, column, raw))
        elif status != NONE:
            preferential[column] = as_json
    seed = seeds.get(code)
    description_vi, description_en = row["description_vi"].strip(), row["description_en"].strip()
    search_text, search_own = search_texts(parents=parents, description_vi=description_vi, description_en=description_en)
    return TariffLine(
        hs_code=code,
        description_vi=description_vi,
        description_en=description_en,
        parents=parents,
        search_text=search_text,
        search_own=search_own,
        standard_rate=standard.rate if standard.status == RATE else None,
        standard_rate_raw=row["standard_rate"].strip(),
        mfn_rate=mfn.rate if mfn.status == RATE else None,
        mfn_rate_raw=row["mfn_rate"].strip(),
        mfn_rate_note=mfn.note[:255],
        preferential=preferential,
        specialised_procedures=procedures,
        vat_rate=seed.get("vat_rate", DEFAULT_VAT_RATE),
        special_consumption_tax_rate=seed.get("sct_rate"),
        environmental_tax_per_unit=seed.get("env_tax_per_unit"),
        environmental_tax_unit=seed.get("env_tax_unit", ""),
    )


class _TaxSeeds:
    """Seeded taxes per tariff line: for each field, the value of the longest matching `hs_prefix`."""

    COLUMNS = ("sct_rate", "env_tax_per_unit", "vat_rate")

    def __init__(self, path: Path):
        self.by_prefix = {row["hs_prefix"].strip(): row for row in _rows(path)}
        self.lengths = sorted({len(prefix) for prefix in self.by_prefix}, reverse=True)
        self.resolved = {}

    def get(self, code: str) -> dict:
        if code not in self.resolved:
            self.resolved[code] = self._resolve(code)
        return self.resolved[code]

    def _resolve(self, code: str) -> dict:
        seed = {}
        for column in self.COLUMNS:
            for length in self.lengths:
                row = self.by_prefix.get(code[:length])
                value = row[column].strip() if row else ""
                if not value:
                    continue
                if value != NO_SEED:
                    seed[column] = Decimal(value)
                    if column == "env_tax_per_unit":
                        seed["env_tax_unit"] = row["env_tax_unit"].strip()
                break
        return seed


def _seed_taxes_on_existing(seeds, codes) -> dict[str, int]:
    """Fill seeded SCT and environmental tax on lines created before the seed existed, only where still empty.

    VAT is seeded only when a line is created: on an existing line 10 % may be an admin's choice.
    An admin who wants no SCT on a seeded line sets 0, not empty."""
    sct, env = defaultdict(list), defaultdict(list)
    for code in codes:
        seed = seeds.get(code)
        if "sct_rate" in seed:
            sct[seed["sct_rate"]].append(code)
        if "env_tax_per_unit" in seed:
            env[(seed["env_tax_per_unit"], seed["env_tax_unit"])].append(code)
    lines = TariffLine.objects
    updated = {"special_consumption_tax_rate": 0, "environmental_tax_per_unit": 0}
    for rate, group in sct.items():
        updated["special_consumption_tax_rate"] += lines.filter(
            hs_code__in=group, special_consumption_tax_rate__isnull=True
        ).update(special_consumption_tax_rate=rate)
    for (amount, unit), group in env.items():
        updated["environmental_tax_per_unit"] += lines.filter(
            hs_code__in=group, environmental_tax_per_unit__isnull=True
        ).update(environmental_tax_per_unit=amount, environmental_tax_unit=unit)
    return updated


# Names whose letters the source lost (a "?" for a character it could not encode), as UN/LOCODE writes them.
_REPAIRED_NAMES = {"VNVAG": ("V?ng Ang", "Vung Ang")}


def _port(row, report) -> Port:
    """One UN/LOCODE row; repairs the source's one row whose quoting shifted the columns (VNVIC)
    and the names that lost a letter (`_REPAIRED_NAMES`)."""
    values = {key: (value or "").strip().strip('"').strip() for key, value in row.items() if key}
    locode = values["locode"]
    name = values["name"]
    lost, repaired_name = _REPAIRED_NAMES.get(locode, (None, None))
    if name == lost:
        report.warnings.append(f"{locode}: name {name!r} with a lost letter repaired to {repaired_name!r}")
        name = repaired_name
    function, iata, subdivision = values.get("function", ""), values.get("iata", ""), values.get("subdivision", "")
    repaired = False
    if not function and len(iata) == 8:
        function, iata, repaired = iata, "", True
    if len(subdivision) > 3:
        subdivision, repaired = "", True
    if repaired:
        report.warnings.append(f"{locode}: misquoted row in the source repaired (function {function!r})")
    return Port(
        locode=locode,
        name_en=name,
        country=locode[:2],
        subdivision=subdivision,
        function=function,
        iata=iata,
    )


def _upsert(model, objects, *, unique_fields, update_fields) -> TableCount:
    key = unique_fields[0]
    existing = set(model.objects.values_list(key, flat=True))
    model.objects.bulk_create(
        objects,
        batch_size=BATCH_SIZE,
        update_conflicts=True,
        unique_fields=unique_fields,
        update_fields=update_fields,
    )
    created = sum(1 for obj in objects if getattr(obj, key) not in existing)
    return TableCount(rows=len(objects), created=created)


def _without_level(row: dict) -> dict:
    return {column: value for column, value in row.items() if column != "level"}


def _rows(path: Path):
    with open(path, encoding="utf-8-sig", newline="") as file:
        yield from csv.DictReader(file)


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]
