"""Hit rates: the share of each rule's checks, and of the random selection's, that found a discrepancy.

A check counts for a rule when the rule fired on an assessment that sent the declaration to yellow
or red (its `rule_versions`, any version of the rule) made in the period; for the random selection
when the assessment's random draw raised the channel. Each declaration counts once per rule.
A check has a result when an officer concluded it: an inspection result was recorded, or the
declaration was cleared (also when it then awaited payment, or was released at the gate) or
rejected. It found a discrepancy when an inspection recorded one, or the officer rejected the
declaration. Checks still open, or cancelled, are not counted. docs/decisions.md, "Hit rates".

The learned model's (issue 16): for each model version, the checks whose assessment it scored, by
band of that score (`MODEL_BANDS`): the first assessment in the period that sent the declaration to
yellow or red with a model's score, each declaration once; and the checks selected by any rule on
`model.score` together (each is also a rule of its own above).

One aggregate query (`hit_rates`), contained here.
"""
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.utils import timezone

from declarations.lifecycle import Channel, Status
from declarations.models import Declaration, InspectionResult
from risk.learned_models import RiskModelVersion
from risk.models import Assessment, RiskRuleVersion

MODEL_FIELD = "model.score"  # the condition field of the learned model's score (risk/conditions.py)

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


# The bands of the model's score, highest first: (name, lowest score of the band).
MODEL_BANDS: tuple[tuple[str, Decimal], ...] = (("high", Decimal("0.8")), ("medium", Decimal("0.5")), ("low", Decimal(0)))


@dataclass(frozen=True)
class ModelHitRates:
    """The checks a model version scored, by band of its score (`MODEL_BANDS`, every band present)."""

    version_id: int
    number: int
    bands: dict  # band name -> HitRate

    @property
    def total(self) -> HitRate:
        return HitRate(sum(rate.checked for rate in self.bands.values()), sum(rate.found for rate in self.bands.values()))


@dataclass(frozen=True)
class HitRates:
    date_from: date
    date_to: date
    rules: dict  # rule id -> HitRate
    random_selection: HitRate
    models: tuple = ()  # ModelHitRates, newest version first
    model_rules: HitRate = HitRate()  # the checks any rule on model.score selected

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
    """Rows (kind, rule id, model version id, model number, band, checked, found): kind "rule" (rule id;
    NULL for the random selection), "model" (a version and a band) or "model_rules"."""
    declaration = Declaration._meta.db_table
    assessment, version = Assessment._meta.db_table, RiskRuleVersion._meta.db_table
    through = Assessment.rule_versions.through._meta.db_table
    model_version = RiskModelVersion._meta.db_table
    in_period = "a.channel IN %(channels)s AND a.created_at >= %(start)s AND a.created_at < %(end)s"
    return f"""
WITH selected AS (
    SELECT v.rule_id AS rule_id, a.declaration_id, v.conditions @> %(model_condition)s::jsonb AS on_model
      FROM {assessment} a
      JOIN {through} m ON m.assessment_id = a.id
      JOIN {version} v ON v.id = m.riskruleversion_id
     WHERE {in_period}
    UNION
    SELECT NULL, a.declaration_id, FALSE
      FROM {assessment} a
     WHERE a.random_selection AND {in_period}
), scored AS (
    SELECT DISTINCT ON (a.declaration_id) a.declaration_id, a.model_version_id,
           CASE WHEN a.model_score >= %(high)s THEN 'high' WHEN a.model_score >= %(medium)s THEN 'medium'
                ELSE 'low' END AS band
      FROM {assessment} a
     WHERE a.model_version_id IS NOT NULL AND a.model_score IS NOT NULL AND {in_period}
     ORDER BY a.declaration_id, a.id
), checks AS (
    SELECT d.id, {_concluded()} AS concluded, {_found()} AS found
      FROM {declaration} d
     WHERE d.id IN (SELECT declaration_id FROM selected UNION SELECT declaration_id FROM scored)
)
SELECT 'rule', s.rule_id, NULL::bigint, NULL::bigint, NULL::text,
       COUNT(DISTINCT s.declaration_id) FILTER (WHERE c.concluded),
       COUNT(DISTINCT s.declaration_id) FILTER (WHERE c.concluded AND c.found)
  FROM selected s JOIN checks c ON c.id = s.declaration_id
 GROUP BY s.rule_id
UNION ALL
SELECT 'model', NULL, sc.model_version_id, mv.number, sc.band,
       COUNT(*) FILTER (WHERE c.concluded), COUNT(*) FILTER (WHERE c.concluded AND c.found)
  FROM scored sc JOIN checks c ON c.id = sc.declaration_id JOIN {model_version} mv ON mv.id = sc.model_version_id
 GROUP BY sc.model_version_id, mv.number, sc.band
UNION ALL
SELECT 'model_rules', NULL, NULL, NULL, NULL,
       COUNT(DISTINCT s.declaration_id) FILTER (WHERE c.concluded),
       COUNT(DISTINCT s.declaration_id) FILTER (WHERE c.concluded AND c.found)
  FROM selected s JOIN checks c ON c.id = s.declaration_id
 WHERE s.on_model
"""


def hit_rates(*, date_from: date, date_to: date) -> HitRates:
    """The hit rate of every rule that selected checks, and of the random selection, for the
    assessments made from `date_from` to `date_to` (both included, local dates)."""
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(date_from, time.min), zone)
    end = timezone.make_aware(datetime.combine(date_to + timedelta(days=1), time.min), zone)
    with connection.cursor() as cursor:
        cursor.execute(_sql(), {"channels": tuple(str(c) for c in CHECKED_CHANNELS), "start": start, "end": end,
                                "model_condition": json.dumps([{"field": MODEL_FIELD}]),
                                "high": MODEL_BANDS[0][1], "medium": MODEL_BANDS[1][1], **_outcome_parameters()})
        rows = cursor.fetchall()
    rules, random, model_rules = {}, HitRate(), HitRate()
    models: dict[int, tuple[int, dict]] = {}
    for kind, rule_id, version_id, number, band, checked, found in rows:
        if kind == "rule" and rule_id is not None:
            rules[rule_id] = HitRate(checked, found)
        elif kind == "rule":
            random = HitRate(checked, found)
        elif kind == "model":
            models.setdefault(version_id, (number, {}))[1][band] = HitRate(checked, found)
        else:
            model_rules = HitRate(checked, found)
    by_version = tuple(
        ModelHitRates(version_id=version_id, number=number,
                      bands={name: bands.get(name, HitRate()) for name, _lowest in MODEL_BANDS})
        for version_id, (number, bands) in sorted(models.items(), key=lambda item: -item[1][0]))
    return HitRates(date_from=date_from, date_to=date_to, rules=rules, random_selection=random, models=by_version,
                    model_rules=model_rules)


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
