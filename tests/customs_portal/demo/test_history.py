"""The demo history (customs_portal/demo/history.py): a small one, run once for the module, and the
invariants every declaration of it keeps."""
import random
from datetime import date, datetime, time, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Q
from django.test import override_settings
from django.utils import timezone

from customs_portal.accounts.models import ComplianceLevel, Enterprise, Role, User
from customs_portal.audit.models import AuditEvent
from customs_portal.demo.history import (
    PROFILES,
    TRADER1_TAX_CODE,
    TRADER2_TAX_CODE,
    declarations_plan,
    enterprises_plan,
    history_tax_codes,
    partitions_plan,
)
from declarations.lifecycle import Action, Status
from declarations.models import Declaration, GateRelease, PaymentStatus
from payments.models import Payment
from payments.models import PaymentStatus as PaymentRowStatus
from post_clearance.models import Selection
from risk.compliance_models import ComplianceStatus
from risk.models import Assessment

pytestmark = pytest.mark.django_db

SIZE = ["--declarations", "70", "--days", "12", "--force"]


@pytest.fixture(scope="module")
def history(django_db_setup, django_db_blocker, tmp_path_factory):
    """seed_demo, then the history, built once for the module inside a transaction rolled back at its
    end (as tests/security/conftest.py builds its world): the history's steps run in savepoints, so the
    tasks they queue on commit never run, and the history calls their services itself."""
    media = tmp_path_factory.mktemp("media")
    # Run as of yesterday evening: the plan's declarations of "today" fall in working hours, which are
    # still in the future when the tests run shortly after midnight (they would be left undone).
    yesterday = timezone.localdate() - timedelta(days=1)
    evening = timezone.make_aware(datetime.combine(yesterday, time(20)))
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(media)), time_machine.travel(evening, tick=True):
        with transaction.atomic():
            call_command("seed_demo", force=True, stdout=StringIO())
            out = StringIO()
            call_command("demo_history", *SIZE, stdout=out)
            yield out.getvalue()
            transaction.set_rollback(True)


def lodged():
    return Declaration.objects.filter(number__isnull=False)


def test_the_population_has_its_enterprises_and_their_traders(history):
    codes = history_tax_codes()
    assert len(codes) == 28
    assert Enterprise.objects.filter(tax_code__in=codes).count() == 28
    for code in [*codes, TRADER1_TAX_CODE, TRADER2_TAX_CODE]:
        assert User.objects.filter(enterprise__tax_code=code, role=Role.TRADER, is_active=True).exists(), code
    trader = User.objects.get(enterprise__tax_code=codes[0])
    assert trader.check_password("demo12345")


def test_every_declaration_was_assessed_and_audited(history):
    declarations = lodged()
    assert declarations.count() >= 70
    assert not declarations.filter(status=Status.REGISTERED).exists()
    unassessed = declarations.annotate(n=Count("assessments")).filter(n=0)
    assert not unassessed.exists()
    for declaration in declarations:
        actions = list(AuditEvent.objects.filter(declaration=declaration).values_list("action", flat=True))
        assert {Action.CREATE, Action.SUBMIT, Action.ASSESS} <= set(actions), declaration.number
        assessment = Assessment.objects.filter(declaration=declaration).latest("id")
        assert declaration.channel == assessment.channel or declaration.channel == "red"  # an escalation raises it


def test_the_history_happened_on_past_days(history):
    declarations = lodged()
    days = {d.registered_at.date() for d in declarations}
    assert len(days) > 5
    for declaration in declarations.exclude(assessed_at__isnull=True):
        assert declaration.assessed_at >= declaration.registered_at
        submitted = AuditEvent.objects.get(declaration=declaration, action=Action.SUBMIT).created_at
        assert timedelta(0) <= submitted - declaration.registered_at < timedelta(seconds=1)  # the clock ticks on
    assert max(d.registered_at for d in declarations) < timezone.now()


def test_paid_declarations_have_their_payments(history):
    paid = lodged().filter(payment_status=PaymentStatus.PAID)
    assert paid.exists()
    for declaration in paid:
        credited = Payment.objects.filter(declaration=declaration, status=PaymentRowStatus.CREDITED)
        assert sum(p.applied_tax for p in credited) == declaration.tax_total, declaration.number
        assert declaration.amount_due == 0


def test_released_declarations_went_through_the_gate_and_the_selection(history):
    released = lodged().filter(status=Status.RELEASED)
    assert released.count() > 30
    assert GateRelease.objects.filter(declaration__in=released).count() == released.count()
    assert not released.filter(released_at__isnull=True).exists()
    assert Selection.objects.filter(declaration__in=released).count() == released.count()
    for declaration in released:
        assert declaration.released_at >= declaration.registered_at
        assert declaration.payment_status != PaymentStatus.UNPAID


