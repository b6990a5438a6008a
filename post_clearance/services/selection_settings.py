"""What risk admins change of the post-clearance selection (services/selection.py): per compliance
class the random rate and the cap (`ClassPolicy`), and the audit rules (`AuditRule`: conditions in
the risk rules' language, validated as theirs). Every change locks its row and is audited (no
declaration); a selection already made keeps the rates and rules it stored."""
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from customs_portal.accounts.models import ComplianceLevel
from customs_portal.audit.services import audit_record
from customs_portal.errors import DomainValidationError
from post_clearance.models import AuditRule, ClassPolicy
from post_clearance.services.selection import class_policy_lock
from risk.conditions import ConditionError, conditions_validate

ONE = Decimal("1")
RATE_STEP = Decimal("0.0001")  # the columns keep 4 places: 0.01 %


def _rate_checked(value: Decimal, field: str, errors: dict) -> Decimal:
    if value < 0 or value > ONE:
        errors[field] = [_("Give a share between 0 % and 100 %.")]
    elif value != value.quantize(RATE_STEP):
        errors[field] = [_("Give at most two decimals of a percent, e.g. 1.25 %.")]
    return value


def class_policy_set(*, user, level: str, random_rate: Decimal, cap_rate: Decimal, reason: str = "") -> ClassPolicy:
    """Set a class's random selection rate and cap (shares, 0 to 1). The random rate may not be
    above the cap: the cap would then turn most draws down, which says less than a lower rate."""
    if level not in ComplianceLevel.values:
        raise DomainValidationError({"level": [_("No compliance class has this name.")]})
    errors: dict = {}
    _rate_checked(random_rate, "random_rate", errors)
    _rate_checked(cap_rate, "cap_rate", errors)
    if not errors and random_rate > cap_rate:
        errors["random_rate"] = [_("The random rate cannot be above the cap.")]
    if errors:
        raise DomainValidationError(errors)
    with transaction.atomic():
        policy = class_policy_lock(level)
        before = {"random_rate": str(policy.random_rate), "cap_rate": str(policy.cap_rate)}
        if (policy.random_rate, policy.cap_rate) == (random_rate, cap_rate):
            return policy
        policy.random_rate, policy.cap_rate = random_rate, cap_rate
        policy.save(update_fields=["random_rate", "cap_rate"])
        audit_record(declaration=None, actor=user, action="post_clearance_policy", reason=reason, data={
            "level": level, "before": before, "after": {"random_rate": str(random_rate), "cap_rate": str(cap_rate)}})
    return policy


RULE_FIELDS = ("name_vi", "name_en", "conditions", "active")


def _rule_values(data: dict) -> dict:
    errors = {}
    values = {"name_vi": (data.get("name_vi") or "").strip(), "name_en": (data.get("name_en") or "").strip(),
              "active": bool(data.get("active"))}
    if not (values["name_vi"] or values["name_en"]):
        errors["name"] = [_("Give the rule a name, in Vietnamese or in English.")]
    try:
        values["conditions"] = conditions_validate(data.get("conditions", []))
    except ConditionError as exc:
        errors["conditions"] = [str(exc)]
    else:
        if not values["conditions"]:
            # A rule without conditions fires on every declaration: every release would be audited.
            errors["conditions"] = [_("An audit rule needs at least one condition.")]
    if errors:
        raise DomainValidationError(errors)
    return values


def _rule_state(rule: AuditRule) -> dict:
    return {name: getattr(rule, name) for name in RULE_FIELDS}


def audit_rule_create(*, user, data: dict) -> AuditRule:
    values = _rule_values(data)
    with transaction.atomic():
        rule = AuditRule.objects.create(**values)
        audit_record(declaration=None, actor=user, action="audit_rule_create", data={"rule": rule.pk, "after": values})
    return rule


def audit_rule_update(*, user, rule_id: int, data: dict) -> AuditRule:
    """Replace a rule's names, conditions and state; changing nothing records nothing."""
    values = _rule_values(data)
    with transaction.atomic():
        rule = AuditRule.objects.select_for_update().get(pk=rule_id)
        before = _rule_state(rule)
        if before == values:
            return rule
        for name, value in values.items():
            setattr(rule, name, value)
        rule.save(update_fields=[*RULE_FIELDS, "updated_at"])
        audit_record(declaration=None, actor=user, action="audit_rule_update",
                     data={"rule": rule.pk, "before": before, "after": values})
    return rule


def audit_rule_deactivate(*, user, rule_id: int) -> AuditRule:
    with transaction.atomic():
        rule = AuditRule.objects.select_for_update().get(pk=rule_id)
        if not rule.active:
            return rule
        rule.active = False
        rule.save(update_fields=["active", "updated_at"])
        audit_record(declaration=None, actor=user, action="audit_rule_deactivate", data={"rule": rule.pk})
    return rule
