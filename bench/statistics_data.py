"""A year and more of a national customs portal's declarations, fast: fills a migrated database that
holds the reference data (`manage.py load_reference_data`) with N registered declarations and
everything the statistics derive from them (customs_statistics/selectors/facts.py), by PostgreSQL
COPY of text generated with numpy, 100,000 declarations at a time.

What it writes, as the portal's services would have:
- once: ~5,000 enterprises (valid tax codes, compliance classes priority 3 % … new 15 %) with one
  trader each, ~100 officers spread over the reference data's offices (one supervisor per office
  that has three), a gate user, a risk admin, eight risk rules (version 1; some with a minimum channel);
- per declaration: the header (registered over the last `days` days, more on weekdays, business
  hours in Asia/Ho_Chi_Minh; office, enterprise and HS lines skewed as real traffic is), 1–3 goods
  lines of real tariff lines taxed at their MFN/VAT/special consumption rates, the assessment
  (channel ~60/30/10 green/yellow/red by compliance class; why: score, required, random or capped,
  as risk/selectivity.py records it in `thresholds["selectivity"]`; the rules that fired), the
  audit trail of every transition (submit, assess, requests for documents and their answers,
  inspection, the officer's release or rejection, payment, cancellation, gate release), document
  requests, inspection results (some with a discrepancy), credited payments with their breakdown,
  and late interest for those paid (or still owed) after the day of registration;
- durations drawn log-normal (green minutes to hours, yellow hours to days, red days), then cut at
  now: what would happen later has not happened yet, so the latest declarations are still under
  review, inspection or waiting for payment, as in a live portal;
- with `changes`, one DeclarationChange per transition (declarations/models/changes.py), as the portal
  writes in each transition's transaction: what the incremental `statistics_refresh()` consumes.

Not written (the statistics do not read them): drafts, the `create` audit event, uploaded documents,
gate release records (GateRelease), assessments' model scores, amendments.

Ids come from the tables' own sequences: the declarations' and assessments' (and the declaration
numbers) reserved before their chunk is built, the others drawn by COPY. The rows of a chunk are
written in one transaction with foreign-key triggers off (`session_replication_role = replica`: the
generator builds every reference from ids it knows exist), while a thread builds the next chunk. At
1,000,000 declarations on 2 shared cores: about 2.5 minutes, 3.4 GB (most of it the audit trail).

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> .venv/bin/python bench/statistics_data.py
       [-n 1000000] [--days 400] [--seed 17] [--changes]
"""
import argparse
import io
import itertools
import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import tax_code  # noqa: E402
from payments.banks import BANKS  # noqa: E402

SEED = 17
DAYS = 400
PAYING_BANKS = [bank.bic for index, bank in enumerate(BANKS) for _ in range(3 if index < 4 else 1)]
CHUNK = 100_000
ENTERPRISES = 5_000
OFFICERS = 100
VN_OFFSET = 7 * 3600  # Asia/Ho_Chi_Minh: UTC+7 all year
NULL = "\\N"
HOUR = 3600.0

# Statuses as small integers while generating.
REGISTERED, ASSESSED, UNDER_REVIEW, UNDER_INSPECTION, CLEARED, RELEASED, CANCELLED, REJECTED, DRAFT = range(9)
STATUS_NAMES = np.array(["registered", "assessed", "under_review", "under_inspection", "cleared", "released",
                         "cancelled", "rejected", "draft"], dtype=object)
UNCLEARED = (REGISTERED, ASSESSED, UNDER_REVIEW, UNDER_INSPECTION)
GREEN, YELLOW, RED = 0, 1, 2
CHANNEL_NAMES = np.array(["green", "yellow", "red"], dtype=object)
LEVELS = ("priority", "high", "medium", "low", "new")
LEVEL_SHARES = (0.03, 0.20, 0.50, 0.12, 0.15)
# Channel (green, yellow, red) by compliance class: about 60/30/10 over all.
CHANNEL_BY_LEVEL = np.array([(0.92, 0.07, 0.01), (0.75, 0.20, 0.05), (0.60, 0.31, 0.09), (0.35, 0.43, 0.22),
                             (0.42, 0.40, 0.18)])

# How the selectivity chose the channel (risk/selectivity.py): channel, reason, the score's channel,
# the required channel, rules fired (pool, how many), share of its channel.
SCORE_RULES, YELLOW_RULES, RED_RULES = (0, 1, 2, 3, 7), (4,), (5, 6)
KINDS = (
    (GREEN, "green", "green", "green", SCORE_RULES, 0, 0.93),
    (GREEN, "capped_yellow_to_green", "yellow", "green", SCORE_RULES, 1, 0.05),
    (GREEN, "capped_red_to_green", "red", "green", SCORE_RULES, 2, 0.02),
    (YELLOW, "score", "yellow", "green", SCORE_RULES, 1, 0.62),
    (YELLOW, "required", "green", "yellow", YELLOW_RULES, 1, 0.25),
    (YELLOW, "random", "green", "green", SCORE_RULES, 0, 0.05),
    (YELLOW, "capped_red_to_yellow", "red", "green", SCORE_RULES, 2, 0.08),
    (RED, "score", "red", "green", SCORE_RULES, 2, 0.65),
    (RED, "required", "green", "red", RED_RULES, 1, 0.27),
    (RED, "random", "green", "green", SCORE_RULES, 0, 0.08),
)
SCORE_RANGE = {"green": (0, 30), "yellow": (30, 70), "red": (70, 160)}
# Rules: name (vi, en), score, minimum channel, the share of its checks that find something.
RULES = (
    ("Doanh nghiệp mới thành lập", "New enterprise", 30, "", 0.06,
     {"field": "enterprise.age_days", "op": "lt", "value": 365}),
    ("Mức tuân thủ thấp", "Low compliance", 30, "", 0.09,
     {"field": "enterprise.compliance_level", "op": "eq", "value": "low"}),
    ("Giá khai báo thấp hơn nhiều so với giá tham chiếu", "Declared price far below the reference price", 40, "",
     0.18, {"field": "items.unit_price_vs_reference", "op": "lt", "value": 0.5}),
    ("Xuất xứ có rủi ro cao", "High-risk origin", 35, "", 0.11,
     {"field": "items.origin_country", "op": "in", "value": ["KH", "LA", "MM"]}),
    ("Hàng thuộc diện quản lý chuyên ngành", "Goods under specialised management", 20, "yellow", 0.04,
     {"field": "items.specialised_management", "op": "eq", "value": True}),
    ("Đối tác trong danh sách theo dõi", "Watchlisted partner", 80, "red", 0.27,
     {"field": "partner.on_watchlist", "op": "eq", "value": True}),
    ("Sản phẩm thuốc lá", "Tobacco products", 60, "red", 0.21,
     {"field": "items.hs_code", "op": "startswith", "value": "24"}),
    ("Mã HS khai báo bất thường", "Unusual HS code for the enterprise", 45, "", 0.14,
     {"field": "item_count", "op": "gt", "value": 40}),
)
RANDOM_HIT = 0.03

