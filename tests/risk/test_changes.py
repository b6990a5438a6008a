"""Safety rails for risk admins (risk/services/changes.py): rules are created inactive, and a change
that alters which declarations are checked applies only after its preview over the last 30 days,
once confirmed, audited."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from customs_portal.audit.models import AuditEvent
from customs_portal.errors import DomainConflict, DomainValidationError
from risk.models import BacktestRun, RiskChange, RiskRule, RiskRuleVersion, RiskSettings
from risk.services.backtest import backtest_execute, backtest_rule_label, rule_form_backtest_start
from risk.services.changes import (
    PreviewRequired,
    risk_change_confirm,
    risk_change_outdated,
    risk_rule_add,
    risk_rule_change_preview,
    risk_rule_edit,
    risk_settings_change_preview,
    risk_settings_edit,
)
from risk.services.rules import risk_rule_create, risk_rule_update

pytestmark = pytest.mark.django_db
TOBACCO = {"name": "Tobacco", "conditions": [{"field": "items.hs_code", "op": "startswith", "value": "2402"}],
           "score": 60, "min_channel": "red"}


def rule_state(rule) -> list:
    return list(RiskRuleVersion.objects.filter(rule=rule).order_by("version").values_list("version", "active", "score"))


class TestCreatedInactive:
    def test_a_new_rule_is_inactive(self, risk_admin):
        rule = risk_rule_add(user=risk_admin, data=dict(TOBACCO))
        assert (rule.current.version, rule.current.active) == (1, False)

    def test_asking_for_an_active_new_rule_is_refused(self, risk_admin):
        with pytest.raises(DomainValidationError) as refused:
            risk_rule_add(user=risk_admin, data={**TOBACCO, "active": True})
        assert refused.value.errors == {"active": [
            "A new rule is created inactive: backtest it, then activate it; its effect on the declarations of the last "
            "30 days is shown before it applies."]}
        assert not RiskRule.objects.exists()


class TestWhatNeedsAPreview:
    def test_activating_needs_a_preview_and_changes_nothing(self, risk_admin):
        rule = risk_rule_add(user=risk_admin, data=dict(TOBACCO))
        with pytest.raises(PreviewRequired) as refused:
            risk_rule_edit(rule=rule, user=risk_admin, data={"active": True})
        assert refused.value.code == "preview_required"
        assert rule_state(rule) == [(1, False, 60)]

    @pytest.mark.parametrize("data", [{"score": 61}, {"min_channel": "yellow"}, {"valid_to": timezone.localdate()},
                                      {"conditions": [{"field": "items.hs_code", "op": "startswith", "value": "2403"}]}])
    def test_changing_what_an_active_rule_decides_needs_a_preview(self, risk_admin, data):
        rule = risk_rule_create(user=risk_admin, data={**TOBACCO, "active": True})
        with pytest.raises(PreviewRequired):
            risk_rule_edit(rule=rule, user=risk_admin, data=data)
        assert rule_state(rule) == [(1, True, 60)]

    @pytest.mark.parametrize("active, data, after", [
        (True, {"name": "Cigarettes", "description": "HS 2402"}, (2, True, 60)),  # a name decides nothing
        (True, {"active": False, "score": 5}, (2, False, 5)),  # stopping a rule stays quick
        (False, {"score": 5}, (2, False, 5)),  # an inactive rule decides nothing
    ])
    def test_other_changes_apply_at_once(self, risk_admin, active, data, after):
        rule = risk_rule_create(user=risk_admin, data={**TOBACCO, "active": active})
        risk_rule_edit(rule=rule, user=risk_admin, data=data)
        assert rule_state(rule)[-1] == after

    def test_settings_need_a_preview_unless_they_stay_the_same(self, risk_admin):
        with pytest.raises(PreviewRequired):
            risk_settings_edit(user=risk_admin, data={"red_threshold": 60})
        same = risk_settings_edit(user=risk_admin, data={"red_threshold": 70, "random_yellow_rate": Decimal("0.02")})
        assert (same.version, same.red_threshold) == (1, 70)
        with pytest.raises(DomainValidationError):  # bad values are refused before anything else
            risk_settings_edit(user=risk_admin, data={"red_threshold": 10})


class TestRulePreview:
    def test_activation_shows_the_mix_now_and_with_the_rule_then_applies_once_confirmed(self, risk_admin, recent_declarations):
        _plain, cigarettes = recent_declarations
        rule = risk_rule_add(user=risk_admin, data=dict(TOBACCO))

        change = risk_rule_change_preview(rule=rule, user=risk_admin, data={"active": True}, change_note="go live")
        assert rule_state(rule) == [(1, False, 60)]
        run = change.preview
        today = timezone.localdate()
        assert (run.date_from, run.date_to, run.baseline, run.include_current) == (
            today - timedelta(days=29), today, "rules_in_force", True)
        run = backtest_execute(run_id=run.pk)
        assert run.result["declarations"] == 4  # the old one is outside the 30 days
        assert run.result["channel_mix_now"] == {"green": 4}
        assert run.result["channel_mix_candidate"] == {"green": 3, "red": 1}
        assert run.result["changed"] == [{"id": cigarettes.pk, "number": cigarettes.number, "from": "green", "to": "red"}]
        assert run.result["changed_total"] == 1
        assert run.result["fired"] == [{"rule": rule.pk, "version": 2, "unsaved": False, "proposed": True,
                                        "name": "Tobacco", "name_en": "Tobacco", "count": 1}]
        assert backtest_rule_label(run.result["fired"][0]) == "Tobacco (v2, not applied yet)"

        applied = risk_change_confirm(change_id=change.pk, user=risk_admin)
        assert (applied.applied_by, applied.applied_at is not None) == (risk_admin, True)
        assert rule_state(rule) == [(1, False, 60), (2, True, 60)]
        rule.refresh_from_db()
        assert rule.current.change_note == "go live"
        event = AuditEvent.objects.get(action="risk_rule_change")
        assert (event.actor, event.declaration, event.reason) == (risk_admin, None, "go live")
        assert event.data["change"] == change.pk and (event.data["from_version"], event.data["version"]) == (1, 2)
        assert (event.data["before"]["active"], event.data["after"]["active"]) == (False, True)
        assert event.data["channel_mix_now"] == {"green": 4}
        assert event.data["channel_mix_with_change"] == {"green": 3, "red": 1}
        assert event.data["declarations_changed"] == 1

    def test_a_change_of_an_active_rule_replaces_its_version_in_the_preview(self, risk_admin, recent_declarations):
        rule = risk_rule_create(user=risk_admin, data={**TOBACCO, "active": True})
        change = risk_rule_change_preview(rule=rule, user=risk_admin, data={"score": 10, "min_channel": ""})
        result = backtest_execute(run_id=change.preview_id).result
        assert result["channel_mix_now"] == {"green": 3, "red": 1}  # the rules in force, run again
        assert result["channel_mix_candidate"] == {"green": 4}
        assert [(d["from"], d["to"]) for d in result["changed"]] == [("red", "green")]

    def test_a_preview_is_confirmed_once(self, risk_admin, recent_declarations):
        rule = risk_rule_add(user=risk_admin, data=dict(TOBACCO))
        change = risk_rule_change_preview(rule=rule, user=risk_admin, data={"active": True})
        backtest_execute(run_id=change.preview_id)
        risk_change_confirm(change_id=change.pk, user=risk_admin)
        with pytest.raises(DomainConflict) as again:
            risk_change_confirm(change_id=change.pk, user=risk_admin)
        assert again.value.code == "already_applied"
        assert len(rule_state(rule)) == 2

    def test_not_before_the_preview_is_done(self, risk_admin, recent_declarations):
        rule = risk_rule_add(user=risk_admin, data=dict(TOBACCO))
        change = risk_rule_change_preview(rule=rule, user=risk_admin, data={"active": True})
        with pytest.raises(DomainConflict) as early:
            risk_change_confirm(change_id=change.pk, user=risk_admin)
        assert early.value.code == "preview_running"
        BacktestRun.objects.filter(pk=change.preview_id).update(state="failed", error="x")
        with pytest.raises(DomainConflict) as failed:
            risk_change_confirm(change_id=change.pk, user=risk_admin)
        assert failed.value.code == "preview_failed"
        assert rule_state(rule) == [(1, False, 60)] and RiskChange.objects.get().applied_at is None

    @pytest.mark.parametrize("meanwhile", ["another rule", "the settings"])
    def test_not_once_the_rules_or_settings_changed_since_the_preview(self, risk_admin, recent_declarations, meanwhile):
        rule = risk_rule_add(user=risk_admin, data=dict(TOBACCO))
        other = risk_rule_create(user=risk_admin, data={**TOBACCO, "name": "Other", "active": True})
        change = risk_rule_change_preview(rule=rule, user=risk_admin, data={"active": True})
        backtest_execute(run_id=change.preview_id)
        assert not risk_change_outdated(change)
        if meanwhile == "another rule":
            risk_rule_update(rule=other, user=risk_admin, data={"score": 1})
        else:
            RiskSettings.objects.filter(pk=1).update(version=2)
        assert risk_change_outdated(change)
        with pytest.raises(DomainConflict) as outdated:
            risk_change_confirm(change_id=change.pk, user=risk_admin)
        assert outdated.value.code == "preview_outdated"
        assert rule_state(rule) == [(1, False, 60)]


class TestSettingsPreview:
    def test_the_mix_with_new_rates_then_applied_once_confirmed(self, risk_admin, recent_declarations):
        change = risk_settings_change_preview(user=risk_admin, data={
            "yellow_threshold": 30, "red_threshold": 70, "random_yellow_rate": Decimal("0"), "random_red_rate": Decimal("1")})
        assert change.values == {"yellow_threshold": 30, "red_threshold": 70, "random_yellow_rate": "0",
                                 "random_red_rate": "1"}
        assert RiskSettings.objects.get(pk=1).random_red_rate == 0
        result = backtest_execute(run_id=change.preview_id).result
        assert (result["channel_mix_now"], result["channel_mix_candidate"]) == ({"green": 4}, {"red": 4})
        assert result["changed_total"] == 4

        risk_change_confirm(change_id=change.pk, user=risk_admin)
        settings = RiskSettings.objects.get(pk=1)
        assert (settings.random_red_rate, settings.version, settings.updated_by) == (Decimal("1"), 2, risk_admin)
        event = AuditEvent.objects.get(action="risk_settings_change")
        assert event.data["before"]["random_red_rate"] == "0.0000" and event.data["after"]["random_red_rate"] == "1"
        assert event.data["settings_version"] == 2 and event.data["declarations_changed"] == 4

    def test_bad_values_are_refused_before_any_preview(self, risk_admin):
        with pytest.raises(DomainValidationError) as refused:
            risk_settings_change_preview(user=risk_admin, data={"yellow_threshold": 80, "red_threshold": 60})
        assert refused.value.errors == {"red_threshold": ["The red threshold must be above the yellow threshold."]}
        assert not RiskChange.objects.exists() and not BacktestRun.objects.exists()


class TestRuleFormBacktest:
    def test_the_rule_as_typed_against_the_rules_in_force(self, risk_admin, recent_declarations):
        today = timezone.localdate()
        run = rule_form_backtest_start(user=risk_admin, rule=None, data={**TOBACCO, "name": "Thuốc lá"},
                                       date_from=today, date_to=today)
        assert not RiskRule.objects.exists()  # nothing saved
        assert (run.baseline, run.include_current, run.rules[0]["unsaved"], run.rules[0]["origin"]) == (
            "rules_in_force", True, True, "new rule")
        result = backtest_execute(run_id=run.pk).result
        assert (result["channel_mix_now"], result["channel_mix_candidate"]) == ({"green": 4}, {"green": 3, "red": 1})
        assert backtest_rule_label(result["fired"][0]) == "Thuốc lá (new, not saved)"

    def test_an_edit_replaces_the_rules_current_version(self, risk_admin, recent_declarations):
        rule = risk_rule_create(user=risk_admin, data={**TOBACCO, "active": True})
        today = timezone.localdate()
        run = rule_form_backtest_start(user=risk_admin, rule=rule, data={"score": 0, "min_channel": "", "active": False},
                                       date_from=today, date_to=today)
        assert backtest_rule_label(run.rules[0]) == "Tobacco (v2, not saved)"
        result = backtest_execute(run_id=run.pk).result  # tried as if active, whatever the form's switch says
        assert (result["channel_mix_now"], result["channel_mix_candidate"]) == ({"green": 3, "red": 1}, {"green": 4})
        assert len(rule_state(rule)) == 1
