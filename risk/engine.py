"""The risk engine: a rule set compiled once per rule-set version into indexes, so a
declaration is checked only against the rules that could fire for it.

Rules are indexed by one "anchor" condition each: HS-code conditions in a prefix map
(every prefix of an item's code is one dictionary look-up), equality conditions on
header or item fields in hash maps; only rules with no indexable condition are tried
for every declaration. Candidates are then checked in full. `evaluate_naive` checks
every rule and is kept for the benchmark and as a test oracle.
"""
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

CHANNEL_ORDER = {"green": 0, "yellow": 1, "red": 2}

_COMPARE = {
    "eq": operator.eq,
    "ne": operator.ne,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}


@dataclass
class Facts:
    """What the rules can see of one declaration. Text values are case-folded.

    `details` adds to the explanation of a condition on a header field what the value alone does
    not say (the watchlisted partner a name resembled): {field: {key: value, ...}}.
    """

    header: dict
    items: list[dict]
    on: date
    details: dict = field(default_factory=dict)


@dataclass(frozen=True)
class CompiledCondition:
    field: str
    op: str
    value: object
    test: Callable[[object], bool]

    def explain(self, actual, item: int | None = None, detail: dict | None = None) -> dict:
        reason = {"field": self.field, "op": self.op, "value": _jsonable(self.value), "actual": _jsonable(actual)}
        if item is not None:
            reason["item"] = item
        if detail:
            reason.update(detail)
        return reason


def _jsonable(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (set, frozenset, tuple, list)):
        return sorted(_jsonable(v) for v in value)
    return value


def _coerce(kind: str, value):
    if kind == "number":
        return Decimal(value)
    if kind == "text":
        return value.casefold()
    return value


def compile_condition(condition: dict, kind: str) -> CompiledCondition:
    op, raw = condition["op"], condition["value"]
    if op in ("in", "not_in"):
        values = frozenset(_coerce(kind, v) for v in raw)
        test = values.__contains__ if op == "in" else (lambda v, values=values: v not in values)
        return CompiledCondition(condition["field"], op, values, test)
    if op == "startswith" and isinstance(raw, list):
        prefixes = tuple(sorted({_coerce(kind, v) for v in raw}))
        return CompiledCondition(condition["field"], op, prefixes, lambda v, p=prefixes: v.startswith(p))
    value = _coerce(kind, raw)
    if op == "startswith":
        return CompiledCondition(condition["field"], op, value, lambda v, p=value: v.startswith(p))
    compare = _COMPARE[op]
    return CompiledCondition(condition["field"], op, value, lambda v, c=compare, x=value: c(v, x))