OFFICE_KINDS = ("seaport", "airport", "border", "inland")
# Transport mode (sea, air, road, rail, other) by office kind.
TRANSPORT_NAMES = np.array(["sea", "air", "road", "rail", "other"], dtype=object)
TRANSPORT_BY_KIND = np.array([(0.97, 0, 0.03, 0, 0), (0, 1, 0, 0, 0), (0, 0, 0.9, 0.08, 0.02), (0.6, 0, 0.4, 0, 0)])
# The Vietnamese port of each office (a seaport or airport near it); VNSGN when the reference data lacks it.
OFFICE_PORTS = {
    "01B1": "VNHAN", "01NV": "VNHAN", "02B1": "VNSGN", "02CI": "VNCLI", "02CH": "VNSPC", "03CC": "VNHPH",
    "03EE": "VNHPH", "03CE": "VNHPH", "03TG": "VNDVU", "13BB": "VNHAN", "15BB": "VNHAN", "15BC": "VNHAN",
    "15BD": "VNHAN", "18A1": "VNHAN", "20BC": "VNMOC", "20CD": "VNHLG", "27NJ": "VNNGH", "29CC": "VNCUA",
    "30BB": "VNVNH", "32BB": "VNQUT", "34CE": "VNDAD", "34AB": "VNDAD", "37CB": "VNUIH", "43IH": "VNTHU",
    "45BB": "VNSGN", "47NB": "VNDNA", "51CB": "VNCMT", "54CB": "VNVCA",
}
# Share of the traffic by office (Cat Lai, Hai Phong, the airports and the industrial zones first); 0.5 for others.
OFFICE_TRAFFIC = {
    "02CI": 14, "03CC": 8, "02B1": 7, "01B1": 7, "03EE": 6, "51CB": 6, "03CE": 5, "03TG": 5, "18A1": 5, "43IH": 5,
    "47NB": 4, "01NV": 4, "02CH": 3, "15BB": 2, "13BB": 1.5, "20BC": 1.5, "34CE": 1.5, "20CD": 1, "45BB": 1,
    "54CB": 0.8, "37CB": 0.6, "27NJ": 0.6, "34AB": 0.5, "15BC": 0.5, "29CC": 0.4, "15BD": 0.3, "30BB": 0.3, "32BB": 0.3,
}
# HS chapters weighted as Vietnam trades (electronics and machinery first); chapter 98's special rules never.
CHAPTER_WEIGHT = {"85": 5, "84": 4, "39": 2.5, "61": 2, "62": 2, "64": 2, "72": 1.5, "73": 1.5, "87": 1.5, "94": 1.5,
                  "90": 1.5, "52": 1.2, "54": 1.2, "29": 0.3, "28": 0.3, "98": 0}
PARTNERS = {"CN": 0.36, "KR": 0.12, "JP": 0.10, "US": 0.08, "TW": 0.05, "TH": 0.05, "MY": 0.04, "IN": 0.04,
            "DE": 0.04, "AU": 0.03, "ID": 0.03, "GB": 0.02, "FR": 0.02, "NL": 0.02}
CURRENCY_OF = {"CN": "CNY", "JP": "JPY", "KR": "KRW", "DE": "EUR", "FR": "EUR", "NL": "EUR", "GB": "GBP",
               "AU": "AUD", "TH": "THB"}
IMPORT_TYPES, EXPORT_TYPES = (("A11", "A12", "E31", "A41"), (0.6, 0.15, 0.15, 0.1)), (("B11", "E62", "E42"),
                                                                                     (0.7, 0.15, 0.15))
UNITS = ("PCE", "KGM", "SET", "MTR", "LTR", "PR")
NAME_WORDS = ("Minh Anh", "Sao Mai", "Hoàng Long", "Phú Thịnh", "Thành Công", "Việt Tiến", "An Phát", "Hưng Thịnh",
              "Đại Dương", "Bình Minh", "Tân Cảng", "Hải Âu", "Kim Long", "Phương Nam", "Trường Sơn", "Cửu Long")
FORMS = ("Công ty TNHH", "Công ty Cổ phần", "Công ty TNHH MTV")
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ")
GIVEN = ("Văn An", "Thị Bình", "Minh Châu", "Quốc Dũng", "Thu Hà", "Đức Huy", "Thanh Lan", "Hoàng Nam",
         "Ngọc Phương", "Văn Quang", "Thị Thảo", "Minh Tuấn")


@dataclass
class Population:
    """Who and what the declarations refer to, with the weights they are drawn with (the same for the
    same seed, whether the rows were just created or already there)."""

    enterprise_ids: np.ndarray
    enterprise_level: np.ndarray  # index in LEVELS
    enterprise_p: np.ndarray
    enterprise_home: np.ndarray  # index of the office it usually declares at
    trader_ids: np.ndarray
    offices: list
    office_p: np.ndarray
    office_kind: np.ndarray
    office_port: np.ndarray  # locode per office
    officer_ids: np.ndarray  # by office, each office's officers contiguous
    officer_start: np.ndarray
    officer_count: np.ndarray
    gate_id: int
    risk_admin_id: int
    rule_version_ids: np.ndarray
    rule_json: np.ndarray  # the fired rule's JSON (Assessment.fired_rules entry)
    rule_hit: np.ndarray
    tariff_ids: np.ndarray
    tariff_hs: np.ndarray
    tariff_desc: np.ndarray
    tariff_rates: np.ndarray  # per line: MFN, export, VAT, special consumption (percent)
    tariff_p: np.ndarray
    partner_country: np.ndarray
    partner_p: np.ndarray
    partner_ports: list  # per partner country: locodes
    currencies: np.ndarray  # per partner country: its invoice currency (USD most of the time)
    rates: dict


def _zipf(n: int, a: float, rng) -> np.ndarray:
    weights = 1 / np.arange(1, n + 1) ** a
    rng.shuffle(weights)
    return weights / weights.sum()


