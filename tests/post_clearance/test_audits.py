"""The audit's lifecycle (post_clearance/lifecycle.py × services/audits.py), the additional
assessment it raises (exact amounts, late interest from the original due date) and its payment
through payments' real flow (payment_start, the bank's notice, payment_credit)."""
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from customs_portal.audit.models import AuditEvent
from customs_portal.errors import DomainConflict, DomainValidationError
from declarations.models import Declaration
from payments.models import Payment
from payments.services.payments import BankNotice, payment_credit, payment_start
from post_clearance.lifecycle import (
    TRANSITIONS,
    AuditAction,
    AuditStatus,
    IllegalAuditTransition,
    audit_check_transition,
)
from post_clearance.models import AdditionalAssessment, Audit, ClassPolicy
from post_clearance.selectors import post_clearance_findings_count, post_clearance_state
from post_clearance.services.audits import (
    LineCorrection,
    audit_close,
    audit_findings_record,
    audit_open,
    corrections_parse,
)
from post_clearance.services.selection import post_clearance_select
from risk.compliance_selectors import compliance_figures
from tests.support import client_for, html_of

pytestmark = pytest.mark.django_db


def vnd(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("1"), rounding=ROUND_HALF_UP)


@pytest.fixture
def selected(released, trader1):
    """`selected(**released_kwargs)`: a released declaration of trader1 selected for audit (random, rate 1)."""

    def make(**kwargs) -> Audit:
        ClassPolicy.objects.filter(compliance_level="high").update(random_rate=1, cap_rate=1)
        declaration = released(trader1, **kwargs)
        post_clearance_select(declaration_id=declaration.pk)
        return Audit.objects.select_related("declaration").get(declaration=declaration)

    return make


@pytest.mark.parametrize("action", AuditAction.values)
@pytest.mark.parametrize("status", AuditStatus.values)
def test_the_transition_table(action, status):
    targets = TRANSITIONS[action].get(status)
    if targets:
        assert audit_check_transition(action, status) in targets
    else:
        with pytest.raises(IllegalAuditTransition):
            audit_check_transition(action, status)


def test_open_record_and_close_without_discrepancy(selected, auditor, trader1):
    audit = selected()
    declaration = audit.declaration
    assert post_clearance_state(declaration=declaration, staff=False) is None  # the trader learns at opening
    assert post_clearance_state(declaration=declaration, staff=True)["status"] == "selected"

    audit_open(audit_id=audit.pk, user=auditor)
    state = post_clearance_state(declaration=declaration, staff=False)
    assert (state["status"], state["outcome"], state["additional_amount"]) == ("open", None, None)

    audit_findings_record(audit_id=audit.pk, user=auditor, findings="Invoices and bank transfers agree.", discrepancy=False, lines=[])
    audit = audit_close(audit_id=audit.pk, user=auditor)

    assert (audit.status, audit.outcome, audit.closed_by) == ("closed", "no_discrepancy", auditor)
    assert not AdditionalAssessment.objects.exists()
    assert list(AuditEvent.objects.filter(declaration=declaration, action__startswith="post_clearance_")
                .values_list("action", "from_status", "to_status")) == [
        ("post_clearance_select", "released", "released"), ("post_clearance_open", "selected", "open"),
        ("post_clearance_record_findings", "open", "open"), ("post_clearance_close", "open", "closed")]
    declaration.refresh_from_db()
    assert (declaration.status, declaration.amount_due, declaration.payment_status) == ("released", 0, "paid")
    assert post_clearance_findings_count(enterprise=declaration.enterprise, since=timezone.now() - timedelta(days=365)) == 0


def test_illegal_steps_are_conflicts_and_change_nothing(selected, auditor):
    audit = selected()
    with pytest.raises(IllegalAuditTransition):
        audit_close(audit_id=audit.pk, user=auditor)
    audit_open(audit_id=audit.pk, user=auditor)
    with pytest.raises(DomainConflict):
        audit_open(audit_id=audit.pk, user=auditor)
    with pytest.raises(DomainValidationError) as error:
        audit_close(audit_id=audit.pk, user=auditor)
    assert "findings" in error.value.errors
    audit.refresh_from_db()
    assert (audit.status, audit.closed_at) == ("open", None)


