"""The five statistics reports (release times, channel mix, hit rates, revenue, workload), read from
the statistics tables (customs_statistics/models.py) — workload's open work live from the
declarations. Each returns the plain dict the API renders and the pages draw (docs/api-additions.md,
"Statistics"); `REPORTS` names them.

Every figure is a count or sum over the facts of the declarations registered in the period (their
registration day in the portal's time zone), except what is paid (by the day the bank's credit was
booked) and the open work (now). The day cells (customs_statistics/selectors/facts.py, CELL_KINDS)
answer, summed; when the query names an enterprise or groups by enterprise or HS chapter, which no
cell keeps, the facts in the cells' shape answer with the same SQL. Percentiles are exact: the
durations of every declaration counted are read (packed) and ordered in numpy; a percentile is the
smallest duration with at least that share of the declarations at or below it (PostgreSQL's
percentile_disc).
"""
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
from django.conf import settings
from django.db import connection
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from customs_portal.accounts.models import ComplianceLevel, Enterprise, User
from customs_portal.languages import in_active_language
from customs_statistics.access import COMPARISON_MIN_ENTERPRISES, UNASSESSED, StatisticsQuery
from customs_statistics.models import TAX_NAMES, DeclarationFact, PaymentCell
from customs_statistics.selectors.facts import DAY_CELL, DURATIONS, MODEL_CELL, RULE_CELL, CellKind, statistics_state
from declarations.lifecycle import Channel, Status
from declarations.models import Declaration, Direction, TransportMode
from payments.banks import BANKS_BY_BIC
from payments.models import Payment, PaymentStatus
from reference.models import CustomsOffice
from risk.learned_models import HistoryItem, RiskModelVersion
from risk.models import RiskRule
from risk.selectivity_models import ClassSelectivity
from risk.selectors.hit_rates import HitRate

FACT = DeclarationFact._meta.db_table
PAYMENT_CELL = PaymentCell._meta.db_table
CHANNEL_KEYS = ("green", "yellow", "red", UNASSESSED)
OPEN = (str(Status.UNDER_REVIEW), str(Status.UNDER_INSPECTION))
AGE_BANDS = (("under_1_day", 1), ("1_to_3_days", 3), ("3_to_7_days", 7), ("over_7_days", None))
ENTERPRISE_GROUPS = 200  # channel mix by enterprise: the largest this many


# --- Filters and labels ----------------------------------------------------------------------------

def _filters(query: StatisticsQuery, *, day: str = "registered_on", enterprise: bool = True,
             period: bool = True) -> tuple[str, dict]:
    """SQL conditions on a facts-shaped table (or a cell table: `enterprise=False`) and their parameters."""
    conditions, parameters = [], {}
    if period:
        conditions.append(f"{day} BETWEEN %(date_from)s AND %(date_to)s")
        parameters.update(date_from=query.date_from, date_to=query.date_to)
    if query.offices is not None:
        conditions.append("office_id = ANY(%(offices)s)")
        parameters["offices"] = list(query.offices)
    if enterprise and query.enterprise_id is not None:
        conditions.append("enterprise_id = %(enterprise)s")
        parameters["enterprise"] = query.enterprise_id
    for column, value in (("direction", query.direction), ("compliance_class", query.compliance_class),
                          ("transport_mode", query.transport_mode)):
        if value is not None:
            conditions.append(f"{column} = %({column})s")
            parameters[column] = value
    if query.channel is not None:
        conditions.append("channel = %(channel)s")
        parameters["channel"] = "" if query.channel == UNASSESSED else query.channel
    return " AND ".join(conditions) or "TRUE", parameters


def _cells_answer(query: StatisticsQuery, group_by: str | None) -> bool:
    """The day cells answer unless the query names an enterprise or groups by what no cell keeps."""
    return query.enterprise_id is None and group_by not in ("enterprise", "hs_chapter")