def _draw(rng, cumulative: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """An index into each row's categories (the rows of `cumulative` are cumulative probabilities)."""
    return (rng.random(len(rows))[:, None] > cumulative[rows]).sum(axis=1).clip(0, cumulative.shape[1] - 1)


def population_ensure(*, seed: int = SEED, enterprises: int = ENTERPRISES, officers: int = OFFICERS) -> Population:
    """The generator's enterprises, traders, officers, gate and risk admin users and rules: created
    the first time (on an empty portal), read back afterwards."""
    from django.db import connection, transaction

    from customs_portal.accounts.models import Enterprise, Role, User
    from reference.models import Country, CustomsOffice, ExchangeRate, Port, TariffLine
    from risk.models import RiskRule, RiskRuleVersion

    rng = np.random.default_rng([seed, 0])
    offices = list(CustomsOffice.objects.order_by("code").values_list("code", "kind"))
    if not offices:
        raise SystemExit("no customs offices: load the reference data first (manage.py load_reference_data)")
    office_p = np.array([OFFICE_TRAFFIC.get(code, 0.5) for code, _kind in offices])
    office_p = office_p / office_p.sum()
    kinds = np.array([OFFICE_KINDS.index(kind) if kind in OFFICE_KINDS else 3 for _code, kind in offices])
    ports = set(Port.objects.values_list("locode", flat=True))
    office_port = np.array([OFFICE_PORTS.get(code) if OFFICE_PORTS.get(code) in ports else "VNSGN"
                            for code, _kind in offices], dtype=object)
    levels = rng.choice(len(LEVELS), size=enterprises, p=LEVEL_SHARES)
    homes = rng.choice(len(offices), size=enterprises, p=office_p)
    officer_office = np.sort(np.concatenate([np.arange(len(offices)),  # at least one per office
                                             rng.choice(len(offices), size=max(officers - len(offices), 0), p=office_p)]))

    with transaction.atomic():
        if not User.objects.filter(username="stat_risk_admin").exists():
            created = Enterprise.objects.bulk_create([
                Enterprise(tax_code=tax_code(i, prefix="08"),
                           name=f"{FORMS[i % len(FORMS)]} {NAME_WORDS[i % len(NAME_WORDS)]} {i:04d}",
                           address="Việt Nam", established_on=datetime(2000 + i % 26, 1 + i % 12, 1 + i % 28).date(),
                           compliance_level=LEVELS[levels[i]])
                for i in range(enterprises)])
            User.objects.bulk_create([User(username=f"stat_trader_{i:05d}", role=Role.TRADER, enterprise=enterprise,
                                           password="!") for i, enterprise in enumerate(created)])
            staff = User.objects.bulk_create([
                User(username=f"stat_officer_{i:03d}", role=Role.OFFICER, password="!",
                     last_name=SURNAMES[i % len(SURNAMES)], first_name=GIVEN[(i // len(SURNAMES)) % len(GIVEN)],
                     is_supervisor=bool((i == 0 or officer_office[i] != officer_office[i - 1])
                                        and (officer_office == officer_office[i]).sum() >= 3))
                for i in range(len(officer_office))])
            User.offices.through.objects.bulk_create([
                User.offices.through(user_id=user.pk, customsoffice_id=offices[officer_office[i]][0])
                for i, user in enumerate(staff)])
            User.objects.create(username="stat_gate", role=Role.GATE, password="!")
            User.objects.create(username="stat_risk_admin", role=Role.RISK_ADMIN, password="!")
            for name_vi, name_en, score, min_channel, _hit, condition in RULES:
                rule = RiskRule.objects.create()
                version = RiskRuleVersion.objects.create(
                    rule=rule, version=1, name_vi=name_vi, name_en=name_en, score=score, min_channel=min_channel,
                    conditions=[condition], active=True)
                rule.current = version
                rule.save(update_fields=["current"])

    traders = list(User.objects.filter(username__startswith="stat_trader_").order_by("username")
                   .values_list("pk", "enterprise_id", "enterprise__compliance_level"))
    staff = list(User.objects.filter(username__startswith="stat_officer_").order_by("username")
                 .values_list("pk", "offices__code"))
    code_index = {code: i for i, (code, _kind) in enumerate(offices)}
    staff.sort(key=lambda row: (code_index[row[1]], row[0]))
    officer_of = np.array([code_index[code] for _pk, code in staff])
    versions = RiskRuleVersion.objects.filter(version=1, name_en__in=[rule[1] for rule in RULES]).order_by("pk")
    by_name = {row[2]: row for row in versions.values_list("pk", "rule_id", "name_en", "score", "min_channel")}
    versions = [by_name[rule[1]] for rule in RULES]

    # Tariff lines: 3,000 with an MFN rate, skewed (a few lines make most of the trade).
    lines = list(TariffLine.objects.filter(mfn_rate__isnull=False).order_by("hs_code").values_list(
        "pk", "hs_code", "description_en", "mfn_rate", "export_duty_rate", "vat_rate", "special_consumption_tax_rate"))
    chosen = np.sort(rng.choice(len(lines), size=min(3000, len(lines)), replace=False))
    lines = [lines[i] for i in chosen]
    tariff_p = _zipf(len(lines), 1.1, rng) * np.array([CHAPTER_WEIGHT.get(row[1][:2], 1.0) for row in lines])
    countries = set(Country.objects.values_list("code", flat=True))
    partner_ports = {}
    for locode, country in Port.objects.exclude(country="VN").order_by("locode").values_list("locode", "country"):
        if country in PARTNERS and country in countries:
            partner_ports.setdefault(country, []).append(locode)
    partners = [country for country in PARTNERS if country in partner_ports]
    partner_p = np.array([PARTNERS[c] for c in partners])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT ON (currency_id) currency_id, rate FROM {ExchangeRate._meta.db_table}"
                       " ORDER BY currency_id, valid_on DESC")
        rates = {code: float(rate) for code, rate in cursor.fetchall()}
    rates.setdefault("USD", 26_000.0)

    def clean(text: str) -> str:
        return " ".join((text or "Goods").replace("\\", "/").split())[:120]

    return Population(
        enterprise_ids=np.array([row[1] for row in traders]),
        enterprise_level=np.array([LEVELS.index(row[2]) for row in traders]),
        enterprise_p=_zipf(len(traders), 0.8, rng), enterprise_home=homes[:len(traders)],
        trader_ids=np.array([row[0] for row in traders]),
        offices=[code for code, _kind in offices], office_p=office_p, office_kind=kinds, office_port=office_port,
        officer_ids=np.array([pk for pk, _code in staff]),
        officer_start=np.searchsorted(officer_of, np.arange(len(offices))),
        officer_count=np.bincount(officer_of, minlength=len(offices)),
        gate_id=User.objects.get(username="stat_gate").pk, risk_admin_id=User.objects.get(username="stat_risk_admin").pk,
        rule_version_ids=np.array([row[0] for row in versions]),
        rule_json=np.array([json.dumps({"rule": rule_id, "version": 1, "name": name, "score": score,
                                        "min_channel": min_channel or None,
                                        "reason": [RULES[i][5]]}, ensure_ascii=False)
                            for i, (_pk, rule_id, name, score, min_channel) in enumerate(versions)], dtype=object),
        rule_hit=np.array([rule[4] for rule in RULES]),
        tariff_ids=np.array([row[0] for row in lines]), tariff_hs=np.array([row[1] for row in lines], dtype=object),
        tariff_desc=np.array([clean(row[2]) for row in lines], dtype=object),
        tariff_rates=np.array([[float(row[3] or 0), float(row[4] or 0), float(row[5] or 0), float(row[6] or 0)]
                               for row in lines]),
        tariff_p=tariff_p / tariff_p.sum(),
        partner_country=np.array(partners, dtype=object), partner_p=partner_p / partner_p.sum(),
        partner_ports=[partner_ports[c] for c in partners],
        currencies=np.array([CURRENCY_OF.get(c, "USD") if CURRENCY_OF.get(c, "USD") in rates else "USD"
                             for c in partners], dtype=object),
        rates=rates,
    )


# --- Text for COPY ---------------------------------------------------------------------------------

def _ints(values) -> list:
    return list(map(str, np.asarray(values, dtype=np.int64).tolist()))


def _times(epoch: np.ndarray) -> list:
    """UTC timestamps (the connection's time zone is UTC), NULL where NaN."""
    missing = np.isnan(epoch)
    text = np.datetime_as_string(np.where(missing, 0, epoch * 1e6).astype("datetime64[us]"), unit="us")
    return np.where(missing, NULL, text).tolist()


def _local_days(epoch: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of the local (Vietnamese) date; NaN stays NaN."""
    return np.floor((epoch + VN_OFFSET) / 86400)


def _dates(days: np.ndarray) -> list:
    missing = np.isnan(days)
    text = np.datetime_as_string(np.where(missing, 0, days).astype("datetime64[D]"))
    return np.where(missing, NULL, text).tolist()


@dataclass
class Rows:
    """One table's rows of a chunk, as the text COPY reads."""

    sql: str
    text: str
    count: int


def _rows(model, columns: dict, n: int, *, with_id: bool = True) -> Rows:
    """The text of n rows of the model's table. `columns` maps every column (the id too, with `with_id`)
    to n strings, or to one string for every row; a model's column left out fails here, not in SQL."""
    expected = {f.column for f in model._meta.concrete_fields if with_id or not f.primary_key}
    assert set(columns) == expected, f"{model.__name__}: missing {expected - set(columns)}, extra {set(columns) - expected}"
    values = [itertools.repeat(value, n) if isinstance(value, str) else value for value in columns.values()]
    text = "".join(line + "\n" for line in map("\t".join, zip(*values, strict=False))) if n else ""
    return Rows(f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN", text, n)


def _reserve(cursor, sequence: str, count: int) -> int:
    """The first of `count` consecutive values of the sequence, taken so that nothing else gets them."""
    cursor.execute("SELECT setval(%s, nextval(%s) + %s - 1) - %s + 1", [sequence, sequence, count, count])
    return cursor.fetchone()[0]


def _id_sequence(model) -> str:
    return f"pg_get_serial_sequence('{model._meta.db_table}', 'id')"


def _reserve_ids(cursor, model, count: int) -> int:
    cursor.execute(f"SELECT {_id_sequence(model)}")
    return _reserve(cursor, cursor.fetchone()[0], max(count, 1))


# --- The timeline ----------------------------------------------------------------------------------

def registrations(*, n: int, now: float, days: int, rng) -> np.ndarray:
    """N registration times (UTC epoch seconds), sorted: over the last `days` days, weekends quieter,
    traffic growing slowly, business hours in Vietnam (peaks mid-morning and mid-afternoon)."""
    today = np.floor((now + VN_OFFSET) / 86400)
    day_numbers = today - np.arange(days)[::-1]
    weekday = (day_numbers + 3) % 7  # 1970-01-01 was a Thursday: Monday = 0
    weights = np.select([weekday == 6, weekday == 5], [0.15, 0.55], 1.0) * np.linspace(0.85, 1.15, days)
    day = rng.choice(day_numbers, size=n, p=weights / weights.sum())
    morning = rng.random(n) < 0.55
    seconds = np.where(morning, rng.normal(9.75 * HOUR, 1.4 * HOUR, n), rng.normal(14.5 * HOUR, 1.5 * HOUR, n))
    night = rng.random(n) < 0.03
    seconds = np.where(night, rng.uniform(0, 24 * HOUR, n), np.clip(seconds, 6.5 * HOUR, 21 * HOUR))
    epoch = day * 86400 + seconds - VN_OFFSET
    late = epoch > now - 60
    epoch[late] = now - 60 - rng.uniform(0, 6 * HOUR, late.sum())
    return np.sort(epoch)


def _lognormal(rng, median: float, sigma: float, n: int) -> np.ndarray:
    return rng.lognormal(np.log(median), sigma, n)


def _chunk(pop: Population, rng, *, reg: np.ndarray, now: float, changes: bool, first_id: int, first_number: int,
           first_assessment: int) -> dict:
    """The rows of the declarations registered at `reg` and of all they bring, per table (ids from those
    given: len(reg) of each reserved); under "channels" the declarations per channel."""
    from customs_portal.audit.models import AuditEvent
    from declarations.models import Declaration, DeclarationChange, DocumentRequest, GoodsItem, InspectionResult
    from payments.models import LateInterest, Payment
    from risk.models import Assessment

    m = len(reg)
    ids = first_id + np.arange(m)

    # Who, where, what.
    ent = rng.choice(len(pop.enterprise_ids), size=m, p=pop.enterprise_p)
    level = pop.enterprise_level[ent]
    office = np.where(rng.random(m) < 0.8, pop.enterprise_home[ent], rng.choice(len(pop.offices), size=m, p=pop.office_p))
    transport = _draw(rng, np.cumsum(TRANSPORT_BY_KIND, axis=1), pop.office_kind[office])
    export = rng.random(m) < 0.45
    channel = _draw(rng, np.cumsum(CHANNEL_BY_LEVEL, axis=1), level)
    kind = np.zeros(m, dtype=np.int64)
    for ch in (GREEN, YELLOW, RED):
        members = np.flatnonzero([k[0] == ch for k in KINDS])
        shares = np.array([KINDS[k][6] for k in members])
        mask = channel == ch
        kind[mask] = rng.choice(members, size=mask.sum(), p=shares / shares.sum())
    partner = rng.choice(len(pop.partner_country), size=m, p=pop.partner_p)
    currency = np.where(rng.random(m) < 0.8, "USD", pop.currencies[partner])
    rate = np.vectorize(pop.rates.__getitem__, otypes=[float])(currency)
    trader = pop.trader_ids[ent]
    officer = pop.officer_ids[pop.officer_start[office] + rng.integers(0, 1 << 30, m) % pop.officer_count[office]]

    # Goods lines and their taxes.
    u = rng.random(m)
    lines = 1 + (u > 0.5) + (u > 0.9)
    starts = np.cumsum(lines) - lines
    total = int(lines.sum())
    owner = np.repeat(np.arange(m), lines)
    line_no = np.arange(total) - np.repeat(starts, lines) + 1
    tariff = rng.choice(len(pop.tariff_ids), size=total, p=pop.tariff_p)
    quantity = np.maximum(1, np.round(_lognormal(rng, 200, 1.2, total)))
    price_cents = np.maximum(1, np.round(_lognormal(rng, 1500, 1.3, total)))
    value_cents = (quantity * price_cents).astype(np.int64)
    taxable = np.round(value_cents / 100 * rate[owner]).astype(np.int64)
    mfn, export_rate, vat_rate, sct_rate = pop.tariff_rates[tariff].T
    imported = ~export[owner]
    import_duty = np.where(imported, np.round(taxable * mfn / 100), 0).astype(np.int64)
    export_duty = np.where(imported, 0, np.round(taxable * export_rate / 100)).astype(np.int64)
    sct = np.where(imported, np.round((taxable + import_duty) * sct_rate / 100), 0).astype(np.int64)
    vat = np.where(imported, np.round((taxable + import_duty + sct) * vat_rate / 100), 0).astype(np.int64)
    taxes = {name: np.add.reduceat(values, starts) for name, values in (
        ("import_duty", import_duty), ("export_duty", export_duty), ("special_consumption_tax", sct),
        ("environmental_tax", np.zeros(total, dtype=np.int64)), ("vat", vat))}
    tax_total = sum(taxes.values())
    due = tax_total > 0
    invoice_cents = np.add.reduceat(value_cents, starts)

    # What happens, and when (NaN: never).
    nan = np.full(m, np.nan)
    green, yellow, red = channel == GREEN, channel == YELLOW, channel == RED
    held = yellow | red
    created = reg - _lognormal(rng, 1200, 1.0, m)
    assessed = reg + np.maximum(1, _lognormal(rng, 4, 0.8, m))
    u = rng.random(m)
    cancel = (green & due & (u < 0.012)) | (yellow & (u < 0.01)) | (red & (u < 0.005))
    cancel_t = np.where(cancel, assessed + np.where(green, _lognormal(rng, 3 * HOUR, 1.0, m),
                                                    _lognormal(rng, 5 * HOUR, 1.0, m)), nan)
    request = held & ~cancel & (rng.random(m) < np.where(yellow, 0.35, 0.10))
    request_t = np.where(request, assessed + _lognormal(rng, 1.5 * HOUR, 0.8, m), nan)
    answer_t = request_t + _lognormal(rng, 20 * HOUR, 1.1, m)
    base = np.where(request, answer_t, assessed)
    inspect_t = np.where(red & ~cancel, base + _lognormal(rng, 18 * HOUR, 0.8, m), nan)
    decision_t = np.where(held & ~cancel, np.where(red, inspect_t + _lognormal(rng, 2 * HOUR, 0.8, m),
                                                   base + _lognormal(rng, 3 * HOUR, 1.0, m)), nan)
    n_rules = np.array([k[5] for k in KINDS])[kind]
    first_rule = np.zeros(m, dtype=np.int64)
    second_rule = np.zeros(m, dtype=np.int64)
    for k, (_ch, _reason, _score_channel, _required, pool, _count, _share) in enumerate(KINDS):
        mask = kind == k
        first_rule[mask] = np.array(pool)[rng.integers(0, len(pool), mask.sum())]
        others = np.array(SCORE_RULES)
        second = others[rng.integers(0, len(others), mask.sum())]
        second_rule[mask] = np.where(second == first_rule[mask], others[(np.searchsorted(others, second) + 1)
                                                                        % len(others)], second)
    hit = np.where(n_rules > 0, pop.rule_hit[first_rule], RANDOM_HIT)
    found = rng.random(m) < hit
    discrepancy = red & found & ~np.isnan(inspect_t)
    reject = held & ~cancel & found & (rng.random(m) < np.where(yellow, 0.5, 0.3))
    release = held & ~cancel & ~reject
    early = release & due & (rng.random(m) < 0.35)
    early_t = np.where(early, np.minimum(assessed + _lognormal(rng, 2 * HOUR, 0.8, m),
                                         assessed + (decision_t - assessed) / 2), nan)
    pay_after = (green & due & ~cancel) | (release & due & ~early)
    pay_t = np.where(pay_after, np.where(green, assessed, decision_t) + _lognormal(rng, 1.5 * HOUR, 1.3, m), nan)
    cleared_t = np.select([green & ~due, pay_after, release], [assessed, pay_t, decision_t], nan)
    gate_t = cleared_t + _lognormal(rng, 5 * HOUR, 1.0, m)

    # Cut at now: what has not happened yet did not happen.
    for times in (assessed, cancel_t, request_t, answer_t, inspect_t, decision_t, early_t, pay_t, cleared_t, gate_t):
        times[times > now] = np.nan
    done = {name: ~np.isnan(times) for name, times in (
        ("assessed", assessed), ("cancel", cancel_t), ("request", request_t), ("answer", answer_t),
        ("inspect", inspect_t), ("decision", decision_t), ("early", early_t), ("pay", pay_t), ("gate", gate_t))}
    entered = np.select([green & due, green, yellow], [ASSESSED, CLEARED, UNDER_REVIEW], UNDER_INSPECTION)
    released_to = np.where(due & ~early, ASSESSED, CLEARED)
    status = np.full(m, REGISTERED)
    status[done["assessed"]] = entered[done["assessed"]]
    status[done["decision"] & release] = released_to[done["decision"] & release]
    status[done["decision"] & reject] = REJECTED
    status[done["cancel"]] = CANCELLED
    status[done["pay"]] = CLEARED
    status[done["gate"]] = RELEASED
    cleared_t[~np.isin(status, (CLEARED, RELEASED))] = np.nan
    paid_t = np.where(done["early"], early_t, pay_t)
    paid = ~np.isnan(paid_t)
    open_ = np.isin(status, UNCLEARED)

    # Late interest: 0.03 % a day of the taxes, for the days after registration before the payment (or today).
    today = np.floor((now + VN_OFFSET) / 86400)
    reg_day = _local_days(reg)
    late_days = np.where(paid, _local_days(paid_t) - reg_day - 1, np.where(open_ & due, today - reg_day - 1, 0))
    late_days = np.maximum(np.nan_to_num(late_days), 0).astype(np.int64)
    accrued_e4 = tax_total * 3 * late_days  # in 1/10,000 dong: 0.0003 = 3/10,000
    interest = (accrued_e4 + 5000) // 10000  # half up (customs_portal.localization.vnd)
    owing = open_ & due & ~paid
    amount_due = np.where(owing, tax_total + interest, 0)
    payment_status = np.where(paid, "paid", np.where(owing, "unpaid", "not_due"))

    held_done = held & done["assessed"]
    events = _events(pop, ids=ids, trader=trader, officer=officer, channel=channel, entered=entered, done=done,
                     reg=reg, assessed=assessed, request_t=request_t, answer_t=answer_t, inspect_t=inspect_t,
                     decision_t=decision_t, release=release, reject=reject, released_to=released_to,
                     early_t=early_t, cancel_t=cancel_t, pay_t=pay_t, gate_t=gate_t)
    updated = np.fmax.reduce([reg, assessed, cancel_t, request_t, answer_t, inspect_t, decision_t, early_t, pay_t,
                              gate_t])

    import_side = ~export
    office_port = pop.office_port[office]
    partner_port = np.array([ports[i % len(ports)] for ports, i in zip(
        (pop.partner_ports[p] for p in partner), rng.integers(0, 1 << 20, m), strict=True)], dtype=object)
    numbers = [f"10{number:010d}" for number in range(first_number, first_number + m)]
    reg_days = _dates(reg_day)
    counts = {}
    counts["declarations"] = _rows(Declaration, {
        "id": _ints(ids), "number": numbers, "version": "1",
        "direction": np.where(export, "export", "import").tolist(),
        "type_code": np.where(export, rng.choice(EXPORT_TYPES[0], size=m, p=EXPORT_TYPES[1]),
                              rng.choice(IMPORT_TYPES[0], size=m, p=IMPORT_TYPES[1])).tolist(),
        "status": STATUS_NAMES[status].tolist(),
        "channel": np.where(done["assessed"], CHANNEL_NAMES[channel], NULL).tolist(),
        "enterprise_id": _ints(pop.enterprise_ids[ent]), "created_by_id": _ints(trader),
        "customs_office_id": [pop.offices[i] for i in office.tolist()],
        "partner_name": [f"{pop.partner_country[p]} Trading Partner {k:04d} Co., Ltd"
                         for p, k in zip(partner.tolist(), rng.integers(0, 3000, m).tolist(), strict=True)],
        "partner_address": "", "partner_country_id": pop.partner_country[partner].tolist(),
        "transport_mode": TRANSPORT_NAMES[transport].tolist(),
        "bill_of_lading": [f"BL{i:010d}" for i in ids.tolist()], "vessel_flight": "",
        "port_of_loading_id": np.where(import_side, partner_port, office_port).tolist(),
        "port_of_discharge_id": np.where(import_side, office_port, partner_port).tolist(),
        "arrival_date": _dates(np.where(import_side, _local_days(created) - 1, np.nan)),
        "departure_date": _dates(np.where(export, reg_day + 1, np.nan)),
        "packages": _ints(np.maximum(1, _lognormal(rng, 40, 1.2, m))), "container_numbers": "[]",
        "gross_weight_kg": _ints(np.maximum(1, _lognormal(rng, 3000, 1.3, m))),
        "invoice_number": [f"INV-{i}" for i in ids.tolist()], "invoice_date": _dates(_local_days(created) - 5),
        "invoice_currency_id": currency.tolist(), "incoterm": np.where(export, "FOB", "CIF").tolist(),
        "invoice_total": [f"{c // 100}.{c % 100:02d}" for c in invoice_cents.tolist()], "freight": "0",
        "insurance": "0", "exchange_rate": [f"{r:.4f}" for r in rate.tolist()], "exchange_rate_date": reg_days,
        "taxed_on": reg_days, "taxed_with_reference_version": NULL,
        **{name: _ints(values) for name, values in taxes.items()}, "tax_total": _ints(tax_total),
        "amount_due": _ints(amount_due), "payment_status": payment_status.tolist(),
        "created_at": _times(created), "updated_at": _times(updated), "registered_at": _times(reg),
        "assessed_at": _times(assessed), "cleared_at": _times(cleared_t), "released_at": _times(gate_t),
        "amendment_request_id": NULL, "assigned_to_id": np.where(held_done, officer.astype(str), NULL).tolist(),
        "assigned_at": _times(np.where(held_done, assessed, np.nan)),
        "branch_of_id": NULL, "branch_index": NULL, "branch_count": NULL,  # single declarations
    }, m)
    counts["goods items"] = _rows(GoodsItem, {
        "declaration_id": _ints(ids[owner]), "line_no": _ints(line_no), "hs_code": pop.tariff_hs[tariff].tolist(),
        "tariff_line_id": _ints(pop.tariff_ids[tariff]), "description": pop.tariff_desc[tariff].tolist(),
        "origin_country_id": pop.partner_country[partner[owner]].tolist(), "quantity": _ints(quantity),
        "unit_id": np.array(UNITS, dtype=object)[tariff % len(UNITS)].tolist(),
        "unit_price": [f"{c // 100}.{c % 100:02d}" for c in price_cents.astype(np.int64).tolist()],
        "line_value": [f"{c // 100}.{c % 100:02d}" for c in value_cents.tolist()], "preference": "MFN",
        "certificate_of_origin": "", "permits": "[]",
        "customs_value": [f"{c // 100}.{c % 100:02d}" for c in value_cents.tolist()], "taxable_value": _ints(taxable),
        "import_duty": _ints(import_duty), "export_duty": _ints(export_duty), "special_consumption_tax": _ints(sct),
        "environmental_tax": "0", "vat": _ints(vat), "rates": "{}", "duty_assessment": "tariff",
        "exemptions": "{}",
    }, total, with_id=False)

    # Assessments, and the rule versions that fired on them.
    scored = np.flatnonzero(done["assessed"])
    assessment_ids = first_assessment + np.arange(len(scored))
    k = kind[scored]
    low, high = np.array([SCORE_RANGE[KINDS[i][2]] for i in range(len(KINDS))]).T
    score = rng.integers(low[k], high[k])
    rules_json = np.where(n_rules[scored] == 0, "[]", np.where(
        n_rules[scored] == 1, "[" + pop.rule_json[first_rule[scored]] + "]",
        "[" + pop.rule_json[first_rule[scored]] + ", " + pop.rule_json[second_rule[scored]] + "]"))
    counts["assessments"] = _rows(Assessment, {
        "id": _ints(assessment_ids), "declaration_id": _ints(ids[scored]), "declaration_version": "1",
        "score": _ints(score), "score_channel": [KINDS[i][2] for i in k.tolist()],
        "channel": CHANNEL_NAMES[channel[scored]].tolist(), "fired_rules": rules_json.tolist(),
        "required_minimums": "[]", "thresholds": _thresholds(level[scored], k),
        "random_draw": [f"{d:.8f}" for d in rng.random(len(scored)).tolist()],
        "random_selection": np.where(np.array([KINDS[i][1] == "random" for i in range(len(KINDS))])[k], "t", "f").tolist(),
        "engine_micros": _ints(rng.integers(150, 900, len(scored))), "model_version_id": NULL, "model_score": NULL,
        "model_factors": "[]", "created_at": _times(assessed[scored]),
    }, len(scored))
    one, two = n_rules[scored] >= 1, n_rules[scored] == 2
    through = Assessment.rule_versions.through
    counts["fired rules"] = _rows(through, {
        "assessment_id": _ints(np.concatenate([assessment_ids[one], assessment_ids[two]])),
        "riskruleversion_id": _ints(pop.rule_version_ids[np.concatenate([first_rule[scored][one],
                                                                          second_rule[scored][two]])]),
    }, int(one.sum() + two.sum()), with_id=False)

    asked = done["request"]
    counts["document requests"] = _rows(DocumentRequest, {
        "declaration_id": _ints(ids[asked]), "requested_by_id": _ints(officer[asked]),
        "note": "Đề nghị bổ sung hợp đồng mua bán và chứng từ vận tải", "created_at": _times(request_t[asked]),
        "answered_at": _times(answer_t[asked]),
        "answered_by_id": np.where(done["answer"][asked], trader[asked].astype(str), NULL).tolist(),
    }, int(asked.sum()), with_id=False)
    inspected = done["inspect"]
    taxes_text = _ints(tax_total[inspected])
    counts["inspections"] = _rows(InspectionResult, {
        "declaration_id": _ints(ids[inspected]), "declaration_version": "1", "inspected_by_id": _ints(officer[inspected]),
        "discrepancy": np.where(discrepancy[inspected], "t", "f").tolist(),
        "findings": np.where(discrepancy[inspected], "Hàng thực tế không đúng mô tả khai báo", "").tolist(),
        "tax_total_before": taxes_text, "tax_total_after": taxes_text, "goods_before": NULL,
        "created_at": _times(inspect_t[inspected]),
    }, int(inspected.sum()), with_id=False)

    counts["payments"] = _rows(Payment, _payments(pop, rng, ids=ids, paid=paid, paid_t=paid_t, taxes=taxes,
                                                  tax_total=tax_total, interest=interest, trader=trader),
                               int(paid.sum()), with_id=False)
    charged = (late_days > 0) & (paid | owing) & (interest > 0)
    accrued = accrued_e4[charged]
    counts["late interest"] = _rows(LateInterest, {
        "declaration_id": _ints(ids[charged]), "due_date": _dates(reg_day[charged]),
        "accrued": [f"{a // 10000}.{a % 10000:04d}" for a in accrued.tolist()],
        "accrued_through": _dates(np.where(paid, _local_days(paid_t) - 1, today - 1)[charged]),
        "charged": _ints(interest[charged]), "paid": _ints(np.where(paid, interest, 0)[charged]),
        "updated_at": _times(np.where(paid, paid_t, now)[charged]),
    }, int(charged.sum()), with_id=False)
    transitions = np.array(events.pop("_declaration_of_transition"))
    counts["audit events"] = _rows(AuditEvent, events, len(events["created_at"]), with_id=False)
    if changes:
        counts["change records"] = _rows(DeclarationChange, {
            "declaration_id": _ints(transitions), "created_at": _times(np.full(len(transitions), now)),
        }, len(transitions), with_id=False)
    counts["channels"] = np.bincount(channel[done["assessed"]], minlength=3)
    return counts


def _thresholds(level: np.ndarray, kind: np.ndarray) -> list:
    """Assessment.thresholds as risk/services/assessment.py writes it, one template per class and kind."""
    from risk.selectivity_models import DEFAULT_CLASS_SELECTIVITY

    templates = np.empty((len(LEVELS), len(KINDS)), dtype=object)
    for li, name in enumerate(LEVELS):
        yellow_cap, red_cap, random_yellow, random_red = (str(v) for v in DEFAULT_CLASS_SELECTIVITY[name])
        for ki, (ch, reason, score_channel, required, _pool, _n, _share) in enumerate(KINDS):
            colour = CHANNEL_NAMES[ch]
            increments = {"assessed": 1}
            if reason == "random":
                increments.update({f"{colour}_selected": 1, f"random_{colour}": 1})
            elif reason == "required":
                increments[f"{colour}_required"] = 1
            elif colour != "green":
                increments[f"{colour}_selected"] = 1
            templates[li, ki] = json.dumps({
                "yellow": 30, "red": 70, "random_yellow_rate": "0.0200", "random_red_rate": "0.0050",
                "settings_version": 1, "min_channel": required if required != "green" else None,
                "selectivity": {"level": name, "channel": colour, "reason": reason, "score_channel": score_channel,
                                "required_channel": required, "capped": reason.startswith("capped"),
                                "yellow_cap": yellow_cap, "red_cap": red_cap, "class_random_yellow": random_yellow,
                                "class_random_red": random_red, "increments": increments, "window_days": 30,
                                "counted": True}})
    return templates[level, kind].tolist()


def _events(pop: Population, *, ids, trader, officer, channel, entered, done, reg, assessed, request_t, answer_t,
            inspect_t, decision_t, release, reject, released_to, early_t, cancel_t, pay_t, gate_t) -> dict:
    """The audit trail of the chunk (columns of AuditEvent), in time order; under "_declaration_of_transition"
    the declaration of every event, for the change records."""
    m = len(ids)
    in_hold = np.where(channel == YELLOW, UNDER_REVIEW, UNDER_INSPECTION)
    before_cancel = np.where(channel == GREEN, ASSESSED, in_hold)
    no_actor = np.zeros(m, dtype=np.int64)
    every = np.ones(m, dtype=bool)
    parts = (  # mask, time, action, from, to, actor, reason, data
        (every, reg, "submit", DRAFT, REGISTERED, trader, "", None),
        (done["assessed"], assessed, "assess", REGISTERED, entered, no_actor, "", "channel"),
        (done["request"], request_t, "request_documents", in_hold, in_hold, officer,
         "Đề nghị bổ sung hợp đồng mua bán và chứng từ vận tải", None),
        (done["answer"], answer_t, "documents_supplied", in_hold, in_hold, trader, "", None),
        (done["inspect"], inspect_t, "record_inspection", UNDER_INSPECTION, UNDER_INSPECTION, officer, "", None),
        (done["early"], early_t, "pay", in_hold, in_hold, no_actor, "", None),
        (done["decision"] & release, decision_t, "release", in_hold, released_to, officer, "", None),
        (done["decision"] & reject, decision_t, "reject", in_hold, REJECTED, officer,
         "Hồ sơ và hàng hóa không phù hợp với khai báo", None),
        (done["cancel"], cancel_t, "cancel", before_cancel, CANCELLED, trader, "Doanh nghiệp đề nghị hủy tờ khai", None),
        (done["pay"], pay_t, "pay", ASSESSED, CLEARED, no_actor, "", None),
        (done["gate"], gate_t, "gate_release", CLEARED, RELEASED, np.full(m, pop.gate_id), "", None),
    )
    declaration, times, actions, froms, tos, actors, reasons, data = [], [], [], [], [], [], [], []
    for mask, when, action, from_status, to_status, actor, reason, payload in parts:
        count = int(mask.sum())
        declaration.append(ids[mask])
        times.append(when[mask])
        actions.append(np.full(count, action, dtype=object))
        froms.append(np.broadcast_to(from_status, (m,))[mask])
        tos.append(np.broadcast_to(to_status, (m,))[mask])
        actors.append(actor[mask])
        reasons.append(np.full(count, reason, dtype=object))
        data.append(np.array(['{"channel": "' + c + '"}' for c in CHANNEL_NAMES[channel[mask]]], dtype=object)
                    if payload else np.full(count, "{}", dtype=object))
    order = np.argsort(np.concatenate(times), kind="stable")
    actor = np.concatenate(actors)[order]
    declaration_ids = np.concatenate(declaration)[order]
    return {
        "declaration_id": _ints(declaration_ids), "actor_id": np.where(actor > 0, actor.astype(str), NULL).tolist(),
        "action": np.concatenate(actions)[order].tolist(),
        "from_status": STATUS_NAMES[np.concatenate(froms)[order]].tolist(),
        "to_status": STATUS_NAMES[np.concatenate(tos)[order]].tolist(),
        "reason": np.concatenate(reasons)[order].tolist(), "data": np.concatenate(data)[order].tolist(),
        "created_at": _times(np.concatenate(times)[order]),
        "_declaration_of_transition": declaration_ids.tolist(),
    }


def _payments(pop, rng, *, ids, paid, paid_t, taxes, tax_total, interest, trader) -> dict:
    """The credited payment of every paid declaration (its whole taxes, and the late interest)."""
    count = int(paid.sum())
    at = paid_t[paid]
    declaration_ids = ids[paid].tolist()
    local = np.datetime_as_string(((at + VN_OFFSET) * 1e6).astype("datetime64[us]"), unit="D").tolist()
    interest_paid = interest[paid]
    names = list(taxes)
    amounts = np.stack([taxes[name][paid] for name in names] + [interest_paid], axis=1).tolist()
    names.append("late_interest")
    breakdown = [json.dumps({name: str(value) for name, value in zip(names, row, strict=True) if value})
                 for row in amounts]
    return {
        "declaration_id": _ints(ids[paid]),
        "reference": [f"HQ{day[2:4]}{day[5:7]}{day[8:10]}{pk:010X}" for day, pk in zip(local, declaration_ids,
                                                                                       strict=True)],
        "amount": _ints(tax_total[paid] + interest_paid), "currency": "VND", "tax_amount": _ints(tax_total[paid]),
        "interest_amount": _ints(interest_paid), "status": "credited", "started_by_id": _ints(trader[paid]),
        "created_at": _times(at - _lognormal(rng, 120, 0.7, count)),
        "bank_transaction_id": [f"VCB{pk:014d}" for pk in declaration_ids], "credited_at": _times(at),
        "credited_via": "callback", "failed_at": NULL,
        "receipt_number": [f"BL{day[:4]}{pk:010d}" for day, pk in zip(local, declaration_ids, strict=True)],
        "applied_tax": _ints(tax_total[paid]), "applied_interest": _ints(interest_paid), "refund_due": "0",
        "breakdown": breakdown, "duplicate_callbacks": "0",
        # each enterprise (its trader) pays through one bank, the four largest banks more often
        "bank": [PAYING_BANKS[trader_id % len(PAYING_BANKS)] for trader_id in trader[paid].tolist()],
    }


def statistics_data_generate(*, n: int, seed: int = SEED, days: int = DAYS, now: datetime | None = None,
                             changes: bool = False, chunk: int = CHUNK, enterprises: int = ENTERPRISES,
                             officers: int = OFFICERS, progress=None) -> dict:
    """Write N registered declarations (and their population, the first time) into the database;
    rows written per table, and the seconds it took. Call it again to add more (another batch of
    the same seed draws other declarations: the batch is keyed on the first new declaration id).

    A thread builds the text of the next chunk while PostgreSQL reads the current one: numpy and
    libpq let go of the GIL, so generation and COPY overlap on two cores."""
    from django.db import connection, transaction

    from declarations.models import Declaration
    from risk.models import Assessment

    started = time.perf_counter()
    pop = population_ensure(seed=seed, enterprises=enterprises, officers=officers)
    population_seconds = time.perf_counter() - started
    now_epoch = (now or datetime.now(UTC)).timestamp()
    batch = (Declaration.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    reg = registrations(n=n, now=now_epoch, days=days, rng=np.random.default_rng([seed, 1, batch]))
    offsets = list(range(0, n, chunk))

    def submit(pool, index: int):
        part = reg[offsets[index]:offsets[index] + chunk]
        with connection.cursor() as cursor:  # ids reserved here, in this thread's connection
            first_id = _reserve_ids(cursor.cursor, Declaration, len(part))
            first_number = _reserve(cursor.cursor, "declaration_number_seq", len(part))
            first_assessment = _reserve_ids(cursor.cursor, Assessment, len(part))
        return pool.submit(_chunk, pop, np.random.default_rng([seed, 2, batch, index]), reg=part, now=now_epoch,
                           changes=changes, first_id=first_id, first_number=first_number,
                           first_assessment=first_assessment)

    totals: dict = {}
    tables = set()
    with ThreadPoolExecutor(max_workers=1) as pool:
        upcoming = submit(pool, 0) if offsets else None
        for index in range(len(offsets)):
            built = upcoming.result()
            upcoming = submit(pool, index + 1) if index + 1 < len(offsets) else None
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")  # no FK triggers: ids built to exist
                for name, rows in built.items():
                    if isinstance(rows, Rows):
                        if rows.count:
                            cursor.cursor.copy_expert(rows.sql, io.StringIO(rows.text), size=1 << 20)
                        tables.add(rows.sql.split()[1])
                        rows = rows.count
                    totals[name] = totals.get(name, 0) + rows
            if progress:
                progress(f"  {min(offsets[index] + chunk, n):>9,} declarations ({time.perf_counter() - started:6.1f} s)")
    if tables:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {', '.join(sorted(tables))}")
    channels = totals.pop("channels", np.zeros(3, dtype=np.int64))
    return {**totals, "channels": dict(zip(CHANNEL_NAMES.tolist(), (int(c) for c in channels), strict=True)),
            "population_seconds": population_seconds, "seconds": time.perf_counter() - started,
            "risk_admin_id": pop.risk_admin_id}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=1_000_000, help="declarations to add")
    parser.add_argument("--days", type=int, default=DAYS, help="registered over this many days up to now")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--changes", action="store_true", help="record a change per transition, as the portal does")
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        raise SystemExit("set DATABASE_URL to a migrated database with the reference data")
    from bench.common import django_setup

    django_setup(os.environ["DATABASE_URL"])
    figures = statistics_data_generate(n=args.n, seed=args.seed, days=args.days, changes=args.changes, progress=print)
    for name, value in figures.items():
        print(f"{name}: {value:,.1f}" if isinstance(value, float) else f"{name}: {value}")


if __name__ == "__main__":
    main()
