"""Selection for post-clearance audit (post_clearance/services/selection.py): rules, random rate per
class, the cap over the rolling window, reproducible and idempotent."""
import math
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import timezone

from customs_portal.audit.models import AuditEvent
from post_clearance.models import Audit, AuditRule, ClassPolicy, Selection, SelectionReason
from post_clearance.services.selection import (
    audit_deadline,
    cap_allows,
    declarations_awaiting_selection,
    post_clearance_select,
)
from post_clearance.tasks import post_clearance_select_task, post_clearance_sweep
from risk.models import Assessment
from risk.services.assessment import random_draw_for

pytestmark = pytest.mark.django_db


def test_a_rule_selects_whatever_the_random_rate(released, trader1):
    AuditRule.objects.create(name_en="Keyboards", name_vi="Bàn phím",
                             conditions=[{"field": "items.hs_code", "op": "startswith", "value": "8471"}])
    declaration = released(trader1)

    selection = post_clearance_select(declaration_id=declaration.pk)

    assert (selection.selected, selection.reason) == (True, SelectionReason.RULE)
    assert [rule["name_en"] for rule in selection.fired_rules] == ["Keyboards"]
    assert selection.fired_rules[0]["reason"][0]["actual"] == "84716030"
    audit = Audit.objects.get(declaration=declaration)
    assert (audit.status, audit.customs_office_id, audit.selection_id) == ("selected", "03CE", selection.pk)
    assert audit.deadline == audit_deadline(timezone.localdate(declaration.registered_at))
    event = AuditEvent.objects.filter(declaration=declaration, action="post_clearance_select").get()
    assert event.data == {"selection": selection.pk, "reason": "rule", "audit": audit.pk}


def test_a_rule_on_the_model_score_reads_the_score_the_declaration_was_assessed_with(released, trader1, trader2):
    AuditRule.objects.create(name_en="Model", conditions=[{"field": "model.score", "op": "gte", "value": "0.8"}])
    suspicious, ordinary = released(trader1), released(trader2)
    Assessment.objects.filter(declaration=suspicious).update(model_score=Decimal("0.8731"))
    Assessment.objects.filter(declaration=ordinary).update(model_score=Decimal("0.2"))

    selection = post_clearance_select(declaration_id=suspicious.pk)
    assert (selection.selected, selection.reason) == (True, SelectionReason.RULE)
    assert selection.fired_rules[0]["reason"][0]["actual"] == "0.8731"
    assert post_clearance_select(declaration_id=ordinary.pk).reason != SelectionReason.RULE


def test_a_rule_that_does_not_fire_selects_nothing(released, trader1):
    AuditRule.objects.create(name_en="Cigarettes", conditions=[{"field": "items.hs_code", "op": "startswith", "value": "2402"}])
    declaration = released(trader1)

    selection = post_clearance_select(declaration_id=declaration.pk)

    assert (selection.selected, selection.reason, selection.fired_rules) == (False, SelectionReason.NONE, [])
    assert not Audit.objects.exists()


def test_random_selection_follows_the_rate_of_the_enterprise_class(released, trader1, trader2):
    """trader1 is high, trader2 new: only the class whose rate is 1 is drawn."""
    ClassPolicy.objects.filter(compliance_level="new").update(random_rate=1, cap_rate=1)
    ClassPolicy.objects.filter(compliance_level="high").update(random_rate=0, cap_rate=1)
    high, new = released(trader1), released(trader2)

    assert post_clearance_select(declaration_id=high.pk).reason == SelectionReason.NONE
    selection = post_clearance_select(declaration_id=new.pk)
    assert (selection.selected, selection.reason, selection.compliance_level) == (True, "random", "new")
    assert selection.explanation["random_rate"] == "1.0000"


def test_the_draw_is_the_keyed_draw_with_its_own_purpose_and_reproducible(released, trader1):
    ClassPolicy.objects.filter(compliance_level="high").update(random_rate=Decimal("0.5"), cap_rate=1)
    declaration = released(trader1)

    selection = post_clearance_select(declaration_id=declaration.pk)

    assert selection.draw == random_draw_for(declaration, purpose="post_clearance")
    assert selection.draw != random_draw_for(declaration)  # not the channel's draw
    assert selection.selected == (selection.draw < Decimal("0.5"))
    with override_settings(RISK_SELECTION_KEY="another key"):
        assert random_draw_for(declaration, purpose="post_clearance") != selection.draw