def _whole_weeks(query: StatisticsQuery, group_by: str | None) -> dict | None:
    """The Mondays of the first and last whole ISO weeks of the period and the days around them
    (CellKind.cells), or None when none fits or the grouping needs days (by day, by month)."""
    if group_by in ("day", "month"):
        return None
    first = query.date_from + timedelta(days=-query.date_from.weekday() % 7)
    last = query.date_to - timedelta(days=(query.date_to.weekday() + 1) % 7 + 6)
    if first > last:
        return None
    return {"weeks_from": first, "weeks_to": last, "head_to": first - timedelta(days=1), "tail_from": last + timedelta(days=7)}


def _source(kind: CellKind, query: StatisticsQuery, group_by: str | None) -> tuple[str, str, dict]:
    """(FROM, WHERE, parameters) of a query on this kind of cell: the cells (whole weeks and days), or
    the facts in their shape — a report's SQL is the same over both."""
    if not _cells_answer(query, group_by):
        return (kind.facts_shaped(), *_filters(query))
    where, parameters = _filters(query, enterprise=False)
    weeks = _whole_weeks(query, group_by)
    return kind.cells(weeks=weeks is not None), where, {**parameters, **(weeks or {})}


def _rows(sql: str, parameters: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, parameters)
        return cursor.fetchall()


def _office_names(codes) -> dict:
    return {office.code: in_active_language(office.name_vi, office.name_en) or office.code
            for office in CustomsOffice.objects.filter(code__in=list(codes))}


def _week_label(monday: date) -> str:
    year, week, _weekday = monday.isocalendar()
    return f"{year}-W{week:02d}"


def _labels(group_by: str | None, keys) -> dict:
    """The label of each group key, in the active language."""
    keys = list(keys)
    if group_by == "channel":
        return {key: (Channel(key).label if key in Channel.values else _("Not assessed")) for key in keys}
    if group_by == "office":
        names = _office_names(keys)
        return {key: names.get(key, key) for key in keys}
    if group_by == "class":
        return {key: (ComplianceLevel(key).label if key in ComplianceLevel.values else _("Not assessed")) for key in keys}
    if group_by == "direction":
        return {key: Direction(key).label for key in keys}
    if group_by == "transport_mode":
        return {key: TransportMode(key).label if key in TransportMode.values else key for key in keys}
    if group_by == "week":
        return {key: _week_label(key) for key in keys}
    if group_by == "day":
        return {key: formats.date_format(key, "SHORT_DATE_FORMAT") for key in keys}
    if group_by == "month":
        return {key: formats.date_format(key, "YEAR_MONTH_FORMAT") for key in keys}
    if group_by == "hs_chapter":
        return {key: (_("Chapter %(chapter)s") % {"chapter": key}) if key else _("No goods line") for key in keys}
    if group_by == "enterprise":
        names = {e.pk: f"{e.tax_code} {e.name}" for e in Enterprise.objects.filter(pk__in=keys).only("pk", "tax_code", "name")}
        return {key: names.get(key, str(key)) for key in keys}
    if group_by == "bank":
        return {key: BANKS_BY_BIC[key].short_name if key in BANKS_BY_BIC else (key or _("Bank not stated")) for key in keys}
    return {key: str(key) for key in keys}


def _key_json(group_by: str | None, key):
    if group_by == "channel" and key == "":
        return UNASSESSED
    if group_by == "enterprise":
        return key
    return key.isoformat() if isinstance(key, date) else key


GROUP_COLUMNS = {
    "channel": "channel", "office": "office_id", "transport_mode": "transport_mode", "direction": "direction",
    "class": "compliance_class", "hs_chapter": "hs_chapter", "enterprise": "enterprise_id",
    "week": "DATE_TRUNC('week', {day})::date", "day": "{day}", "month": "DATE_TRUNC('month', {day})::date",
}


def _group_column(group_by: str | None, *, day: str = "registered_on") -> str:
    return GROUP_COLUMNS[group_by].format(day=day) if group_by else "NULL::text"


