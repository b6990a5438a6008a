"""Safety rails for risk admins: a change that alters which declarations are checked applies only
once its effect has been shown and confirmed. The pages and the API call these.

- A new rule is created inactive (`risk_rule_add`).
- Activating a rule, changing what an active rule decides (conditions, score, minimum channel,
  validity), or changing the thresholds or random rates: `risk_rule_edit` and `risk_settings_edit`
  refuse it (`PreviewRequired`, HTTP 409 `preview_required`). `risk_rule_change_preview` and
  `risk_settings_change_preview` hold the change (a `RiskChange`) and start its preview: a backtest
  of the last `PREVIEW_DAYS` days with the rules and settings in force, without and with the change
  (the channel mix, and the declarations whose channel would change). `risk_change_confirm` applies
  it, audited, if the rules and settings are still those the preview was made with.
- Renaming a rule, changing an inactive one, and deactivating one apply at once: they change no
  decision, or stop one, which must stay quick.
"""
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customs_portal.audit.services import audit_record
from customs_portal.errors import DomainConflict, DomainValidationError
from customs_portal.localization import moment_text
from risk.models import BacktestRun, RiskChange, RiskRule, RiskRuleVersion, RiskSettings
from risk.selectors import rule_set_key
from risk.services.assessment import risk_settings_current
from risk.services.backtest import backtest_run_create, candidate_from_version
from risk.services.rules import (
    RULE_FIELDS,
    SETTINGS_FIELDS,
    risk_rule_create,
    risk_rule_update,
    risk_settings_update,
    risk_settings_values,
    rule_values_changed,
)

PREVIEW_DAYS = 30
# What a rule decides: a change to any of these in a rule that is (or becomes) active needs a preview.
DECISION_FIELDS = ("conditions", "score", "min_channel", "active", "valid_from", "valid_to")


class PreviewRequired(DomainConflict):
    def __init__(self, message: str):
        super().__init__(message, code="preview_required")


def risk_rule_add(*, user, data: dict, change_note: str = "") -> RiskRule:
    """A new rule, always inactive: it is activated later, after its preview."""
    if data.get("active"):
        raise DomainValidationError({"active": [_(
            "A new rule is created inactive: backtest it, then activate it; its effect on the declarations of the "
            "last 30 days is shown before it applies.")]})
    return risk_rule_create(user=user, data={**data, "active": False}, change_note=change_note)


def rule_change_alters_decisions(*, current: RiskRuleVersion, values: dict) -> bool:
    """Whether the version `values` would make of `current` decides differently: it is active and
    was not, or it stays active with another condition, score, minimum channel or validity."""
    if not values["active"]:
        return False
    return not current.active or any(values[name] != getattr(current, name) for name in DECISION_FIELDS)


def settings_change_alters_decisions(*, current: RiskSettings, values: dict) -> bool:
    return any(values[name] != getattr(current, name) for name in SETTINGS_FIELDS)


def risk_rule_edit(*, rule: RiskRule, user, data: dict, change_note: str = "") -> RiskRule:
    """Apply a change that decides nothing differently; one that does needs a preview (PreviewRequired)."""
    current = RiskRule.objects.select_related("current").get(pk=rule.pk).current
    values = rule_values_changed(current=current, data=data)
    if rule_change_alters_decisions(current=current, values=values):
        message = (_("Activating a rule changes which declarations are checked: look at its effect on the last 30 "
                     "days first, then confirm.") if not current.active else
                   _("This rule is active: look at the effect of the change on the last 30 days first, then confirm."))
        raise PreviewRequired(message)
    return risk_rule_update(rule=rule, user=user, data=data, change_note=change_note)


def risk_settings_edit(*, user, data: dict) -> RiskSettings:
    """Thresholds and rates are never changed without a preview (PreviewRequired); the same values change nothing."""
    current = risk_settings_current()
    values = risk_settings_values(current=current, data=data)
    if settings_change_alters_decisions(current=current, values=values):
        raise PreviewRequired(_("Changing the thresholds or the random rates changes which declarations are checked: "
                                "look at the effect on the last 30 days first, then confirm."))
    return current


def _preview_range() -> tuple[date, date]:
    today = timezone.localdate()
    return today - timedelta(days=PREVIEW_DAYS - 1), today


def _rule_values_json(values: dict) -> dict:
    return {name: value.isoformat() if isinstance(value, date) else value for name, value in values.items()}


def _rule_values_parse(values: dict) -> dict:
    parsed = dict(values)
    for name in ("valid_from", "valid_to"):
        parsed[name] = date.fromisoformat(parsed[name]) if parsed.get(name) else None
    return parsed


def _settings_values_json(values: dict) -> dict:
    return {name: str(value) if isinstance(value, Decimal) else value for name, value in values.items()}


