"""The learned model in the clearance decision (risk/services/assessment.py, risk/services/model_score.py):
the active version's score is the rules' `model.score`, the assessment keeps the version, the score and
the factors, the caps per class still apply, and the model costs the assessment one indexed query.

The model is trained on synthetic history in the portal's vocabulary (tests/risk/conftest.py). No time
is asserted here: bench/risk_model.py measures the scoring time."""
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from declarations.models import Declaration
from risk.learned.explain import TOP_FACTORS
from risk.selectors import declaration_items_for_facts
from risk.services.assessment import risk_assess
from risk.services.model_score import active_model, declaration_model_score
from risk.services.risk_model import risk_model_activate, risk_model_deactivate, risk_model_rollback
from risk.services.rules import risk_rule_create
from tests.factories import UserFactory, class_caps_off, random_selection_off, registered
from tests.payloads import import_body, plain_import_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_random(db):
    random_selection_off()


def model_rule(risk_admin, op: str, value: str, *, score: int = 30, name: str = "Model"):
    return risk_rule_create(user=risk_admin, data={
        "name": name, "conditions": [{"field": "model.score", "op": op, "value": value}], "score": score, "active": True})


def expected_score(declaration_id: int):
    """What the model says of the declaration now, computed apart from the assessment."""
    declaration = Declaration.objects.select_related("enterprise").get(pk=declaration_id)
    return declaration_model_score(declaration=declaration, items=declaration_items_for_facts(declaration_id=declaration_id))


def test_the_assessment_keeps_the_version_the_score_and_the_factors(trader1, no_random, active_model):
    declaration = registered(trader1)
    assessment = risk_assess(declaration_id=declaration.pk)
    expected = expected_score(declaration.pk)
    assessment.refresh_from_db()

    assert assessment.model_version_id == active_model.pk
    assert expected.number == active_model.number
    assert assessment.model_score == expected.score
    assert Decimal(0) <= assessment.model_score <= Decimal(1)
    assert assessment.model_score == assessment.model_score.quantize(Decimal("0.0001"))
    assert expected.line_no in (1, 2)
    assert assessment.model_factors == [{**factor, "line_no": expected.line_no} for factor in expected.factors]
    assert 1 <= len(assessment.model_factors) <= TOP_FACTORS
    for factor in assessment.model_factors:
        assert set(factor) == {"factor", "subject", "contribution", "params", "line_no"}
        assert factor["factor"] in ("record", "unit_value", "number", "category")
    contributions = [abs(factor["contribution"]) for factor in assessment.model_factors]
    assert contributions == sorted(contributions, reverse=True)


def test_the_model_learned_the_portals_own_parties(trader1, trader2, no_random, active_model):
    """trader2's enterprise was found at fault in most of its synthetic history, trader1's seldom."""
    compliant = risk_assess(declaration_id=registered(trader1).pk)
    risky = risk_assess(declaration_id=registered(trader2).pk)
    assert risky.model_score > compliant.model_score
    assert any(factor["factor"] == "record" and factor["subject"].startswith("importer") for factor in risky.model_factors)


def test_an_enterprise_the_model_never_saw_still_gets_a_score(no_random, active_model):
    newcomer = UserFactory()
    assessment = risk_assess(declaration_id=registered(newcomer).pk)
    assert assessment.model_version_id == active_model.pk
    assert Decimal(0) <= assessment.model_score <= Decimal(1)
    assert assessment.model_score == expected_score(assessment.declaration_id).score


def test_a_rule_on_the_score_adds_its_score_and_moves_the_channel(trader1, risk_admin, no_random, active_model):
    rule = model_rule(risk_admin, "gte", "0")
    declaration = registered(trader1)
    assessment = risk_assess(declaration_id=declaration.pk)

    assert (assessment.score, assessment.score_channel, assessment.channel) == (30, "yellow", "yellow")
    (fired,) = assessment.fired_rules
    assert (fired["rule"], fired["name"], fired["score"]) == (rule.pk, "Model", 30)
    (reason,) = fired["reason"]
    assert (reason["field"], reason["op"], reason["value"]) == ("model.score", "gte", "0")
    assert Decimal(str(reason["actual"])) == assessment.model_score
    assert Declaration.objects.get(pk=declaration.pk).status == "under_review"


def test_a_rule_above_any_score_never_fires(trader1, risk_admin, no_random, active_model):
    model_rule(risk_admin, "gt", "1")
    assessment = risk_assess(declaration_id=registered(trader1).pk)
    assert (assessment.score, assessment.channel, assessment.fired_rules) == (0, "green", [])
    assert assessment.model_score is not None


def test_the_threshold_decides(trader1, trader2, risk_admin, no_random, active_model):
    """A threshold between two declarations' scores selects the one above it only."""
    class_caps_off()
    compliant, risky = registered(trader1), registered(trader2)
    low, high = expected_score(compliant.pk).score, expected_score(risky.pk).score
    assert low < high
    model_rule(risk_admin, "gte", str(high), score=40)
    assert risk_assess(declaration_id=compliant.pk).channel == "green"
    selected = risk_assess(declaration_id=risky.pk)
    assert (selected.score, selected.channel) == (40, "yellow")


