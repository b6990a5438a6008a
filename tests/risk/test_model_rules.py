"""`model.score` in the rules' language: the API and the rule form take it from 0 to 1 (a risk admin who
types 80 for 80 % is told so, rather than saving a rule that never fires), the form offers it in its own
group, and a condition on it reads in words in both languages, alone and as the reason a rule fired."""
import pytest
from django.urls import reverse
from django.utils import translation

from risk.conditions import ConditionError, condition_validate
from risk.explanation import risk_explanation
from risk.forms.conditions import condition_describe, grouped_fields
from risk.models import RiskRule, RiskRuleVersion
from risk.services.assessment import risk_assess
from risk.services.rules import risk_rule_create
from tests.factories import random_selection_off, registered
from tests.payloads import rule_post
from tests.support import client_for

pytestmark = pytest.mark.django_db
RULES = "/api/v1/risk/rules/"


def model_rule(value, op: str = "gte") -> dict:
    return {"name": "Model", "score": 40, "conditions": [{"field": "model.score", "op": op, "value": value}]}


@pytest.mark.parametrize("value, stored", [("0.8", "0.8"), (0.8, "0.8"), ("0", "0"), (1, "1"), ("1.0000", "1.0000")])
def test_a_score_from_0_to_1_is_taken(value, stored):
    assert condition_validate({"field": "model.score", "op": "gte", "value": value})["value"] == stored


@pytest.mark.parametrize("condition", [
    {"field": "model.score", "op": "gte", "value": "80"},
    {"field": "model.score", "op": "lt", "value": -0.1},
    {"field": "model.score", "op": "in", "value": ["0.5", "1.5"]},
])
def test_a_score_outside_0_to_1_is_refused(condition):
    with pytest.raises(ConditionError):
        condition_validate(condition)


def test_the_api_takes_a_rule_on_the_score_and_refuses_a_percentage(risk_admin, api_client_for):
    client = api_client_for(risk_admin)
    created = client.post(RULES, model_rule(0.8), format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["conditions"] == [{"field": "model.score", "op": "gte", "value": "0.8"}]

    refused = client.post(RULES, model_rule(80), format="json")
    assert refused.status_code == 400
    assert refused.json()["conditions"] == ["[0] model.score is a number from 0 to 1, not 80."]
    in_vietnamese = client.post(RULES, model_rule("1.5"), format="json", HTTP_ACCEPT_LANGUAGE="vi")
    assert in_vietnamese.json()["conditions"] == ["[0] model.score là một số từ 0 đến 1, không phải 1,5."]
    assert RiskRuleVersion.objects.count() == 1


def test_the_form_offers_the_score_in_its_own_group(risk_admin):
    with translation.override("en"):
        assert ("Learned model", [("model.score", "Learned model's score (0–1)")]) in grouped_fields()
    html = client_for(risk_admin, "vi").get(reverse("risk:rule-create")).content.decode()
    assert ('<optgroup label="Mô hình học máy">\n            <option value="model.score">'
            "Điểm rủi ro của mô hình học máy (0–1)</option>") in html


def model_row(value: str) -> dict:
    return rule_post(**{"cond-3-field": None, "cond-3-op": None, "cond-3-value": None,
                        "cond-0-field": "model.score", "cond-0-op": "gte", "cond-0-value": value})


def test_the_form_reads_the_score_the_vietnamese_way(risk_admin):
    response = client_for(risk_admin, "vi").post(reverse("risk:rule-create"), model_row("0,8"))
    assert response.status_code == 302, response.context["form"].summary
    assert RiskRule.objects.get().current.conditions == [{"field": "model.score", "op": "gte", "value": "0.8"}]


def test_the_form_tells_a_percentage_from_a_score_on_its_row(risk_admin):
    response = client_for(risk_admin, "vi").post(reverse("risk:rule-create"), model_row("80"))
    assert response.status_code == 200
    assert response.context["form"].rows[0].errors == ["model.score là một số từ 0 đến 1, không phải 80."]
    assert not RiskRule.objects.exists()


def test_a_condition_on_the_score_in_words():
    condition = {"field": "model.score", "op": "gte", "value": "0.8"}
    with translation.override("vi"):
        described = condition_describe(condition)
        assert (described["text"], described["field"], described["values"]) == (
            "Điểm của mô hình học máy từ 0,8 trở lên", "Điểm rủi ro của mô hình học máy (0–1)", ["0,8"])
    with translation.override("en"):
        assert condition_describe(condition)["text"] == "The learned model's score is at least 0.8"
    assert condition_describe(condition)["raw"] == "model.score ≥ 0.8"


def test_the_reason_a_rule_on_the_score_fired_reads_with_the_score_found(trader1, risk_admin, active_model):
    random_selection_off()
    risk_rule_create(user=risk_admin, data={**model_rule("0.0"), "active": True})
    declaration = registered(trader1)
    assessment = risk_assess(declaration_id=declaration.pk)
    found = format(assessment.model_score.normalize(), "f")
    with translation.override("en"):
        [reason] = risk_explanation(declaration=declaration)["rules"][0]["reasons"]
    assert reason["text"] == f"The learned model's score is at least 0 (model's score: {found})"
    assert (reason["field"], reason["op"]) == ("model.score", "≥")
    with translation.override("vi"):
        [reason] = risk_explanation(declaration=declaration)["rules"][0]["reasons"]
    assert reason["text"] == f"Điểm của mô hình học máy từ 0 trở lên (điểm của mô hình: {found.replace('.', ',')})"
