"""Post-clearance audits as labels of the learned risk model: post_clearance registers
`post_clearance_outcomes_by_declaration` with risk (risk/selectors/model_history.py, which never
imports post_clearance). A closed audit that found a discrepancy makes its declaration positive,
one that found none negative — a green declaration, never checked at clearance, gets a label; an
audit still open is no outcome."""
import pytest

from declarations.models import Declaration
from declarations.services.gate import gate_release
from declarations.services.review import declaration_decide
from payments.services.payments import BankNotice, payment_credit, payment_start
from post_clearance.models import Audit, ClassPolicy
from post_clearance.selectors import post_clearance_outcomes_by_declaration
from post_clearance.services.audits import audit_close, audit_findings_record, audit_open
from post_clearance.services.selection import post_clearance_select
from risk.selectors.model_history import portal_history_rows, portal_labels
from risk.services.assessment import risk_assess
from risk.services.rules import risk_rule_create
from tests.factories import registered
from tests.payloads import plain_import_body

pytestmark = pytest.mark.django_db

KEYBOARDS = {"name": "Keyboards", "conditions": [{"field": "items.hs_code", "op": "startswith", "value": "847160"}],
             "score": 0, "min_channel": "yellow", "active": True}


@pytest.fixture
def audited(auditor):
    """`audited(declaration, discrepancy=None|True|False)`: selected for audit; with `discrepancy`
    given, findings recorded and the audit closed."""
    ClassPolicy.objects.filter(compliance_level="high").update(random_rate=1, cap_rate=1)

    def make(declaration, *, discrepancy: bool | None = None) -> Audit:
        post_clearance_select(declaration_id=declaration.pk)
        audit = Audit.objects.get(declaration=declaration)
        if discrepancy is not None:
            audit_open(audit_id=audit.pk, user=auditor)
            audit_findings_record(audit_id=audit.pk, user=auditor, discrepancy=discrepancy, lines=[],
                                  findings="Bank transfers exceed the invoice." if discrepancy else "Invoices and transfers agree.")
            audit = audit_close(audit_id=audit.pk, user=auditor)
        return audit

    return make


def test_a_closed_audit_labels_a_green_declaration(released, audited, trader1):
    found, clean, still_open, not_audited = (released(trader1) for _ in range(4))
    assert {d.channel for d in (found, clean, still_open, not_audited)} == {"green"}
    audited(found, discrepancy=True)
    audited(clean, discrepancy=False)
    assert audited(still_open).status == "selected"

    assert post_clearance_outcomes_by_declaration() == {found.pk: True, clean.pk: False}
    assert post_clearance_outcomes_by_declaration(declaration_ids=[clean.pk, not_audited.pk]) == {clean.pk: False}
    assert post_clearance_outcomes_by_declaration(declaration_ids=[]) == {}
    # Through risk's registry: green declarations get their audit's outcome as their label.
    assert portal_labels() == {found.pk: True, clean.pk: False}
    assert portal_labels(declaration_ids=[found.pk, still_open.pk]) == {found.pk: True}
    rows = {row.key: row.fraud for row in portal_history_rows()}
    assert {key: label for key, label in rows.items() if key.endswith(":1")} == {
        f"{found.pk}:1": True, f"{clean.pk}:1": False, f"{still_open.pk}:1": None, f"{not_audited.pk}:1": None}


def _yellow_released(trader, officer, gate_user, *, check_found: bool) -> Declaration:
    """A yellow declaration whose document check ended in release (found nothing) or, when
    `check_found`, escalated to red and inspected with a discrepancy, then released; paid and out."""
    declaration = registered(trader, plain_import_body())
    risk_assess(declaration_id=declaration.pk)
    if check_found:
        declaration_decide(declaration_id=declaration.pk, officer=officer, action="escalate", note="Weights differ.")
        declaration_decide(declaration_id=declaration.pk, officer=officer, action="record_inspection", discrepancy=True,
                           findings="5 % more keyboards than declared.")
    declaration_decide(declaration_id=declaration.pk, officer=officer, action="release", note="Documents in order.")
    declaration.refresh_from_db()
    payment = payment_start(declaration_id=declaration.pk, user=trader)
    payment_credit(notice=BankNotice(payment.reference, payment.amount, "success", f"SB-ML-{declaration.pk}"))
    gate_release(user=gate_user, scanned=declaration.number, container_numbers=[])
    declaration.refresh_from_db()
    assert (declaration.channel, declaration.status) == ("red" if check_found else "yellow", "released")
    return declaration


def test_a_finding_after_clearance_outweighs_a_clean_check_never_the_reverse(
        quiet_selection, audited, trader1, officer, risk_admin, gate_user):
    risk_rule_create(user=risk_admin, data=KEYBOARDS)
    missed = _yellow_released(trader1, officer, gate_user, check_found=False)
    caught = _yellow_released(trader1, officer, gate_user, check_found=True)
    assert portal_labels() == {missed.pk: False, caught.pk: True}
    audited(missed, discrepancy=True)  # the check at clearance missed it
    audited(caught, discrepancy=False)  # the audit saw nothing more: the clearance check's finding stands
    assert portal_labels() == {missed.pk: True, caught.pk: True}
