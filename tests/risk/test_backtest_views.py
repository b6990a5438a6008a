"""The backtest pages: rules are picked from the list (no JSON in the browser) and named by name and
version everywhere ("Thuốc lá (v2)", not "rule 19 v1"); the rule form backtests the rule as typed."""
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from risk.models import BacktestRun, RiskRule
from risk.services.backtest import backtest_execute
from risk.services.rules import risk_rule_create, risk_rule_update

pytestmark = pytest.mark.django_db
TOBACCO = {"name_vi": "Thuốc lá", "name_en": "Tobacco", "score": 60, "min_channel": "red",
           "conditions": [{"field": "items.hs_code", "op": "startswith", "value": "2402"}]}


def client_for(user, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


@pytest.fixture
def tobacco_v2(risk_admin):
    rule = risk_rule_create(user=risk_admin, data=dict(TOBACCO))
    return risk_rule_update(rule=rule, user=risk_admin, data={"score": 70})


def rule_form_post(**overrides) -> dict:
    today = timezone.localdate().strftime("%d/%m/%Y")
    data = {"name_vi": "Thuốc lá mới", "name_en": "", "description_vi": "", "description_en": "", "score": "60",
            "min_channel": "red", "valid_from": "", "valid_to": "", "change_note": "",
            "cond-0-field": "items.hs_code", "cond-0-op": "startswith", "cond-0-value": "2402",
            "backtest_from": today, "backtest_to": today}
    return {**data, **overrides}


@pytest.mark.parametrize("language, label", [("vi", "Thuốc lá (v2)"), ("en", "Tobacco (v2)")])
def test_the_backtest_page_picks_named_rules_and_has_no_json(risk_admin, tobacco_v2, language, label):
    html = client_for(risk_admin, language).get(reverse("risk:backtest")).content.decode()
    assert "<textarea" not in html and "inline_rules" not in html
    assert f'<input class="form-check-input" type="checkbox" name="rules" value="{tobacco_v2.pk}">' in html
    assert f'<span class="fw-semibold rule-pick-name">{label}</span>' in html


def test_a_run_names_its_rules_by_name_and_version(risk_admin, tobacco_v2, recent_declarations):
    client = client_for(risk_admin, "vi")
    today = timezone.localdate().strftime("%d/%m/%Y")
    response = client.post(reverse("risk:backtest"), {"rules": str(tobacco_v2.pk), "date_from": today, "date_to": today})
    run = BacktestRun.objects.get()
    assert response["Location"] == reverse("risk:backtest-run", args=[run.pk])
    backtest_execute(run_id=run.pk)

    html = client.get(response["Location"]).content.decode()
    assert f'<a class="fw-semibold" href="{reverse("risk:rule-detail", args=[tobacco_v2.pk])}">Thuốc lá (v2)</a>' in html
    assert '<tr data-rule-name="Thuốc lá (v2)">' in html
    assert f"rule {tobacco_v2.pk} v2" not in html
    recent = client.get(reverse("risk:backtest")).content.decode()
    assert '<span class="d-block small">Thuốc lá (v2)</span>' in recent


def test_the_rule_form_backtests_the_rule_as_typed(risk_admin, recent_declarations):
    _plain, cigarettes = recent_declarations
    client = client_for(risk_admin)
    form = client.get(reverse("risk:rule-create")).content.decode()
    url = reverse("risk:rule-create-backtest")
    assert f'formaction="{url}"' in form and f'hx-post="{url}" hx-target="#rule-backtest-result"' in form

    response = client.post(url, rule_form_post(), HTTP_HX_REQUEST="true")
    run = BacktestRun.objects.get()
    assert not RiskRule.objects.exists()  # the rule is not saved
    assert (run.baseline, run.include_current, run.rules[0]["name"], run.rules[0]["unsaved"]) == (
        "rules_in_force", True, "Thuốc lá mới", True)
    html = response.content.decode()
    assert html.startswith('<div id="backtest-status" data-state="pending"')
    assert f'hx-get="{reverse("risk:backtest-run", args=[run.pk])}" hx-trigger="every 1s"' in html

    backtest_execute(run_id=run.pk)
    done = client.get(reverse("risk:backtest-run", args=[run.pk]), HTTP_HX_REQUEST="true")
    html = done.content.decode()
    assert '<span class="mix-bar-label">Rules in force</span>' in html and '<span class="mix-bar-label">With this rule</span>' in html
    assert '<tr data-rule-name="Thuốc lá mới (new, not saved)">' in html
    assert f'<tr data-declaration="{cigarettes.number}" data-move="green->red">' in html


def test_an_edits_backtest_names_the_next_version(risk_admin, tobacco_v2):
    response = client_for(risk_admin).post(reverse("risk:rule-backtest", args=[tobacco_v2.pk]),
                                           rule_form_post(name_vi="Thuốc lá"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    run = BacktestRun.objects.get()
    assert (run.rules[0]["rule_id"], run.rules[0]["version"]) == (tobacco_v2.pk, 3)


def test_without_scripts_the_form_comes_back_with_the_backtest(risk_admin):
    response = client_for(risk_admin).post(reverse("risk:rule-create-backtest"), rule_form_post())
    html = response.content.decode()
    assert response.status_code == 200 and 'id="rule-form"' in html and 'value="Thuốc lá mới"' in html
    assert '<div id="rule-backtest-result" class="mt-3" aria-live="polite"><div id="backtest-status"' in html


@pytest.mark.parametrize("overrides, message", [
    ({"cond-0-value": ""}, "Condition 1: Give a value."),
    ({"backtest_from": "31/12/2026", "backtest_to": "01/01/2026"}, "To: The end of the range must not be before its start."),
    ({"backtest_from": "2026-13-45"}, "From: Type the date as dd/mm/yyyy, for example 25/03/2026."),
])
def test_a_backtest_that_cannot_start_says_why(risk_admin, overrides, message):
    response = client_for(risk_admin).post(reverse("risk:rule-create-backtest"), rule_form_post(**overrides),
                                           HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'id="rule-backtest-errors"' in html and f"<li>{message}</li>" in html
    assert not BacktestRun.objects.exists()
