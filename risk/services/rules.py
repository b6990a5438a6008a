"""Risk rules, settings, compliance levels and watchlists: every change is versioned or audited.

These apply a change at once. People's changes to rules and settings go through
risk/services/changes.py, which creates rules inactive and holds a change that alters decisions
until its preview is confirmed; the default rule set (risk/services/defaults.py) and the tests
use these directly."""
from django.db import transaction
from django.utils.translation import gettext as _

from customs_portal.accounts.models import Enterprise
from customs_portal.audit.services import audit_record
from customs_portal.errors import DomainValidationError
from customs_portal.languages import english_active
from risk.conditions import ConditionError, conditions_validate
from risk.models import RiskRule, RiskRuleVersion, RiskSettings
from risk.services.compliance import compliance_level_set

RULE_FIELDS = (
    "name_vi", "name_en", "description_vi", "description_en", "conditions", "score", "min_channel", "active",
    "valid_from", "valid_to",
)
# A rule's name and description are kept in both languages; `name` and `description` in a
# body give the text in the language of the request, unless the body gives that language's
# column itself (the other language keeps its text).
TEXTS_IN_BOTH_LANGUAGES = ("name", "description")


def _in_both_languages(data: dict) -> dict:
    """`data` with `name` / `description` moved to the column of the active language."""
    language = "en" if english_active() else "vi"
    data = dict(data)
    for text in TEXTS_IN_BOTH_LANGUAGES:
        if text in data:
            data.setdefault(f"{text}_{language}", data.pop(text))
    return data


def _validated(data: dict) -> dict:
    errors = {}
    for text in ("name_vi", "name_en", "description_vi", "description_en"):
        data[text] = (data.get(text) or "").strip()
    if not (data["name_vi"] or data["name_en"]):
        errors["name"] = [_("Give the rule a name, in Vietnamese or in English.")]
    try:
        data["conditions"] = conditions_validate(data.get("conditions", []))
    except ConditionError as exc:
        errors["conditions"] = [str(exc)]
    if data.get("valid_from") and data.get("valid_to") and data["valid_to"] < data["valid_from"]:
        errors["valid_to"] = [_("The end of validity must not be before its start.")]
    if errors:
        raise DomainValidationError(errors)
    return data


def rule_values_new(*, data: dict) -> dict:
    """The validated fields of a new rule's version 1 (inactive unless `data` says `active`)."""
    data = _in_both_languages(data)
    values = _validated({name: data.get(name) for name in RULE_FIELDS if name in data})
    values.setdefault("active", False)
    return values


@transaction.atomic
def risk_rule_create(*, user, data: dict, change_note: str = "") -> RiskRule:
    """Version 1 of a new rule; inactive unless `data` says `active`."""
    values = rule_values_new(data=data)
    rule = RiskRule.objects.create(created_by=user)
    version = RiskRuleVersion.objects.create(rule=rule, version=1, created_by=user, change_note=change_note, **values)
    rule.current = version
    rule.save(update_fields=["current"])
    return rule


@transaction.atomic
def risk_rule_update(*, rule: RiskRule, user, data: dict, change_note: str = "") -> RiskRule:
    """A new version with the changed fields; earlier versions stay as they were."""
    locked = RiskRule.objects.select_for_update(of=("self",)).select_related("current").get(pk=rule.pk)
    current = locked.current
    values = rule_values_changed(current=current, data=data)
    version = RiskRuleVersion.objects.create(
        rule=locked, version=current.version + 1, created_by=user, change_note=change_note, **values
    )
    locked.current = version
    locked.save(update_fields=["current"])
    return locked


def rule_values_changed(*, current: RiskRuleVersion, data: dict) -> dict:
    """The validated fields of the version that `data` (a partial rule body) would make of `current`."""
    data = _in_both_languages(data)
    values = {name: getattr(current, name) for name in RULE_FIELDS}
    values.update({name: data[name] for name in RULE_FIELDS if name in data})
    return _validated(values)


def risk_rule_deactivate(*, rule: RiskRule, user) -> RiskRule:
    return risk_rule_update(rule=rule, user=user, data={"active": False}, change_note="deactivated")


SETTINGS_FIELDS = ("yellow_threshold", "red_threshold", "random_yellow_rate", "random_red_rate")


def risk_settings_values(*, current: RiskSettings, data: dict) -> dict:
    """The thresholds and rates that `data` (some of them) would make of `current`, validated."""
    values = {name: data[name] if name in data else getattr(current, name) for name in SETTINGS_FIELDS}
    if values["red_threshold"] <= values["yellow_threshold"]:
        raise DomainValidationError({"red_threshold": [_("The red threshold must be above the yellow threshold.")]})
    if values["random_yellow_rate"] + values["random_red_rate"] > 1:
        raise DomainValidationError({"random_red_rate": [_("The random rates together cannot exceed 1.")]})
    return values


@transaction.atomic
def risk_settings_update(*, user, data: dict) -> RiskSettings:
    settings, _created = RiskSettings.objects.select_for_update().get_or_create(pk=1)
    for name, value in risk_settings_values(current=settings, data=data).items():
        setattr(settings, name, value)
    settings.version += 1
    settings.updated_by = user
    settings.save(update_fields=[*SETTINGS_FIELDS, "version", "updated_by", "updated_at"])
    return settings


def enterprise_compliance_update(*, enterprise, user, compliance_level: str, on_watchlist: bool):
    """Set an enterprise's compliance level and watchlist flag; the change is audited."""
    locked = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    before = {"compliance_level": locked.compliance_level, "on_watchlist": locked.on_watchlist}
    if compliance_level != locked.compliance_level:
        # Levels are computed: a level chosen here grants priority or overrides the computed level
        # (risk/services/compliance.py::compliance_level_set).
        locked = compliance_level_set(enterprise=locked, user=user, level=compliance_level)
    locked.on_watchlist = on_watchlist
    locked.save(update_fields=["on_watchlist"])
    audit_record(declaration=None, actor=user, action="enterprise_compliance", data={
        "enterprise": locked.tax_code, "before": before,
        "after": {"compliance_level": locked.compliance_level, "on_watchlist": on_watchlist}})
    return locked
