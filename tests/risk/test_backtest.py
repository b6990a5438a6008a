"""Backtests over past declarations: channel mix now and with a candidate rule set, and hits."""
import pytest
from django.utils import timezone

from customs_portal.audit.services import audit_record
from risk.models import BacktestRun
from risk.services.assessment import risk_assess
from risk.services.backtest import backtest_execute, backtest_start
from tests.factories import cigarettes_body, random_selection_off, registered
from tests.payloads import plain_import_body

pytestmark = pytest.mark.django_db
TOBACCO = {"name": "Tobacco", "conditions": [{"field": "items.hs_code", "op": "startswith", "value": "2402"}],
           "score": 50, "min_channel": "red"}


@pytest.fixture
def history(trader1, officer):
    random_selection_off()
    plain = [registered(trader1, plain_import_body()) for _ in range(3)]
    cigarettes = registered(trader1, cigarettes_body())
    for declaration in [*plain, cigarettes]:
        risk_assess(declaration_id=declaration.pk)
    audit_record(declaration=cigarettes, actor=officer, action="record_inspection", data={"discrepancy": True})
    return plain, cigarettes


def test_candidate_rule_set_versus_the_decisions_taken(risk_admin, history, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = backtest_start(user=risk_admin, rules=[TOBACCO], date_from=today, date_to=today)
    assert len(callbacks) == 1  # the task is queued only once the run is committed
    run = backtest_execute(run_id=run.pk)
    assert run.state == BacktestRun.State.DONE
    assert (run.total, run.processed) == (4, 4)
    result = run.result
    assert result["channel_mix_now"] == {"green": 4}
    assert result["channel_mix_candidate"] == {"green": 3, "red": 1}
    assert result["moves"] == {"green->green": 3, "green->red": 1}
    assert result["fired_rules"] == {"Tobacco": 1}
    assert result["inspections_with_discrepancy"] == 1
    assert (result["discrepancies_selected_now"], result["discrepancies_selected_candidate"]) == (0, 1)
    assert backtest_execute(run_id=run.pk).result == result  # a finished run is not run again


def test_existing_rule_ids_and_an_empty_range(risk_admin, api_client_for, history):
    client = api_client_for(risk_admin)
    rule_id = client.post("/api/v1/risk/rules/", TOBACCO, format="json").json()["id"]
    response = client.post("/api/v1/risk/backtest/", {"rules": [rule_id], "from": "2020-01-01", "to": "2020-01-31"}, format="json")
    assert response.status_code == 202, response.json()
    run = backtest_execute(run_id=response.json()["id"])
    assert run.result["declarations"] == 0
    detail = client.get(f"/api/v1/risk/backtest/{run.pk}/").json()
    assert detail["state"] == "done" and detail["rules"][0]["origin"] == f"rule {rule_id} v1"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"rules": [], "from": "2026-01-01", "to": "2026-01-02"}, "rules"),
        ({"rules": [999999], "from": "2026-01-01", "to": "2026-01-02"}, "rules"),
        ({"rules": [{"conditions": [{"field": "nope", "op": "eq", "value": 1}]}], "from": "2026-01-01", "to": "2026-01-02"}, "rules"),
        ({"rules": [TOBACCO], "from": "2026-02-01", "to": "2026-01-02"}, "to"),
        ({"rules": [TOBACCO], "from": "yesterday", "to": "2026-01-02"}, "date_from"),
    ],
)
def test_bad_backtest_requests(risk_admin, api_client_for, body, field):
    response = api_client_for(risk_admin).post("/api/v1/risk/backtest/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not BacktestRun.objects.exists()


def test_only_risk_admins_backtest(officer, trader1, api_client_for):
    for user in (officer, trader1):
        response = api_client_for(user).post("/api/v1/risk/backtest/", {"rules": [TOBACCO], "from": "2026-01-01", "to": "2026-01-02"}, format="json")
        assert response.status_code == 403
    assert not BacktestRun.objects.exists()
