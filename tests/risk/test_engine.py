"""The engine alone: every operator and field kind, indexes versus the naive evaluation,
thresholds, minimum channels and random selection."""
from datetime import date
from decimal import Decimal

import pytest

from risk.conditions import FIELDS, ConditionError, conditions_validate
from risk.engine import (
    CompiledRule,
    CompiledRuleSet,
    Facts,
    channel_for_score,
    compile_condition,
    random_selection,
)

ON = date(2026, 11, 23)


def facts(**header_overrides):
    header = {
        "direction": "import",
        "type_code": "A11",
        "customs_office": "03CE",
        "enterprise.tax_code": "0109876500",
        "enterprise.compliance_level": "high",
        "enterprise.age_days": Decimal("4000"),
        "enterprise.on_watchlist": False,
        "partner.country": "CN",
        "partner.name": "shenzhen example co.",
        "partner.on_watchlist": False,
        "partner.watchlist_similarity": Decimal("0"),
        "transport_mode": "sea",
        "port_of_loading": "CNSHK",
        "port_of_discharge": "VNHPH",
        "invoice.currency": "USD",
        "invoice.incoterm": "FOB",
        "invoice.total": Decimal("26500"),
        "taxes.total": Decimal("70000000"),
        "item_count": Decimal("2"),
    }
    header.update(header_overrides)
    items = [
        {"line_no": 1, "items.hs_code": "84713020", "items.origin_country": "CN", "items.preference": "MFN",
         "items.description": "laptops", "items.unit_price_vs_reference": Decimal("0.5"), "items.specialised_management": False},
        {"line_no": 2, "items.hs_code": "24022090", "items.origin_country": "ID", "items.preference": "ATIGA",
         "items.description": "cigarettes", "items.unit_price_vs_reference": None, "items.specialised_management": True},
    ]
    return Facts(header=header, items=items, on=ON)


def rule(rule_id, conditions, score=10, min_channel="", valid_from=None, valid_to=None):
    compiled = CompiledRule(version_id=rule_id * 10, rule_id=rule_id, name=f"rule {rule_id}", version=1, score=score,
                            min_channel=min_channel, valid_from=valid_from, valid_to=valid_to)
    for condition in conditions_validate(conditions):
        field = FIELDS[condition["field"]]
        target = compiled.item_conditions if field.is_item else compiled.header_conditions
        target.append(compile_condition(condition, field.kind))
    return compiled


def fires(conditions, given=None):
    rule_set = CompiledRuleSet([rule(1, conditions)])
    result = rule_set.evaluate(given or facts())
    assert result.fired == rule_set.evaluate_naive(given or facts()).fired
    return bool(result.fired)


@pytest.mark.parametrize(
    "condition, expected",
    [
        ({"field": "direction", "op": "eq", "value": "import"}, True),
        ({"field": "direction", "op": "ne", "value": "import"}, False),
        ({"field": "type_code", "op": "in", "value": ["A11", "A12"]}, True),
        ({"field": "type_code", "op": "not_in", "value": ["A11"]}, False),
        ({"field": "type_code", "op": "startswith", "value": "A"}, True),
        ({"field": "partner.name", "op": "eq", "value": "Shenzhen EXAMPLE Co."}, True),
        ({"field": "partner.name", "op": "startswith", "value": "shenzhen"}, True),
        ({"field": "enterprise.age_days", "op": "lt", "value": 180}, False),
        ({"field": "enterprise.age_days", "op": "gte", "value": 4000}, True),
        ({"field": "enterprise.age_days", "op": "gt", "value": 4000}, False),
        ({"field": "enterprise.age_days", "op": "lte", "value": "4000"}, True),
        ({"field": "invoice.total", "op": "eq", "value": 26500}, True),
        ({"field": "invoice.total", "op": "ne", "value": 26500.0}, False),
        ({"field": "invoice.total", "op": "in", "value": [1, 26500]}, True),
        ({"field": "enterprise.on_watchlist", "op": "eq", "value": False}, True),
        ({"field": "enterprise.compliance_level", "op": "in", "value": ["low", "new"]}, False),
        ({"field": "items.hs_code", "op": "startswith", "value": "2402"}, True),
        ({"field": "items.hs_code", "op": "startswith", "value": ["2203", "2208"]}, False),
        ({"field": "items.hs_code", "op": "eq", "value": "84713020"}, True),
        ({"field": "items.hs_code", "op": "in", "value": ["84713010", "84713090"]}, False),
        ({"field": "items.origin_country", "op": "eq", "value": "ID"}, True),
        ({"field": "items.origin_country", "op": "not_in", "value": ["CN", "ID"]}, False),
        ({"field": "items.unit_price_vs_reference", "op": "lt", "value": "0.7"}, True),
        ({"field": "items.unit_price_vs_reference", "op": "gt", "value": "0.7"}, False),
        ({"field": "items.specialised_management", "op": "eq", "value": True}, True),
        ({"field": "items.preference", "op": "eq", "value": "ATIGA"}, True),
        ({"field": "taxes.total", "op": "gte", "value": 50000000}, True),
        ({"field": "item_count", "op": "gt", "value": 5}, False),
    ],
)
def test_operator_on_field(condition, expected):
    assert fires([condition]) is expected