def _settings_values_parse(values: dict) -> dict:
    return {name: Decimal(value) if name.startswith("random_") else int(value) for name, value in values.items()}


@transaction.atomic
def risk_rule_change_preview(*, rule: RiskRule, user, data: dict, change_note: str = "") -> RiskChange:
    """Hold a change of `rule` (a partial rule body) and start the preview of its effect."""
    current = RiskRule.objects.select_related("current").get(pk=rule.pk).current
    values = rule_values_changed(current=current, data=data)
    proposed = RiskRuleVersion(rule_id=rule.pk, version=current.version + 1, **values)
    candidate = {**candidate_from_version(proposed, proposed=True), "active": values["active"]}
    date_from, date_to = _preview_range()
    run = backtest_run_create(user=user, candidates=[candidate], date_from=date_from, date_to=date_to,
                              include_current=True, baseline=BacktestRun.Baseline.RULES_IN_FORCE)
    return RiskChange.objects.create(
        kind=RiskChange.Kind.RULE, rule=rule, values=_rule_values_json(values), change_note=change_note[:300],
        rule_set_key=rule_set_key(), settings_version=risk_settings_current().version, preview=run, created_by=user,
    )


@transaction.atomic
def risk_settings_change_preview(*, user, data: dict) -> RiskChange:
    """Hold a change of the thresholds and rates and start the preview of its effect."""
    current = risk_settings_current()
    values = _settings_values_json(risk_settings_values(current=current, data=data))
    date_from, date_to = _preview_range()
    run = backtest_run_create(user=user, candidates=[], date_from=date_from, date_to=date_to, include_current=True,
                              baseline=BacktestRun.Baseline.RULES_IN_FORCE, candidate_settings=values)
    return RiskChange.objects.create(
        kind=RiskChange.Kind.SETTINGS, values=values, rule_set_key=rule_set_key(), settings_version=current.version,
        preview=run, created_by=user,
    )


def risk_change_outdated(change: RiskChange) -> bool:
    """A rule or the settings changed since the preview was made: it no longer shows this change's effect."""
    return change.rule_set_key != rule_set_key() or change.settings_version != risk_settings_current().version


@transaction.atomic
def risk_change_confirm(*, change_id: int, user) -> RiskChange:
    """Apply a previewed change, once: refused while its preview runs, when it failed, or when the
    rules or settings changed since (the preview would no longer be its effect). Audited."""
    change = RiskChange.objects.select_for_update(of=("self",)).select_related("preview", "rule").get(pk=change_id)
    if change.applied_at is not None:
        raise DomainConflict(_("This change was already applied on %(when)s.") % {"when": moment_text(change.applied_at)},
                             code="already_applied")
    preview = change.preview
    if preview.state in (BacktestRun.State.PENDING, BacktestRun.State.RUNNING):
        raise DomainConflict(_("The preview is still running: confirm once it shows the effect of the change."),
                             code="preview_running")
    if preview.state == BacktestRun.State.FAILED:
        raise DomainConflict(_("The preview failed: make it again."), code="preview_failed")
    # The rule's or the settings' row lock first, so that no change slips in between the check and the update.
    if change.kind == RiskChange.Kind.RULE:
        RiskRule.objects.select_for_update(of=("self",)).get(pk=change.rule_id)
    else:
        RiskSettings.objects.select_for_update().get_or_create(pk=1)
    if risk_change_outdated(change):
        raise DomainConflict(_("The rules or the settings changed since this preview was made: make the preview "
                               "again to see the effect of the change now."), code="preview_outdated")
    if change.kind == RiskChange.Kind.RULE:
        before = change.rule.current
        values = _rule_values_parse(change.values)
        rule = risk_rule_update(rule=change.rule, user=user, data={name: values[name] for name in RULE_FIELDS},
                                change_note=change.change_note)
        subject = {"rule": rule.pk, "from_version": before.version, "version": rule.current.version,
                   "before": _rule_values_json({name: getattr(before, name) for name in RULE_FIELDS}),
                   "after": change.values}
        action = "risk_rule_change"
    else:
        before = risk_settings_current()
        settings = risk_settings_update(user=user, data=_settings_values_parse(change.values))
        subject = {"settings_version": settings.version,
                   "before": _settings_values_json({name: getattr(before, name) for name in SETTINGS_FIELDS}),
                   "after": change.values}
        action = "risk_settings_change"
    result = preview.result or {}
    audit_record(declaration=None, actor=user, action=action, reason=change.change_note, data={
        "change": change.pk, **subject, "preview": preview.pk,
        "channel_mix_now": result.get("channel_mix_now", {}), "channel_mix_with_change": result.get("channel_mix_candidate", {}),
        "declarations_changed": result.get("changed_total", 0),
    })
    change.applied_at, change.applied_by = timezone.now(), user
    change.save(update_fields=["applied_at", "applied_by"])
    return change
