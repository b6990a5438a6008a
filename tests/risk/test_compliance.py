"""Compliance computed, not typed (issue 15): the criteria at each boundary, the figures read from the
record in one query, priority kept, overrides with expiry, the history, the nightly task and the command."""
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from customs_portal.accounts.models import ComplianceLevel
from customs_portal.audit.models import AuditEvent
from customs_portal.errors import DomainConflict, DomainValidationError
from declarations.models import Declaration, InspectionResult
from declarations.services.registration_block import registration_block_of
from payments.models import LateInterest
from post_clearance.models import AdditionalAssessment, Audit
from risk.compliance import CRITERIA, Figures, Reason, level_compute
from risk.compliance_models import ComplianceOverride, ComplianceRecord, ComplianceStatus
from risk.compliance_selectors import compliance_figures
from risk.services.compliance import (
    compliance_compute,
    compliance_level_set,
    compliance_override_lift,
    compliance_override_set,
    compliance_priority_set,
)
from risk.tasks import compliance_compute_task
from tests.factories import EnterpriseFactory, registered
from tests.payloads import plain_import_body

L = ComplianceLevel
OLD = CRITERIA.new_below_days  # exactly the age where "new" ends


def level(**figures):
    return level_compute(Figures(**{"age_days": 2000, **figures}))


# --- The criteria, at each boundary ------------------------------------------------------------

class TestBoundaries:
    def test_new_below_365_days_of_activity(self):
        assert level(age_days=OLD - 1, declarations=50) == (L.NEW, Reason.NEW)
        assert level(age_days=OLD, declarations=50)[0] == L.HIGH
        assert level(age_days=OLD + 1, declarations=50)[0] == L.HIGH

    def test_high_needs_enough_declarations(self):
        n = CRITERIA.high_min_declarations
        assert level(declarations=n - 1) == (L.MEDIUM, Reason.MEDIUM)
        assert level(declarations=n) == (L.HIGH, Reason.HIGH)
        assert level(declarations=n + 1) == (L.HIGH, Reason.HIGH)

    def test_high_needs_a_violation_rate_at_most_two_percent(self):
        # 1 violation in 50 = 2 % (at), in 49 = 2.04 % (above), in 51 = 1.96 % (below)
        assert level(declarations=51, rejections=1)[0] == L.HIGH
        assert level(declarations=50, rejections=1)[0] == L.HIGH
        assert level(declarations=49, rejections=1)[0] == L.MEDIUM

    def test_low_from_five_violations(self):
        assert level(declarations=100, discrepancies=4) == (L.MEDIUM, Reason.MEDIUM)
        assert level(declarations=100, discrepancies=5) == (L.LOW, Reason.LOW_VIOLATIONS)
        assert level(declarations=1000, discrepancies=3, late_payments=3) == (L.LOW, Reason.LOW_VIOLATIONS)

    def test_low_above_a_ten_percent_violation_rate(self):
        # 2 in 20 = 10 % (at: medium), 2 in 19 = 10.5 % (above: low), 2 in 21 = 9.5 % (below: medium)
        assert level(declarations=21, rejections=2)[0] == L.MEDIUM
        assert level(declarations=20, rejections=2)[0] == L.MEDIUM
        assert level(declarations=19, rejections=2) == (L.LOW, Reason.LOW_RATE)

    def test_a_serious_violation_is_low_whatever_the_rest(self):
        assert level(declarations=100, overdue_tax=1) == (L.LOW, Reason.SERIOUS)
        assert level(age_days=10, overdue_tax=1) == (L.LOW, Reason.SERIOUS)
        assert level(declarations=100, post_clearance_findings=1) == (L.LOW, Reason.SERIOUS)
        assert level(declarations=100, overdue_tax=0)[0] == L.HIGH

    def test_no_declarations_is_medium_for_an_established_enterprise(self):
        assert level(declarations=0) == (L.MEDIUM, Reason.MEDIUM)

    def test_figures_round_trip(self):
        figures = Figures(age_days=400, declarations=7, rejections=1)
        data = figures.as_data()
        assert data["violations"] == 1 and data["violation_rate"] == "0.1429"
        assert Figures.from_data(data) == figures


# --- The figures from the record ---------------------------------------------------------------

@pytest.fixture
def record(trader1):
    """trader1's record: 6 declarations in the window (one rejected, one with a discrepancy, one that paid
    late interest, one with tax unpaid 100 days), one 400 days old with a discrepancy (outside the window)."""
    made = [registered(trader1, plain_import_body()) for _ in range(7)]
    rejected, inspected, late, overdue, _plain, _other, old = made
    Declaration.objects.filter(pk=rejected.pk).update(status="rejected")
    for declaration in (inspected, old):
        InspectionResult.objects.create(declaration=declaration, declaration_version=1, inspected_by=trader1,
                                        discrepancy=True, tax_total_before=0, tax_total_after=0)
    InspectionResult.objects.create(declaration=inspected, declaration_version=1, inspected_by=trader1,
                                    discrepancy=True, tax_total_before=0, tax_total_after=0)  # counted once
    LateInterest.objects.create(declaration=late, due_date=timezone.localdate(), charged=Decimal("1200"))
    Declaration.objects.filter(pk=overdue.pk).update(status="assessed", amount_due=Decimal("500000"),
                                                     registered_at=timezone.now() - timedelta(days=100))
    Declaration.objects.filter(pk=old.pk).update(registered_at=timezone.now() - timedelta(days=400), status="released",
                                                 amount_due=0)
    return trader1.enterprise


