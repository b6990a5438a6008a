"""The safety rails through the API: a rule is created inactive, and activating it or changing the
thresholds answers 409 `preview_required` until the change is previewed (POST /api/v1/risk/changes/)
and confirmed (POST /api/v1/risk/changes/{id}/confirm/)."""
import pytest

from risk.models import BacktestRun, RiskChange, RiskRule, RiskRuleVersion, RiskSettings
from risk.services.backtest import backtest_execute
from risk.services.rules import risk_rule_create

pytestmark = pytest.mark.django_db
RULES = "/api/v1/risk/rules/"
TOBACCO = {"name": "Tobacco", "conditions": [{"field": "items.hs_code", "op": "startswith", "value": "2402"}],
           "score": 60, "min_channel": "red"}
CHANGES = "/api/v1/risk/changes/"
SETTINGS = {"yellow_threshold": 30, "red_threshold": 60, "random_yellow_rate": "0.0200", "random_red_rate": "0.0100"}


@pytest.fixture
def client(risk_admin, api_client_for):
    return api_client_for(risk_admin)


def test_a_rule_asked_for_active_is_refused_and_one_without_is_created_inactive(client):
    refused = client.post(RULES, {**TOBACCO, "active": True}, format="json")
    assert refused.status_code == 400
    assert refused.json() == {"active": [
        "A new rule is created inactive: backtest it, then activate it; its effect on the declarations of the last 30 days "
        "is shown before it applies."]}
    assert not RiskRule.objects.exists()
    created = client.post(RULES, {**TOBACCO, "active": False}, format="json")
    assert created.status_code == 201 and created.json()["active"] is False


def test_activation_answers_409_and_changes_nothing(client):
    rule_id = client.post(RULES, TOBACCO, format="json").json()["id"]
    response = client.patch(f"{RULES}{rule_id}/", {"active": True}, format="json")
    assert response.status_code == 409
    assert response.json() == {
        "detail": "Activating a rule changes which declarations are checked: look at its effect on the last 30 days "
                  "first, then confirm.",
        "code": "preview_required"}
    assert list(RiskRuleVersion.objects.values_list("version", "active")) == [(1, False)]


def test_a_settings_change_answers_409_and_changes_nothing(client):
    response = client.put("/api/v1/risk/settings/", SETTINGS, format="json")
    assert response.status_code == 409 and response.json()["code"] == "preview_required"
    assert (RiskSettings.objects.get(pk=1).red_threshold, RiskSettings.objects.get(pk=1).version) == (70, 1)


def test_preview_poll_and_confirm_an_activation(client, recent_declarations):
    _plain, cigarettes = recent_declarations
    rule_id = client.post(RULES, TOBACCO, format="json").json()["id"]

    started = client.post(CHANGES, {"rule": rule_id, "changes": {"active": True}, "change_note": "go live"}, format="json")
    assert started.status_code == 202, started.json()
    change = started.json()
    assert (change["kind"], change["rule"], change["values"]["active"], change["outdated"]) == ("rule", rule_id, True, False)
    assert (change["preview"]["state"], change["preview"]["baseline"], change["applied_at"]) == ("pending", "rules_in_force", None)
    early = client.post(f"{CHANGES}{change['id']}/confirm/")
    assert early.status_code == 409 and early.json()["code"] == "preview_running"

    backtest_execute(run_id=change["preview"]["id"])
    polled = client.get(f"{CHANGES}{change['id']}/").json()
    assert polled["preview"]["state"] == "done"
    assert polled["preview"]["result"]["channel_mix_now"] == {"green": 4}
    assert polled["preview"]["result"]["channel_mix_candidate"] == {"green": 3, "red": 1}
    assert polled["preview"]["result"]["changed"] == [
        {"id": cigarettes.pk, "number": cigarettes.number, "from": "green", "to": "red"}]

    confirmed = client.post(f"{CHANGES}{change['id']}/confirm/")
    assert confirmed.status_code == 200
    assert confirmed.json()["applied_by"] == "riskadmin" and confirmed.json()["applied_at"]
    rule = client.get(f"{RULES}{rule_id}/").json()
    assert (rule["version"], rule["active"], rule["versions"][0]["change_note"]) == (2, True, "go live")
    again = client.post(f"{CHANGES}{change['id']}/confirm/")
    assert again.status_code == 409 and again.json()["code"] == "already_applied"


def test_an_outdated_preview_is_refused(client, risk_admin):
    rule_id = client.post(RULES, TOBACCO, format="json").json()["id"]
    change = client.post(CHANGES, {"rule": rule_id, "changes": {"active": True}}, format="json").json()
    backtest_execute(run_id=change["preview"]["id"])
    risk_rule_create(user=risk_admin, data={**TOBACCO, "name": "Another"})  # the rule set changed meanwhile
    assert client.get(f"{CHANGES}{change['id']}/").json()["outdated"] is True
    response = client.post(f"{CHANGES}{change['id']}/confirm/")
    assert response.status_code == 409 and response.json()["code"] == "preview_outdated"
    assert RiskRule.objects.get(pk=rule_id).current.active is False


def test_a_settings_change_previewed_and_confirmed(client):
    change = client.post(CHANGES, {"settings": SETTINGS}, format="json")
    assert change.status_code == 202
    assert change.json()["preview"]["candidate_settings"] == {
        "yellow_threshold": 30, "red_threshold": 60, "random_yellow_rate": "0.0200", "random_red_rate": "0.0100"}
    backtest_execute(run_id=change.json()["preview"]["id"])
    assert client.post(f"{CHANGES}{change.json()['id']}/confirm/").status_code == 200
    settings = client.get("/api/v1/risk/settings/").json()
    assert (settings["red_threshold"], settings["version"]) == (60, 2)


@pytest.mark.parametrize("body, errors", [
    ({}, {"non_field_errors": ["Give either rule and changes, or settings."]}),
    ({"rule": 1}, {"non_field_errors": ["A change of a rule needs both rule and changes."]}),
    ({"rule": 1, "changes": {"active": True}, "settings": SETTINGS},
     {"non_field_errors": ["Give either rule and changes, or settings."]}),
    ({"settings": {**SETTINGS, "red_threshold": 10}}, {"red_threshold": ["The red threshold must be above the yellow threshold."]}),
    ({"settings": {"red_threshold": 60}}, {"settings": {"yellow_threshold": ["This field is required."],
                                                        "random_yellow_rate": ["This field is required."],
                                                        "random_red_rate": ["This field is required."]}}),
    ({"rule": "{rule}", "changes": {"conditions": [{"field": "nope", "op": "eq", "value": 1}]}},
     {"conditions": ["[0] Unknown field 'nope'; allowed: direction, type_code, …"]}),
])
def test_bad_change_requests_are_400_and_start_nothing(client, risk_admin, body, errors):
    rule = risk_rule_create(user=risk_admin, data=dict(TOBACCO))
    body = {**body, "rule": rule.pk} if body.get("rule") == "{rule}" else body
    response = client.post(CHANGES, body, format="json")
    assert response.status_code == 400
    if "conditions" in errors:  # the message goes on to list every field
        assert response.json()["conditions"][0].startswith(errors["conditions"][0].rstrip("…"))
    else:
        assert response.json() == errors
    assert not RiskChange.objects.exists() and not BacktestRun.objects.exists()


def test_unknown_rule_and_change_are_404(client):
    assert client.post(CHANGES, {"rule": 999999, "changes": {"active": True}}, format="json").status_code == 404
    assert client.get(f"{CHANGES}999999/").status_code == 404
    assert client.post(f"{CHANGES}999999/confirm/").status_code == 404