@dataclass
class CompiledRule:
    version_id: int
    rule_id: int
    name: str  # in Vietnamese, or in English when the rule has no Vietnamese name
    version: int
    score: int
    min_channel: str
    valid_from: date | None
    valid_to: date | None
    name_en: str = ""  # in English, when it has one
    header_conditions: list[CompiledCondition] = field(default_factory=list)
    item_conditions: list[CompiledCondition] = field(default_factory=list)

    def in_force(self, on: date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (self.valid_to is None or on <= self.valid_to)

    def evaluate(self, facts: Facts) -> list[dict] | None:
        """The reasons it fires (one per condition, with the values that made it hold), or None."""
        reasons = []
        header = facts.header
        for condition in self.header_conditions:
            actual = header.get(condition.field)
            if actual is None or not condition.test(actual):
                return None
            reasons.append(condition.explain(actual, detail=facts.details.get(condition.field)))
        for condition in self.item_conditions:
            name = condition.field
            for item in facts.items:
                actual = item.get(name)
                if actual is not None and condition.test(actual):
                    reasons.append(condition.explain(actual, item["line_no"]))
                    break
            else:
                return None
        return reasons


@dataclass
class EngineResult:
    score: int
    fired: list[dict]
    min_channel: str
    version_ids: list[int]


class CompiledRuleSet:
    def __init__(self, rules: list[CompiledRule], key=None):
        self.key = key
        self.rules = sorted(rules, key=lambda r: r.rule_id)
        self.hs_prefix: dict[str, list[CompiledRule]] = {}
        self.header_eq: dict[tuple, list[CompiledRule]] = {}
        self.item_eq: dict[tuple, list[CompiledRule]] = {}
        self.always: list[CompiledRule] = []
        self.header_indexed_fields: set[str] = set()
        self.item_indexed_fields: set[str] = set()
        for rule in self.rules:
            self._index(rule)

    def _index(self, rule: CompiledRule) -> None:
        for condition in rule.item_conditions:
            if condition.field == "items.hs_code" and condition.op in ("eq", "startswith", "in"):
                keys = condition.value if isinstance(condition.value, (frozenset, tuple)) else (condition.value,)
                for key in keys:
                    self.hs_prefix.setdefault(key, []).append(rule)
                return
        for condition in rule.header_conditions:
            if condition.op in ("eq", "in"):
                keys = condition.value if condition.op == "in" else (condition.value,)
                for key in keys:
                    self.header_eq.setdefault((condition.field, key), []).append(rule)
                self.header_indexed_fields.add(condition.field)
                return
        for condition in rule.item_conditions:
            if condition.op in ("eq", "in"):
                keys = condition.value if condition.op == "in" else (condition.value,)
                for key in keys:
                    self.item_eq.setdefault((condition.field, key), []).append(rule)
                self.item_indexed_fields.add(condition.field)
                return
        self.always.append(rule)

    def candidates(self, facts: Facts) -> list[CompiledRule]:
        found: dict[int, CompiledRule] = {}
        hs_prefix = self.hs_prefix
        if hs_prefix:
            for item in facts.items:
                code = item["items.hs_code"]
                for length in range(1, len(code) + 1):
                    rules = hs_prefix.get(code[:length])
                    if rules:
                        for rule in rules:
                            found[rule.version_id] = rule
        header = facts.header
        for name in self.header_indexed_fields:
            for rule in self.header_eq.get((name, header.get(name)), ()):
                found[rule.version_id] = rule
        for name in self.item_indexed_fields:
            for item in facts.items:
                for rule in self.item_eq.get((name, item.get(name)), ()):
                    found[rule.version_id] = rule
        for rule in self.always:
            found[rule.version_id] = rule
        return list(found.values())

    def _result(self, rules, facts: Facts) -> EngineResult:
        fired = []
        for rule in rules:
            if not rule.in_force(facts.on):
                continue
            reasons = rule.evaluate(facts)
            if reasons is not None:
                fired.append((rule, reasons))
        fired.sort(key=lambda pair: pair[0].rule_id)
        min_channel = "green"
        for rule, _ in fired:
            if rule.min_channel and CHANNEL_ORDER[rule.min_channel] > CHANNEL_ORDER[min_channel]:
                min_channel = rule.min_channel
        return EngineResult(
            score=sum(rule.score for rule, _ in fired),
            fired=[
                {"rule": rule.rule_id, "version": rule.version, "version_id": rule.version_id, "name": rule.name,
                 "name_en": rule.name_en or rule.name, "score": rule.score, "min_channel": rule.min_channel or None, "reason": reasons}
                for rule, reasons in fired
            ],
            min_channel=min_channel,
            version_ids=[rule.version_id for rule, _ in fired],
        )

    def evaluate(self, facts: Facts) -> EngineResult:
        return self._result(self.candidates(facts), facts)

    def evaluate_naive(self, facts: Facts) -> EngineResult:
        """Every condition of every rule, no index: the baseline of bench/risk_engine.py."""
        return self._result(self.rules, facts)


def channel_for_score(score: int, *, yellow_threshold: int, red_threshold: int) -> str:
    if score >= red_threshold:
        return "red"
    if score >= yellow_threshold:
        return "yellow"
    return "green"


def stricter(a: str, b: str) -> str:
    return a if CHANNEL_ORDER[a] >= CHANNEL_ORDER[b] else b


def random_selection(channel: str, *, draw: Decimal, yellow_rate: Decimal, red_rate: Decimal) -> str:
    """Send a share of otherwise-green declarations to red or yellow, by a reproducible draw in [0, 1)."""
    if channel != "green":
        return channel
    if draw < red_rate:
        return "red"
    if draw < red_rate + yellow_rate:
        return "yellow"
    return channel
