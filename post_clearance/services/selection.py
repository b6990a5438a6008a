"""Which released declarations are audited after clearance.

Once a declaration's goods are released at the gate (declarations/extensions.py calls
`selection_enqueue` on commit, and the beat sweep catches any message lost), one decision is
made and stored per declaration, reproducibly:
1. the audit rules (conditions in the risk rules' language, evaluated by the risk engine on the
   same facts) select it whenever one fires: targeted selection always applies, as a rule's
   minimum channel does;
2. otherwise a keyed draw (risk's HMAC draw, purpose "post_clearance") below its compliance
   class's random rate selects it, unless the class already has its cap's share of selected
   declarations over the rolling window (`cap_allows`; rule selections count in that share):
   "capped", not selected.
Selections of one class are serialized on its `ClassPolicy` row, so two at once cannot both pass the cap.
Declarations registered more than five years ago are not selected (Customs Law 2014, art. 77–79:
post-clearance audit within five years from the registration date).
"""
import logging
import math
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from customs_portal.audit.services import audit_record
from declarations.lifecycle import Status
from declarations.models import Declaration
from declarations.services.lifecycle import declaration_lock
from post_clearance.models import Audit, AuditRule, ClassPolicy, Selection, SelectionReason
from risk.conditions import FIELDS
from risk.engine import CompiledRule, CompiledRuleSet, compile_condition
from risk.selectors import assessment_latest
from risk.services.assessment import random_draw_for, random_selection_key_id
from risk.services.facts import declaration_facts

logger = logging.getLogger(__name__)
DRAW_PURPOSE = "post_clearance"
AUDIT_PERIOD_YEARS = 5
# The defaults per compliance class (random rate, cap): docs/decisions.md, "Post-clearance selection".
DEFAULT_POLICIES = {
    "priority": (Decimal("0.0050"), Decimal("0.0100")),
    "high": (Decimal("0.0100"), Decimal("0.0200")),
    "medium": (Decimal("0.0200"), Decimal("0.0500")),
    "low": (Decimal("0.0500"), Decimal("0.1000")),
    "new": (Decimal("0.0500"), Decimal("0.1000")),
}


def audit_deadline(registered_on: date) -> date:
    """The last day of the five-year period that starts on the registration date."""
    try:
        return registered_on.replace(year=registered_on.year + AUDIT_PERIOD_YEARS) - timedelta(days=1)
    except ValueError:  # 29 February
        return registered_on.replace(year=registered_on.year + AUDIT_PERIOD_YEARS, day=28)


def audit_rule_set() -> CompiledRuleSet:
    """The active audit rules, compiled for the risk engine (ids and names are the audit rules')."""
    rules = []
    for rule in AuditRule.objects.filter(active=True).order_by("id"):
        compiled = CompiledRule(version_id=rule.pk, rule_id=rule.pk, name=rule.name_vi or rule.name_en,
                                name_en=rule.name_en or rule.name_vi, version=1, score=0, min_channel="",
                                valid_from=None, valid_to=None)
        for condition in rule.conditions:
            field = FIELDS[condition["field"]]
            (compiled.item_conditions if field.is_item else compiled.header_conditions).append(
                compile_condition(condition, field.kind))
        rules.append(compiled)
    return CompiledRuleSet(rules)


def class_policy_lock(level: str) -> ClassPolicy:
    """The class's policy row, locked (created with the defaults when missing)."""
    random_rate, cap_rate = DEFAULT_POLICIES.get(level, DEFAULT_POLICIES["new"])
    ClassPolicy.objects.get_or_create(compliance_level=level, defaults={"random_rate": random_rate, "cap_rate": cap_rate})
    return ClassPolicy.objects.select_for_update().get(compliance_level=level)


def class_share(*, level: str, now, window_days: int | None = None) -> tuple[int, int]:
    """(decided, selected) for the class over the rolling window ending `now`."""
    window_days = window_days or settings.POST_CLEARANCE_WINDOW_DAYS
    counts = Selection.objects.filter(compliance_level=level, decided_at__gt=now - timedelta(days=window_days)).aggregate(
        decided=Count("id"), selected=Count("id", filter=Q(selected=True)))
    return counts["decided"], counts["selected"]


