"""Caps and random selection per compliance class through `risk_assess` on real declarations
(risk/selectivity.py decides; risk/services/assessment.py locks the class, reads its window and
counts the decision). docs/decisions.md, "Inspection caps and random selection per class"."""
import threading
from datetime import timedelta
from decimal import Decimal
from itertools import count

import pytest
from django.db import connection
from django.utils import timezone
from django.utils.translation import override

from customs_portal.accounts.models import Enterprise
from declarations.models import Declaration
from risk.explanation import risk_explanation
from risk.models import ClassSelectivity, RiskSettings, SelectivityCounter
from risk.selectivity import decision_from_json
from risk.services.assessment import random_draw_for, risk_assess
from risk.services.rules import risk_rule_create
from tests.factories import cigarettes_body, random_selection_off, registered, risk_admin_create, trader1_create
from tests.payloads import import_body
from tests.support import on_own_connection, rows_added_delete, table_id_marks

pytestmark = pytest.mark.django_db


@pytest.fixture
def rules(risk_admin):
    """China scores 30 (yellow by the score), "over 70" 80 (red by the score), tobacco red by its minimum channel."""
    random_selection_off()
    risk_rule_create(user=risk_admin, data={
        "name": "China", "conditions": [{"field": "partner.country", "op": "eq", "value": "CN"}], "score": 30,
        "active": True})
    risk_rule_create(user=risk_admin, data={
        "name": "Thailand", "conditions": [{"field": "partner.country", "op": "eq", "value": "TH"}], "score": 80,
        "active": True})
    risk_rule_create(user=risk_admin, data={
        "name": "Tobacco", "conditions": [{"field": "items.hs_code", "op": "startswith", "value": "2402"}],
        "score": 0, "min_channel": "red", "active": True})


def thai_body() -> dict:
    body = import_body()
    return {**body, "partner": {**body["partner"], "country": "TH"}}


def window(level: str) -> dict:
    row = SelectivityCounter.objects.get(compliance_level=level, day=timezone.localdate())
    return {name: getattr(row, name) for name in ("assessed", "yellow_selected", "red_selected", "yellow_required",
                                                  "red_required", "random_yellow", "random_red")}


def history(level: str, **counts) -> None:
    """The class's earlier decisions of the window, as its counters hold them (yesterday's bucket)."""
    SelectivityCounter.objects.create(compliance_level=level, day=timezone.localdate() - timedelta(days=1), **counts)


def test_over_its_cap_a_class_gets_no_more_score_selections_while_a_minimum_channel_still_applies(trader1, rules):
    first = risk_assess(declaration_id=registered(trader1).pk)  # high class, empty window
    second = risk_assess(declaration_id=registered(trader1).pk)
    tobacco = risk_assess(declaration_id=registered(trader1, cigarettes_body()).pk)

    assert (first.channel, first.thresholds["selectivity"]["reason"]) == ("yellow", "score")
    # ceil(5 % × 2) = 1 yellow of 2: the class is at its cap.
    assert (second.score, second.score_channel, second.channel) == (30, "yellow", "green")
    assert second.thresholds["selectivity"]["reason"] == "capped_yellow_to_green"
    assert Declaration.objects.get(pk=second.declaration_id).status in ("assessed", "cleared")
    assert (tobacco.channel, tobacco.thresholds["selectivity"]["reason"]) == ("red", "required")
    assert window("high") == {"assessed": 3, "yellow_selected": 1, "red_selected": 0, "yellow_required": 0,
                              "red_required": 1, "random_yellow": 0, "random_red": 0}
    # Once the window has room again (20 more assessed), the score selects again.
    SelectivityCounter.objects.filter(compliance_level="high").update(assessed=22)
    assert risk_assess(declaration_id=registered(trader1).pk).channel == "yellow"


def test_the_cap_is_per_class(trader1, trader2, rules):
    risk_assess(declaration_id=registered(trader1).pk)
    assert risk_assess(declaration_id=registered(trader1).pk).channel == "green"
    # trader2 is new: its class has its own window.
    assert risk_assess(declaration_id=registered(trader2).pk).channel == "yellow"