def test_checks_were_decided_by_officers_of_the_office(history):
    checked = lodged().filter(channel__in=["yellow", "red"]).exclude(status__in=[Status.UNDER_REVIEW, Status.UNDER_INSPECTION])
    assert checked.exists()
    for declaration in checked:
        decision = AuditEvent.objects.filter(declaration=declaration, action__in=[Action.RELEASE, Action.REJECT]).get()
        assert decision.actor.is_officer
        assert decision.actor.all_offices or decision.actor.offices.filter(pk=declaration.customs_office_id).exists()
    for declaration in lodged().filter(channel="red", status=Status.RELEASED):
        assert declaration.inspections.exists()


def test_compliance_levels_are_computed_from_the_record(history):
    assert ComplianceStatus.objects.count() == Enterprise.objects.count()
    assert not ComplianceStatus.objects.filter(Q(computed_level="") | Q(computed_at__isnull=True)).exists()
    trader2 = Enterprise.objects.get(tax_code=TRADER2_TAX_CODE)
    assert trader2.compliance_level == ComplianceLevel.NEW
    levels = set(Enterprise.objects.values_list("compliance_level", flat=True))
    assert {ComplianceLevel.PRIORITY, ComplianceLevel.MEDIUM, ComplianceLevel.LOW, ComplianceLevel.NEW} <= levels


def test_the_summary_is_printed(history):
    assert "Enterprises per compliance level" in history
    assert "Channels: green" in history
    assert "Physical inspections" in history
    assert "Post-clearance audits" in history


def test_running_it_again_changes_nothing(history):
    before = (lodged().count(), AuditEvent.objects.count(), Payment.objects.count(), Enterprise.objects.count(),
              User.objects.count())
    out = StringIO()
    call_command("demo_history", *SIZE, stdout=out)
    assert "already has a history" in out.getvalue()
    assert (lodged().count(), AuditEvent.objects.count(), Payment.objects.count(), Enterprise.objects.count(),
            User.objects.count()) == before


def test_unpaid_plans_are_recent_enough_for_the_15_day_validity_and_never_trader1s():
    """The declarations the history leaves awaiting payment were registered within the last 14 days (the
    beat cancels one 15 days after its registration), only by low and new enterprises."""
    today = date(2026, 12, 3)
    enterprises = enterprises_plan(rng=random.Random(15), today=today)
    plans = declarations_plan(enterprises=enterprises, count=1500, start=today - timedelta(days=90),
                              end=today + timedelta(days=1), rng=random.Random(16), seed=15)
    unpaid = [plan for plan in plans if plan.overdue]
    assert len(unpaid) >= 5
    for plan in unpaid:
        assert today - timedelta(days=13) <= plan.registered.date() <= today - timedelta(days=1), plan.registered
        assert plan.registered + timedelta(days=15) > timezone.make_aware(datetime.combine(today, time(23, 59)))
        assert plan.owner.profile in ("low", "new") and plan.owner.tax_code != TRADER1_TAX_CODE


def test_the_partitions_cover_every_planned_declaration_once_with_each_class_whole():
    """The replay's groups (one worker process each): every plan in exactly one group, each compliance
    class in one group only (its cap window and post-clearance share are read by one process), each
    group in time order, and the same plans give the same groups."""

    today = date(2026, 12, 3)
    enterprises = enterprises_plan(rng=random.Random(15), today=today)
    plans = declarations_plan(enterprises=enterprises, count=600, start=date(2026, 10, 1), end=today,
                              rng=random.Random(16), seed=15)
    levels = {e.tax_code: PROFILES[e.profile].level for e in enterprises}
    groups = partitions_plan(plans, levels=levels, workers=2)
    assert len(groups) == 2
    indexes = [plan.index for group in groups for plan in group]
    assert sorted(indexes) == [plan.index for plan in plans] and len(set(indexes)) == len(plans)
    classes = [{levels[plan.owner.tax_code] for plan in group} for group in groups]
    assert not classes[0] & classes[1]
    assert classes[0] | classes[1] == set(levels.values())
    for group in groups:
        assert [plan.registered for plan in group] == sorted(plan.registered for plan in group)
    assert abs(len(groups[0]) - len(groups[1])) < len(plans) / 3  # the two cores get comparable work
    again = partitions_plan(plans, levels=levels, workers=2)
    assert [[p.index for p in g] for g in again] == [[p.index for p in g] for g in groups]
    assert [[p.index for p in g] for g in partitions_plan(plans, levels=levels, workers=1)] == [[p.index for p in plans]]