def test_all_conditions_must_hold_and_item_conditions_may_hold_on_different_items():
    assert fires([{"field": "items.hs_code", "op": "startswith", "value": "8471"},
                  {"field": "items.origin_country", "op": "eq", "value": "ID"}])
    assert not fires([{"field": "items.hs_code", "op": "startswith", "value": "8471"},
                      {"field": "direction", "op": "eq", "value": "export"}])


def test_missing_value_never_satisfies_a_condition():
    given = facts()
    for item in given.items:
        item["items.unit_price_vs_reference"] = None
    assert not fires([{"field": "items.unit_price_vs_reference", "op": "ne", "value": 1}], given)


def test_explanation_carries_the_values_that_fired():
    rule_set = CompiledRuleSet([rule(7, [{"field": "items.hs_code", "op": "startswith", "value": "2402"},
                                         {"field": "enterprise.age_days", "op": "gt", "value": 100}], score=40)])
    fired = rule_set.evaluate(facts()).fired
    assert fired == [{
        "rule": 7, "version": 1, "version_id": 70, "name": "rule 7", "name_en": "rule 7", "score": 40,
        "min_channel": None,
        "reason": [
            {"field": "enterprise.age_days", "op": "gt", "value": "100", "actual": "4000"},
            {"field": "items.hs_code", "op": "startswith", "value": "2402", "actual": "24022090", "item": 2},
        ],
    }]


def test_scores_add_and_min_channel_is_the_strictest():
    rule_set = CompiledRuleSet([
        rule(1, [{"field": "direction", "op": "eq", "value": "import"}], score=20, min_channel="yellow"),
        rule(2, [{"field": "items.hs_code", "op": "startswith", "value": "2402"}], score=50, min_channel="red"),
        rule(3, [{"field": "partner.country", "op": "eq", "value": "US"}], score=100),
        rule(4, [{"field": "enterprise.age_days", "op": "gt", "value": 1}], score=-5),
    ])
    result = rule_set.evaluate(facts())
    assert result.score == 65
    assert result.min_channel == "red"
    assert [f["rule"] for f in result.fired] == [1, 2, 4]


def test_validity_period():
    rule_set = CompiledRuleSet([
        rule(1, [{"field": "direction", "op": "eq", "value": "import"}], valid_from=date(2026, 12, 1)),
        rule(2, [{"field": "direction", "op": "eq", "value": "import"}], valid_to=date(2026, 11, 22)),
        rule(3, [{"field": "direction", "op": "eq", "value": "import"}], valid_from=ON, valid_to=ON),
    ])
    assert [f["rule"] for f in rule_set.evaluate(facts()).fired] == [3]


def test_index_only_offers_rules_that_could_fire():
    rules = [rule(i, [{"field": "items.hs_code", "op": "startswith", "value": f"{1000 + i}"}]) for i in range(1, 500)]
    rules.append(rule(900, [{"field": "items.hs_code", "op": "startswith", "value": "2402"}]))
    rules.append(rule(901, [{"field": "partner.country", "op": "in", "value": ["CN", "HK"]}]))
    rules.append(rule(902, [{"field": "enterprise.age_days", "op": "lt", "value": 10}]))
    rule_set = CompiledRuleSet(rules)
    candidates = {r.rule_id for r in rule_set.candidates(facts())}
    assert candidates == {900, 901, 902}
    assert [f["rule"] for f in rule_set.evaluate(facts()).fired] == [900, 901]