def test_without_an_active_model_no_rule_on_the_score_fires(trader1, risk_admin, no_random, model_version_ready):
    model_version_ready()  # trained, never activated
    model_rule(risk_admin, "gte", "0", name="At least 0")
    model_rule(risk_admin, "lt", "1", name="Below 1")
    model_rule(risk_admin, "ne", "0.5", name="Not a half")
    assessment = risk_assess(declaration_id=registered(trader1).pk)

    assert (assessment.score, assessment.channel, assessment.fired_rules) == (0, "green", [])
    assert (assessment.model_version, assessment.model_score, assessment.model_factors) == (None, None, [])


def test_a_deactivated_model_scores_no_more(trader1, risk_admin, no_random, active_model):
    model_rule(risk_admin, "gte", "0")
    class_caps_off()
    assert risk_assess(declaration_id=registered(trader1).pk).channel == "yellow"
    risk_model_deactivate(user=risk_admin)
    after = risk_assess(declaration_id=registered(trader1).pk)
    assert (after.channel, after.model_version_id, after.model_score) == ("green", None, None)


def test_a_rule_on_the_score_is_capped_like_any_score_selection(trader1, risk_admin, no_random, active_model):
    """High class, empty window: the first yellow by the score is selected, the second is over the 5 % cap."""
    model_rule(risk_admin, "gte", "0")
    first = risk_assess(declaration_id=registered(trader1).pk)
    second = risk_assess(declaration_id=registered(trader1).pk)

    assert (first.score_channel, first.channel, first.thresholds["selectivity"]["reason"]) == ("yellow", "yellow", "score")
    assert (second.score, second.score_channel, second.channel) == (30, "yellow", "green")
    assert second.thresholds["selectivity"]["reason"] == "capped_yellow_to_green"
    assert second.fired_rules[0]["name"] == "Model"


def test_the_next_assessment_uses_the_version_activated_meanwhile(trader1, risk_admin, no_random, model_version_ready):
    first_version, second_version = model_version_ready(seed=7), model_version_ready(seed=11)
    risk_model_activate(version_id=first_version.pk, user=risk_admin)
    before = risk_assess(declaration_id=registered(trader1).pk)
    assert before.model_version_id == first_version.pk
    assert active_model()[:2] == (first_version.pk, first_version.number)

    risk_model_activate(version_id=second_version.pk, user=risk_admin)
    declaration = registered(trader1)
    after = risk_assess(declaration_id=declaration.pk)
    assert after.model_version_id == second_version.pk
    assert active_model()[:2] == (second_version.pk, second_version.number)
    assert after.model_score == expected_score(declaration.pk).score

    risk_model_rollback(user=risk_admin)
    assert risk_assess(declaration_id=registered(trader1).pk).model_version_id == first_version.pk


def _artifact_reads(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if '"risk_riskmodelversion"."artifact"' in q["sql"]]


def test_the_model_costs_the_assessment_at_most_one_query(trader1, no_random, model_version_ready, risk_admin):
    """The active version is one indexed read per assessment (made with or without a model); its artifact is
    read once per process and kept until another version is activated."""
    risk_assess(declaration_id=registered(trader1, plain_import_body()).pk)  # rule set, settings, counters warm
    without = registered(trader1, plain_import_body())
    with CaptureQueriesContext(connection) as no_model:
        risk_assess(declaration_id=without.pk)

    version = model_version_ready()
    risk_model_activate(version_id=version.pk, user=risk_admin)
    cold, warm = registered(trader1, plain_import_body()), registered(trader1, plain_import_body())
    with CaptureQueriesContext(connection) as first:
        assert risk_assess(declaration_id=cold.pk).model_version_id == version.pk
    with CaptureQueriesContext(connection) as next_one:
        assert risk_assess(declaration_id=warm.pk).model_version_id == version.pk

    assert len(_artifact_reads(first)) == 1
    assert len(first) == len(next_one) + 1
    assert _artifact_reads(next_one) == []
    assert len(next_one) <= len(no_model) + 1


def test_a_declaration_of_several_items_is_scored_by_its_most_suspicious_item(trader1, no_random, active_model):
    body = import_body()
    body["items"] = [*body["items"], {"hs_code": "24022090", "description": "Cigarettes", "origin_country": "ID",
                                      "quantity": "10000", "unit": "PCE", "unit_price": "0.05", "preference": "MFN"}]
    body["invoice"] = {**body["invoice"], "total": "27000.00"}
    declaration = registered(trader1, body)
    assessment = risk_assess(declaration_id=declaration.pk)
    items = declaration_items_for_facts(declaration_id=declaration.pk)
    declaration = Declaration.objects.select_related("enterprise").get(pk=declaration.pk)
    per_item = {item.line_no: declaration_model_score(declaration=declaration, items=[item]).score for item in items}
    assert assessment.model_score == max(per_item.values())
    assert per_item[assessment.model_factors[0]["line_no"]] == assessment.model_score