def test_only_an_auditor_of_the_office_may_act(selected, auditor_elsewhere, officer):
    audit = selected()
    for user in (auditor_elsewhere, officer):
        with pytest.raises(PermissionDenied):
            audit_open(audit_id=audit.pk, user=user)
    audit.refresh_from_db()
    assert audit.status == "selected"


def test_findings_are_validated(selected, auditor):
    audit = selected()
    with pytest.raises(DomainValidationError) as error:
        audit_findings_record(audit_id=audit.pk, user=auditor, findings=" ", discrepancy=True, lines=[])
    assert list(error.value.errors) == ["findings"]
    with pytest.raises(DomainValidationError) as error:
        audit_findings_record(audit_id=audit.pk, user=auditor, findings="x", discrepancy=False,
                              lines=[LineCorrection(line_no=1, quantity=Decimal("5"))])
    assert list(error.value.errors) == ["lines"]
    with pytest.raises(DomainValidationError) as error:
        audit_findings_record(audit_id=audit.pk, user=auditor, findings="x", discrepancy=True,
                              lines=[LineCorrection(line_no=9, quantity=Decimal("5")), LineCorrection(line_no=1, hs_code="99999999")])
    assert error.value.errors == {"lines[0].line_no": ["The declaration has no line 9."],
                                  "lines[1].hs_code": ["99999999 is not in the tariff."]}
    with pytest.raises(DomainValidationError) as error:
        corrections_parse([{"line_no": 1}, {"line_no": "a"}, {"line_no": 2, "quantity": "-1"}, {"line_no": 2, "hs_code": "1"}])
    assert set(error.value.errors) == {"lines[0]", "lines[1].line_no", "lines[2].quantity", "lines[3].line_no"}
    audit.refresh_from_db()
    assert (audit.status, audit.findings) == ("selected", "")


def test_under_declared_value_raises_taxes_with_interest_from_the_original_due_date(selected, auditor, trader1):
    """Line 1's customs value was half the price paid: its duty and VAT are computed again on the
    doubled value; interest runs from the registration date (10 days ago: 9 late days)."""
    audit = selected(registered_days_ago=10)
    declaration = audit.declaration
    item = declaration.items.get(line_no=1)
    corrected_value = item.customs_value * 2
    taxable = vnd(corrected_value * declaration.exchange_rate)
    duty = vnd(taxable * Decimal(item.rates["import_duty"]["rate"]) / 100)
    vat = vnd((taxable + duty) * Decimal(item.rates["vat"]["rate"]) / 100)
    expected = {"import_duty": duty - item.import_duty, "vat": vat - item.vat}
    assert expected["vat"] > 0

    audit_findings_record(audit_id=audit.pk, user=auditor, findings="The contract price is twice the invoice's.",
                          discrepancy=True, lines=[LineCorrection(line_no=1, customs_value=corrected_value)])
    audit_close(audit_id=audit.pk, user=auditor)

    assessment = AdditionalAssessment.objects.get(audit=audit)
    assert assessment.taxes == {name: str(amount) for name, amount in expected.items() if amount > 0}
    tax = sum((a for a in expected.values() if a > 0), Decimal(0))
    assert assessment.tax_amount == tax
    assert assessment.due_date == timezone.localdate(declaration.registered_at)
    interest = vnd(tax * Decimal("0.0003") * 9)
    declaration.refresh_from_db()
    assert (declaration.status, declaration.payment_status, declaration.amount_due) == ("released", "unpaid", tax + interest)
    state = post_clearance_state(declaration=declaration, staff=False)
    assert (state["status"], state["outcome"], state["additional_amount"]) == ("closed", "discrepancy", tax + interest)
    assert post_clearance_findings_count(enterprise=declaration.enterprise, since=timezone.now() - timedelta(days=1)) == 1
    assert post_clearance_findings_count(enterprise=declaration.enterprise, since=timezone.now() + timedelta(days=1)) == 0
    # The compliance computation counts the finding as a violation, and a serious one.
    figures = compliance_figures(enterprise_ids=[declaration.enterprise_id])[declaration.enterprise_id]
    assert (figures.post_clearance_findings, figures.serious) == (1, True)

    # Paid through the e-payment flow, as any amount due.
    payment = payment_start(declaration_id=declaration.pk, user=trader1)
    assert (payment.amount, payment.tax_amount, payment.interest_amount) == (tax + interest, tax, interest)
    assert payment.breakdown == {**{k: str(v) for k, v in expected.items() if v > 0}, "late_interest": str(interest)}
    outcome, credited = payment_credit(notice=BankNotice(payment.reference, payment.amount, "success", "SB-PCA-ADD-1"))
    assert outcome == "credited"
    assert (credited.applied_tax, credited.applied_interest, credited.refund_due) == (tax, interest, 0)
    assert credited.receipt_number
    assessment.refresh_from_db()
    assert (assessment.tax_paid, assessment.interest_fixed, assessment.interest_paid) == (tax, interest, interest)
    assert assessment.settled_at is not None
    declaration.refresh_from_db()
    assert (declaration.status, declaration.payment_status, declaration.amount_due) == ("released", "paid", 0)
    assert post_clearance_state(declaration=declaration, staff=False)["additional_amount"] == 0
    assert AuditEvent.objects.filter(declaration=declaration, action="pay", data__payment=credited.pk).exists()
    with pytest.raises(DomainConflict):
        payment_start(declaration_id=declaration.pk, user=trader1)
    # The same notice again credits nothing more.
    assert payment_credit(notice=BankNotice(payment.reference, payment.amount, "success", "SB-PCA-ADD-1"))[0] == "already_credited"
    assert Payment.objects.filter(declaration=declaration, status="credited").count() == 2