def test_indexed_and_naive_agree_on_a_large_random_rule_set():
    import random

    generator = random.Random(42)
    fields = [
        ("items.hs_code", "startswith", lambda: f"{generator.randint(1, 97):02d}"),
        ("partner.country", "eq", lambda: generator.choice(["CN", "ID", "US", "JP"])),
        ("enterprise.age_days", "lt", lambda: generator.randint(100, 5000)),
        ("items.origin_country", "in", lambda: [generator.choice(["CN", "ID", "KR"])]),
        ("invoice.total", "gt", lambda: generator.randint(1000, 40000)),
    ]
    rules = []
    for i in range(1, 400):
        chosen = generator.sample(fields, generator.randint(1, 3))
        rules.append(rule(i, [{"field": f, "op": op, "value": make()} for f, op, make in chosen], score=generator.randint(-5, 20)))
    rule_set = CompiledRuleSet(rules)
    for total in (5000, 20000, 39000):
        given = facts(**{"invoice.total": Decimal(total)})
        assert rule_set.evaluate(given).fired == rule_set.evaluate_naive(given).fired


@pytest.mark.parametrize(
    "score, channel", [(-10, "green"), (29, "green"), (30, "yellow"), (69, "yellow"), (70, "red"), (500, "red")]
)
def test_thresholds(score, channel):
    assert channel_for_score(score, yellow_threshold=30, red_threshold=70) == channel


@pytest.mark.parametrize(
    "channel, draw, expected",
    [
        ("green", Decimal("0.005"), "red"),
        ("green", Decimal("0.01"), "yellow"),
        ("green", Decimal("0.0299"), "yellow"),
        ("green", Decimal("0.03"), "green"),
        ("yellow", Decimal("0.001"), "yellow"),
        ("red", Decimal("0.5"), "red"),
    ],
)
def test_random_selection_only_acts_on_green(channel, draw, expected):
    assert random_selection(channel, draw=draw, yellow_rate=Decimal("0.02"), red_rate=Decimal("0.01")) == expected


@pytest.mark.parametrize(
    "conditions, message",
    [
        ([{"field": "nope", "op": "eq", "value": 1}], "Unknown field"),
        ([{"field": "direction", "op": "gt", "value": "import"}], "does not fit"),
        ([{"field": "enterprise.age_days", "op": "lt", "value": "abc"}], "needs a number"),
        ([{"field": "enterprise.age_days", "op": "lt", "value": True}], "needs a number"),
        ([{"field": "enterprise.age_days", "op": "lt", "value": "NaN"}], "finite"),
        ([{"field": "enterprise.on_watchlist", "op": "eq", "value": "yes"}], "true or false"),
        ([{"field": "items.hs_code", "op": "eq", "value": "2402"}], "8 for eq"),
        ([{"field": "items.hs_code", "op": "startswith", "value": "24x"}], "digits"),
        ([{"field": "partner.country", "op": "eq", "value": "QQ"}], "ISO 3166"),
        ([{"field": "enterprise.compliance_level", "op": "eq", "value": "gold"}], "must be one of"),
        ([{"field": "type_code", "op": "in", "value": []}], "list of 1"),
        ([{"field": "type_code", "op": "in", "value": "A11"}], "list of 1"),
        ([{"field": "type_code", "op": "eq"}], "no value"),
        ([{"field": "type_code", "op": "eq", "value": "A11", "extra": 1}], "Unknown keys"),
        (["not a dict"], "is an object"),
        ("not a list", "must be a list"),
    ],
)
def test_bad_conditions_are_refused(conditions, message):
    with pytest.raises(ConditionError, match=message):
        conditions_validate(conditions)


def test_the_details_of_a_header_fact_join_the_reason_of_its_condition():
    close = rule(1, [{"field": "partner.watchlist_similarity", "op": "gte", "value": 90},
                     {"field": "direction", "op": "eq", "value": "import"}], min_channel="yellow")
    seen = facts(**{"partner.watchlist_similarity": Decimal("95.0")})
    seen.details = {"partner.watchlist_similarity": {"watchlisted_partner": {"id": 7, "name": "Acme", "country": "CN",
                                                                            "similarity": "95.0"}}}
    assert close.evaluate(seen) == [
        {"field": "partner.watchlist_similarity", "op": "gte", "value": "90", "actual": "95.0",
         "watchlisted_partner": {"id": 7, "name": "Acme", "country": "CN", "similarity": "95.0"}},
        {"field": "direction", "op": "eq", "value": "import", "actual": "import"},
    ]
    assert close.evaluate(facts(**{"partner.watchlist_similarity": Decimal("89.9")})) is None
