"""The pages of the safety rails: a rule is activated, an active rule changed, or the thresholds changed,
only after a page has shown the effect on the last 30 days and the risk admin has confirmed it."""
import pytest
from django.urls import reverse

from risk.models import RiskChange, RiskRuleVersion, RiskSettings
from risk.services.backtest import backtest_execute
from risk.services.rules import risk_rule_create, risk_rule_update
from tests.support import client_for

pytestmark = pytest.mark.django_db
TOBACCO = {"name_vi": "Thuốc lá", "name_en": "Tobacco", "score": 60, "min_channel": "red",
           "conditions": [{"field": "items.hs_code", "op": "startswith", "value": "2402"}]}


@pytest.fixture
def inactive_rule(risk_admin):
    return risk_rule_create(user=risk_admin, data=dict(TOBACCO))


def test_an_inactive_rule_offers_activation_and_an_active_one_does_not(risk_admin, inactive_rule):
    page = client_for(risk_admin).get(reverse("risk:rule-detail", args=[inactive_rule.pk])).content.decode()
    assert f'action="{reverse("risk:rule-activate", args=[inactive_rule.pk])}"' in page and 'id="activate-rule"' in page
    active = risk_rule_create(user=risk_admin, data={**TOBACCO, "active": True})
    page = client_for(risk_admin).get(reverse("risk:rule-detail", args=[active.pk])).content.decode()
    assert 'id="activate-rule"' not in page and 'id="deactivate-rule"' in page


def test_activation_shows_the_effect_and_applies_only_when_confirmed(risk_admin, inactive_rule, recent_declarations):
    _plain, cigarettes = recent_declarations
    client = client_for(risk_admin)

    response = client.post(reverse("risk:rule-activate", args=[inactive_rule.pk]))
    change = RiskChange.objects.get()
    url = reverse("risk:change", args=[change.pk])
    assert response.status_code == 302 and response["Location"] == url
    assert list(RiskRuleVersion.objects.values_list("version", "active")) == [(1, False)]

    pending = client.get(url).content.decode()
    assert "<h1 class=\"h3 mb-1\">Activate “Tobacco (v2)”</h1>" in pending
    assert f'hx-get="{url}" hx-trigger="every 1s"' in pending  # follows the preview's progress
    assert 'id="confirm-change"' not in pending  # nothing to confirm before the effect is shown
    assert '<span class="diff-before">no</span>' in pending and '<span class="diff-after">yes</span>' in pending

    backtest_execute(run_id=change.preview_id)
    done = client.get(url, HTTP_HX_REQUEST="true")
    html = done.content.decode()
    assert html.startswith('<div id="change-preview" data-state="done">') and "hx-trigger" not in html
    assert [(m["channel"], m["now"], m["now_pct"], m["candidate"], m["candidate_pct"]) for m in done.context["report"]["mix"]] == [
        ("green", 4, 100.0, 3, 75.0), ("yellow", 0, 0.0, 0, 0.0), ("red", 0, 0.0, 1, 25.0)]
    assert '<th scope="col" class="text-end">Now</th><th scope="col" class="text-end">With the change</th>' in html
    assert f'<tr data-declaration="{cigarettes.number}" data-move="green->red">' in html
    assert f'href="{reverse("declarations:review", args=[cigarettes.pk])}">{cigarettes.number}</a>' in html
    assert "Over the last 30 days, 1 declaration would have gone to another channel with this change." in html
    assert f'action="{reverse("risk:change-confirm", args=[change.pk])}"' in html and 'id="confirm-change"' in html

    confirmed = client.post(reverse("risk:change-confirm", args=[change.pk]), follow=True)
    assert confirmed.redirect_chain == [(reverse("risk:rule-detail", args=[inactive_rule.pk]), 302)]
    assert "Rule “Tobacco” saved as version 2, in force from now on." in confirmed.content.decode()
    assert list(RiskRuleVersion.objects.order_by("version").values_list("version", "active")) == [(1, False), (2, True)]
    applied = client.get(url).content.decode()
    assert 'id="change-applied"' in applied and 'id="confirm-change"' not in applied


