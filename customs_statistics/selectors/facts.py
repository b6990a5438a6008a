"""The derivation of the statistics tables from the portal's own tables (customs_statistics/models.py),
as SQL run by `customs_statistics.services.refresh`: the facts of given declarations (or of all), and
the day cells of release times and payments of given days (or of all).

Definitions (docs/decisions.md, "Statistics at national scale"):
- a declaration counts on its registration day, in the portal's time zone;
- the trader held the file while a request for documents was open (the union of the requests'
  intervals, from the assessment on) and while it waited for payment (from its last entry into
  "awaiting payment" to the clearance); customs held it the rest of the time to clearance;
- a check is concluded and found something as risk/selectors/hit_rates.py says;
- the officer who decided is the actor of the last clearance (`release`) or rejection.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import connection

from customs_portal.audit.models import AuditEvent
from customs_statistics.models import (
    TAX_NAMES,
    DayCell,
    DeclarationFact,
    ModelCell,
    PaymentCell,
    RuleCell,
    StatisticsState,
)
from declarations.lifecycle import Action, Channel, Status
from declarations.models import Declaration, DeclarationChange, DocumentRequest, GoodsItem, InspectionResult
from payments.models import LateInterest, Payment, PaymentStatus
from risk.models import Assessment, RiskRuleVersion
from risk.selectors.hit_rates import CONCLUDED, MODEL_BANDS

FACT = DeclarationFact._meta.db_table
PAYMENT_CELL = PaymentCell._meta.db_table
DURATIONS = ("to_assessment", "to_clearance", "trader_held", "customs_held", "to_release")
PAID_TAXES = TAX_NAMES
# A day cell's keys; the facts also have the enterprise and the HS chapter, which no cell keeps.
DAY_KEYS = ("registered_on", "office_id", "channel", "direction", "transport_mode", "compliance_class")
FACT_ONLY_KEYS = ("enterprise_id", "hs_chapter")
OWED = f"status NOT IN ('{Status.CANCELLED}', '{Status.REJECTED}')"  # cancelled or rejected: no tax is owed
CONCLUDED_CHECK = "checked AND concluded"


@dataclass(frozen=True)
class CellKind:
    """A table of cells: what one declaration's facts add to its cell (`measures`: column → SQL over the
    facts; the packed durations are concatenated, every other measure summed), which facts count
    (`where`) and the keys beyond DAY_KEYS. A cell covers one registration day (`days` = 1) or one ISO
    week from its Monday (`days` = 7, the sum of that week's day cells). A report reads the cells —
    whole weeks where the period has them, days at its edges — or the facts in the same shape
    (`facts_shaped`), with the same SQL."""

    table: str
    measures: dict
    keys: tuple = ()
    where: str = "TRUE"
    join: str = ""

    def facts_shaped(self) -> str:
        """The counted facts, one declaration a row, as columns of this kind of cell (and FACT_ONLY_KEYS)."""
        columns = ", ".join(f"{sql} AS {name}" for name, sql in self.measures.items())
        return (f"(SELECT declaration_id, {', '.join((*DAY_KEYS, *FACT_ONLY_KEYS, *self.keys))}, {columns}"
                f" FROM {FACT}{self.join} WHERE {self.where}) AS facts")

    def cells(self, *, weeks: bool) -> str:
        """The cells of a period (the caller's condition on registered_on): its day cells, or with
        `weeks` the week cells from %(weeks_from)s to %(weeks_to)s (Mondays) and the day cells before
        and after them (%(head_to)s, %(tail_from)s)."""
        if not weeks:
            return f"(SELECT * FROM {self.table} WHERE days = 1) AS cells"
        return (f"(SELECT * FROM {self.table} WHERE days = 7 AND registered_on BETWEEN %(weeks_from)s AND %(weeks_to)s"
                f" UNION ALL SELECT * FROM {self.table} WHERE days = 1 AND registered_on <= %(head_to)s"
                f" UNION ALL SELECT * FROM {self.table} WHERE days = 1 AND registered_on >= %(tail_from)s) AS cells")

    def aggregate(self, name: str, *, ordered_by: str = "") -> str:
        if name in DURATIONS:
            return f"STRING_AGG({name}, ''::bytea{f' ORDER BY {ordered_by}' if ordered_by else ''})"
        return f"SUM({name})"


DAY_CELL = CellKind(DayCell._meta.db_table, {
    "declarations": "1",
    "random_selection": "random_selection::int",
    "counted_in_cap": "counted_in_cap::int",
    "concluded": f"({CONCLUDED_CHECK})::int",
    "found": f"({CONCLUDED_CHECK} AND found)::int",
    "physical_concluded": f"({CONCLUDED_CHECK} AND physical)::int",
    "physical_found": f"({CONCLUDED_CHECK} AND physical AND found)::int",
    "random_concluded": f"({CONCLUDED_CHECK} AND random_selection)::int",
    "random_found": f"({CONCLUDED_CHECK} AND random_selection AND found)::int",
    "owed": f"({OWED})::int",
    **{name: f"CASE WHEN {OWED} THEN {name} ELSE 0 END" for name in (*TAX_NAMES, "tax_total", "interest_charged")},
    "overdue": f"({OWED} AND amount_due > 0)::int",
    "overdue_amount": f"CASE WHEN {OWED} AND amount_due > 0 THEN amount_due ELSE 0 END",
    **{name: f"COALESCE(INT4SEND({name}), ''::bytea)" for name in DURATIONS},
})
RULE_CELL = CellKind(RuleCell._meta.db_table, {"concluded": "1", "found": "found::int"}, keys=("rule_id",),
                     where=CONCLUDED_CHECK, join=", UNNEST(rule_ids) AS rule_id")
MODEL_CELL = CellKind(ModelCell._meta.db_table, {"concluded": "1", "found": "found::int"},
                      keys=("model_version_id", "model_band"), where=f"{CONCLUDED_CHECK} AND model_version_id IS NOT NULL")
CELL_KINDS = (DAY_CELL, RULE_CELL, MODEL_CELL)

FACT_COLUMNS = (
    "declaration_id", "registered_on", "office_id", "enterprise_id", "direction", "transport_mode", "status", "channel",
    "compliance_class", "selection", "random_selection", "counted_in_cap", "hs_chapter", *DURATIONS,
    "checked", "physical", "concluded", "found", "rule_ids", "model_version_id", "model_band", "decided_by_id",
    "decided_on", "import_duty", "export_duty", "special_consumption_tax", "environmental_tax", "vat", "tax_total",
    "tax_paid", "interest_charged", "interest_paid", "amount_due",
)


def _facts_select(where: str) -> str:
    """SELECT of the FACT_COLUMNS of the registered declarations `d` that satisfy `where`."""
    declaration, item, request = Declaration._meta.db_table, GoodsItem._meta.db_table, DocumentRequest._meta.db_table
    inspection, audit = InspectionResult._meta.db_table, AuditEvent._meta.db_table
    assessment, version = Assessment._meta.db_table, RiskRuleVersion._meta.db_table
    through = Assessment.rule_versions.through._meta.db_table
    payment, interest = Payment._meta.db_table, LateInterest._meta.db_table
    seconds = "FLOOR(EXTRACT(EPOCH FROM ({0}) - d.registered_at))::int"
    return f"""
SELECT d.id,
       (d.registered_at AT TIME ZONE %(tz)s)::date,
       d.customs_office_id, d.enterprise_id, d.direction, d.transport_mode, d.status, COALESCE(d.channel, ''),
       COALESCE(last.level, ''), COALESCE(last.reason, ''), COALESCE(last.random_selection, FALSE),
       COALESCE(last.counted, FALSE),
       COALESCE((SELECT LEFT(i.hs_code, 2) FROM {item} i WHERE i.declaration_id = d.id
                  ORDER BY i.taxable_value DESC, i.line_no LIMIT 1), ''),
       {seconds.format("d.assessed_at")},
       {seconds.format("d.cleared_at")},
       held.seconds,
       CASE WHEN d.cleared_at IS NOT NULL THEN {seconds.format("d.cleared_at")} - held.seconds END,
       {seconds.format("d.released_at")},
       COALESCE(d.channel IN %(checked)s, FALSE),
       COALESCE(d.channel IN %(checked)s AND (d.channel = %(red)s
           OR EXISTS (SELECT 1 FROM {inspection} x WHERE x.declaration_id = d.id)), FALSE),
       COALESCE(d.channel IN %(checked)s AND (d.status IN %(concluded)s
           OR EXISTS (SELECT 1 FROM {inspection} x WHERE x.declaration_id = d.id)), FALSE),
       COALESCE(d.channel IN %(checked)s AND (d.status = %(rejected)s
           OR EXISTS (SELECT 1 FROM {inspection} x WHERE x.declaration_id = d.id AND x.discrepancy)), FALSE),
       ARRAY(SELECT DISTINCT v.rule_id FROM {assessment} a JOIN {through} m ON m.assessment_id = a.id
                                        JOIN {version} v ON v.id = m.riskruleversion_id
              WHERE a.declaration_id = d.id AND a.channel IN %(checked)s ORDER BY 1),
       scored.model_version_id,
       COALESCE(CASE WHEN scored.model_score >= %(high)s THEN 'high' WHEN scored.model_score >= %(medium)s THEN 'medium'
                     WHEN scored.model_score IS NOT NULL THEN 'low' END, ''),
       decided.actor_id,
       (decided.created_at AT TIME ZONE %(tz)s)::date,
       d.import_duty::bigint, d.export_duty::bigint, d.special_consumption_tax::bigint, d.environmental_tax::bigint,
       d.vat::bigint, d.tax_total::bigint,
       COALESCE((SELECT SUM(p.applied_tax) FROM {payment} p WHERE p.declaration_id = d.id AND p.status = %(credited)s), 0)::bigint,
       COALESCE(li.charged, 0)::bigint, COALESCE(li.paid, 0)::bigint,
       d.amount_due::bigint
  FROM {declaration} d
  LEFT JOIN LATERAL (
       SELECT a.thresholds -> 'selectivity' ->> 'level' AS level, a.thresholds -> 'selectivity' ->> 'reason' AS reason,
              a.random_selection,
              a.thresholds -> 'selectivity' -> 'increments' ?| ARRAY['yellow_selected', 'red_selected'] AS counted
         FROM {assessment} a WHERE a.declaration_id = d.id ORDER BY a.id DESC LIMIT 1) last ON TRUE
  LEFT JOIN LATERAL (
       SELECT a.model_version_id, a.model_score FROM {assessment} a
        WHERE a.declaration_id = d.id AND a.channel IN %(checked)s AND a.model_version_id IS NOT NULL
          AND a.model_score IS NOT NULL
        ORDER BY a.id LIMIT 1) scored ON TRUE
  LEFT JOIN LATERAL (
       SELECT e.actor_id, e.created_at FROM {audit} e
        WHERE e.declaration_id = d.id AND e.action IN %(decisions)s AND e.from_status IN %(held)s
        ORDER BY e.created_at DESC, e.id DESC LIMIT 1) decided ON TRUE
  LEFT JOIN LATERAL (
       SELECT CASE WHEN d.cleared_at IS NULL THEN NULL ELSE
              COALESCE((SELECT FLOOR(EXTRACT(EPOCH FROM SUM(UPPER(r) - LOWER(r))))::int
                          FROM (SELECT UNNEST(RANGE_AGG(TSTZRANGE(GREATEST(q.created_at, d.assessed_at),
                                                                 LEAST(COALESCE(q.answered_at, d.cleared_at), d.cleared_at))))
                                  FROM {request} q
                                 WHERE q.declaration_id = d.id
                                   AND LEAST(COALESCE(q.answered_at, d.cleared_at), d.cleared_at)
                                       > GREATEST(q.created_at, d.assessed_at)) AS r(r)), 0)
            + COALESCE((SELECT FLOOR(EXTRACT(EPOCH FROM d.cleared_at - MAX(e.created_at)))::int FROM {audit} e
                         WHERE e.declaration_id = d.id AND e.to_status = %(awaiting)s AND e.from_status <> %(awaiting)s
                           AND e.created_at <= d.cleared_at), 0)
              END AS seconds) held ON TRUE
  LEFT JOIN {interest} li ON li.declaration_id = d.id
 WHERE d.registered_at IS NOT NULL AND {where}
"""


def _parameters() -> dict:
    return {
        "tz": settings.TIME_ZONE, "checked": (str(Channel.YELLOW), str(Channel.RED)), "red": str(Channel.RED),
        "concluded": tuple(str(s) for s in CONCLUDED), "rejected": str(Status.REJECTED),
        "high": MODEL_BANDS[0][1], "medium": MODEL_BANDS[1][1], "credited": str(PaymentStatus.CREDITED),
        "decisions": (str(Action.RELEASE), str(Action.REJECT)),
        "held": (str(Status.UNDER_REVIEW), str(Status.UNDER_INSPECTION)), "awaiting": str(Status.ASSESSED),
    }


def _upsert(select: str) -> str:
    columns = ", ".join(FACT_COLUMNS)
    updates = ", ".join(f"{name} = EXCLUDED.{name}" for name in FACT_COLUMNS[1:])
    return f"INSERT INTO {FACT} ({columns}) {select} ON CONFLICT (declaration_id) DO UPDATE SET {updates}"


def changes_consumed() -> list[int]:
    """The ids of the declarations recorded as changed (declarations/models/changes.py), each once; the
    records are deleted in the caller's transaction (back if it rolls back)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {DeclarationChange._meta.db_table} RETURNING declaration_id")
        return sorted({row[0] for row in cursor.fetchall()})


def facts_days(*, declaration_ids: list[int]) -> tuple[set[date], set[date]]:
    """(registration days, payment days) the facts of these declarations count on now: what their
    change may remove from a day's cells."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT registered_on FROM {FACT} WHERE declaration_id = ANY(%s)", [declaration_ids])
        registered = {row[0] for row in cursor.fetchall()}
        cursor.execute(f"SELECT DISTINCT (credited_at AT TIME ZONE %s)::date FROM {Payment._meta.db_table}"
                       " WHERE declaration_id = ANY(%s) AND status = %s",
                       [settings.TIME_ZONE, declaration_ids, str(PaymentStatus.CREDITED)])
        paid = {row[0] for row in cursor.fetchall()}
    return registered, paid


def facts_write(*, declaration_ids: list[int] | None) -> int:
    """Recompute the facts of these declarations (None: of every declaration, after emptying the table);
    the number of facts written."""
    with connection.cursor() as cursor:
        if declaration_ids is None:
            cursor.execute(f"TRUNCATE {FACT}")
            cursor.execute(_upsert(_facts_select("TRUE")), _parameters())
        else:
            cursor.execute(_upsert(_facts_select("d.id = ANY(%(ids)s)")), {**_parameters(), "ids": declaration_ids})
        return cursor.rowcount


def day_cells_write(*, days: list[date] | None) -> None:
    """Rebuild the cells of every kind (CELL_KINDS) of these registration days from the facts, and of
    their weeks from the days' cells (None: of every day and week)."""
    if days is None:
        changed = these_days = week_days = "TRUE"
        parameters = {}
    else:
        mondays = sorted({day - timedelta(days=day.weekday()) for day in days})
        changed = "(days = 1 AND registered_on = ANY(%(days)s) OR days = 7 AND registered_on = ANY(%(mondays)s))"
        these_days, week_days = "registered_on = ANY(%(days)s)", "registered_on = ANY(%(week_days)s)"
        parameters = {"days": days, "mondays": mondays,
                      "week_days": [monday + timedelta(days=i) for monday in mondays for i in range(7)]}
    week = "DATE_TRUNC('week', registered_on)::date"
    with connection.cursor() as cursor:
        for kind in CELL_KINDS:
            keys = ", ".join((*DAY_KEYS[1:], *kind.keys))
            measures = list(kind.measures)
            columns = f"days, registered_on, {keys}, {', '.join(measures)}"
            by_declaration = ", ".join(kind.aggregate(name, ordered_by="declaration_id") for name in measures)
            by_day = ", ".join(kind.aggregate(name, ordered_by="registered_on") for name in measures)
            cursor.execute(f"DELETE FROM {kind.table} WHERE {changed}", parameters)
            cursor.execute(f"INSERT INTO {kind.table} ({columns}) SELECT 1, registered_on, {keys}, {by_declaration}"
                           f" FROM {kind.facts_shaped()} WHERE {these_days} GROUP BY registered_on, {keys}", parameters)
            cursor.execute(f"INSERT INTO {kind.table} ({columns}) SELECT 7, {week}, {keys}, {by_day} FROM {kind.table}"
                           f" WHERE days = 1 AND {week_days} GROUP BY {week}, {keys}", parameters)


def payment_cells_write(*, days: list[date] | None) -> None:
    """Rebuild the payment cells of these credit days (None: of every day). A payment counts with the
    facts of its declaration (office, direction, transport mode, channel, class) and its bank."""
    payment = Payment._meta.db_table
    keys = "office_id, direction, transport_mode, channel, compliance_class, bank"
    day = "(p.credited_at AT TIME ZONE %(tz)s)::date"
    taxes = ", ".join(f"COALESCE(SUM((p.breakdown ->> '{name}')::numeric), 0)" for name in PAID_TAXES)
    where = "TRUE" if days is None else f"{day} = ANY(%(days)s)"
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {PAYMENT_CELL} WHERE {'TRUE' if days is None else 'paid_on = ANY(%(days)s)'}",
                       {"days": days})
        cursor.execute(f"""
INSERT INTO {PAYMENT_CELL} (paid_on, {keys}, payments, {", ".join(PAID_TAXES)}, late_interest, refund_due)
SELECT {day}, f.office_id, f.direction, f.transport_mode, f.channel, f.compliance_class, p.bank, COUNT(*), {taxes},
       COALESCE(SUM(p.applied_interest), 0), COALESCE(SUM(p.refund_due), 0)
  FROM {payment} p JOIN {FACT} f ON f.declaration_id = p.declaration_id
 WHERE p.status = %(credited)s AND {where}
 GROUP BY {day}, f.office_id, f.direction, f.transport_mode, f.channel, f.compliance_class, p.bank""",
                       {"tz": settings.TIME_ZONE, "credited": str(PaymentStatus.CREDITED), "days": days})


def statistics_analyze() -> None:
    """Bring the planner's statistics of the derived tables up to date after they were all rewritten
    (a rebuild), rather than wait for autovacuum: a plan made for the empty tables spills to disk."""
    with connection.cursor() as cursor:
        for table in (FACT, *(kind.table for kind in CELL_KINDS), PAYMENT_CELL):
            cursor.execute(f"ANALYZE {table}")


def statistics_vacuum() -> None:
    """Mark the rewritten tables' pages all-visible (outside any transaction), so that the covering
    indexes of the facts answer without reading the rows (index-only scans)."""
    with connection.cursor() as cursor:
        for table in (FACT, *(kind.table for kind in CELL_KINDS), PAYMENT_CELL):
            cursor.execute(f"VACUUM {table}")


def statistics_lock() -> bool:
    """Take the refresh's lock until the end of the caller's transaction; False when another holds it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(hashtext('customs_statistics.refresh'))")
        return cursor.fetchone()[0]


def statistics_state() -> StatisticsState:
    return StatisticsState.objects.order_by("pk").first() or StatisticsState()