def test_the_payment_panel_names_an_audit_s_additional_assessment(selected, auditor, trader1):
    """The trader's payment panel tells an audit's additional assessment from an amendment's additional tax."""
    audit = selected(registered_days_ago=10)
    item = audit.declaration.items.get(line_no=1)
    audit_findings_record(audit_id=audit.pk, user=auditor, findings="The contract price is twice the invoice's.",
                          discrepancy=True, lines=[LineCorrection(line_no=1, customs_value=item.customs_value * 2)])
    audit_close(audit_id=audit.pk, user=auditor)
    html = html_of(client_for(trader1).get(reverse("declarations:detail", args=[audit.declaration_id])))
    label = html[html.index('id="payment-additional-tax"') - 200:html.index('id="payment-additional-tax"')]
    assert "Additional assessment (post-clearance audit)" in label and "amendment" not in label


def test_interest_grows_until_the_day_of_payment(selected, auditor, trader1):
    audit = selected(registered_days_ago=31)
    item = audit.declaration.items.get(line_no=2)
    audit_findings_record(audit_id=audit.pk, user=auditor, findings="More T-shirts than declared.", discrepancy=True,
                          lines=[LineCorrection(line_no=2, quantity=item.quantity * 2, customs_value=item.customs_value * 2)])
    audit_close(audit_id=audit.pk, user=auditor)
    assessment = AdditionalAssessment.objects.get(audit=audit)
    today = timezone.localdate()

    payment = payment_start(declaration_id=audit.declaration_id, user=trader1, on=today + timedelta(days=5))

    assert payment.interest_amount == vnd(assessment.tax_amount * Decimal("0.0003") * (30 + 5))


def test_over_declared_lines_raise_nothing(selected, auditor):
    audit = selected()
    item = audit.declaration.items.get(line_no=1)
    audit_findings_record(audit_id=audit.pk, user=auditor, findings="Declared above the price paid.", discrepancy=True,
                          lines=[LineCorrection(line_no=1, customs_value=item.customs_value / 2)])
    audit = audit_close(audit_id=audit.pk, user=auditor)
    assert audit.outcome == "discrepancy"
    assert not AdditionalAssessment.objects.exists()
    declaration = Declaration.objects.get(pk=audit.declaration_id)
    assert (declaration.amount_due, declaration.payment_status) == (0, "paid")