def test_red_over_its_cap_falls_to_yellow_then_to_green(trader1, rules):
    history("high", assessed=100, red_selected=2)  # ceil(1 % × 101) = 2: red at its cap, yellow under
    to_yellow = risk_assess(declaration_id=registered(trader1, thai_body()).pk)
    assert (to_yellow.score_channel, to_yellow.channel) == ("red", "yellow")
    assert to_yellow.thresholds["selectivity"]["reason"] == "capped_red_to_yellow"

    SelectivityCounter.objects.filter(compliance_level="high").exclude(day=timezone.localdate()).update(yellow_selected=5)
    to_green = risk_assess(declaration_id=registered(trader1, thai_body()).pk)
    assert (to_green.score_channel, to_green.channel) == ("red", "green")
    assert to_green.thresholds["selectivity"]["reason"] == "capped_red_to_green"
    assert window("high")["yellow_selected"] == 1 and window("high")["red_selected"] == 0


def test_the_first_declaration_of_an_empty_window_is_selected_by_its_score(trader1, rules):
    assessment = risk_assess(declaration_id=registered(trader1, thai_body()).pk)
    assert (assessment.channel, assessment.thresholds["selectivity"]["reason"]) == ("red", "score")
    assert assessment.thresholds["selectivity"]["counts"]["assessed"] == 0
    assert window("high")["red_selected"] == 1


def test_the_window_holds_only_its_days(trader1, rules):
    SelectivityCounter.objects.create(compliance_level="high", day=timezone.localdate() - timedelta(days=30),
                                      assessed=1, yellow_selected=1)
    # 30 days ago is outside a window of 30 days (today and the 29 before): the first yellow of the window.
    assert risk_assess(declaration_id=registered(trader1).pk).channel == "yellow"
    RiskSettings.objects.filter(pk=1).update(cap_window_days=31)
    assessment = risk_assess(declaration_id=registered(trader1).pk)
    assert assessment.thresholds["selectivity"]["counts"]["yellow_selected"] == 2
    assert assessment.channel == "green"


def key_drawing(declaration, settings, below: Decimal, above: Decimal = Decimal(0)) -> str:
    """A selection key under which the declaration's draw is in [above, below)."""
    for n in count():
        settings.RISK_SELECTION_KEY = f"test-key-{n}"
        if above <= random_draw_for(declaration) < below:
            return settings.RISK_SELECTION_KEY
    raise AssertionError("unreachable")


@pytest.fixture
def low_class(trader1):
    Enterprise.objects.filter(pk=trader1.enterprise_id).update(compliance_level="low")
    RiskSettings.objects.update_or_create(pk=1, defaults={"random_yellow_rate": 0, "random_red_rate": 0})
    return trader1


def test_a_low_class_is_drawn_at_its_minimum_rate_when_the_general_rate_is_zero(low_class, settings):
    red = registered(low_class, import_body())
    key_drawing(red, settings, below=Decimal("0.02"))  # the low class's minimum random red: 2 %
    assessment = risk_assess(declaration_id=red.pk)
    assert (assessment.channel, assessment.random_selection) == ("red", True)
    assert assessment.thresholds["selectivity"]["reason"] == "random"
    assert assessment.thresholds["selectivity"]["random_red_rate"] == "0.0200"

    yellow = registered(low_class, import_body())
    key_drawing(yellow, settings, above=Decimal("0.02"), below=Decimal("0.07"))  # then 5 % to yellow
    assert risk_assess(declaration_id=yellow.pk).channel == "yellow"

    green = registered(low_class, import_body())
    key_drawing(green, settings, above=Decimal("0.07"), below=Decimal("0.2"))
    assert risk_assess(declaration_id=green.pk).channel == "green"
    assert window("low") == {"assessed": 3, "yellow_selected": 1, "red_selected": 1, "yellow_required": 0,
                             "red_required": 0, "random_yellow": 1, "random_red": 1}


def test_a_high_class_with_the_same_draw_is_not_drawn(trader1, settings):
    RiskSettings.objects.update_or_create(pk=1, defaults={"random_yellow_rate": 0, "random_red_rate": 0})
    declaration = registered(trader1, import_body())
    key_drawing(declaration, settings, below=Decimal("0.02"))
    assessment = risk_assess(declaration_id=declaration.pk)
    assert (assessment.channel, assessment.random_selection) == ("green", False)