def _common(query: StatisticsQuery) -> dict:
    state = statistics_state()
    return {"date_from": query.date_from.isoformat(), "date_to": query.date_to.isoformat(),
            "as_of": state.refreshed_at.isoformat() if state.refreshed_at else None,
            "filters": query.as_json(), "group_by": query.group_by}


def _comparison_offices(query: StatisticsQuery) -> list[str]:
    """A trader's comparison: the offices it declared at in the period (within the office filter)."""
    where, parameters = _filters(query)
    return [row[0] for row in _rows(f"SELECT DISTINCT office_id FROM {FACT} WHERE {where}", parameters)]


def _enough_enterprises(query: StatisticsQuery, offices: list[str]) -> bool:
    """At least COMPARISON_MIN_ENTERPRISES enterprises declared in these offices in the period."""
    if not offices:
        return False
    where, parameters = _filters(_widened(query, offices))
    rows = _rows(f"SELECT COUNT(*) FROM (SELECT DISTINCT enterprise_id FROM {FACT} WHERE {where} LIMIT %(enough)s) e",
                 {**parameters, "enough": COMPARISON_MIN_ENTERPRISES})
    return rows[0][0] >= COMPARISON_MIN_ENTERPRISES


def _widened(query: StatisticsQuery, offices: list[str]) -> StatisticsQuery:
    """The same query over every enterprise of these offices."""
    return replace(query, offices=tuple(offices), enterprise_id=None, enterprise_tax_code=None, comparison=False)


# --- Release times ---------------------------------------------------------------------------------

