"""What the backtest reads of the caps per compliance class (risk/selectivity_models.py): the classes'
settings in force, and the live counters of the days before a period (the window's seed).
risk/services/backtest_classes.py simulates the caps with them."""
from dataclasses import dataclass
from datetime import date, timedelta

from customs_portal.accounts.models import ComplianceLevel
from risk.selectivity import COUNTER_FIELDS, ClassCaps
from risk.selectivity_models import SelectivityCounter
from risk.selectors.selectivity import class_selectivities, class_selectivity_default


@dataclass(frozen=True)
class ClassSelectivityInForce:
    caps: dict  # level -> ClassCaps, every compliance level
    window_days: int


def class_selectivity_in_force(*, window_days: int) -> ClassSelectivityInForce:
    """The caps and minimum random rates of every class (a class without its row: the defaults), and the
    window in days (RiskSettings.cap_window_days). One query."""
    stored = class_selectivities()
    caps = {}
    for level in ComplianceLevel.values:
        row = stored.get(level) or class_selectivity_default(level)
        caps[level] = ClassCaps(level=level, yellow_cap=row.yellow_cap, red_cap=row.red_cap,
                                random_yellow=row.random_yellow_min, random_red=row.random_red_min)
    return ClassSelectivityInForce(caps=caps, window_days=int(window_days))


def class_window_seed(*, date_from: date, window_days: int) -> dict:
    """{(level, day): {counter: value}} of the live daily counters of the `window_days` - 1 days before
    `date_from` (the days the window of `date_from` reaches back to). One query."""
    first = date_from - timedelta(days=max(int(window_days), 1) - 1)
    rows = SelectivityCounter.objects.filter(day__gte=first, day__lt=date_from).values("compliance_level", "day",
                                                                                     *COUNTER_FIELDS)
    return {(row["compliance_level"], row["day"]): {name: row[name] for name in COUNTER_FIELDS} for row in rows}
