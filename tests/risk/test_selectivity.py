"""The caps and random selection per class, decided alone (risk/selectivity.py: no database)."""
from decimal import Decimal

import pytest

from risk.selectivity import (
    CAPPED_RED_TO_GREEN,
    CAPPED_RED_TO_YELLOW,
    CAPPED_YELLOW_TO_GREEN,
    NONE,
    RANDOM,
    REQUIRED,
    SCORE,
    ClassCaps,
    WindowCounts,
    cap_allows,
    decision_from_json,
    effective_rates,
    selectivity_decide,
    share,
)

HIGH = ClassCaps(level="high", yellow_cap=Decimal("0.05"), red_cap=Decimal("0.01"))
LOW = ClassCaps(level="low", yellow_cap=Decimal("0.50"), red_cap=Decimal("0.20"),
                random_yellow=Decimal("0.05"), random_red=Decimal("0.02"))
NO_DRAW = Decimal("0.99999999")  # above every random rate


def decide(score_channel="green", required_channel="green", draw=NO_DRAW, caps=HIGH, counts=None, **rates):
    return selectivity_decide(score_channel=score_channel, required_channel=required_channel, draw=draw, caps=caps,
                              counts=counts or WindowCounts(), **rates)


@pytest.mark.parametrize(("cap", "assessed", "selected", "allowed"), [
    ("0.05", 0, 0, True),     # the first of a quiet window: ceil(0.05 × 1) = 1
    ("0.05", 19, 1, False),   # ceil(0.05 × 20) = 1, one already selected
    ("0.05", 20, 1, True),    # ceil(0.05 × 21) = 2
    ("0.01", 99, 0, True),
    ("0.01", 99, 1, False),
    ("0", 0, 0, False),       # a zero cap never lets a selection by score through
    ("1", 10, 10, True),
])
def test_ceiling_rule(cap, assessed, selected, allowed):
    assert cap_allows(Decimal(cap), assessed=assessed, selected=selected) is allowed


def test_score_selection_under_the_cap_is_made_and_counted_against_it():
    decision = decide("yellow", counts=WindowCounts(assessed=100, yellow_selected=4))
    assert (decision.channel, decision.reason, decision.capped) == ("yellow", SCORE, False)
    assert decision.increments == {"assessed": 1, "yellow_selected": 1}


def test_first_declaration_of_an_empty_window_can_be_selected_by_score():
    assert decide("red").channel == "red"
    assert decide("red").increments == {"assessed": 1, "red_selected": 1}
    assert decide("yellow").channel == "yellow"


def test_yellow_over_its_cap_is_green_by_the_cap():
    counts = WindowCounts(assessed=100, yellow_selected=6)
    decision = decide("yellow", counts=counts)
    assert (decision.channel, decision.reason, decision.capped) == ("green", CAPPED_YELLOW_TO_GREEN, True)
    assert decision.increments == {"assessed": 1}
    assert decision.yellow_share == Decimal("0.0600")


def test_red_over_its_cap_falls_to_yellow_when_yellow_is_under_its_cap():
    decision = decide("red", counts=WindowCounts(assessed=100, yellow_selected=2, red_selected=2))
    assert (decision.channel, decision.reason) == ("yellow", CAPPED_RED_TO_YELLOW)
    assert decision.increments == {"assessed": 1, "yellow_selected": 1}


def test_red_over_both_caps_is_green():
    decision = decide("red", counts=WindowCounts(assessed=100, yellow_selected=6, red_selected=2))
    assert (decision.channel, decision.reason) == ("green", CAPPED_RED_TO_GREEN)


def test_a_required_channel_always_applies_and_is_counted_apart():
    full = WindowCounts(assessed=100, yellow_selected=50, red_selected=50)
    decision = decide("green", "red", counts=full)
    assert (decision.channel, decision.reason, decision.capped) == ("red", REQUIRED, False)
    assert decision.increments == {"assessed": 1, "red_required": 1}
    decision = decide("red", "red", counts=full)
    assert (decision.channel, decision.reason) == ("red", REQUIRED)
    decision = decide("yellow", "yellow", counts=full)
    assert decision.increments == {"assessed": 1, "yellow_required": 1}


def test_score_above_the_requirement_is_capped_down_to_the_requirement():
    # Score red over the red cap, yellow required: yellow, counted as required, not against the yellow cap.
    counts = WindowCounts(assessed=100, yellow_selected=2, red_selected=2)
    decision = decide("red", "yellow", counts=counts)
    assert (decision.channel, decision.reason, decision.capped) == ("yellow", CAPPED_RED_TO_YELLOW, True)
    assert decision.increments == {"assessed": 1, "yellow_required": 1}
    # Both caps reached: still yellow, as required.
    decision = decide("red", "yellow", counts=WindowCounts(assessed=100, yellow_selected=9, red_selected=2))
    assert (decision.channel, decision.reason) == ("yellow", CAPPED_RED_TO_YELLOW)
    assert decision.increments == {"assessed": 1, "yellow_required": 1}
    # Under the red cap: red by the score, against the cap.
    decision = decide("red", "yellow", counts=WindowCounts(assessed=100))
    assert (decision.channel, decision.reason) == ("red", SCORE)
    assert decision.increments == {"assessed": 1, "red_selected": 1}