def test_figures_of_the_record_in_two_queries(record, trader2):
    # One aggregate over the declarations, one over the post-clearance audits closed with a discrepancy.
    with CaptureQueriesContext(connection) as queries:
        figures = compliance_figures()
    # (and the overdue debts: the declarations unpaid, then one query per kind of later debt)
    assert len(queries) == 5
    mine = figures[record.pk]
    assert (mine.declarations, mine.rejections, mine.discrepancies, mine.late_payments, mine.overdue_tax,
            mine.post_clearance_findings) == (6, 1, 1, 1, 1, 0)
    assert mine.age_days == (timezone.localdate() - record.established_on).days
    assert figures[trader2.enterprise.pk] == Figures(age_days=(timezone.localdate() - trader2.enterprise.established_on).days)


def test_overdue_tax_is_counted_after_90_days_only(trader1):
    declaration = registered(trader1, plain_import_body())
    Declaration.objects.filter(pk=declaration.pk).update(status="assessed", amount_due=Decimal("1"),
                                                         registered_at=timezone.now() - timedelta(days=89))
    assert compliance_figures()[trader1.enterprise.pk].overdue_tax == 0
    Declaration.objects.filter(pk=declaration.pk).update(registered_at=timezone.now() - timedelta(days=91))
    assert compliance_figures()[trader1.enterprise.pk].overdue_tax == 1
    Declaration.objects.filter(pk=declaration.pk).update(amount_due=0)
    assert compliance_figures()[trader1.enterprise.pk].overdue_tax == 0


def test_overdue_tax_counts_a_later_debt_overdue_more_than_90_days(trader1):
    """The same definition as the registration block: a post-clearance additional assessment unpaid
    and raised 90 days ago is not overdue yet, 91 days ago it is; settled, it is not."""
    today = timezone.localdate()
    declaration = registered(trader1, plain_import_body())
    Declaration.objects.filter(pk=declaration.pk).update(status="released", amount_due=0, payment_status="paid")
    audit = Audit.objects.create(declaration=declaration, customs_office_id=declaration.customs_office_id,
                                 selected_at=timezone.now() - timedelta(days=200), deadline=today + timedelta(days=400))

    def raised(days_ago):
        return timezone.make_aware(datetime.combine(today - timedelta(days=days_ago), time(8)))

    assessment = AdditionalAssessment.objects.create(
        audit=audit, declaration=declaration, taxes={"import_duty": "700000"}, tax_amount=Decimal("700000"),
        due_date=today - timedelta(days=150), raised_at=raised(90))
    assert compliance_figures(on=today)[trader1.enterprise.pk].overdue_tax == 0
    assert registration_block_of(enterprise=trader1.enterprise, on=today) is None
    AdditionalAssessment.objects.filter(pk=assessment.pk).update(raised_at=raised(91))
    assert compliance_figures(on=today)[trader1.enterprise.pk].overdue_tax == 1
    assert compliance_figures(on=today, enterprise_ids=[trader1.enterprise.pk])[trader1.enterprise.pk].overdue_tax == 1
    assert registration_block_of(enterprise=trader1.enterprise, on=today) is not None
    AdditionalAssessment.objects.filter(pk=assessment.pk).update(settled_at=timezone.now())
    assert compliance_figures(on=today)[trader1.enterprise.pk].overdue_tax == 0


# --- Computing, priority, overrides, history -------------------------------------------------

def test_compute_applies_the_level_and_keeps_its_history(record, trader2):
    result = compliance_compute()
    record.refresh_from_db()
    assert record.compliance_level == L.LOW  # overdue tax: serious
    status = ComplianceStatus.objects.get(enterprise=record)
    assert (status.computed_level, status.reason, status.source) == (L.LOW, Reason.SERIOUS, "computed")
    assert status.figures["overdue_tax"] == 1
    entry = ComplianceRecord.objects.get(enterprise=record)
    assert (entry.previous_level, entry.level, entry.source, entry.reason) == (L.HIGH, L.LOW, "computed", "serious")
    assert record.tax_code in result.changed
    assert AuditEvent.objects.filter(action="compliance_compute").count() == 1


def test_compute_is_idempotent(record, trader2):
    compliance_compute()
    records, events = ComplianceRecord.objects.count(), AuditEvent.objects.count()
    second = compliance_compute()
    assert second.changed == [] and second.enterprises == 2
    assert (ComplianceRecord.objects.count(), AuditEvent.objects.count()) == (records, events)


def test_the_nightly_task_runs_the_computation_once(trader1, trader2):
    assert compliance_compute_task.apply().get() == 2  # trader1 high → medium (no declarations), trader2 new
    assert compliance_compute_task.apply().get() == 0
    trader1.enterprise.refresh_from_db()
    assert trader1.enterprise.compliance_level == L.MEDIUM


