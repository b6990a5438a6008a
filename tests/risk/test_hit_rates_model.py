"""Hit rates of the learned model: per model version, the checks its score was on, by band of that score
(≥ 0.8, 0.5–0.8, < 0.5), with the rule list's "check with a result" and "found" (decisions through the
services); and the checks selected by the rules on model.score, together and each as a rule. One query;
the page and the API read the same."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from declarations.models import Declaration
from declarations.services.review import declaration_decide
from risk.learned_models import RiskModelVersion
from risk.models import Assessment
from risk.selectors.hit_rates import HitRate, hit_rates
from risk.services.assessment import risk_assess
from risk.services.rules import risk_rule_create
from tests.factories import class_caps_off, random_selection_off, registered
from tests.payloads import import_body, plain_import_body
from tests.support import client_for, html_of

pytestmark = pytest.mark.django_db

KEYBOARDS = {"name": "Keyboards", "name_en": "Keyboards", "score": 0, "min_channel": "yellow", "active": True,
             "conditions": [{"field": "items.hs_code", "op": "startswith", "value": "847160"}]}
MODEL_RULE = {"name": "Model at least 0.8", "name_en": "Model at least 0.8", "score": 0, "min_channel": "", "active": True,
              "conditions": [{"field": "model.score", "op": "gte", "value": "0.8"}]}


def scored(user, body, *, version: RiskModelVersion, score: str, model_rule=None) -> Declaration:
    """A declaration registered and assessed, whose assessment the model `version` scored `score` (and on
    which the rule on model.score fired, when given), as the clearance stores it with a model active."""
    declaration = registered(user, body)
    risk_assess(declaration_id=declaration.pk)
    assessment = Assessment.objects.get(declaration=declaration)
    assessment.model_version, assessment.model_score = version, Decimal(score)
    assessment.save(update_fields=["model_version", "model_score"])
    if model_rule is not None:
        assessment.rule_versions.add(model_rule.current)
    return Declaration.objects.get(pk=declaration.pk)


def decide(declaration, officer, action, **fields):
    declaration_decide(declaration_id=declaration.pk, officer=officer, action=action, **fields)


@pytest.fixture
def checks(trader1, officer, risk_admin):
    """Yellow checks (the keyboards rule) scored by model v2 and v1, concluded or not, found or not; a green
    declaration v2 scored high; a check scored before the period."""
    random_selection_off()
    class_caps_off()
    risk_rule_create(user=risk_admin, data=KEYBOARDS)
    model_rule = risk_rule_create(user=risk_admin, data=MODEL_RULE)
    v1 = RiskModelVersion.objects.create(number=1, state=RiskModelVersion.State.READY)
    v2 = RiskModelVersion.objects.create(number=2, state=RiskModelVersion.State.READY)
    plain = plain_import_body
    high_found = scored(trader1, plain(), version=v2, score="0.9100", model_rule=model_rule)
    high_cleared = scored(trader1, plain(), version=v2, score="0.8000", model_rule=model_rule)
    high_open = scored(trader1, plain(), version=v2, score="0.9500", model_rule=model_rule)
    medium_inspected = scored(trader1, plain(), version=v2, score="0.6200")
    low_cleared = scored(trader1, plain(), version=v2, score="0.3000")
    v1_medium_rejected = scored(trader1, plain(), version=v1, score="0.5000")
    v1_low_cleared = scored(trader1, plain(), version=v1, score="0.1000")
    green = scored(trader1, import_body(), version=v2, score="0.9900")
    before = scored(trader1, plain(), version=v1, score="0.9000")
    assert {d.channel for d in (high_found, high_cleared, high_open, medium_inspected, low_cleared, v1_medium_rejected,
                                v1_low_cleared, before)} == {"yellow"}
    assert green.channel == "green"
    decide(high_found, officer, "reject", reason="The invoice is forged.")
    decide(high_cleared, officer, "release", note="Documents in order.")
    decide(medium_inspected, officer, "escalate", note="Seals broken.")
    decide(medium_inspected, officer, "record_inspection", discrepancy=True, findings="300 keyboards, not 200.")
    decide(low_cleared, officer, "release")
    decide(v1_medium_rejected, officer, "reject", reason="Undervalued.")
    decide(v1_low_cleared, officer, "release")
    decide(before, officer, "reject", reason="Undervalued.")
    Assessment.objects.filter(declaration=before).update(created_at=timezone.now() - timedelta(days=120))
    return {"v1": v1, "v2": v2, "model_rule": model_rule}


def period():
    today = timezone.localdate()
    return {"date_from": today - timedelta(days=90), "date_to": today}


def test_checks_by_model_version_and_band_in_one_query(checks, django_assert_num_queries):
    with django_assert_num_queries(1):
        rates = hit_rates(**period())
    assert [(m.number, m.version_id) for m in rates.models] == [(2, checks["v2"].pk), (1, checks["v1"].pk)]
    v2, v1 = rates.models
    assert v2.bands == {"high": HitRate(2, 1), "medium": HitRate(1, 1), "low": HitRate(1, 0)}
    assert (v2.total, v2.total.rate) == (HitRate(4, 2), Decimal("0.5000"))
    assert v1.bands == {"high": HitRate(0, 0), "medium": HitRate(1, 1), "low": HitRate(1, 0)}
    assert v1.total == HitRate(2, 1)
    # The rule on model.score: together, and as a rule of its own (same checks).
    assert rates.model_rules == HitRate(2, 1)
    assert rates.of_rule(checks["model_rule"].pk) == HitRate(2, 1)


def test_the_period_is_that_of_the_assessments(checks):
    today = timezone.localdate()
    earlier = hit_rates(date_from=today - timedelta(days=200), date_to=today - timedelta(days=100))
    assert [(m.number, m.bands) for m in earlier.models] == [
        (1, {"high": HitRate(1, 1), "medium": HitRate(0, 0), "low": HitRate(0, 0)})]
    assert earlier.model_rules == HitRate(0, 0)  # the rule on model.score did not fire on it
    nothing = hit_rates(date_from=today - timedelta(days=400), date_to=today - timedelta(days=300))
    assert (nothing.models, nothing.model_rules) == ((), HitRate(0, 0))


def test_the_api_adds_models_and_keeps_its_keys(checks, risk_admin, api_client_for):
    body = api_client_for(risk_admin).get("/api/v1/risk/rules/hit-rates/").json()
    assert set(body) == {"date_from", "date_to", "random_selection", "rules", "models"}
    assert body["random_selection"] == {"checked": 0, "found": 0, "hit_rate": None}
    assert {rule["name"]: (rule["checked"], rule["found"]) for rule in body["rules"]} == {
        "Keyboards": (6, 3), "Model at least 0.8": (2, 1)}

    def counts(checked, found, rate):
        return {"checked": checked, "found": found, "hit_rate": rate}

    assert body["models"] == {
        "versions": [
            {"version": 2, "bands": {"high": counts(2, 1, "0.5000"), "medium": counts(1, 1, "1.0000"),
                                     "low": counts(1, 0, "0.0000")}, "all": counts(4, 2, "0.5000")},
            {"version": 1, "bands": {"high": counts(0, 0, None), "medium": counts(1, 1, "1.0000"),
                                     "low": counts(1, 0, "0.0000")}, "all": counts(2, 1, "0.5000")},
        ],
        "rules_on_score": counts(2, 1, "0.5000"),
    }


def test_the_rule_list_shows_them(checks, risk_admin):
    html = html_of(client_for(risk_admin).get(reverse("risk:rule-list")))
    row = html.split('<tr data-model-version="2">', 1)[1].split("</tr>", 1)[0]
    values = [cell.split(">", 1)[1].split("</td>", 1)[0].strip() for cell in row.split("<td")[1:]]
    assert values == ["2", "1", "50.0 %", "1", "1", "100.0 %", "1", "0", "0.0 %", "4", "2", "50.0 %"]
    assert '<tr data-model-version="1">' in html
    rules_row = html.split('id="model-rules-hit-rate"', 1)[1].split("</tr>", 1)[0]
    assert [cell.split(">", 1)[1].split("</td>", 1)[0].strip() for cell in rules_row.split("<td")[1:]] == [
        "2", "1", "50.0 %"]
    model_rule_row = html.split(f'<tr data-rule-id="{checks["model_rule"].pk}"', 1)[1].split("</tr>", 1)[0]
    assert 'data-checked>2</td>' in model_rule_row and 'data-found>1</td>' in model_rule_row
