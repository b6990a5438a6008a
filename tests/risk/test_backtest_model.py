"""Backtests with the learned model: rules on `model.score` are run on past declarations with scores
computed from what was known before each declaration's day (no later outcome leaks into them), the
result names the version that scored and its in-sample declarations, and the backtest page's preset
"current rules + model rule" compares the rules in force with and without the model rule."""
import random
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from declarations.models import Declaration
from declarations.services.review import declaration_decide
from risk.learned_models import HistoryItem, HistoryParty, RiskModelVersion
from risk.models import BacktestRun
from risk.selectors.model_history import portal_labels
from risk.services.assessment import risk_assess
from risk.services.backtest import backtest_execute, backtest_model_rule_start, backtest_start
from risk.services.backtest_model import backtest_model_scores
from risk.services.risk_model import risk_model_activate, risk_model_train, risk_model_version_create
from risk.services.rules import risk_rule_create
from tests.factories import cigarettes_body, class_caps_off, random_selection_off, registered
from tests.payloads import plain_import_body
from tests.support import client_for, html_of, input_value

pytestmark = pytest.mark.django_db

SOURCE = "synthetic"
RISKY_HS6 = "240220"  # cigarettes: found at fault in most checks of the outside history
HS6_CODES = (RISKY_HS6, "847160", "610910", "847130")
HISTORY_DAYS, ROWS_PER_DAY = 60, 12
KEYBOARDS = {"name": "Keyboards", "conditions": [{"field": "items.hs_code", "op": "startswith", "value": "847160"}],
             "score": 0, "min_channel": "yellow", "active": True}


def outside_history(*, last_day) -> None:
    """720 labelled goods items of an outside source over the 60 days up to `last_day`: cigarettes and the
    goods of three importers are often found at fault, the rest seldom."""
    rng = random.Random(16)
    importers = [HistoryParty.objects.create(source=SOURCE, role="importer", external_id=f"IMP{n}") for n in range(12)]
    items = []
    for day_index in range(HISTORY_DAYS):
        day = last_day - timedelta(days=HISTORY_DAYS - 1 - day_index)
        for _n in range(ROWS_PER_DAY):
            importer, hs6 = rng.choice(importers), rng.choice(HS6_CODES)
            chance = 0.05 + (0.6 if hs6 == RISKY_HS6 else 0) + (0.3 if importer in importers[:3] else 0)
            items.append(HistoryItem(
                source=SOURCE, source_file="synthetic.csv", source_line=len(items) + 2, external_id=f"S{len(items)}",
                declared_on=day, office="03CE", transport_mode="sea", importer=importer, hs6=hs6,
                origin_country="ID" if hs6 == RISKY_HS6 else "CN", departure_country="CN", tax_rate=Decimal(5),
                tax_type="MFN", net_mass=Decimal(100), item_price=Decimal(rng.randint(500, 5000)), currency="USD",
                fraud=rng.random() < chance))
    HistoryItem.objects.bulk_create(items)


@pytest.fixture
def model(risk_admin) -> RiskModelVersion:
    """A model trained on the outside history (ending a week ago) and activated, as a risk admin does."""
    random_selection_off()
    class_caps_off()
    outside_history(last_day=timezone.localdate() - timedelta(days=7))
    version = risk_model_version_create(user=risk_admin, sources=[SOURCE], enqueue=False)
    version = risk_model_train(version_id=version.pk)
    assert version.state == RiskModelVersion.State.READY, version.error
    return risk_model_activate(version_id=version.pk, user=risk_admin)


def registered_on(user, body, *, days_ago: int) -> Declaration:
    """A declaration registered `days_ago` days ago (at noon) and assessed."""
    declaration = registered(user, body)
    risk_assess(declaration_id=declaration.pk)
    noon = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0) - timedelta(days=days_ago)
    Declaration.objects.filter(pk=declaration.pk).update(registered_at=noon)
    return Declaration.objects.get(pk=declaration.pk)


@pytest.fixture
def past(trader1, model):
    """Past declarations over the last five days: plain imports and cigarettes, and one of each registered
    inside the model's training window (in-sample)."""
    declarations = []
    for days_ago in (5, 4, 3, 2, 1):
        declarations.append(registered_on(trader1, plain_import_body(), days_ago=days_ago))
        if days_ago % 2:
            declarations.append(registered_on(trader1, cigarettes_body(), days_ago=days_ago))
    in_sample = [registered_on(trader1, body, days_ago=8) for body in (plain_import_body(), cigarettes_body())]
    return declarations + in_sample


