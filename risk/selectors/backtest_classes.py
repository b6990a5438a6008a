"""What the backtest reads of the caps per compliance class: the classes' settings in force and the
live counters of the days before a period (the window's seed). risk/services/backtest_classes.py."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from risk.selectivity import ClassCaps

# Part A's defaults (docs/decisions.md, "Inspection caps and random selection per class"), until the
# ClassSelectivity rows are merged into this branch.
_DEFAULTS = {
    "priority": ("0.05", "0.01", "0", "0"),
    "high": ("0.05", "0.01", "0", "0"),
    "medium": ("0.20", "0.05", "0", "0"),
    "low": ("0.50", "0.20", "0.05", "0.02"),
    "new": ("0.30", "0.10", "0.03", "0.01"),
}


@dataclass(frozen=True)
class ClassSelectivityInForce:
    caps: dict  # level -> ClassCaps, every compliance level
    window_days: int


def class_selectivity_in_force() -> ClassSelectivityInForce:
    """The caps and minimum random rates of every class, and the window in days."""
    caps = {level: ClassCaps(level, *(Decimal(v) for v in values)) for level, values in _DEFAULTS.items()}
    return ClassSelectivityInForce(caps=caps, window_days=30)


def class_window_seed(*, date_from: date, window_days: int) -> dict:
    """{(level, day): {counter: value}} of the live counters of the `window_days` - 1 days before
    `date_from`, so that a backtest's window does not start empty."""
    return {}
