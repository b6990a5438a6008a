"""Risk engine throughput: the compiled, indexed rule set versus a naive evaluation.

Builds 1,000 active rules of realistic shapes (HS prefixes, origin countries, partner
countries, enterprise facts, price ratios) and 10-item declarations, then prints
declarations per second and microseconds per declaration for both, and their ratio; then
"with caps": the indexed engine followed by the channel decision with the caps and random
selection per compliance class (risk/selectivity.py), on in-memory window counts per class.
Pure engine time: no database. Run: `.venv/bin/python bench/risk_engine.py`.
"""
import os
import random
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "customs_portal.settings.local")

import django

django.setup()

from risk.conditions import FIELDS, conditions_validate  # noqa: E402
from risk.engine import CompiledRule, CompiledRuleSet, Facts, channel_for_score, compile_condition  # noqa: E402
from risk.selectivity import ClassCaps, WindowCounts, selectivity_decide  # noqa: E402
from risk.selectivity_models import DEFAULT_CLASS_SELECTIVITY  # noqa: E402

RULES = int(os.environ.get("RULES", 1000))
ITEMS = int(os.environ.get("ITEMS", 10))
DECLARATIONS = int(os.environ.get("DECLARATIONS", 2000))
LEVELS = [str(level) for level in DEFAULT_CLASS_SELECTIVITY]
CAPS = {str(level): ClassCaps(str(level), *values) for level, values in DEFAULT_CLASS_SELECTIVITY.items()}
COUNTRIES = ["CN", "KR", "JP", "TH", "ID", "US", "DE", "MY", "SG", "IN", "AU", "FR", "IT", "GB", "TW"]


def make_rules(generator: random.Random) -> list[CompiledRule]:
    shapes = [
        lambda: [{"field": "items.hs_code", "op": "startswith", "value": f"{generator.randint(1, 9799):04d}"[: generator.choice([2, 4, 4, 6])]}],
        lambda: [{"field": "items.hs_code", "op": "startswith", "value": f"{generator.randint(1, 9799):04d}"},
                 {"field": "items.origin_country", "op": "in", "value": generator.sample(COUNTRIES, 3)}],
        lambda: [{"field": "items.hs_code", "op": "eq", "value": f"{generator.randint(1010000, 97990000):08d}"}],
        lambda: [{"field": "partner.country", "op": "eq", "value": generator.choice(COUNTRIES)},
                 {"field": "invoice.total", "op": "gt", "value": generator.randint(1000, 100000)}],
        lambda: [{"field": "customs_office", "op": "in", "value": ["03CE", "02CI", "01B1"]},
                 {"field": "items.hs_code", "op": "startswith", "value": f"{generator.randint(1, 97):02d}"}],
        lambda: [{"field": "items.origin_country", "op": "eq", "value": generator.choice(COUNTRIES)},
                 {"field": "items.unit_price_vs_reference", "op": "lt", "value": "0.7"}],
    ]
    weights = [50, 20, 15, 5, 5, 5]
    rules = []
    for rule_id in range(1, RULES + 1):
        conditions = conditions_validate(generator.choices(shapes, weights)[0]())
        rule = CompiledRule(version_id=rule_id, rule_id=rule_id, name=f"r{rule_id}", version=1,
                            score=generator.randint(-10, 40), min_channel="", valid_from=None, valid_to=None)
        for condition in conditions:
            field = FIELDS[condition["field"]]
            (rule.item_conditions if field.is_item else rule.header_conditions).append(compile_condition(condition, field.kind))
        rules.append(rule)
    # A few rules every declaration must be checked against (no indexable condition).
    for rule_id in range(RULES + 1, RULES + 4):
        rule = CompiledRule(version_id=rule_id, rule_id=rule_id, name="age", version=1, score=10, min_channel="",
                            valid_from=None, valid_to=None)
        rule.header_conditions.append(compile_condition({"field": "enterprise.age_days", "op": "lt", "value": "180"}, "number"))
        rules.append(rule)
    return rules


def make_facts(generator: random.Random) -> Facts:
    header = {
        "direction": "import", "type_code": "A11", "customs_office": generator.choice(["03CE", "02CI", "01B1", "20BC"]),
        "enterprise.tax_code": "0109876500", "enterprise.compliance_level": "high",
        "enterprise.age_days": Decimal(generator.randint(10, 5000)), "enterprise.on_watchlist": False,
        "partner.country": generator.choice(COUNTRIES), "partner.name": "example co.", "partner.on_watchlist": False,
        "partner.watchlist_similarity": Decimal(0),
        "transport_mode": "sea", "port_of_loading": "CNSHA", "port_of_discharge": "VNHPH", "invoice.currency": "USD",
        "invoice.incoterm": "FOB", "invoice.total": Decimal(generator.randint(1000, 100000)),
        "taxes.total": Decimal(generator.randint(0, 10**9)), "item_count": Decimal(ITEMS),
    }
    items = [
        {"line_no": n, "items.hs_code": f"{generator.randint(1010000, 97990000):08d}",
         "items.origin_country": generator.choice(COUNTRIES), "items.preference": "MFN", "items.description": "goods",
         "items.unit_price_vs_reference": Decimal(generator.randint(30, 150)) / 100, "items.specialised_management": False,
         "items.specialised_without_permit": False}
        for n in range(1, ITEMS + 1)
    ]
    return Facts(header=header, items=items, on=date(2026, 11, 23))