def test_random_selection_is_not_blocked_by_the_cap(low_class, settings):
    history("low", assessed=10, yellow_selected=9, red_selected=9)
    declaration = registered(low_class, import_body())
    key_drawing(declaration, settings, below=Decimal("0.02"))
    assert risk_assess(declaration_id=declaration.pk).channel == "red"


def test_the_stored_explanation_reproduces_the_decision(trader1, rules):
    assessments = [risk_assess(declaration_id=registered(trader1, body).pk)
                   for body in (import_body(), import_body(), thai_body(), cigarettes_body())]
    for assessment in assessments:
        stored = assessment.thresholds["selectivity"]
        again = decision_from_json(stored, draw=assessment.random_draw)
        assert (again.channel, again.reason, again.increments) == (assessment.channel, stored["reason"], stored["increments"])
        assert again.as_json() == {k: v for k, v in stored.items() if k not in ("window_days", "day", "counted")}


def test_the_officer_reads_why_the_cap_made_it_green(trader1, rules):
    history("high", assessed=18, yellow_selected=1)
    declaration = registered(trader1)
    risk_assess(declaration_id=declaration.pk)
    with override("en"):
        text = risk_explanation(declaration=declaration)["selectivity"]
    assert text == ("Score 30 ≥ 30, but class High is at 5.6 % document checks in the last 30 days against a 5 % cap: "
                    "green by the cap.")
    with override("vi"):
        text = risk_explanation(declaration=declaration)["selectivity"]
    assert text == ("Điểm 30 ≥ 30, nhưng nhóm Cao đang ở mức 5,6 % kiểm tra hồ sơ trong 30 ngày qua so với mức trần "
                    "5 %: luồng xanh do mức trần.")


def test_an_assessment_without_caps_renders_as_before(trader1, rules):
    declaration = registered(trader1)
    assessment = risk_assess(declaration_id=declaration.pk)
    thresholds = {k: v for k, v in assessment.thresholds.items() if k != "selectivity"}
    type(assessment).objects.filter(pk=assessment.pk).update(thresholds=thresholds)
    explanation = risk_explanation(declaration=declaration)
    assert explanation["selectivity"] == ""
    assert explanation["random_yellow_pct"] == "0 %"


# --- Two assessments of one class at once -------------------------------------------------------
# The threads must see committed rows: what they use is made on connections of their own and
# deleted afterwards by id (tests/support.py: table_id_marks, rows_added_delete).

@pytest.fixture
def committed():
    marks = on_own_connection(table_id_marks)
    settings_row = on_own_connection(lambda: list(RiskSettings.objects.filter(pk=1).values()))
    classes = on_own_connection(lambda: list(ClassSelectivity.objects.values()))
    yield
    on_own_connection(lambda: rows_added_delete(marks))

    def restore():
        for row in classes:
            ClassSelectivity.objects.filter(pk=row["id"]).update(**row)
        for row in settings_row:
            RiskSettings.objects.filter(pk=1).update(**row)
    on_own_connection(restore)


def test_two_assessments_of_one_class_at_once_never_both_pass_the_cap(committed):
    def setup():
        random_selection_off()
        risk_rule_create(user=risk_admin_create(), data={
            "name": "China (concurrency)", "conditions": [{"field": "partner.country", "op": "eq", "value": "CN"}],
            "score": 30, "active": True})
        trader = trader1_create()
        return [registered(trader).pk for _ in range(2)]

    ids = on_own_connection(setup)
    barrier, errors = threading.Barrier(2), []

    def assess(declaration_id):
        try:
            barrier.wait()
            risk_assess(declaration_id=declaration_id)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=assess, args=(pk,)) for pk in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    channels = sorted(Declaration.objects.filter(pk__in=ids).values_list("channel", flat=True))
    # An empty window lets one score-based yellow through (ceil(5 % × 1) = 1), never two.
    assert channels == ["green", "yellow"]
    row = SelectivityCounter.objects.get(compliance_level="high", day=timezone.localdate())
    assert (row.assessed, row.yellow_selected) == (2, 1)
