"""Reads and counts of the caps per compliance class (risk/selectivity_models.py): the class's row,
locked on the hot path; the window's sum of the daily counters; the counter's upsert; the figures of
every class for the settings page and the API. Raw SQL contained here.
"""
from datetime import date, timedelta

from django.db import connection

from customs_portal.prepared import PreparedQuery
from risk.selectivity import COUNTER_FIELDS, WindowCounts
from risk.selectivity_models import DEFAULT_CLASS_SELECTIVITY, ClassSelectivity, SelectivityCounter

_class_locked = PreparedQuery(lambda level: ClassSelectivity.objects.select_for_update().filter(compliance_level=level))
_class = PreparedQuery(lambda level: ClassSelectivity.objects.filter(compliance_level=level))

_TABLE = SelectivityCounter._meta.db_table
_SUMS = ", ".join(f'COALESCE(SUM("{name}"), 0)' for name in COUNTER_FIELDS)
_WINDOW_SQL = f'SELECT {_SUMS} FROM "{_TABLE}" WHERE "compliance_level" = %s AND "day" > %s AND "day" <= %s'
_ALL_WINDOWS_SQL = (f'SELECT "compliance_level", {_SUMS} FROM "{_TABLE}" WHERE "day" > %s AND "day" <= %s '
                    f'GROUP BY "compliance_level"')
_COLUMNS = ", ".join(f'"{name}"' for name in COUNTER_FIELDS)
_PLACEHOLDERS = ", ".join(["%s"] * len(COUNTER_FIELDS))
_ADD = ", ".join(f'"{name}" = "{_TABLE}"."{name}" + EXCLUDED."{name}"' for name in COUNTER_FIELDS)
_UPSERT_SQL = (f'INSERT INTO "{_TABLE}" ("compliance_level", "day", {_COLUMNS}) VALUES (%s, %s, {_PLACEHOLDERS}) '
               f'ON CONFLICT ("compliance_level", "day") DO UPDATE SET {_ADD}')


def class_selectivity_default(level: str) -> ClassSelectivity:
    yellow_cap, red_cap, random_yellow, random_red = DEFAULT_CLASS_SELECTIVITY.get(level, DEFAULT_CLASS_SELECTIVITY["new"])
    return ClassSelectivity(compliance_level=level, yellow_cap=yellow_cap, red_cap=red_cap,
                            random_yellow_min=random_yellow, random_red_min=random_red)


def class_selectivity_of(*, level: str, lock: bool = False) -> ClassSelectivity:
    """The class's row (locked with `lock`, in a transaction): one indexed query. A missing row (a
    database emptied by a test) is created with the defaults first."""
    row = (_class_locked if lock else _class).first(level=level)
    if row is None:
        default = class_selectivity_default(level)
        ClassSelectivity.objects.get_or_create(compliance_level=level, defaults={
            name: getattr(default, name) for name in ("yellow_cap", "red_cap", "random_yellow_min", "random_red_min")})
        row = (_class_locked if lock else _class).first(level=level)
    return row


def class_selectivities() -> dict[str, ClassSelectivity]:
    """{level: row} of the classes stored (select_related who changed them)."""
    return {row.compliance_level: row for row in ClassSelectivity.objects.select_related("updated_by")}


def _window_bounds(*, today: date, days: int) -> tuple[date, date]:
    """The window of `days` daily counters ending with `today` (included): (after, until)."""
    return today - timedelta(days=days), today


def window_counts(*, level: str, today: date, days: int) -> WindowCounts:
    """The sum of the class's daily counters over the last `days` days (today included): one query
    on the (level, day) index."""
    after, until = _window_bounds(today=today, days=days)
    with connection.cursor() as cursor:
        cursor.execute(_WINDOW_SQL, [level, after, until])
        row = cursor.fetchone()
    return WindowCounts(**dict(zip(COUNTER_FIELDS, (int(value) for value in row), strict=True)))


def window_counts_by_level(*, today: date, days: int) -> dict[str, WindowCounts]:
    """{level: counts} of every class with a counter in the window (one query)."""
    after, until = _window_bounds(today=today, days=days)
    with connection.cursor() as cursor:
        cursor.execute(_ALL_WINDOWS_SQL, [after, until])
        rows = cursor.fetchall()
    return {row[0]: WindowCounts(**dict(zip(COUNTER_FIELDS, (int(value) for value in row[1:]), strict=True))) for row in rows}


def selectivity_count(*, level: str, day: date, increments: dict) -> None:
    """Add a decision's increments to the class's counter of `day` (one INSERT … ON CONFLICT DO UPDATE)."""
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT_SQL, [level, day, *(int(increments.get(name, 0)) for name in COUNTER_FIELDS)])