def test_a_model_rule_selects_the_declarations_whose_leak_free_score_passes(risk_admin, model, past):
    today = timezone.localdate()
    scores = backtest_model_scores(declaration_ids=[d.pk for d in past], date_to=today, version=model)
    assert set(scores) == {d.pk for d in past}
    cigarettes = {d.pk for d in past if d.items.filter(hs_code__startswith="2402").exists()}
    # The model learned that cigarettes are risky: every one of them scores above every plain import.
    assert min(scores[pk] for pk in cigarettes) > max(score for pk, score in scores.items() if pk not in cigarettes)
    threshold = min(scores[pk] for pk in cigarettes)
    expected = {pk for pk, score in scores.items() if score >= threshold}
    assert expected == cigarettes

    run = backtest_model_rule_start(user=risk_admin, threshold=threshold, score=40, date_from=today - timedelta(days=10),
                                    date_to=today)
    run = backtest_execute(run_id=run.pk)
    assert run.state == BacktestRun.State.DONE, run.error
    assert (run.include_current, run.baseline) == (True, BacktestRun.Baseline.RULES_IN_FORCE)
    assert run.rules[0]["conditions"] == [{"field": "model.score", "op": "gte", "value": str(threshold.normalize())}]
    result = run.result
    assert result["channel_mix_now"] == {"green": len(past)}  # the rules in force alone: no rule, all green
    assert result["channel_mix_candidate"] == {"green": len(past) - len(expected), "yellow": len(expected)}
    assert {entry["id"] for entry in result["changed"]} == expected
    assert [(entry["name_en"], entry["count"]) for entry in result["fired"]] == [
        (f"Model rule: model.score ≥ {threshold.normalize()} → +40", len(expected))]
    in_sample_until = model.evaluation_to
    assert in_sample_until == timezone.localdate() - timedelta(days=7)
    assert result["model"] == {"active": True, "version": model.number, "version_id": model.pk, "sources": [SOURCE],
                               "in_sample_until": in_sample_until.isoformat(), "in_sample": 2, "scored": len(past)}


def test_the_same_rule_through_the_api_and_without_a_model_rule(risk_admin, model, past, api_client_for):
    today = timezone.localdate()
    scores = backtest_model_scores(declaration_ids=[d.pk for d in past], date_to=today, version=model)
    threshold = sorted(set(scores.values()))[-1]  # the highest score: the declarations that have it
    expected = {pk for pk, score in scores.items() if score >= threshold}
    rule = {"name": "Model", "conditions": [{"field": "model.score", "op": "gte", "value": str(threshold)}], "score": 75}
    client = api_client_for(risk_admin)
    response = client.post("/api/v1/risk/backtest/", {"rules": [rule], "from": (today - timedelta(days=10)).isoformat(),
                                                      "to": today.isoformat(), "include_current": True,
                                                      "baseline": "rules_in_force"}, format="json")
    assert response.status_code == 202, response.json()
    run = backtest_execute(run_id=response.json()["id"])
    assert run.result["channel_mix_candidate"] == {"green": len(past) - len(expected), "red": len(expected)}
    assert run.result["channel_mix_now"] == {"green": len(past)}
    assert client.get(f"/api/v1/risk/backtest/{run.pk}/").json()["result"]["model"]["version"] == model.number

    # No rule on model.score on either side: no scores computed, no "model" in the result.
    plain = backtest_execute(run_id=backtest_start(user=risk_admin, rules=[KEYBOARDS], date_from=today - timedelta(days=10),
                                                   date_to=today).pk)
    assert plain.result["model"] is None
    assert plain.result["channel_mix_candidate"] == {"green": 4, "yellow": 6}  # 6 plain imports, 4 cigarettes


