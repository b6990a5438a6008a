"""Two sections of a backtest's result page, shaped from the run's result: the hit rates of each side's
rules and random selection (risk/services/backtest_hit_rates.py) and each compliance class against
its caps (risk/services/backtest_classes.py). Runs made before these were computed have neither."""
from decimal import Decimal

from customs_portal.accounts.models import ComplianceLevel
from risk.selectors.hit_rates import DOCUMENT, PHYSICAL, HitRate
from risk.services.backtest import backtest_rule_label

PERCENT = Decimal("0.1")


def _rates(entry: dict) -> dict:
    return {kind: HitRate(entry.get(kind, {}).get("checked", 0), entry.get(kind, {}).get("found", 0))
            for kind in (PHYSICAL, DOCUMENT)}


def hit_rates_section(result: dict, *, now_label: str, candidate_label: str) -> list[dict] | None:
    """[{"key", "label", "rules": [{"name", "physical": HitRate, "document": HitRate}] or None, "random": {…}}],
    the candidate side first; None for a run without them."""
    hit_rates = result.get("hit_rates")
    if not hit_rates:
        return None
    sides = []
    for key, label in (("candidate", candidate_label), ("baseline", now_label)):
        side = hit_rates.get(key) or {}
        rules = side.get("rules")
        sides.append({
            "key": key, "label": label,
            "rules": None if rules is None else [{"name": backtest_rule_label(entry), **_rates(entry)} for entry in rules],
            "random": _rates(side.get("random") or {}),
        })
    return sides


def _percent(value) -> Decimal:
    return (Decimal(str(value or 0)) * 100).quantize(PERCENT)


def _side(figures: dict) -> dict:
    return {
        **figures,
        "yellow_pct": _percent(figures.get("yellow_selected_share")),
        "red_pct": _percent(figures.get("red_selected_share")),
        "random": figures.get("random_yellow", 0) + figures.get("random_red", 0),
        "random_pct": _percent(Decimal(figures.get("random_yellow_share", "0")) + Decimal(figures.get("random_red_share", "0"))),
    }


def classes_section(result: dict) -> dict | None:
    """{"window_days", "fallback", "seeded", "not_told_apart", "classes": [{"level", "label", "yellow_cap_pct",
    "red_cap_pct", "random_yellow_pct", "random_red_pct", "candidate": {…}, "baseline": {…}}]}; None without."""
    classes = result.get("classes")
    if not classes:
        return None
    rows = []
    for level, label in ComplianceLevel.choices:
        candidate, baseline = classes["candidate"].get(level), classes["baseline"].get(level)
        if candidate is None or baseline is None:
            continue
        rows.append({
            "level": level, "label": label,
            "yellow_cap_pct": _percent(candidate.get("yellow_cap")), "red_cap_pct": _percent(candidate.get("red_cap")),
            "random_yellow_pct": _percent(candidate.get("class_random_yellow")),
            "random_red_pct": _percent(candidate.get("class_random_red")),
            "candidate": _side(candidate), "baseline": _side(baseline),
        })
    return {"window_days": classes.get("window_days"), "fallback": classes.get("fallback", 0),
            "seeded": classes.get("seeded", False),
            "not_told_apart": sum(row["baseline"].get("not_told_apart", 0) for row in rows), "classes": rows}