def cap_allows(cap_rate: Decimal, *, decided: int, selected: int) -> bool:
    """Whether one more selection keeps the class within its cap: at most ceil(cap × n) of the n
    declarations decided in the window (this one included), so the first of a quiet window may be drawn."""
    return selected + 1 <= math.ceil(cap_rate * (decided + 1))


def audit_facts(declaration: Declaration):
    """What audit rules read: the declaration's facts, and the learned model's score as it was when the
    declaration was assessed (its assessment keeps it), so a rule on `model.score` reads what clearance read."""
    facts = declaration_facts(declaration=declaration)
    assessed = assessment_latest(declaration_id=declaration.pk)
    if assessed is not None and assessed.model_score is not None:
        facts.header["model.score"] = assessed.model_score
    return facts


def post_clearance_select(*, declaration_id: int, now=None) -> Selection | None:
    """Decide once whether a released declaration is audited; running it again changes nothing.
    None when the declaration is gone or not released."""
    now = now or timezone.now()
    with transaction.atomic():
        try:
            declaration = declaration_lock(declaration_id=declaration_id)
        except Declaration.DoesNotExist:
            logger.warning("post_clearance_select: declaration %s does not exist", declaration_id)
            return None
        existing = Selection.objects.filter(declaration=declaration).first()
        if existing is not None or declaration.status != Status.RELEASED:
            return existing
        level = declaration.enterprise.compliance_level
        policy = class_policy_lock(level)
        registered_on = timezone.localdate(declaration.registered_at)
        deadline = audit_deadline(registered_on)
        draw = random_draw_for(declaration, purpose=DRAW_PURPOSE)
        decided, selected_before = class_share(level=level, now=now)
        fired = audit_rule_set().evaluate(audit_facts(declaration)).fired
        share_after = Decimal(selected_before + 1) / Decimal(decided + 1)
        if timezone.localdate(now) > deadline:
            reason = SelectionReason.OUT_OF_PERIOD
        elif fired:
            reason = SelectionReason.RULE
        elif draw < policy.random_rate:
            reason = SelectionReason.RANDOM if cap_allows(policy.cap_rate, decided=decided, selected=selected_before) \
                else SelectionReason.CAPPED
        else:
            reason = SelectionReason.NONE
        selected = reason in (SelectionReason.RULE, SelectionReason.RANDOM)
        selection = Selection.objects.create(
            declaration=declaration, decided_at=now, compliance_level=level, selected=selected, reason=reason,
            fired_rules=[{"rule": f["rule"], "name": f["name"], "name_en": f["name_en"], "reason": f["reason"]} for f in fired],
            draw=draw, draw_key=random_selection_key_id(),
            explanation={"random_rate": str(policy.random_rate), "cap_rate": str(policy.cap_rate),
                         "window_days": settings.POST_CLEARANCE_WINDOW_DAYS, "decided_in_window": decided,
                         "selected_in_window": selected_before, "share_if_selected": str(share_after.quantize(Decimal("0.0001"))),
                         "deadline": deadline.isoformat()},
        )
        data = {"selection": selection.pk, "reason": reason}
        if selected:
            audit = Audit.objects.create(declaration=declaration, selection=selection, customs_office_id=declaration.customs_office_id,
                                         selected_at=now, deadline=deadline)
            data["audit"] = audit.pk
        audit_record(declaration=declaration, actor=None, action="post_clearance_select", from_status=declaration.status,
                     to_status=declaration.status, data=data)
    return selection


def declarations_awaiting_selection(*, now=None, older_than: timedelta = timedelta(minutes=5)) -> list[int]:
    """Released declarations (within the audit period) without a selection decision, released more
    than `older_than` ago: the sweep queues them again."""
    now = now or timezone.now()
    return list(
        Declaration.objects.filter(status=Status.RELEASED, post_clearance_selection__isnull=True,
                                   released_at__lt=now - older_than,
                                   registered_at__gt=now - timedelta(days=366 * AUDIT_PERIOD_YEARS))
        .order_by("released_at", "id").values_list("id", flat=True)[:1000]
    )
