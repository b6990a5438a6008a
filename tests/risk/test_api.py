"""Risk administration API: validation of rule conditions, versioning, and who may do what."""
import pytest

from declarations.models import Declaration
from risk.models import RiskRule, RiskRuleVersion, RiskSettings
from risk.services.assessment import risk_assess
from risk.services.backtest import backtest_execute
from tests.factories import cigarettes_body, parsed, random_selection_off, registered
from tests.payloads import plain_import_body

pytestmark = pytest.mark.django_db
RULES = "/api/v1/risk/rules/"
TOBACCO = {"name": "Tobacco", "description": "HS 2402", "score": 50, "min_channel": "red",
           "conditions": [{"field": "items.hs_code", "op": "startswith", "value": "2402"}]}


@pytest.fixture
def admin_client(risk_admin, api_client_for):
    return api_client_for(risk_admin)


def activate(client, rule_id: int, **changes) -> dict:
    """Activate (or change an active) rule as integrators do: preview the change, wait for the preview, confirm."""
    preview = client.post("/api/v1/risk/changes/", {"rule": rule_id, "changes": {"active": True, **changes}}, format="json")
    assert preview.status_code == 202, preview.json()
    backtest_execute(run_id=preview.json()["preview"]["id"])
    confirmed = client.post(f"/api/v1/risk/changes/{preview.json()['id']}/confirm/")
    assert confirmed.status_code == 200, confirmed.json()
    return client.get(f"{RULES}{rule_id}/").json()