def test_the_cap_stops_random_selection_and_not_rules(released, trader2):
    """Class new: every draw selects (rate 1), the cap is 25 %: of 8 declarations at most 2 are drawn;
    a rule still selects once the class is at its cap, and counts in its share."""
    ClassPolicy.objects.filter(compliance_level="new").update(random_rate=1, cap_rate=Decimal("0.25"))
    reasons = [post_clearance_select(declaration_id=released(trader2).pk).reason for _ in range(8)]

    assert reasons == ["random", "capped", "capped", "capped", "random", "capped", "capped", "capped"]
    selected = Selection.objects.filter(selected=True).count()
    assert selected == 2 <= math.ceil(Decimal("0.25") * 8)
    AuditRule.objects.create(name_en="Keyboards", conditions=[{"field": "items.hs_code", "op": "eq", "value": "84716030"}])
    assert post_clearance_select(declaration_id=released(trader2).pk).reason == "rule"
    # 3 of 9 selected now: the next draw is capped until the share is back under 25 %.
    assert post_clearance_select(declaration_id=released(trader2).pk).reason == "rule"
    AuditRule.objects.update(active=False)
    assert post_clearance_select(declaration_id=released(trader2).pk).reason == "capped"


def test_cap_allows_at_most_the_ceiling_of_the_share():
    assert cap_allows(Decimal("0.02"), decided=0, selected=0)
    assert not cap_allows(Decimal("0.02"), decided=1, selected=1)
    assert not cap_allows(Decimal("0.02"), decided=49, selected=1)
    assert cap_allows(Decimal("0.02"), decided=50, selected=1)
    assert not cap_allows(Decimal("0"), decided=100, selected=0)


def test_the_window_is_rolling(released, trader2, settings):
    """Selections older than the window do not count against the cap."""
    ClassPolicy.objects.filter(compliance_level="new").update(random_rate=1, cap_rate=Decimal("0.25"))
    first = post_clearance_select(declaration_id=released(trader2).pk)
    assert first.reason == "random"
    assert post_clearance_select(declaration_id=released(trader2).pk).reason == "capped"
    Selection.objects.filter(pk=first.pk).update(decided_at=first.decided_at - __import__("datetime").timedelta(days=400))
    assert post_clearance_select(declaration_id=released(trader2).pk).reason == "random"


def test_selecting_twice_changes_nothing_and_the_task_is_idempotent(released, trader1):
    ClassPolicy.objects.filter(compliance_level="high").update(random_rate=1, cap_rate=1)
    declaration = released(trader1)

    post_clearance_select_task.apply(args=[declaration.pk])
    post_clearance_select_task.apply(args=[declaration.pk])
    again = post_clearance_select(declaration_id=declaration.pk)

    assert Selection.objects.filter(declaration=declaration).count() == 1
    assert Audit.objects.filter(declaration=declaration).count() == 1
    assert again.reason == "random"
    assert AuditEvent.objects.filter(declaration=declaration, action="post_clearance_select").count() == 1


def test_only_released_declarations_are_selected(trader1, quiet_selection):
    from tests.factories import registered
    declaration = registered(trader1)
    assert post_clearance_select(declaration_id=declaration.pk) is None
    assert post_clearance_select(declaration_id=10**9) is None
    assert not Selection.objects.exists()


def test_beyond_five_years_nothing_is_selected(released, trader1):
    AuditRule.objects.create(name_en="Keyboards", conditions=[{"field": "items.hs_code", "op": "eq", "value": "84716030"}])
    declaration = released(trader1, registered_days_ago=5 * 366)

    selection = post_clearance_select(declaration_id=declaration.pk)

    assert (selection.selected, selection.reason) == (False, "out_of_period")


def test_the_sweep_finds_released_declarations_without_a_decision(released, trader1, monkeypatch):
    declaration = released(trader1)
    later = timezone.now() + timedelta(minutes=10)
    assert declarations_awaiting_selection(now=later) == [declaration.pk]
    queued = []
    monkeypatch.setattr("post_clearance.tasks.selection_enqueue", lambda *, declaration_id: queued.append(declaration_id))
    monkeypatch.setattr("post_clearance.tasks.declarations_awaiting_selection", lambda: [declaration.pk])
    assert post_clearance_sweep() == 1 and queued == [declaration.pk]
    post_clearance_select(declaration_id=declaration.pk)
    assert declarations_awaiting_selection(now=later) == []


def test_the_gate_release_queues_the_selection_on_commit(trader1, released, django_capture_on_commit_callbacks, monkeypatch):
    queued = []
    monkeypatch.setattr("post_clearance.tasks.selection_enqueue", lambda *, declaration_id: queued.append(declaration_id))
    with django_capture_on_commit_callbacks(execute=True):
        declaration = released(trader1)
    assert declaration.pk in queued
