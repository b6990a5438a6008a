"""The risk administration pages through HTTP (Django's test client, real PostgreSQL, full reference data)."""
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from customs_portal.accounts.models import ComplianceLevel
from customs_portal.audit.models import AuditEvent
from customs_portal.audit.services import audit_record
from risk.models import (
    BacktestRun,
    ReferencePrice,
    RiskChange,
    RiskRule,
    RiskRuleVersion,
    RiskSettings,
    WatchlistedPartner,
)
from risk.services.assessment import risk_assess
from risk.services.backtest import backtest_execute, backtest_start
from risk.services.reference_prices import reference_price_set
from risk.services.rules import risk_rule_create, risk_rule_deactivate
from risk.services.watchlists import watchlisted_partner_add
from tests.factories import cigarettes_body, random_selection_off, registered
from tests.payloads import plain_import_body, rule_post
from tests.support import client_for

pytestmark = pytest.mark.django_db

TOBACCO = {"name": "Tobacco", "description": "HS 2402", "score": 60, "min_channel": "red",
           "conditions": [{"field": "items.hs_code", "op": "startswith", "value": "2402"}]}


@pytest.fixture
def rule(risk_admin):
    return risk_rule_create(user=risk_admin, data={**TOBACCO, "active": True})


@pytest.fixture
def price(risk_admin):
    return reference_price_set(user=risk_admin, hs_code="8471", unit="PCE", price_vnd="5000000", note="computers")


@pytest.fixture
def partner(risk_admin):
    return watchlisted_partner_add(user=risk_admin, name="Shady Exports Ltd", country="CN", reason="undervaluation")


@pytest.fixture
def run(risk_admin):
    today = timezone.localdate()
    return backtest_start(user=risk_admin, rules=[TOBACCO], date_from=today, date_to=today)


# --- Who may see what ----------------------------------------------------------------------------

PAGES = [
    ("risk:rule-list", None),
    ("risk:rule-create", None),
    ("risk:rule-detail", "rule"),
    ("risk:rule-edit", "rule"),
    ("risk:settings", None),
    ("risk:enterprise-list", None),
    ("risk:watchlist", None),
    ("risk:reference-price-list", None),
    ("risk:reference-price-edit", "price"),
    ("risk:backtest", None),
    ("risk:backtest-run", "run"),
]


@pytest.fixture
def objects(rule, price, run):
    return {"rule": rule, "price": price, "run": run}


def _url(name, key, objects):
    return reverse(name, args=[objects[key].pk]) if key else reverse(name)


@pytest.mark.parametrize("name, key", PAGES)
def test_anonymous_users_are_sent_to_log_in(objects, name, key):
    url = _url(name, key, objects)
    response = client_for(None).get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("name, key", PAGES)
@pytest.mark.parametrize("role", ["trader1", "officer", "gate_user"])
def test_other_roles_get_403(objects, name, key, role, request):
    response = client_for(request.getfixturevalue(role)).get(_url(name, key, objects))
    assert response.status_code == 403


@pytest.mark.parametrize("name, key", PAGES)
def test_risk_admins_see_every_page(objects, risk_admin, name, key):
    response = client_for(risk_admin).get(_url(name, key, objects))
    assert response.status_code == 200
    assert b'id="nav-risk"' in response.content