def test_priority_is_granted_never_computed_away(record):
    record.compliance_level = L.PRIORITY
    record.save()
    compliance_compute()
    record.refresh_from_db()
    status = ComplianceStatus.objects.get(enterprise=record)
    assert record.compliance_level == L.PRIORITY and status.priority_granted and status.source == "granted"
    assert status.computed_level == L.LOW  # computed all the same, shown beside it
    compliance_priority_set(enterprise=record, user=None, granted=False)
    record.refresh_from_db()
    assert record.compliance_level == L.LOW
    compliance_compute()
    record.refresh_from_db()
    assert record.compliance_level == L.LOW


def test_an_override_is_the_level_until_it_expires(trader2, risk_admin):
    enterprise = trader2.enterprise
    compliance_compute()
    today = timezone.localdate()
    override = compliance_override_set(enterprise=enterprise, user=risk_admin, level=L.LOW,
                                       reason="Smuggling case 12/2026", valid_until=today + timedelta(days=10))
    enterprise.refresh_from_db()
    assert enterprise.compliance_level == L.LOW
    compliance_compute()  # in force: the nightly run keeps it
    enterprise.refresh_from_db()
    assert enterprise.compliance_level == L.LOW
    event = AuditEvent.objects.get(action="compliance_override")
    assert event.actor == risk_admin and event.reason == "Smuggling case 12/2026"

    compliance_compute(on=today + timedelta(days=10))  # the last day: still in force
    enterprise.refresh_from_db()
    assert enterprise.compliance_level == L.LOW
    compliance_compute(on=today + timedelta(days=11))  # expired: computed again
    enterprise.refresh_from_db()
    assert enterprise.compliance_level == L.NEW
    history = list(ComplianceRecord.objects.filter(enterprise=enterprise).order_by("recorded_at", "id"))
    assert [(r.level, r.source) for r in history] == [(L.NEW, "computed"), (L.LOW, "override"), (L.NEW, "computed")]
    assert history[1].override == override and history[1].note == "Smuggling case 12/2026"
    assert history[1].recorded_by == risk_admin


def test_an_override_overrides_priority_too_and_lifting_it_restores_it(trader1, risk_admin):
    compliance_level_set(enterprise=trader1.enterprise, user=risk_admin, level=L.PRIORITY)
    compliance_override_set(enterprise=trader1.enterprise, user=risk_admin, level=L.MEDIUM, reason="Audit pending",
                            valid_until=timezone.localdate())
    trader1.enterprise.refresh_from_db()
    assert trader1.enterprise.compliance_level == L.MEDIUM
    compliance_override_lift(enterprise=trader1.enterprise, user=risk_admin)
    trader1.enterprise.refresh_from_db()
    assert trader1.enterprise.compliance_level == L.PRIORITY
    with pytest.raises(DomainConflict):
        compliance_override_lift(enterprise=trader1.enterprise, user=risk_admin)


def test_a_new_override_replaces_the_open_one(trader2, risk_admin):
    until = timezone.localdate() + timedelta(days=5)
    first = compliance_override_set(enterprise=trader2.enterprise, user=risk_admin, level=L.LOW, reason="a", valid_until=until)
    compliance_override_set(enterprise=trader2.enterprise, user=risk_admin, level=L.HIGH, reason="b", valid_until=until)
    first.refresh_from_db()
    assert first.lifted_at is not None and first.lifted_by == risk_admin
    assert ComplianceOverride.objects.filter(lifted_at__isnull=True).count() == 1
    trader2.enterprise.refresh_from_db()
    assert trader2.enterprise.compliance_level == L.HIGH


@pytest.mark.parametrize("level, reason, days, field", [
    ("priority", "x", 5, "level"), ("gold", "x", 5, "level"), ("low", "  ", 5, "reason"), ("low", "x", -1, "valid_until"),
])
def test_an_override_is_refused_with_a_clear_error(trader2, risk_admin, level, reason, days, field):
    with pytest.raises(DomainValidationError) as error:
        compliance_override_set(enterprise=trader2.enterprise, user=risk_admin, level=level, reason=reason,
                                valid_until=timezone.localdate() + timedelta(days=days))
    assert list(error.value.errors) == [field]
    assert not ComplianceOverride.objects.exists()


def test_the_command_computes_one_enterprise_or_all(trader1, trader2, capsys):
    call_command("compliance_compute", "--tax-code", trader2.enterprise.tax_code)
    assert "1 enterprises computed" in capsys.readouterr().out
    assert list(ComplianceStatus.objects.values_list("enterprise__tax_code", flat=True)) == [trader2.enterprise.tax_code]
    call_command("compliance_compute")
    assert ComplianceStatus.objects.count() == 2


def test_many_enterprises_in_few_queries(db):
    EnterpriseFactory.create_batch(30)
    with CaptureQueriesContext(connection) as queries:
        compliance_compute()
    assert len(queries) < 15  # figures, locks, statuses, overrides, bulk writes, audit: not one per enterprise
