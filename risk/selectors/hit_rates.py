"""Hit rates: the share of each rule's checks, and of the random selection's, that found a discrepancy.

A check counts for a rule when the rule fired on an assessment that sent the declaration to yellow
or red (its `rule_versions`, any version of the rule) made in the period; for the random selection
when the assessment's random draw raised the channel. Each declaration counts once per rule.
A check has a result when an officer concluded it: an inspection result was recorded, or the
declaration was cleared (also when it then awaited payment, or was released at the gate) or
rejected. It found a discrepancy when an inspection recorded one, or the officer rejected the
declaration. Checks still open, or cancelled, are not counted. docs/decisions.md, "Hit rates".

One aggregate query (`hit_rates`), contained here.
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.utils import timezone

from declarations.lifecycle import Channel, Status
from declarations.models import Declaration, InspectionResult
from risk.models import Assessment, RiskRuleVersion

DEFAULT_PERIOD_DAYS = 90
CONCLUDED = (Status.CLEARED, Status.RELEASED, Status.ASSESSED, Status.REJECTED)
CHECKED_CHANNELS = (Channel.YELLOW, Channel.RED)


@dataclass(frozen=True)
class HitRate:
    checked: int = 0
    found: int = 0

    @property
    def rate(self) -> Decimal | None:
        """found / checked, as a fraction with 4 places; None without checks."""
        if not self.checked:
            return None
        return (Decimal(self.found) / Decimal(self.checked)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)

    @property
    def percent(self) -> Decimal | None:
        rate = self.rate
        return None if rate is None else (rate * 100).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class HitRates:
    date_from: date
    date_to: date
    rules: dict  # rule id -> HitRate
    random_selection: HitRate

    def of_rule(self, rule_id: int) -> HitRate:
        return self.rules.get(rule_id, HitRate())


def default_period(today: date | None = None) -> tuple[date, date]:
    today = today or timezone.localdate()
    return today - timedelta(days=DEFAULT_PERIOD_DAYS), today


def _concluded(alias: str = "d") -> str:
    """SQL: the check of declaration `alias` has a result (parameters `concluded`)."""
    inspection = InspectionResult._meta.db_table
    return (f"({alias}.status IN %(concluded)s"
            f" OR EXISTS (SELECT 1 FROM {inspection} i WHERE i.declaration_id = {alias}.id))")


def _found(alias: str = "d") -> str:
    """SQL: the check of declaration `alias` found a discrepancy (parameter `rejected`)."""
    inspection = InspectionResult._meta.db_table
    return (f"({alias}.status = %(rejected)s"
            f" OR EXISTS (SELECT 1 FROM {inspection} i WHERE i.declaration_id = {alias}.id AND i.discrepancy))")


def _outcome_parameters() -> dict:
    return {"concluded": tuple(str(s) for s in CONCLUDED), "rejected": str(Status.REJECTED)}


def _sql() -> str:
    declaration = Declaration._meta.db_table
    assessment, version = Assessment._meta.db_table, RiskRuleVersion._meta.db_table
    through = Assessment.rule_versions.through._meta.db_table
    return f"""
WITH selected AS (
    SELECT v.rule_id AS rule_id, a.declaration_id
      FROM {assessment} a
      JOIN {through} m ON m.assessment_id = a.id
      JOIN {version} v ON v.id = m.riskruleversion_id
     WHERE a.channel IN %(channels)s AND a.created_at >= %(start)s AND a.created_at < %(end)s
    UNION
    SELECT NULL, a.declaration_id
      FROM {assessment} a
     WHERE a.random_selection AND a.channel IN %(channels)s AND a.created_at >= %(start)s AND a.created_at < %(end)s
), checks AS (
    SELECT d.id, {_concluded()} AS concluded, {_found()} AS found
      FROM {declaration} d
     WHERE d.id IN (SELECT declaration_id FROM selected)
)
SELECT s.rule_id, COUNT(*) FILTER (WHERE c.concluded), COUNT(*) FILTER (WHERE c.concluded AND c.found)
  FROM selected s JOIN checks c ON c.id = s.declaration_id
 GROUP BY s.rule_id
"""


def hit_rates(*, date_from: date, date_to: date) -> HitRates:
    """The hit rate of every rule that selected checks, and of the random selection, for the
    assessments made from `date_from` to `date_to` (both included, local dates)."""
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(date_from, time.min), zone)
    end = timezone.make_aware(datetime.combine(date_to + timedelta(days=1), time.min), zone)
    with connection.cursor() as cursor:
        cursor.execute(_sql(), {"channels": tuple(str(c) for c in CHECKED_CHANNELS), "start": start, "end": end,
                                **_outcome_parameters()})
        rows = cursor.fetchall()
    rules = {rule_id: HitRate(checked, found) for rule_id, checked, found in rows if rule_id is not None}
    random = next((HitRate(checked, found) for rule_id, checked, found in rows if rule_id is None), HitRate())
    return HitRates(date_from=date_from, date_to=date_to, rules=rules, random_selection=random)


# --- The past checks of given declarations (the backtest's hit rates) ---------------------------

PHYSICAL, DOCUMENT = "physical", "document"


@dataclass(frozen=True)
class PastCheck:
    """A declaration's check with a result: a physical inspection (it went to red, or an inspection was
    recorded) or a document check (yellow, no inspection), and whether it found a discrepancy."""

    kind: str
    found: bool


def _past_checks_sql() -> str:
    declaration, inspection = Declaration._meta.db_table, InspectionResult._meta.db_table
    return f"""
SELECT d.id,
       d.channel = %(red)s OR EXISTS (SELECT 1 FROM {inspection} i WHERE i.declaration_id = d.id) AS physical,
       {_found()} AS found
  FROM {declaration} d
 WHERE d.id = ANY(%(ids)s)
   AND (d.channel IN %(channels)s OR EXISTS (SELECT 1 FROM {inspection} i WHERE i.declaration_id = d.id))
   AND {_concluded()}
"""


def past_checks(*, declaration_ids: list[int]) -> dict[int, PastCheck]:
    """{declaration id: PastCheck} of those of `declaration_ids` that were checked (yellow or red, or
    inspected) and whose check has a result, as `hit_rates` counts them. One query (an array parameter:
    the same SQL whatever the number of ids)."""
    if not declaration_ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(_past_checks_sql(), {"ids": list(declaration_ids), "red": str(Channel.RED),
                                            "channels": tuple(str(c) for c in CHECKED_CHANNELS), **_outcome_parameters()})
        return {pk: PastCheck(PHYSICAL if physical else DOCUMENT, found) for pk, physical, found in cursor.fetchall()}