def _hours(seconds) -> float | None:
    return None if seconds is None else float(Decimal(seconds / 3600).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _durations(packed: dict) -> dict:
    """{duration: {count, median_seconds, p90_seconds, median_hours, p90_hours}} of packed durations."""
    summary = {}
    for name in DURATIONS:
        values = np.frombuffer(b"".join(packed[name]), dtype=">i4")
        if values.size:
            median, p90 = (int(v) for v in np.percentile(values, [50, 90], method="inverted_cdf"))
        else:
            median = p90 = None
        summary[name] = {"count": int(values.size), "median_seconds": median, "p90_seconds": p90,
                         "median_hours": _hours(median), "p90_hours": _hours(p90)}
    return summary


def _release_rows(query: StatisticsQuery, group_by: str | None) -> list[tuple]:
    """(key, declarations, packed duration per DURATIONS...) per group."""
    source, where, parameters = _source(DAY_CELL, query, group_by)
    packed = ", ".join(DAY_CELL.aggregate(name) for name in DURATIONS)
    return _rows(f"SELECT {_group_column(group_by)}, SUM(declarations), {packed} FROM {source} WHERE {where} GROUP BY 1",
                 parameters)


def _release_summary(rows: list[tuple]) -> dict:
    packed = {name: [bytes(row[2 + i]) for row in rows if row[2 + i]] for i, name in enumerate(DURATIONS)}
    return {"declarations": int(sum(row[1] for row in rows)), "durations": _durations(packed)}


def release_times(query: StatisticsQuery) -> dict:
    rows = _release_rows(query, query.group_by)
    labels = _labels(query.group_by, [row[0] for row in rows])
    groups = [{"key": _key_json(query.group_by, row[0]), "label": labels[row[0]], **_release_summary([row])}
              for row in sorted(rows, key=lambda row: _order(query.group_by, row[0]))]
    body = {**_common(query), "all": _release_summary(rows), "groups": groups, "comparison": None}
    if query.comparison:
        offices = _comparison_offices(query)
        if _enough_enterprises(query, offices):
            body["comparison"] = {"scope": "offices", "offices": offices,
                                  **_release_summary(_release_rows(_widened(query, offices), None))}
    return body


def _order(group_by: str | None, key):
    """Groups in their natural order: channels green → red, classes best → newest, dates ascending."""
    if group_by == "channel":
        return CHANNEL_KEYS.index(key or UNASSESSED) if (key or UNASSESSED) in CHANNEL_KEYS else 99
    if group_by == "class":
        return ComplianceLevel.values.index(key) if key in ComplianceLevel.values else 99
    return (key is None, key if key is not None else "")


# --- Channel mix -----------------------------------------------------------------------------------

def _channel_rows(query: StatisticsQuery, group_by: str | None) -> list[tuple]:
    """(key, green, yellow, red, unassessed, total, random yellow, random red, counted-in-cap yellow,
    counted-in-cap red) per group. Grouped by channel too and turned in Python: a third of the
    aggregates of one FILTER per column, which is what a year of facts by enterprise costs."""
    source, where, parameters = _source(DAY_CELL, query, group_by)
    by_key: dict = {}
    for key, channel, declarations, random, counted in _rows(
            f"SELECT {_group_column(group_by)}, channel, SUM(declarations), SUM(random_selection), SUM(counted_in_cap)"
            f" FROM {source} WHERE {where} GROUP BY 1, 2", parameters):
        row = by_key.setdefault(key, [key, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        row[1 + CHANNEL_KEYS.index(channel or UNASSESSED)] = int(declarations)
        row[5] += int(declarations)
        if channel in ("yellow", "red"):
            row[6 + ("yellow", "red").index(channel)] = int(random)
            row[8 + ("yellow", "red").index(channel)] = int(counted)
    return [tuple(row) for row in by_key.values()]


def _percent(part: int, whole: int) -> float | None:
    return None if not whole else float((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _mix(rows: list[tuple]) -> dict:
    sums = [sum(row[i] for row in rows) for i in range(1, 10)]
    counts = dict(zip((*CHANNEL_KEYS, "total"), sums[:5], strict=True))
    assessed = counts["total"] - counts[UNASSESSED]
    return {"counts": counts, "random": {"yellow": sums[5], "red": sums[6]},
            "shares": {"yellow_percent": _percent(counts["yellow"], assessed), "red_percent": _percent(counts["red"], assessed),
                       "yellow_counted_percent": _percent(sums[7], assessed),
                       "red_counted_percent": _percent(sums[8], assessed)}}


def _caps() -> dict:
    return {row.compliance_level: {"yellow_percent": float(row.yellow_cap * 100), "red_percent": float(row.red_cap * 100)}
            for row in ClassSelectivity.objects.all()}


def channel_mix(query: StatisticsQuery) -> dict:
    rows = _channel_rows(query, query.group_by)
    ordered = sorted(rows, key=lambda row: _order(query.group_by, row[0]))
    truncated = False
    if query.group_by == "enterprise" and len(ordered) > ENTERPRISE_GROUPS:
        ordered, truncated = sorted(rows, key=lambda row: -row[5])[:ENTERPRISE_GROUPS], True
    labels = _labels(query.group_by, [row[0] for row in ordered]) if query.group_by else {}
    caps = _caps() if query.group_by == "class" else {}
    groups = [{"key": _key_json(query.group_by, row[0]), "label": labels[row[0]], **_mix([row]),
               "caps": caps.get(row[0]) if query.group_by == "class" else None}
              for row in ordered] if query.group_by else []
    body = {**_common(query), **_mix(rows), "groups": groups, "groups_truncated": truncated, "comparison": None}
    if query.comparison:
        offices = _comparison_offices(query)
        if _enough_enterprises(query, offices):
            body["comparison"] = {"scope": "offices", "offices": offices, **_mix(_channel_rows(_widened(query, offices), None))}
    return body


# --- Hit rates -------------------------------------------------------------------------------------

def _rate(checked: int, found: int) -> dict:
    rate = HitRate(checked, found).rate
    return {"checked": int(checked), "found": int(found), "hit_rate": None if rate is None else str(rate)}


def _history_rate(query: StatisticsQuery) -> dict:
    conditions = ["declared_on BETWEEN %(date_from)s AND %(date_to)s", "fraud IS NOT NULL"]
    parameters = {"date_from": query.date_from, "date_to": query.date_to}
    if query.offices is not None:
        conditions.append("office = ANY(%(offices)s)")
        parameters["offices"] = list(query.offices)
    if query.transport_mode is not None:
        conditions.append("transport_mode = %(transport_mode)s")
        parameters["transport_mode"] = query.transport_mode
    checked, found = _rows(f"SELECT COUNT(*), COUNT(*) FILTER (WHERE fraud) FROM {HistoryItem._meta.db_table}"
                           f" WHERE {' AND '.join(conditions)}", parameters)[0]
    return _rate(checked, found)


def hit_rates(query: StatisticsQuery) -> dict:
    body = {**_common(query), "source": query.source, "history": None}
    if query.source != "portal":
        body["history"] = _history_rate(query)
    if query.source == "history":
        empty = _rate(0, 0)
        return {**body, "all": empty, "physical": empty, "documentary": empty, "random_selection": empty,
                "rules": [], "models": []}
    source, where, parameters = _source(DAY_CELL, query, None)
    totals = ", ".join(f"COALESCE(SUM({name}), 0)" for name in ("concluded", "found", "physical_concluded", "physical_found",
                                                                 "random_concluded", "random_found"))
    (checked, found, physical, physical_found, random, random_found), = _rows(
        f"SELECT {totals} FROM {source} WHERE {where}", parameters)
    source, where, parameters = _source(RULE_CELL, query, None)
    by_rule = _rows(f"SELECT rule_id, SUM(concluded), SUM(found) FROM {source} WHERE {where} GROUP BY 1", parameters)
    source, where, parameters = _source(MODEL_CELL, query, None)
    by_model = _rows(f"SELECT model_version_id, model_band, SUM(concluded), SUM(found) FROM {source} WHERE {where}"
                     " GROUP BY 1, 2", parameters)
    names = {rule.pk: in_active_language(rule.current.name_vi, rule.current.name_en) if rule.current else str(rule.pk)
             for rule in RiskRule.objects.filter(pk__in=[row[0] for row in by_rule]).select_related("current")}
    numbers = dict(RiskModelVersion.objects.filter(pk__in=[row[0] for row in by_model]).values_list("pk", "number"))
    models = {}
    for version_id, band, band_checked, band_found in by_model:
        models.setdefault(version_id, {})[band] = (band_checked, band_found)
    return {
        **body, "all": _rate(checked, found), "physical": _rate(physical, physical_found),
        "documentary": _rate(checked - physical, found - physical_found), "random_selection": _rate(random, random_found),
        "rules": [{"rule": rule_id, "name": names.get(rule_id, str(rule_id)), **_rate(rule_checked, rule_found)}
                  for rule_id, rule_checked, rule_found in sorted(by_rule, key=lambda row: (-row[1], row[0]))],
        "models": [{"version": numbers.get(version_id, version_id),
                    "bands": {band: _rate(*bands.get(band, (0, 0))) for band in ("high", "medium", "low")},
                    "all": _rate(sum(c for c, _f in bands.values()), sum(f for _c, f in bands.values()))}
                   for version_id, bands in sorted(models.items(), key=lambda item: -numbers.get(item[0], 0))],
    }


# --- Revenue ---------------------------------------------------------------------------------------

def _paid_rows(query: StatisticsQuery, group_by: str | None) -> list[tuple]:
    """(key, bank, payments, taxes per TAX_NAMES..., late interest) credited in the period, per group and
    bank: from the payment cells, or from the payments when the query names an enterprise (the cells
    keep none) — those of its declarations' ids, credited between the period's local midnights."""
    if query.enterprise_id is None:
        where, parameters = _filters(query, day="paid_on", enterprise=False)
        key = _group_column(group_by, day="paid_on")
        taxes = ", ".join(f"SUM({name})" for name in TAX_NAMES)
        return _rows(f"SELECT {key}, bank, SUM(payments), {taxes}, SUM(late_interest) FROM {PAYMENT_CELL}"
                     f" WHERE {where} GROUP BY 1, 2", parameters)
    day = "(p.credited_at AT TIME ZONE %(tz)s)::date"
    where, parameters = _filters(query, period=False)
    key = {"office": "f.office_id", "direction": "f.direction"}.get(group_by, _group_column(group_by, day=day))
    join = f"JOIN {FACT} f ON f.declaration_id = p.declaration_id" if group_by in ("office", "direction") else ""
    taxes = ", ".join(f"COALESCE(SUM((p.breakdown ->> '{name}')::numeric), 0)" for name in TAX_NAMES)
    start = timezone.make_aware(datetime.combine(query.date_from, datetime.min.time()))
    end = timezone.make_aware(datetime.combine(query.date_to + timedelta(days=1), datetime.min.time()))
    return _rows(f"""
SELECT {key}, p.bank, COUNT(*), {taxes}, COALESCE(SUM(p.applied_interest), 0)
  FROM {Payment._meta.db_table} p {join}
 WHERE p.declaration_id = ANY(ARRAY(SELECT declaration_id FROM {FACT} WHERE {where}))
   AND p.status = %(credited)s AND p.credited_at >= %(start)s AND p.credited_at < %(end)s
 GROUP BY 1, 2""", {**parameters, "tz": settings.TIME_ZONE, "credited": str(PaymentStatus.CREDITED),
                    "start": start, "end": end})


def _paid_by(rows: list[tuple], index: int) -> dict:
    """{key or bank: (it, payments, taxes per TAX_NAMES..., late interest)} of `_paid_rows`, summed."""
    summed: dict = {}
    for row in rows:
        figures = summed.setdefault(row[index], [0] * (len(row) - 2))
        for i, value in enumerate(row[2:]):
            figures[i] += value or 0
    return {key: (key, *figures) for key, figures in summed.items()}


def _assessed_rows(query: StatisticsQuery, group_by: str | None) -> tuple[list[tuple], tuple[int, int]]:
    """(key, declarations owed, taxes per TAX_NAMES..., tax total, late interest charged) per group that
    has declarations whose taxes are owed (not cancelled or rejected), and (declarations, amount)
    overdue: owed now by those registered before today (what is owed is due on the day of registration)."""
    source, where, parameters = _source(DAY_CELL, query, group_by)
    sums = ", ".join(f"SUM({name})" for name in (*TAX_NAMES, "tax_total", "interest_charged"))
    today = timezone.localdate()
    if not _cells_answer(query, group_by):
        # The facts count each day apart: the overdue in the same reading of the enterprise's facts.
        rows = _rows(f"SELECT {_group_column(group_by)}, SUM(owed), {sums},"
                     f" SUM(overdue) FILTER (WHERE registered_on < %(today)s),"
                     f" SUM(overdue_amount) FILTER (WHERE registered_on < %(today)s)"
                     f" FROM {source} WHERE {where} GROUP BY 1 HAVING SUM(owed) > 0", {**parameters, "today": today})
        return [row[:-2] for row in rows], (sum(row[-2] or 0 for row in rows), sum(row[-1] or 0 for row in rows))
    rows = _rows(f"SELECT {_group_column(group_by)}, SUM(owed), {sums} FROM {source} WHERE {where}"
                 " GROUP BY 1 HAVING SUM(owed) > 0", parameters)
    overdue = (0, 0)
    # A week's cell cannot tell the days before today from today's: the period is cut at yesterday.
    before_today = replace(query, date_to=min(query.date_to, today - timedelta(days=1)))
    if before_today.date_from <= before_today.date_to:
        source, where, parameters = _source(DAY_CELL, before_today, None)
        overdue, = _rows(f"SELECT COALESCE(SUM(overdue), 0), COALESCE(SUM(overdue_amount), 0) FROM {source}"
                         f" WHERE {where}", parameters)
    return rows, overdue


def _money(row, start: int) -> dict:
    return {name: int(row[start + i] or 0) for i, name in enumerate(TAX_NAMES)}


def _assessed(row) -> dict:
    return {**_money(row, 2), "total": int(row[2 + len(TAX_NAMES)] or 0), "declarations": int(row[1])}


def _paid(row) -> dict:
    taxes = _money(row, 2)
    interest = int(row[2 + len(TAX_NAMES)] or 0)
    return {**taxes, "late_interest": interest, "total": sum(taxes.values()) + interest, "payments": int(row[1])}


def _summed(rows: list[tuple], width: int) -> tuple:
    return (None, *(sum((row[i] or 0) for row in rows) for i in range(1, width)))


def _paid_by_bank(rows: list[tuple]) -> list[dict]:
    """What was credited through each bank the traders chose, the largest first."""
    by_bank = _paid_by(rows, 1)
    labels = _labels("bank", by_bank)
    return [{"key": bank, "label": labels[bank], **_paid(row)}
            for bank, row in sorted(by_bank.items(), key=lambda item: (-_paid(item[1])["total"], item[0]))]


def revenue(query: StatisticsQuery) -> dict:
    (assessed_rows, (overdue_count, overdue_amount)), paid_banks = (_assessed_rows(query, query.group_by),
                                                                    _paid_rows(query, query.group_by))
    paid_rows = list(_paid_by(paid_banks, 0).values())
    width_assessed, width_paid = 4 + len(TAX_NAMES), 3 + len(TAX_NAMES)
    assessed_all, paid_all = _summed(assessed_rows, width_assessed), _summed(paid_rows, width_paid)
    assessed_by, paid_by = {row[0]: row for row in assessed_rows}, {row[0]: row for row in paid_rows}
    keys = sorted(set(assessed_by) | set(paid_by), key=lambda key: _order(query.group_by, key))
    labels = _labels(query.group_by, keys)
    empty_assessed, empty_paid = (None, 0, *([0] * (width_assessed - 2))), (None, 0, *([0] * (width_paid - 2)))
    return {
        **_common(query),
        "assessed": _assessed(assessed_all), "paid": _paid(paid_all),
        "overdue": {"declarations": int(overdue_count), "amount": int(overdue_amount)},
        "late_interest": {"charged": int(assessed_all[-1] or 0), "paid": int(paid_all[-1] or 0)},
        "paid_by_bank": _paid_by_bank(paid_banks),
        "groups": [{"key": _key_json(query.group_by, key), "label": labels[key],
                    "assessed": _assessed(assessed_by.get(key, empty_assessed)), "paid": _paid(paid_by.get(key, empty_paid))}
                   for key in keys],
    }


# --- Workload --------------------------------------------------------------------------------------

def _age_band(hours: float) -> str:
    for name, days in AGE_BANDS:
        if days is None or hours < days * 24:
            return name
    return AGE_BANDS[-1][0]


def _open_work(query: StatisticsQuery) -> list[tuple]:
    """(office, assigned officer id, status, hours open) of each declaration under review or inspection now."""
    declaration = Declaration._meta.db_table
    conditions, parameters = ["d.status = ANY(%(open)s)"], {"open": list(OPEN), "now": timezone.now()}
    if query.offices is not None:
        conditions.append("d.customs_office_id = ANY(%(offices)s)")
        parameters["offices"] = list(query.offices)
    for column, value in (("direction", query.direction), ("transport_mode", query.transport_mode)):
        if value is not None:
            conditions.append(f"d.{column} = %({column})s")
            parameters[column] = value
    if query.channel is not None:
        conditions.append("d.channel IS NOT DISTINCT FROM %(channel)s")
        parameters["channel"] = None if query.channel == UNASSESSED else query.channel
    join = ""
    if query.compliance_class is not None:
        join = f"JOIN {FACT} f ON f.declaration_id = d.id AND f.compliance_class = %(class)s"
        parameters["class"] = query.compliance_class
    return _rows(f"""SELECT d.customs_office_id, d.assigned_to_id, d.status,
                            EXTRACT(EPOCH FROM %(now)s - COALESCE(d.assessed_at, d.registered_at)) / 3600
                       FROM {declaration} d {join} WHERE {' AND '.join(conditions)}""", parameters)


def _decisions(query: StatisticsQuery) -> list[tuple]:
    """(officer id, local day, decisions) of the checks concluded in the period."""
    where, parameters = _filters(query, period=False)
    return _rows(f"""SELECT decided_by_id, decided_on, COUNT(*) FROM {FACT}
                      WHERE decided_on BETWEEN %(date_from)s AND %(date_to)s AND decided_by_id IS NOT NULL AND {where}
                      GROUP BY 1, 2""", {**parameters, "date_from": query.date_from, "date_to": query.date_to})


def _open_summary(rows) -> dict:
    summary = {"under_review": 0, "under_inspection": 0, "total": 0, "oldest_hours": None,
               "age": {name: 0 for name, _days in AGE_BANDS}}
    for _office, _officer, status, hours in rows:
        summary[status] += 1
        summary["total"] += 1
        summary["age"][_age_band(float(hours))] += 1
        summary["oldest_hours"] = max(summary["oldest_hours"] or 0.0, round(float(hours), 1))
    return summary


def workload(query: StatisticsQuery) -> dict:
    open_rows, decisions = _open_work(query), _decisions(query)
    by_office: dict[str, list] = {}
    for row in open_rows:
        by_office.setdefault(row[0], []).append(row)
    names = _office_names(by_office)
    officer_open: dict[int, list] = {}
    for row in open_rows:
        if row[1] is not None:
            officer_open.setdefault(row[1], []).append(row)
    officer_decisions: dict[int, dict] = {}
    by_day: dict[date, int] = {}
    for officer_id, day, count in decisions:
        officer_decisions.setdefault(officer_id, {})[day] = count
        by_day[day] = by_day.get(day, 0) + count
    officer_ids = set(officer_open) | set(officer_decisions)
    if query.officer_ids is not None:
        officer_ids &= set(query.officer_ids)
    users = {user.pk: user for user in User.objects.filter(pk__in=officer_ids).only("pk", "username", "first_name", "last_name")}
    officers = []
    for officer_id in officer_ids:
        user, held, days = users.get(officer_id), officer_open.get(officer_id, []), officer_decisions.get(officer_id, {})
        made = sum(days.values())
        officers.append({"key": user.username if user else str(officer_id),
                         "label": (user.get_full_name() or user.username) if user else str(officer_id),
                         "open": len(held), "oldest_hours": _open_summary(held)["oldest_hours"],
                         "decisions": made, "days_with_decisions": len(days),
                         "decisions_per_day": round(made / len(days), 1) if days else None})
    officers.sort(key=lambda row: (-row["open"], -row["decisions"], row["label"]))
    summary = _open_summary(open_rows)
    summary.pop("oldest_hours")
    return {
        **_common(query), "as_of": timezone.now().isoformat(), "open": summary,
        "offices": sorted(({"key": code, "label": names.get(code, code), **_open_summary(rows)}
                           for code, rows in by_office.items()), key=lambda row: (-row["total"], row["key"])),
        "officers": officers,
        "decisions_by_day": [{"key": day.isoformat(), "decisions": by_day[day]} for day in sorted(by_day)],
    }


REPORTS: dict[str, Callable[[StatisticsQuery], dict]] = {
    "release-times": release_times, "channel-mix": channel_mix, "hit-rates": hit_rates, "revenue": revenue,
    "workload": workload,
}