def test_create_read_update_and_history(admin_client):
    created = admin_client.post(RULES, TOBACCO, format="json")
    assert created.status_code == 201, created.json()
    rule = created.json()
    assert (rule["version"], rule["active"], rule["min_channel"]) == (1, False, "red")  # created inactive
    rule_id = rule["id"]
    updated = admin_client.patch(f"{RULES}{rule_id}/", {"score": 70}, format="json").json()  # inactive: at once
    assert (updated["version"], updated["score"], updated["name"]) == (2, 70, "Tobacco")
    assert [v["version"] for v in updated["versions"]] == [2, 1]
    assert updated["versions"][1]["score"] == 50
    refused = admin_client.patch(f"{RULES}{rule_id}/", {"active": True}, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "preview_required"
    assert admin_client.get(f"{RULES}{rule_id}/").json()["version"] == 2
    activated = activate(admin_client, rule_id)
    assert (activated["version"], activated["active"], activated["score"]) == (3, True, 70)
    deactivated = admin_client.delete(f"{RULES}{rule_id}/")
    assert deactivated.status_code == 200
    assert (deactivated.json()["active"], deactivated.json()["version"]) == (False, 4)
    assert RiskRule.objects.filter(pk=rule_id).exists()
    listed = admin_client.get(RULES).json()
    assert listed["count"] == 1 and listed["results"][0]["version"] == 4


@pytest.mark.parametrize(
    "conditions, fragment",
    [
        ([{"field": "items.colour", "op": "eq", "value": "red"}], "Unknown field"),
        ([{"field": "invoice.total", "op": "startswith", "value": "1"}], "does not fit"),
        ([{"field": "invoice.total", "op": "gt", "value": "lots"}], "needs a number"),
        ([{"field": "items.hs_code", "op": "in", "value": "2402"}], "list"),
        ("all", "must be a list"),
    ],
)
def test_bad_conditions_are_a_clear_400_and_store_nothing(admin_client, conditions, fragment):
    response = admin_client.post(RULES, {**TOBACCO, "conditions": conditions}, format="json")
    assert response.status_code == 400
    assert fragment in response.json()["conditions"][0]
    assert not RiskRuleVersion.objects.exists()


def test_a_bad_update_keeps_the_current_version(admin_client):
    rule_id = admin_client.post(RULES, TOBACCO, format="json").json()["id"]
    response = admin_client.patch(f"{RULES}{rule_id}/", {"conditions": [{"field": "x", "op": "eq", "value": 1}]}, format="json")
    assert response.status_code == 400
    assert RiskRuleVersion.objects.filter(rule_id=rule_id).count() == 1


def test_validity_order(admin_client):
    response = admin_client.post(RULES, {**TOBACCO, "valid_from": "2026-12-01", "valid_to": "2026-11-01"}, format="json")
    assert response.status_code == 400 and "valid_to" in response.json()


def test_settings(admin_client):
    assert admin_client.get("/api/v1/risk/settings/").json()["yellow_threshold"] == 30
    body = {"yellow_threshold": 20, "red_threshold": 60, "random_yellow_rate": "0.05", "random_red_rate": "0.02"}
    refused = admin_client.put("/api/v1/risk/settings/", body, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "preview_required"
    preview = admin_client.post("/api/v1/risk/changes/", {"settings": body}, format="json")
    assert preview.status_code == 202, preview.json()
    backtest_execute(run_id=preview.json()["preview"]["id"])
    ok = admin_client.post(f"/api/v1/risk/changes/{preview.json()['id']}/confirm/")
    assert ok.status_code == 200 and ok.json()["applied_by"] == "riskadmin"
    assert admin_client.get("/api/v1/risk/settings/").json()["red_threshold"] == 60
    same = admin_client.put("/api/v1/risk/settings/", body, format="json")  # the values in force change nothing
    assert same.status_code == 200 and same.json()["version"] == 2
    bad = admin_client.put("/api/v1/risk/settings/", {"yellow_threshold": 80, "red_threshold": 60,
                                                      "random_yellow_rate": "0.05", "random_red_rate": "0.02"}, format="json")
    assert bad.status_code == 400
    too_high = admin_client.put("/api/v1/risk/settings/", {"yellow_threshold": 20, "red_threshold": 60,
                                                           "random_yellow_rate": "1.5", "random_red_rate": "0"}, format="json")
    assert too_high.status_code == 400
    assert RiskSettings.objects.get(pk=1).red_threshold == 60


def test_compliance(admin_client, trader2):
    url = "/api/v1/enterprises/0318765402/compliance/"
    assert admin_client.get(url).json()["compliance_level"] == "new"
    response = admin_client.put(url, {"compliance_level": "low", "on_watchlist": True}, format="json")
    assert response.status_code == 200
    trader2.enterprise.refresh_from_db()
    assert (trader2.enterprise.compliance_level, trader2.enterprise.on_watchlist) == ("low", True)
    assert admin_client.put(url, {"compliance_level": "gold", "on_watchlist": True}, format="json").status_code == 400
    assert admin_client.get("/api/v1/enterprises/0000000000/compliance/").status_code == 404


@pytest.mark.parametrize("role", ["trader1", "officer", "gate_user"])
def test_only_risk_admins(request, api_client_for, role, risk_admin):
    client = api_client_for(request.getfixturevalue(role))
    rule = RiskRule.objects.create()
    assert client.get(RULES).status_code == 403
    assert client.post(RULES, TOBACCO, format="json").status_code == 403
    assert client.patch(f"{RULES}{rule.pk}/", {"score": 1}, format="json").status_code == 403
    assert client.delete(f"{RULES}{rule.pk}/").status_code == 403
    assert client.get("/api/v1/risk/settings/").status_code == 403
    assert client.put("/api/v1/risk/settings/", {"yellow_threshold": 1, "red_threshold": 2, "random_yellow_rate": "0",
                                                 "random_red_rate": "0"}, format="json").status_code == 403
    assert client.get("/api/v1/enterprises/0109876500/compliance/").status_code == 403
    assert not RiskRuleVersion.objects.exists()
    assert api_client_for(None).get(RULES).status_code == 401


def test_traders_never_get_risk_but_officers_do(trader1, officer, admin_client, api_client_for):
    from declarations.services.declarations import (
        declaration_create,
        declaration_submit,
    )

    activate(admin_client, admin_client.post(RULES, TOBACCO, format="json").json()["id"])
    random_selection_off()
    declaration = declaration_submit(declaration_id=declaration_create(user=trader1, data=parsed(cigarettes_body())).pk, user=trader1)
    risk_assess(declaration_id=declaration.pk)
    url = f"/api/v1/declarations/{declaration.pk}/"
    as_trader = api_client_for(trader1).get(url)
    assert as_trader.json()["channel"] == "red"
    assert "risk" not in as_trader.json()
    assert b"Tobacco" not in as_trader.content and b"score" not in as_trader.content
    assert "risk" not in api_client_for(trader1).get("/api/v1/declarations/").json()["results"][0]
    risk = api_client_for(officer).get(url).json()["risk"]
    assert risk["score"] == 50 and risk["channel"] == "red" and risk["random_selection"] is False
    assert risk["fired_rules"][0]["name"] == "Tobacco" and risk["fired_rules"][0]["version"] == 2
    assert Declaration.objects.get(pk=declaration.pk).status == "under_inspection"


def test_the_partner_name_similarity_is_a_rule_field(admin_client):
    rule = {"name": "Close to the watchlist", "score": 20, "min_channel": "yellow",
            "conditions": [{"field": "partner.watchlist_similarity", "op": "gte", "value": 85}]}
    created = admin_client.post(RULES, rule, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["conditions"] == [{"field": "partner.watchlist_similarity", "op": "gte", "value": "85"}]
    bad = admin_client.post(RULES, {**rule, "conditions": [{"field": "partner.watchlist_similarity", "op": "startswith", "value": "9"}]},
                            format="json")
    assert bad.status_code == 400 and "does not fit partner.watchlist_similarity" in str(bad.json())


def test_officers_read_the_resembled_partner_and_traders_nothing(trader1, officer, risk_admin, api_client_for):
    from risk.services.defaults import risk_defaults_seed
    from risk.services.watchlists import watchlisted_partner_add
    random_selection_off()
    risk_defaults_seed()
    listed = watchlisted_partner_add(user=risk_admin, name="Harbor Lantern Trading Ltd", country="CN", reason="ZETA-9")
    declaration = registered(trader1, plain_import_body(
        partner={"name": "Harbor Lantern Tradimg Ltd", "address": "Shenzhen", "country": "CN"}))
    risk_assess(declaration_id=declaration.pk)
    url = f"/api/v1/declarations/{declaration.pk}/"
    risk = api_client_for(officer).get(url).json()["risk"]
    assert (risk["channel"], risk["score"]) == ("yellow", 20)
    [fired] = risk["fired_rules"]
    assert fired["name"] == "Partner name close to a watchlisted partner"
    assert fired["reason"][1] == {
        "field": "partner.watchlist_similarity", "op": "gte", "value": "90", "actual": "95.0",
        "watchlisted_partner": {"id": listed.pk, "name": "Harbor Lantern Trading Ltd", "country": "CN", "similarity": "95.0"},
        "text": "The similarity of the partner's name to a watchlisted partner's is at least 90 % (similarity: 95 %)"}
    assert fired["reason"][0]["text"] == "The partner is not on the watchlist"
    in_vietnamese = api_client_for(officer).get(url, HTTP_ACCEPT_LANGUAGE="vi").json()["risk"]["fired_rules"][0]
    assert [reason["text"] for reason in in_vietnamese["reason"]] == [
        "Đối tác không có trong danh sách theo dõi",
        "Độ giống giữa tên đối tác và tên một đối tác trong danh sách theo dõi từ 90 % trở lên (độ giống: 95 %)"]
    as_trader = api_client_for(trader1).get(url)
    assert as_trader.json()["channel"] == "yellow" and "risk" not in as_trader.json()
    for secret in (b"Harbor Lantern Trading Ltd", b"watchlist", b"similar", b"ZETA-9"):
        assert secret not in as_trader.content