def test_an_outdated_preview_cannot_be_confirmed(risk_admin, inactive_rule):
    client = client_for(risk_admin)
    client.post(reverse("risk:rule-activate", args=[inactive_rule.pk]))
    change = RiskChange.objects.get()
    backtest_execute(run_id=change.preview_id)
    risk_rule_update(rule=risk_rule_create(user=risk_admin, data=dict(TOBACCO)), user=risk_admin, data={"score": 1})

    page = client.get(reverse("risk:change", args=[change.pk])).content.decode()
    assert 'id="change-outdated"' in page and 'id="confirm-change"' not in page
    response = client.post(reverse("risk:change-confirm", args=[change.pk]), follow=True)
    assert "The rules or the settings changed since this preview was made" in response.content.decode()
    assert not RiskRuleVersion.objects.filter(rule=inactive_rule, active=True).exists()
    detail = client.get(reverse("risk:rule-detail", args=[inactive_rule.pk])).content.decode()
    assert 'id="pending-change"' not in detail  # an outdated preview is history, not a pending change


def test_a_pending_change_is_pointed_out_on_the_rule(risk_admin, inactive_rule):
    client = client_for(risk_admin)
    client.post(reverse("risk:rule-activate", args=[inactive_rule.pk]))
    detail = client.get(reverse("risk:rule-detail", args=[inactive_rule.pk])).content.decode()
    assert 'id="pending-change"' in detail
    assert f'href="{reverse("risk:change", args=[RiskChange.objects.get().pk])}"' in detail


def test_the_new_rule_form_has_no_active_switch(risk_admin):
    page = client_for(risk_admin).get(reverse("risk:rule-create")).content.decode()
    assert 'name="active"' not in page and 'id="created-inactive"' in page


def test_a_settings_change_shows_before_and_after(risk_admin, recent_declarations):
    client = client_for(risk_admin, "vi")
    response = client.post(reverse("risk:settings"), {"yellow_threshold": "30", "red_threshold": "70",
                                                      "random_yellow_percent": "0", "random_red_percent": "100"})
    change = RiskChange.objects.get()
    assert response["Location"] == reverse("risk:change", args=[change.pk])
    backtest_execute(run_id=change.preview_id)
    page = client.get(response["Location"])
    html = page.content.decode()
    assert [(r["name"], r["before"], r["after"], r["changed"]) for r in page.context["settings_rows"]] == [
        ("yellow_threshold", 30, 30, False), ("red_threshold", 70, 70, False),
        ("random_yellow_rate", "0", "0", False), ("random_red_rate", "0", "100", True)]
    assert "Thay đổi ngưỡng và lựa chọn ngẫu nhiên" in html and "Xác nhận và áp dụng" in html
    assert RiskSettings.objects.get(pk=1).random_red_rate == 0

    client.post(reverse("risk:change-confirm", args=[change.pk]))
    assert RiskSettings.objects.get(pk=1).random_red_rate == 1


def test_the_same_settings_change_nothing(risk_admin):
    response = client_for(risk_admin).post(reverse("risk:settings"), {
        "yellow_threshold": "30", "red_threshold": "70", "random_yellow_percent": "2", "random_red_percent": "1"}, follow=True)
    assert "Nothing changed: these are the settings in force." in response.content.decode()
    assert not RiskChange.objects.exists() and RiskSettings.objects.get(pk=1).version == 1


def test_activating_an_active_rule_changes_nothing(risk_admin):
    rule = risk_rule_create(user=risk_admin, data={**TOBACCO, "active": True})
    response = client_for(risk_admin).post(reverse("risk:rule-activate", args=[rule.pk]))
    assert response["Location"] == reverse("risk:rule-detail", args=[rule.pk])
    assert not RiskChange.objects.exists()