def measure(evaluate, batch) -> float:
    started = time.perf_counter()
    for facts in batch:
        evaluate(facts)
    return time.perf_counter() - started


def with_caps(rule_set: CompiledRuleSet, batch, classes) -> tuple[float, dict]:
    """The indexed engine and the class's decision (caps, random selection) for each declaration, the
    window counts of each class kept in memory as the daily counters keep them. (seconds, channel mix)
    `classes`: (level, draw) per declaration, from a generator of their own, so the declarations and
    rules are those of the figures above."""
    counts = {level: WindowCounts() for level in LEVELS}
    mix = {"green": 0, "yellow": 0, "red": 0}
    started = time.perf_counter()
    for facts, (level, draw) in zip(batch, classes, strict=True):
        result = rule_set.evaluate(facts)
        window = counts[level]
        decision = selectivity_decide(
            score_channel=channel_for_score(result.score, yellow_threshold=30, red_threshold=70),
            required_channel=result.min_channel, draw=draw, caps=CAPS[level], counts=window,
            general_yellow_rate=Decimal("0.02"), general_red_rate=Decimal("0.01"))
        window.add(decision.increments)
        mix[decision.channel] += 1
    return time.perf_counter() - started, mix


def decisions_alone(rule_set: CompiledRuleSet, batch, classes) -> float:
    """Seconds for the classes' decisions alone, on the engine's results computed beforehand (the
    difference of the two figures above is within the noise of a loaded machine)."""
    scores = [(channel_for_score(result.score, yellow_threshold=30, red_threshold=70), result.min_channel)
              for result in map(rule_set.evaluate, batch)]
    counts = {level: WindowCounts() for level in LEVELS}
    started = time.perf_counter()
    for (score_channel, required), (level, draw) in zip(scores, classes, strict=True):
        decision = selectivity_decide(score_channel=score_channel, required_channel=required, draw=draw, caps=CAPS[level],
                                      counts=counts[level], general_yellow_rate=Decimal("0.02"),
                                      general_red_rate=Decimal("0.01"))
        counts[level].add(decision.increments)
    return time.perf_counter() - started


def main() -> None:
    generator = random.Random(2026)
    started = time.perf_counter()
    rule_set = CompiledRuleSet(make_rules(generator))
    compile_ms = (time.perf_counter() - started) * 1000
    batch = [make_facts(generator) for _ in range(DECLARATIONS)]
    for facts in batch[:50]:
        assert rule_set.evaluate(facts).fired == rule_set.evaluate_naive(facts).fired
    indexed = min(measure(rule_set.evaluate, batch) for _ in range(3))
    naive = min(measure(rule_set.evaluate_naive, batch[: max(200, DECLARATIONS // 10)]) for _ in range(2))
    naive_per = naive / max(200, DECLARATIONS // 10)
    indexed_per = indexed / DECLARATIONS
    candidates = sum(len(rule_set.candidates(f)) for f in batch) / len(batch)
    print(f"rules: {len(rule_set.rules)}  items per declaration: {ITEMS}  compile: {compile_ms:.1f} ms")
    print(f"indexed: {1 / indexed_per:10.0f} declarations/s  {indexed_per * 1e6:8.1f} µs/declaration  "
          f"({candidates:.1f} candidate rules on average)")
    print(f"naive:   {1 / naive_per:10.0f} declarations/s  {naive_per * 1e6:8.1f} µs/declaration")
    print(f"speed-up: {naive_per / indexed_per:.1f}x")
    classes_generator = random.Random(15)
    classes = [(classes_generator.choice(LEVELS), Decimal(classes_generator.randrange(10**8)) / 10**8) for _ in batch]
    capped, mix = min((with_caps(rule_set, batch, classes) for _ in range(3)), key=lambda run: run[0])
    capped_per = capped / DECLARATIONS
    decision_per = min(decisions_alone(rule_set, batch, classes) for _ in range(3)) / DECLARATIONS
    print(f"with caps: {1 / capped_per:8.0f} declarations/s  {capped_per * 1e6:8.1f} µs/declaration  "
          f"(+{(capped_per - indexed_per) * 1e6:.1f} µs for the class's decision; "
          + ", ".join(f"{channel} {count / DECLARATIONS:.1%}" for channel, count in mix.items()) + ")")
    print(f"the class's decision alone: {decision_per * 1e6:.1f} µs/declaration")


if __name__ == "__main__":
    main()