def test_random_selection_at_the_class_minimum_when_the_general_rate_is_zero():
    assert effective_rates(LOW) == (Decimal("0.05"), Decimal("0.02"))
    # Draw below red's rate: red; below red + yellow: yellow; above: green.
    red = decide(caps=LOW, draw=Decimal("0.01"))
    assert (red.channel, red.reason) == ("red", RANDOM)
    assert red.increments == {"assessed": 1, "red_selected": 1, "random_red": 1}
    yellow = decide(caps=LOW, draw=Decimal("0.06"))
    assert (yellow.channel, yellow.reason) == ("yellow", RANDOM)
    assert yellow.increments == {"assessed": 1, "yellow_selected": 1, "random_yellow": 1}
    green = decide(caps=LOW, draw=Decimal("0.07"))
    assert (green.channel, green.reason, green.increments) == ("green", NONE, {"assessed": 1})
    # The high class has no minimum: the same draw is green there.
    assert decide(caps=HIGH, draw=Decimal("0.01")).channel == "green"


def test_effective_rate_is_the_higher_of_general_and_class_minimum():
    assert effective_rates(LOW, general_yellow=Decimal("0.10"), general_red=Decimal("0.01")) == (Decimal("0.10"), Decimal("0.02"))
    decision = decide(caps=HIGH, draw=Decimal("0.015"), general_yellow_rate=Decimal("0.02"), general_red_rate=Decimal("0.01"))
    assert (decision.channel, decision.random_yellow_rate, decision.random_red_rate) == ("yellow", Decimal("0.02"), Decimal("0.01"))


def test_random_selection_is_never_blocked_by_a_cap():
    full = WindowCounts(assessed=100, yellow_selected=90, red_selected=90)
    assert decide(caps=LOW, draw=Decimal("0.01"), counts=full).channel == "red"
    # A declaration the cap left green can still be drawn.
    decision = decide("yellow", caps=LOW, draw=Decimal("0.03"), counts=full)
    assert (decision.channel, decision.reason, decision.capped) == ("yellow", RANDOM, True)


def test_random_selection_only_of_otherwise_green_declarations():
    decision = decide("yellow", caps=LOW, draw=Decimal("0.01"))
    assert (decision.channel, decision.reason) == ("yellow", SCORE)
    assert "random_red" not in decision.increments
    assert decide("green", "yellow", caps=LOW, draw=Decimal("0.01")).channel == "yellow"


@pytest.mark.parametrize(("score_channel", "required", "draw", "counts"), [
    ("yellow", "green", NO_DRAW, WindowCounts(assessed=100, yellow_selected=6)),
    ("red", "green", NO_DRAW, WindowCounts(assessed=100, yellow_selected=1, red_selected=3)),
    ("red", "yellow", NO_DRAW, WindowCounts(assessed=7, yellow_selected=1, red_selected=3, yellow_required=2)),
    ("green", "green", Decimal("0.04"), WindowCounts(assessed=3, random_yellow=1, yellow_selected=1)),
    ("green", "red", Decimal("0.5"), WindowCounts()),
])
def test_the_stored_explanation_gives_the_same_decision(score_channel, required, draw, counts):
    decision = decide(score_channel, required, draw=draw, caps=LOW, counts=counts, general_yellow_rate=Decimal("0.01"))
    again = decision_from_json(decision.as_json(), draw=draw)
    assert again == decision
    assert again.as_json() == decision.as_json()


def test_counts_add_a_decision_as_the_counters_do():
    counts = WindowCounts()
    for draw in (Decimal("0.01"), Decimal("0.06"), NO_DRAW):
        counts.add(decide(caps=LOW, draw=draw, counts=counts).increments)
    counts.add(decide("green", "red", counts=counts).increments)
    assert counts == WindowCounts(assessed=4, yellow_selected=1, red_selected=1, red_required=1, random_yellow=1, random_red=1)


def test_the_decision_does_not_share_the_callers_counts():
    counts = WindowCounts(assessed=1)
    decision = decide(counts=counts)
    counts.add(decision.increments)
    assert decision.counts.assessed == 1


def test_share():
    assert share(0, 0) == Decimal("0")
    assert share(53, 1000) == Decimal("0.0530")
