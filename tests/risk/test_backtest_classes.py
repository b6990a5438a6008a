"""The caps per compliance class in the backtest (risk/services/backtest_classes.py): decisions simulated
in time order over a rolling window of daily buckets, selections by score turned down over a cap while
required channels pass and are counted apart; each declaration in the class it had when assessed."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from customs_portal.accounts.models import ComplianceLevel, Enterprise
from risk.models import Assessment, BacktestRun, SelectivityCounter
from risk.selectivity import ClassCaps
from risk.services.assessment import risk_assess
from risk.services.backtest import backtest_execute, backtest_run_create, backtest_start
from risk.services.backtest_classes import ClassSimulation, ClassWindow
from tests.factories import cigarettes_body, random_selection_off, registered
from tests.payloads import plain_import_body

HIGH = ClassCaps(level="high", yellow_cap=Decimal("0.05"), red_cap=Decimal("0.01"))
NO_DRAW = Decimal("0.99999999")
DAY = date(2026, 3, 2)
KEYBOARDS_40 = {"name": "Keyboards +40", "conditions": [{"field": "items.hs_code", "op": "startswith", "value": "847160"}],
                "score": 40, "min_channel": ""}
TOBACCO = {"name": "Tobacco", "conditions": [{"field": "items.hs_code", "op": "startswith", "value": "2402"}],
           "score": 50, "min_channel": "red"}


def simulation(window_days=30, seed=None) -> ClassSimulation:
    return ClassSimulation(caps={"high": HIGH}, window_days=window_days, general_yellow=Decimal(0), general_red=Decimal(0),
                           seed=seed)


def test_score_selections_stop_at_the_cap_while_required_ones_pass():
    sim = simulation()
    channels = []
    for n in range(40):
        required = "red" if n % 10 == 5 else "green"  # tobacco now and then: red whatever the cap
        decision = sim.decide(level="high", day=DAY, score_channel="yellow", required_channel=required, draw=NO_DRAW,
                              fallback=False)
        channels.append(decision.channel)
    report = sim.result()["high"]
    # Allowed while selected < ceil(5 % × (assessed + 1)): the 1st and the 21st of the window.
    assert [i for i, channel in enumerate(channels) if channel == "yellow"] == [0, 20]
    assert [i for i, channel in enumerate(channels) if channel == "red"] == [5, 15, 25, 35]
    assert (report["declarations"], report["yellow_selected"], report["red_required"], report["red_selected"]) == (40, 2, 4, 0)
    assert (report["capped"], report["capped_yellow_to_green"]) == (34, 34)
    assert (report["yellow_selected_share"], report["yellow_cap"], report["yellow_over_cap"]) == ("0.0500", "0.05", False)


def test_red_over_its_cap_falls_to_yellow():
    sim = simulation()
    first = sim.decide(level="high", day=DAY, score_channel="red", required_channel="green", draw=NO_DRAW, fallback=False)
    second = sim.decide(level="high", day=DAY, score_channel="red", required_channel="green", draw=NO_DRAW, fallback=False)
    assert (first.channel, second.channel) == ("red", "yellow")
    report = sim.result()["high"]
    assert (report["red_selected"], report["yellow_selected"], report["capped_red_to_yellow"]) == (1, 1, 1)


def test_the_window_rolls_over_days():
    window = ClassWindow(days=30)
    window.add(DAY, {"assessed": 10, "yellow_selected": 3})
    assert window.counts_on(DAY + timedelta(days=29)).yellow_selected == 3  # the 30th day still sees it
    window.add(DAY + timedelta(days=29), {"assessed": 1})
    counts = window.counts_on(DAY + timedelta(days=30))
    assert (counts.assessed, counts.yellow_selected) == (1, 0)


def test_a_new_window_lets_selections_through_again():
    sim = simulation(window_days=7)
    for _ in range(10):
        sim.decide(level="high", day=DAY, score_channel="yellow", required_channel="green", draw=NO_DRAW, fallback=False)
    assert sim.decide(level="high", day=DAY + timedelta(days=6), score_channel="yellow", required_channel="green",
                      draw=NO_DRAW, fallback=False).channel == "green"
    assert sim.decide(level="high", day=DAY + timedelta(days=7), score_channel="yellow", required_channel="green",
                      draw=NO_DRAW, fallback=False).channel == "yellow"


def test_the_seed_fills_the_window_before_the_period():
    sim = simulation(seed={("high", DAY - timedelta(days=1)): {"assessed": 19, "yellow_selected": 1}})
    assert sim.decide(level="high", day=DAY, score_channel="yellow", required_channel="green", draw=NO_DRAW,
                      fallback=False).channel == "green"


# --- Through the backtest, on real declarations -----------------------------------------------

def today():
    return timezone.localdate()


@pytest.fixture
def history(trader1):
    """Six keyboards and then cigarettes of trader1 (high compliance), registered today and assessed with
    no rules and no random selection: all green, each assessment recording its class."""
    random_selection_off()
    declarations = [registered(trader1, plain_import_body()) for _ in range(6)]
    declarations.append(registered(trader1, cigarettes_body()))
    for declaration in declarations:
        risk_assess(declaration_id=declaration.pk)
    return declarations


def run_result(user, rules, **options) -> dict:
    run = backtest_start(user=user, rules=rules, date_from=today() - timedelta(days=1), date_to=today(), **options)
    return backtest_execute(run_id=run.pk).result


@pytest.mark.django_db
def test_the_candidate_is_capped_per_class_and_the_tobacco_rule_still_applies(history, risk_admin):
    result = run_result(risk_admin, [KEYBOARDS_40, TOBACCO])
    # The first keyboards of the window go yellow; the five after are over the high class's 5 % cap.
    assert result["channel_mix_candidate"] == {"yellow": 1, "green": 5, "red": 1}
    assert result["changed_total"] == 2
    classes = result["classes"]
    assert (classes["window_days"], classes["fallback"], classes["seeded"]) == (30, 0, False)
    high = classes["candidate"]["high"]
    assert (high["declarations"], high["yellow_selected"], high["red_selected"], high["red_required"]) == (7, 1, 0, 1)
    assert (high["capped"], high["capped_yellow_to_green"], high["random_yellow"]) == (5, 5, 0)
    assert (high["yellow_cap"], high["red_cap"], high["yellow_selected_share"]) == ("0.0500", "0.0100", "0.1429")
    assert classes["candidate"]["low"]["declarations"] == 0
    # The decisions taken: all green, in the class their assessment recorded.
    decided = classes["baseline"]["high"]
    assert (decided["declarations"], decided["yellow_selected"], decided["capped"], decided["not_told_apart"]) == (7, 0, 0, 0)


@pytest.mark.django_db
def test_the_class_is_the_one_at_the_assessment_or_the_current_level_for_old_ones(history, risk_admin):
    Enterprise.objects.filter(pk=history[0].enterprise_id).update(compliance_level=ComplianceLevel.LOW)
    old = Assessment.objects.get(declaration=history[0])
    old.thresholds = {key: value for key, value in old.thresholds.items() if key != "selectivity"}  # made before the caps
    old.save(update_fields=["thresholds"])
    result = run_result(risk_admin, [KEYBOARDS_40])
    classes = result["classes"]
    assert classes["fallback"] == 1
    assert (classes["candidate"]["high"]["declarations"], classes["candidate"]["low"]["declarations"]) == (6, 1)
    assert (classes["candidate"]["low"]["fallback"], classes["candidate"]["low"]["yellow_selected"]) == (1, 1)
    assert (classes["baseline"]["low"]["declarations"], classes["baseline"]["low"]["fallback"]) == (1, 1)


@pytest.mark.django_db
def test_the_live_counters_before_the_period_seed_the_window(history, risk_admin):
    SelectivityCounter.objects.create(compliance_level="high", day=today() - timedelta(days=2), assessed=10,
                                      yellow_selected=1)
    SelectivityCounter.objects.create(compliance_level="high", day=today() - timedelta(days=40), assessed=1,
                                      yellow_selected=1)  # outside the window: not read
    run = backtest_start(user=risk_admin, rules=[KEYBOARDS_40], date_from=today(), date_to=today())
    result = backtest_execute(run_id=run.pk).result
    assert result["classes"]["seeded"] is True
    assert result["channel_mix_candidate"] == {"green": 7}
    assert result["classes"]["candidate"]["high"]["capped"] == 6


@pytest.mark.django_db
def test_the_rules_in_force_run_again_are_capped_too(history, risk_admin):
    candidate = {"origin": "inline", "rule_id": None, "version": None, "name": "Keyboards +40", "name_en": "",
                 "conditions": KEYBOARDS_40["conditions"], "score": 40, "min_channel": ""}
    run = backtest_run_create(user=risk_admin, candidates=[candidate], date_from=today(), date_to=today(),
                              include_current=True, baseline=BacktestRun.Baseline.RULES_IN_FORCE)
    result = backtest_execute(run_id=run.pk).result
    assert (result["classes"]["baseline"]["high"]["declarations"], result["classes"]["baseline"]["high"]["capped"]) == (7, 0)
    assert (result["classes"]["candidate"]["high"]["yellow_selected"], result["classes"]["candidate"]["high"]["capped"]) == (1, 5)
