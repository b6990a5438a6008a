"""Compile the rules in force into the engine's indexed form, once per rule-set version."""
import threading

from django.db.models import F

from risk.conditions import FIELDS
from risk.engine import CompiledRule, CompiledRuleSet, compile_condition
from risk.models import RiskRuleVersion
from risk.selectors import rule_set_key

_cache: dict = {}
_lock = threading.Lock()


def rule_version_compile(version: RiskRuleVersion) -> CompiledRule:
    rule = CompiledRule(
        version_id=version.pk,
        rule_id=version.rule_id,
        name=version.name_vi or version.name_en,
        name_en=version.name_en or version.name_vi,
        version=version.version,
        score=version.score,
        min_channel=version.min_channel,
        valid_from=version.valid_from,
        valid_to=version.valid_to,
    )
    for condition in version.conditions:
        field = FIELDS[condition["field"]]
        compiled = compile_condition(condition, field.kind)
        (rule.item_conditions if field.is_item else rule.header_conditions).append(compiled)
    return rule


def rule_set_compile(versions) -> CompiledRuleSet:
    return CompiledRuleSet([rule_version_compile(v) for v in versions if v.active])


def rule_set_current() -> CompiledRuleSet:
    """The compiled set of current, active rules; recompiled only when a rule changed."""
    key = rule_set_key()
    compiled = _cache.get("current")
    if compiled is not None and compiled.key == key:
        return compiled
    with _lock:
        compiled = _cache.get("current")
        if compiled is None or compiled.key != key:
            versions = RiskRuleVersion.objects.filter(rule__current_id=F("id"), active=True)
            compiled = rule_set_compile(versions)
            compiled.key = key
            _cache["current"] = compiled
    return compiled