@pytest.mark.parametrize("role", ["trader1", "officer", "gate_user"])
def test_other_roles_change_nothing(role, request, rule, price, partner, trader2):
    client = client_for(request.getfixturevalue(role))
    posts = [
        (reverse("risk:rule-create"), rule_post()),
        (reverse("risk:rule-edit", args=[rule.pk]), rule_post(score="1")),
        (reverse("risk:rule-deactivate", args=[rule.pk]), {}),
        (reverse("risk:settings"), {"yellow_threshold": "1", "red_threshold": "2", "random_yellow_percent": "0",
                                    "random_red_percent": "0"}),
        (reverse("risk:enterprise-compliance", args=[trader2.enterprise.tax_code]), {"compliance_level": "low"}),
        (reverse("risk:watchlist"), {"name": "Another Ltd", "country": "KR"}),
        (reverse("risk:watchlist-deactivate", args=[partner.pk]), {}),
        (reverse("risk:reference-price-list"), {"hs_code": "8703", "unit": "PCE", "price_vnd": "1"}),
        (reverse("risk:reference-price-edit", args=[price.pk]), {"hs_code": "8471", "unit": "PCE", "price_vnd": "1"}),
        (reverse("risk:reference-price-delete", args=[price.pk]), {}),
        (reverse("risk:backtest"), {"rules": str(rule.pk), "date_from": "01/01/2026", "date_to": "02/01/2026"}),
        (reverse("risk:rule-backtest", args=[rule.pk]), {**rule_post(), "backtest_from": "01/01/2026",
                                                         "backtest_to": "02/01/2026"}),
        (reverse("risk:rule-create-backtest"), {**rule_post(), "backtest_from": "01/01/2026", "backtest_to": "02/01/2026"}),
        (reverse("risk:rule-activate", args=[rule.pk]), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert RiskRuleVersion.objects.count() == 1
    assert not RiskSettings.objects.filter(yellow_threshold=1).exists()
    trader2.enterprise.refresh_from_db()
    assert trader2.enterprise.compliance_level == ComplianceLevel.NEW
    assert list(WatchlistedPartner.objects.values_list("name", "active")) == [("Shady Exports Ltd", True)]
    assert list(ReferencePrice.objects.values_list("hs_code", "price_vnd")) == [("8471", Decimal("5000000.00"))]
    assert not BacktestRun.objects.exists() and not RiskChange.objects.exists()


def test_the_nav_link_is_for_risk_admins_only(trader1, officer, risk_admin):
    assert b'id="nav-risk"' not in client_for(trader1).get(reverse("declarations:list")).content
    assert b'id="nav-risk"' not in client_for(officer).get(reverse("declarations:list")).content
    assert b'id="nav-risk"' in client_for(risk_admin).get(reverse("declarations:list")).content


# --- Rules ---------------------------------------------------------------------------------------

def test_the_rule_form_offers_the_fields_grouped_with_their_operators(risk_admin):
    response = client_for(risk_admin).get(reverse("risk:rule-create"))
    html = response.content.decode()
    for group in ("Declaration", "Enterprise", "Partner", "Invoice", "Goods items (any item)", "Taxes"):
        assert f'<optgroup label="{group}">' in html
    assert '<option value="items.hs_code">Item HS code</option>' in html
    fields = response.context["fields_json"]
    assert '"items.hs_code": {"kind": "hs"' in fields
    assert '"ops": ["eq", "ne"]' in fields  # the booleans
    assert '["priority", "Priority (AEO)"]' in fields  # choices with their labels
    assert '"partner.watchlist_similarity": {"kind": "number", "label": "Partner name similarity to the watchlist (0–100)"' in fields
    vietnamese = client_for(risk_admin, "vi").get(reverse("risk:rule-create")).content.decode()
    assert "Độ giống của tên đối tác với danh sách theo dõi (0–100)" in vietnamese


def test_creating_a_rule_with_two_conditions_makes_version_1(risk_admin):
    client = client_for(risk_admin)
    response = client.post(reverse("risk:rule-create"), rule_post())

    rule = RiskRule.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("risk:rule-detail", args=[rule.pk])
    version = rule.current
    assert (version.version, version.name, version.score, version.min_channel, version.active) == (
        1, "HS 2402 imports → red", 60, "red", False)
    assert version.conditions == [
        {"field": "items.hs_code", "op": "startswith", "value": "2402"},
        {"field": "direction", "op": "eq", "value": "import"},
    ]
    assert version.created_by == risk_admin
    listing = client.get(reverse("risk:rule-list")).content.decode()
    assert "HS 2402 imports → red" in listing
    assert 'data-version="1"' in listing
    # the conditions in words, as the review page explains a fired rule; the stored form on hover
    assert ('<span class="cond-text" title="items.hs_code starts with 2402">An item&#x27;s HS code starts with 2402</span>'
            in listing)
    assert '<span class="cond-text" title="direction = import">The declaration is an import declaration</span>' in listing


@pytest.mark.parametrize(
    "row, condition",
    [
        ({"field": "items.origin_country", "op": "in", "value": ["cn, kr;VN"]},
         {"field": "items.origin_country", "op": "in", "value": ["CN", "KR", "VN"]}),
        ({"field": "items.hs_code", "op": "startswith", "value": ["2203, 2204"]},
         {"field": "items.hs_code", "op": "startswith", "value": ["2203", "2204"]}),
        ({"field": "enterprise.compliance_level", "op": "in", "value": ["low", "new"]},
         {"field": "enterprise.compliance_level", "op": "in", "value": ["low", "new"]}),
        ({"field": "partner.on_watchlist", "op": "eq", "value": ["true"]},
         {"field": "partner.on_watchlist", "op": "eq", "value": True}),
        ({"field": "partner.watchlist_similarity", "op": "gte", "value": ["90"]},
         {"field": "partner.watchlist_similarity", "op": "gte", "value": "90"}),
        ({"field": "items.unit_price_vs_reference", "op": "lt", "value": ["0.7"]},
         {"field": "items.unit_price_vs_reference", "op": "lt", "value": "0.7"}),
        ({"field": "invoice.total", "op": "not_in", "value": ["100, 200"]},
         {"field": "invoice.total", "op": "not_in", "value": ["100", "200"]}),
    ],
)
def test_the_value_input_becomes_the_right_condition(risk_admin, row, condition):
    data = rule_post(**{"cond-3-field": None, "cond-3-op": None, "cond-3-value": None,
                        "cond-0-field": row["field"], "cond-0-op": row["op"], "cond-0-value": row["value"]})
    response = client_for(risk_admin).post(reverse("risk:rule-create"), data)
    assert response.status_code == 302, response.context["form"].summary
    assert RiskRule.objects.get().current.conditions == [condition]


def test_an_invalid_condition_is_shown_on_its_row_and_nothing_is_created(risk_admin):
    data = rule_post(**{"cond-3-field": "invoice.total", "cond-3-op": "gt", "cond-3-value": "lots"})
    response = client_for(risk_admin).post(reverse("risk:rule-create"), data)

    assert response.status_code == 200
    form = response.context["form"]
    assert form.rows[0].errors == []
    assert form.rows[1].errors == ["Type a number, for example 1,234.56."]
    html = response.content.decode()
    assert 'id="cond-3-error"' in html and "Type a number" in html
    assert 'id="error-summary"' in html and 'href="#cond-3-field"' in html
    assert 'value="lots"' in html  # what was typed is kept
    assert not RiskRule.objects.exists() and not RiskRuleVersion.objects.exists()


def test_an_operator_that_does_not_fit_the_field_is_refused(risk_admin):
    data = rule_post(**{"cond-0-field": "invoice.total", "cond-0-op": "startswith", "cond-0-value": "1"})
    response = client_for(risk_admin).post(reverse("risk:rule-create"), data)
    assert response.status_code == 200
    assert "does not fit invoice.total" in response.context["form"].rows[0].errors[0]
    assert not RiskRule.objects.exists()


def test_incomplete_rows_are_all_pointed_out(risk_admin):
    data = rule_post(**{"cond-0-value": "", "cond-3-field": "", "cond-3-value": "import"})
    response = client_for(risk_admin).post(reverse("risk:rule-create"), data)
    assert response.status_code == 200
    assert [row.errors for row in response.context["form"].rows] == [["Give a value."], ["Choose a field."]]
    assert not RiskRule.objects.exists()


def test_rows_left_empty_are_ignored(risk_admin):
    data = rule_post(**{"cond-7-field": "", "cond-7-op": "eq", "cond-7-value": ""})
    assert client_for(risk_admin).post(reverse("risk:rule-create"), data).status_code == 302
    assert len(RiskRule.objects.get().current.conditions) == 2


def test_shape_and_validity_errors_go_next_to_their_inputs(risk_admin):
    data = rule_post(name_en="", score="1001", valid_from="2026-12-01", valid_to="2026-11-01")
    response = client_for(risk_admin).post(reverse("risk:rule-create"), data)
    form = response.context["form"]
    assert set(form.errors) == {"name_en", "score"}
    assert not RiskRule.objects.exists()
    response = client_for(risk_admin).post(reverse("risk:rule-create"), rule_post(valid_from="2026-12-01", valid_to="2026-11-01"))
    assert response.context["form"].errors["valid_to"] == ["The end of validity must not be before its start."]
    assert not RiskRule.objects.exists()


def test_messages_are_in_vietnamese_for_a_vietnamese_browser(risk_admin):
    response = client_for(risk_admin, language="vi").get(reverse("risk:rule-list"))
    assert response.status_code == 200
    assert '<html lang="vi">' in response.content.decode()


def test_editing_an_active_rule_shows_the_effect_then_makes_version_2_once_confirmed(risk_admin, rule):
    client = client_for(risk_admin)
    form = client.get(reverse("risk:rule-edit", args=[rule.pk])).content.decode()
    assert 'name="cond-0-field"' in form and '<option value="items.hs_code" selected>' in form

    data = rule_post(name_en="Tobacco", score="70", change_note="more weight", active="on",
                     **{"cond-3-field": None, "cond-3-op": None, "cond-3-value": None})
    response = client.post(reverse("risk:rule-edit", args=[rule.pk]), data)

    change = RiskChange.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("risk:change", args=[change.pk])
    assert RiskRuleVersion.objects.filter(rule=rule).count() == 1  # nothing applied yet
    backtest_execute(run_id=change.preview_id)
    response = client.post(reverse("risk:change-confirm", args=[change.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("risk:rule-detail", args=[rule.pk])

    versions = list(RiskRuleVersion.objects.filter(rule=rule).order_by("version"))
    assert [(v.version, v.score, v.change_note) for v in versions] == [(1, 60, ""), (2, 70, "more weight")]
    assert versions[0].description == "HS 2402" and versions[1].description == "Cigarettes and cigars"
    rule.refresh_from_db()
    assert rule.current_id == versions[1].pk

    history = client.get(reverse("risk:rule-detail", args=[rule.pk]))
    html = history.content.decode()
    assert html.count('class="version-entry') == 2
    changes = history.context["versions"][0].changes
    assert {"label": "Score", "before": "60", "after": "70"} in changes
    assert "more weight" in html and "riskadmin" in html


def test_the_history_shows_conditions_added_and_removed(risk_admin, rule):
    risk_rule_deactivate(rule=rule, user=risk_admin)  # an inactive rule's conditions change at once
    data = rule_post(name_en="Tobacco", description_en="HS 2402", **{"cond-0-value": "2403"})
    assert client_for(risk_admin).post(reverse("risk:rule-edit", args=[rule.pk]), data).status_code == 302
    history = client_for(risk_admin).get(reverse("risk:rule-detail", args=[rule.pk]))
    change = next(c for c in history.context["versions"][0].changes if c.get("conditions"))
    assert [c["values"] for c in change["added"]] == [["2403"], ["Import"]]
    assert [c["values"] for c in change["removed"]] == [["2402"]]


def test_deactivating_a_rule_makes_an_inactive_version(risk_admin, rule):
    client = client_for(risk_admin)
    response = client.post(reverse("risk:rule-deactivate", args=[rule.pk]))
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.current.version, rule.current.active, rule.current.change_note) == (2, False, "deactivated")
    client.post(reverse("risk:rule-deactivate", args=[rule.pk]))  # again: nothing new
    assert RiskRuleVersion.objects.filter(rule=rule).count() == 2
    inactive = client.get(reverse("risk:rule-list"), {"state": "inactive"})
    active = client.get(reverse("risk:rule-list"), {"state": "active"})
    assert [r.pk for r in inactive.context["rules"]] == [rule.pk]
    assert active.context["rules"] == []


def test_the_rule_list_takes_a_fixed_number_of_queries(risk_admin, rule, django_assert_max_num_queries):
    for n in range(5):
        risk_rule_create(user=risk_admin, data={**TOBACCO, "name": f"Rule {n}"})
    client = client_for(risk_admin)
    # 8 for the rules and their hit rates, 5 for the classes against their caps: the settings (read, and
    # here created: this test's database has no settings row yet), the classes, their window.
    with django_assert_max_num_queries(13):
        response = client.get(reverse("risk:rule-list"))
    assert len(response.context["rules"]) == 6


# --- Settings, enterprises ----------------------------------------------------------------------

def test_settings_update_after_its_preview(risk_admin):
    client = client_for(risk_admin)
    assert client.get(reverse("risk:settings")).context["form"].initial["random_yellow_percent"] == Decimal(2)
    response = client.post(reverse("risk:settings"), {"yellow_threshold": "20", "red_threshold": "60",
                                                      "random_yellow_percent": "5", "random_red_percent": "1,5"})
    change = RiskChange.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("risk:change", args=[change.pk])
    assert RiskSettings.objects.get(pk=1).yellow_threshold == 30  # nothing applied yet
    backtest_execute(run_id=change.preview_id)
    assert client.post(reverse("risk:change-confirm", args=[change.pk]))["Location"] == reverse("risk:settings")
    settings = RiskSettings.objects.get(pk=1)
    assert (settings.yellow_threshold, settings.red_threshold, settings.random_yellow_rate, settings.random_red_rate) == (
        20, 60, Decimal("0.0500"), Decimal("0.0150"))
    assert settings.updated_by == risk_admin


def test_settings_refused_by_the_service_are_shown_and_not_saved(risk_admin):
    response = client_for(risk_admin).post(reverse("risk:settings"), {
        "yellow_threshold": "80", "red_threshold": "60", "random_yellow_percent": "2", "random_red_percent": "1"})
    assert response.status_code == 200
    assert response.context["form"].errors["red_threshold"] == ["The red threshold must be above the yellow threshold."]
    assert RiskSettings.objects.get(pk=1).red_threshold == 70


def test_enterprise_search(risk_admin, trader1, trader2):
    client = client_for(risk_admin)
    by_code = client.get(reverse("risk:enterprise-list"), {"q": "0318"})
    assert [e.tax_code for e in by_code.context["page"].object_list] == ["0318765402"]
    by_name = client.get(reverse("risk:enterprise-list"), {"q": "minh anh"})
    assert [e.tax_code for e in by_name.context["page"].object_list] == ["0109876500"]
    by_level = client.get(reverse("risk:enterprise-list"), {"level": "new"})
    assert [e.tax_code for e in by_level.context["page"].object_list] == ["0318765402"]


def test_compliance_update(risk_admin, trader2):
    enterprise = trader2.enterprise
    url = reverse("risk:enterprise-compliance", args=[enterprise.tax_code])
    response = client_for(risk_admin).post(url, {"compliance_level": "low", "on_watchlist": "on", "next": "/risk/enterprises/?q=0318"})
    assert response.status_code == 302 and response["Location"] == "/risk/enterprises/?q=0318"
    enterprise.refresh_from_db()
    assert (enterprise.compliance_level, enterprise.on_watchlist) == ("low", True)
    event = AuditEvent.objects.get(action="enterprise_compliance")
    assert event.actor == risk_admin and event.data["after"] == {"compliance_level": "low", "on_watchlist": True}


def test_compliance_update_inline_with_htmx_returns_the_row(risk_admin, trader2):
    url = reverse("risk:enterprise-compliance", args=[trader2.enterprise.tax_code])
    response = client_for(risk_admin).post(url, {"compliance_level": "priority"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and html.startswith("<tr") and "Saved" in html
    trader2.enterprise.refresh_from_db()
    assert (trader2.enterprise.compliance_level, trader2.enterprise.on_watchlist) == ("priority", False)
    bad = client_for(risk_admin).post(url, {"compliance_level": "excellent"}, HTTP_HX_REQUEST="true")
    assert "table-danger" in bad.content.decode()
    trader2.enterprise.refresh_from_db()
    assert trader2.enterprise.compliance_level == "priority"


# --- Watchlist, reference prices ---------------------------------------------------------------

def test_watchlist_add_and_deactivate(risk_admin):
    client = client_for(risk_admin)
    response = client.post(reverse("risk:watchlist"), {"name": "  Shady   Exports Ltd ", "country": "cn", "reason": "tip-off"})
    assert response.status_code == 302
    partner = WatchlistedPartner.objects.get()
    assert (partner.name, partner.country, partner.reason, partner.active) == ("Shady Exports Ltd", "CN", "tip-off", True)
    assert AuditEvent.objects.filter(action="watchlist_partner_add", actor=risk_admin).count() == 1
    assert "Shady Exports Ltd" in client.get(reverse("risk:watchlist")).content.decode()

    response = client.post(reverse("risk:watchlist-deactivate", args=[partner.pk]))
    assert response.status_code == 302
    partner.refresh_from_db()
    assert not partner.active
    assert AuditEvent.objects.filter(action="watchlist_partner_deactivate").count() == 1
    assert list(client.get(reverse("risk:watchlist")).context["page"].object_list) == []
    assert list(client.get(reverse("risk:watchlist"), {"show": "inactive"}).context["page"].object_list) == [partner]


def test_watchlist_refuses_an_unknown_country_and_a_duplicate(risk_admin, partner):
    client = client_for(risk_admin)
    response = client.post(reverse("risk:watchlist"), {"name": "Other Ltd", "country": "ZZ"})
    assert response.context["form"].errors["country"] == ["ZZ is not an ISO 3166 country code."]
    response = client.post(reverse("risk:watchlist"), {"name": "SHADY EXPORTS LTD", "country": "CN"})
    assert "already on the watchlist" in response.context["form"].errors["name"][0]
    assert WatchlistedPartner.objects.count() == 1


def test_reference_price_add_edit_and_delete(risk_admin):
    client = client_for(risk_admin)
    response = client.post(reverse("risk:reference-price-list"), {"hs_code": "8471.30", "unit": "pce", "price_vnd": "7500000", "note": "laptops"})
    assert response.status_code == 302
    price = ReferencePrice.objects.get()
    assert (price.hs_code, price.unit_id, price.price_vnd, price.note) == ("847130", "PCE", Decimal("7500000.00"), "laptops")
    listing = client.get(reverse("risk:reference-price-list")).content.decode()
    assert "847130" in listing and "7,500,000" in listing

    response = client.post(reverse("risk:reference-price-edit", args=[price.pk]), {"hs_code": "847130", "unit": "PCE", "price_vnd": "8000000"})
    assert response.status_code == 302
    price.refresh_from_db()
    assert price.price_vnd == Decimal("8000000.00")
    assert AuditEvent.objects.filter(action="reference_price_set").count() == 2

    assert client.post(reverse("risk:reference-price-delete", args=[price.pk])).status_code == 302
    assert not ReferencePrice.objects.exists()
    assert AuditEvent.objects.filter(action="reference_price_delete").count() == 1


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"hs_code": "7700", "unit": "PCE", "price_vnd": "1000"}, "hs_code", "No tariff line starts with 7700."),
        ({"hs_code": "8", "unit": "PCE", "price_vnd": "1000"}, "hs_code", "An HS code or prefix has 2 to 8 digits."),
        ({"hs_code": "8471", "unit": "XYZ", "price_vnd": "1000"}, "unit", "XYZ is not a unit of the code list."),
        ({"hs_code": "8471", "unit": "PCE", "price_vnd": "0"}, "price_vnd", "The reference price is an amount in VND above 0."),
    ],
)
def test_reference_price_refused(risk_admin, data, field, message):
    response = client_for(risk_admin).post(reverse("risk:reference-price-list"), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert not ReferencePrice.objects.exists()


def test_reference_price_duplicate_points_at_the_existing_one(risk_admin, price):
    response = client_for(risk_admin).post(reverse("risk:reference-price-list"), {"hs_code": "8471", "unit": "PCE", "price_vnd": "1"})
    assert response.context["form"].errors["hs_code"] == ["8471 already has a reference price in PCE; change that one."]
    price.refresh_from_db()
    assert price.price_vnd == Decimal("5000000.00")


# --- Backtests -----------------------------------------------------------------------------------

@pytest.fixture
def history(trader1, officer):
    random_selection_off()
    plain = [registered(trader1, plain_import_body()) for _ in range(3)]
    cigarettes = registered(trader1, cigarettes_body())
    for declaration in [*plain, cigarettes]:
        risk_assess(declaration_id=declaration.pk)
    audit_record(declaration=cigarettes, actor=officer, action="record_inspection", data={"discrepancy": True})
    return plain, cigarettes


def test_backtest_start_creates_a_run_whose_page_shows_progress_then_the_result(risk_admin, history, rule):
    """The rule is created after the declarations were decided, so the candidate moves the cigarettes to red."""
    client = client_for(risk_admin)
    today = timezone.localdate().isoformat()
    page = client.get(reverse("risk:backtest"))
    assert f'value="{rule.pk}"' in page.content.decode()

    response = client.post(reverse("risk:backtest"), {"rules": [str(rule.pk)], "date_from": today, "date_to": today})
    run = BacktestRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("risk:backtest-run", args=[run.pk])
    assert (run.state, run.include_current, run.created_by) == ("pending", False, risk_admin)
    assert run.rules[0]["origin"] == f"rule {rule.pk} v1"

    pending = client.get(reverse("risk:backtest-run", args=[run.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in pending and 'data-state="pending"' in pending
    BacktestRun.objects.filter(pk=run.pk).update(state="running", total=4, processed=1)
    running = client.get(reverse("risk:backtest-run", args=[run.pk]), HTTP_HX_REQUEST="true")
    html = running.content.decode()
    assert html.startswith('<div id="backtest-status"') and "1 of 4 declarations" in html and 'data-width="25.0"' in html
    BacktestRun.objects.filter(pk=run.pk).update(state="pending", total=0, processed=0)

    backtest_execute(run_id=run.pk)
    done = client.get(reverse("risk:backtest-run", args=[run.pk]), HTTP_HX_REQUEST="true")
    html = done.content.decode()
    assert "hx-trigger" not in html  # polling stops
    report = done.context["report"]
    assert report["total"] == 4 and report["moved"] == 1
    assert [(m["channel"], m["now"], m["candidate"]) for m in report["mix"]] == [("green", 4, 3), ("yellow", 0, 0), ("red", 0, 1)]
    assert report["fired"] == [{"name": "Tobacco (v1)", "count": 1, "pct": 25.0}]
    assert (report["hits"]["inspections"], report["hits"]["now"], report["hits"]["candidate"]) == (1, 0, 1)
    assert 'data-move="green->red">1</td>' in html
    assert 'id="fired-rules"' in html and "Tobacco" in html


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"date_from": "01/01/2026", "date_to": "31/01/2026"}, "rules", "Choose at least one rule."),
        ({"rules": "999999", "date_from": "01/01/2026", "date_to": "31/01/2026"}, "rules",
         "Select a valid choice. 999999 is not one of the available choices."),
        ({"rules": "{rule}", "date_from": "01/02/2026", "date_to": "31/01/2026"}, "date_to",
         "The end of the range must not be before its start."),
    ],
)
def test_backtest_refused(risk_admin, rule, data, field, message):
    data = {key: value.replace("{rule}", str(rule.pk)) for key, value in data.items()}
    response = client_for(risk_admin).post(reverse("risk:backtest"), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert not BacktestRun.objects.exists()


def test_a_failed_backtest_shows_its_error(risk_admin, run):
    BacktestRun.objects.filter(pk=run.pk).update(state="failed", error="database went away")
    html = client_for(risk_admin).get(reverse("risk:backtest-run", args=[run.pk])).content.decode()
    assert 'id="backtest-failed"' in html and "database went away" in html and "hx-trigger" not in html