def test_a_score_does_not_change_when_a_later_declaration_is_found_at_fault(risk_admin, officer, trader1, model):
    risk_rule_create(user=risk_admin, data=KEYBOARDS)  # plain imports go to yellow, for an officer to check
    earlier = registered_on(trader1, plain_import_body(), days_ago=2)
    later = registered_on(trader1, plain_import_body(), days_ago=1)
    assert (earlier.channel, later.channel) == ("yellow", "yellow")
    today = timezone.localdate()
    ids = [earlier.pk, later.pk]
    before = backtest_model_scores(declaration_ids=ids, date_to=today, version=model)

    declaration_decide(declaration_id=later.pk, officer=officer, action="reject", reason="The invoice is forged.")
    assert portal_labels(declaration_ids=ids) == {later.pk: True}  # the later declaration's label changed
    after = backtest_model_scores(declaration_ids=ids, date_to=today, version=model)
    assert after == before  # neither its own score nor the earlier one's moved

    # The other way round, the earlier declaration's outcome is known on the later one's day: it counts.
    declaration_decide(declaration_id=earlier.pk, officer=officer, action="reject", reason="Undervalued.")
    assert portal_labels(declaration_ids=ids) == {earlier.pk: True, later.pk: True}
    moved = backtest_model_scores(declaration_ids=ids, date_to=today, version=model)
    assert moved[earlier.pk] == before[earlier.pk]
    assert moved[later.pk] != before[later.pk]


def test_the_queries_do_not_grow_with_the_declarations(trader1, model):
    today = timezone.localdate()
    few = [registered_on(trader1, plain_import_body(), days_ago=1) for _ in range(2)]
    more = few + [registered_on(trader1, body, days_ago=days) for days in (1, 2, 3)
                  for body in (plain_import_body(), cigarettes_body())]
    counts = []
    for declarations in (few, more):
        with CaptureQueriesContext(connection) as queries:
            scores = backtest_model_scores(declaration_ids=[d.pk for d in declarations], date_to=today, version=model)
        assert len(scores) == len(declarations)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def text_of(html: str) -> str:
    """The page's text, tags removed and spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_page_starts_the_preset_and_says_which_model_scored(risk_admin, model, past):
    client = client_for(risk_admin)
    page = html_of(client.get(reverse("risk:backtest")))
    assert f'<p class="small mb-3" id="active-model">Active model: v{model.number}</p>' in page
    assert (input_value(page, "model_threshold"), input_value(page, "model_score")) == ("0.8", "40")
    today = timezone.localdate()
    response = client.post(reverse("risk:backtest"), {
        "date_from": (today - timedelta(days=10)).strftime("%d/%m/%Y"), "date_to": today.strftime("%d/%m/%Y"),
        "model_threshold": "0.5", "model_score": "40", "preset": "model_rule"})
    assert response.status_code == 302, text_of(html_of(response))
    run = BacktestRun.objects.get()
    assert (run.include_current, run.baseline) == (True, BacktestRun.Baseline.RULES_IN_FORCE)
    assert [(rule["conditions"], rule["score"]) for rule in run.rules] == [
        ([{"field": "model.score", "op": "gte", "value": "0.5"}], 40)]
    backtest_execute(run_id=run.pk)
    until = model.evaluation_to.strftime("%d/%m/%Y")
    english = text_of(html_of(client.get(reverse("risk:backtest-run", args=[run.pk]))))
    assert (f"Model v{model.number} scored; declarations registered up to {until} were in the model's training "
            "data. 2 of the 10 declarations of this backtest are in-sample") in english
    vietnamese = text_of(html_of(client_for(risk_admin, "vi").get(reverse("risk:backtest-run", args=[run.pk]))))
    assert (f"Mô hình v{model.number} chấm điểm; các tờ khai đăng ký đến hết ngày {until} nằm trong dữ liệu huấn "
            "luyện của mô hình.") in vietnamese


def test_the_preset_needs_an_active_model(risk_admin):
    today = timezone.localdate()
    client = client_for(risk_admin)
    assert re.search(r'id="start-model-backtest" disabled', html_of(client.get(reverse("risk:backtest"))))
    response = client.post(reverse("risk:backtest"), {
        "date_from": today.strftime("%d/%m/%Y"), "date_to": today.strftime("%d/%m/%Y"),
        "model_threshold": "0.8", "model_score": "40", "preset": "model_rule"})
    assert response.status_code == 200
    assert "No learned model is active: activate a version before backtesting a rule on its score." in html_of(response)
    assert not BacktestRun.objects.exists()
