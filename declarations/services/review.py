"""Officers' decisions and cancellation: every one goes through the state machine
(declarations.lifecycle) under a row lock, audited, side effects on commit. The gate's
release is in declarations/services/gate.py.

Two officers deciding at once: the second waits for the first's lock, then finds the
status changed and gets a conflict naming who decided and when.
"""
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customs_portal.audit.models import AuditEvent
from customs_portal.errors import DomainConflict, DomainValidationError
from customs_portal.localization import moment_text
from declarations.lifecycle import (
    Action,
    Channel,
    IllegalTransition,
    Status,
    check_transition,
)
from declarations.models import Declaration, DocumentRequest, InspectionResult, PaymentStatus
from declarations.services.amendments import (
    AMENDMENT_DECISIONS,
    amendment_decide,
    amendment_pending_of,
    amendment_request_lapse,
)
from declarations.services.declarations import declaration_goods_reassess
from declarations.services.duty_assessment import declaration_duty_assess, items_with_duty_to_assess
from declarations.services.lifecycle import declaration_lock, declaration_transition

DECISIONS = (Action.REQUEST_DOCUMENTS, Action.ESCALATE, Action.RECORD_INSPECTION, Action.ASSESS_DUTY, Action.RELEASE,
             Action.REJECT, *AMENDMENT_DECISIONS)


def officer_may_decide(*, officer, declaration: Declaration) -> bool:
    if not officer.is_officer:
        return False
    return officer.all_offices or officer.offices.filter(pk=declaration.customs_office_id).exists()


def _conflict(declaration: Declaration, action: str) -> DomainConflict:
    """An illegal transition, explained by the last change if someone else made it."""
    last = (
        AuditEvent.objects.filter(declaration=declaration).exclude(from_status="").select_related("actor")
        .order_by("-created_at", "-id").first()
    )
    base = IllegalTransition(action, declaration.status)
    if last is None or last.actor is None:
        return base
    when = moment_text(last.created_at)
    return DomainConflict(
        _("%(message)s %(who)s already recorded “%(what)s” at %(when)s.")
        % {"message": str(base), "who": last.actor.get_username(), "when": when,
           "what": Action(last.action).label if last.action in Action.values else last.action},
        code="already_decided",
    )


def _required(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainValidationError({field: [message]})
    return value


def _cleared_or_awaiting_payment(declaration: Declaration) -> str:
    if declaration.amount_due > 0 and declaration.payment_status != PaymentStatus.PAID:
        return Status.ASSESSED
    return Status.CLEARED


@transaction.atomic
def declaration_decide(
    *,
    declaration_id: int,
    officer,
    action: str,
    note: str = "",
    reason: str = "",
    discrepancy: bool | None = None,
    findings: str = "",
    items: list[dict] | None = None,
    duties: list[dict] | None = None,
) -> AuditEvent:
    """One officer decision on a declaration under review or inspection.

    `record_inspection` may carry the goods as found (`items`, the body's item list): the
    items are replaced and the taxes reassessed; the goods as declared stay in the result.
    `assess_duty` sets the duties a special rule of the tariff leaves to the officer (`duties`,
    see `declaration_duty_assess`), with a reason.
    """
    if action not in DECISIONS:
        raise DomainValidationError({"action": [_("Unknown action %(action)s.") % {"action": action}]})
    declaration = declaration_lock(declaration_id=declaration_id)
    status = declaration.status
    if action in AMENDMENT_DECISIONS:  # the request's state says why it cannot be decided, if it cannot
        if not officer_may_decide(officer=officer, declaration=declaration):
            raise DomainConflict(_("This declaration is lodged at an office you do not work for."), code="wrong_office")
        amendment_decide(declaration=declaration, officer=officer, action=action, note=note or reason)
        return AuditEvent.objects.filter(declaration=declaration).order_by("-id").first()
    targets = {
        Action.REQUEST_DOCUMENTS: status,
        Action.ESCALATE: Status.UNDER_INSPECTION,
        Action.RECORD_INSPECTION: status,
        Action.ASSESS_DUTY: status,
        Action.RELEASE: _cleared_or_awaiting_payment(declaration),
        Action.REJECT: Status.REJECTED,
    }
    try:
        check_transition(action, status, targets[action])
    except IllegalTransition:
        raise _conflict(declaration, action) from None

    if not officer_may_decide(officer=officer, declaration=declaration):
        raise DomainConflict(_("This declaration is lodged at an office you do not work for."), code="wrong_office")
    fields: dict = {}
    data: dict = {}
    if action == Action.REQUEST_DOCUMENTS:
        note = _required(note, "note", _("Say which documents are needed."))
        request = DocumentRequest.objects.create(declaration=declaration, requested_by=officer, note=note)
        data["document_request"] = request.pk
    elif action == Action.ESCALATE:
        note = _required(note or reason, "note", _("Say why the goods must be inspected."))
        fields["channel"] = Channel.RED
    elif action == Action.RECORD_INSPECTION:
        if discrepancy is None:
            raise DomainValidationError({"discrepancy": [_("Say whether the inspection found a discrepancy.")]})
        if discrepancy:
            findings = _required(findings, "findings", _("Describe the discrepancy found."))
        if items and not discrepancy:
            raise DomainValidationError({"items": [_("Goods that differ from the declaration are a discrepancy.")]})
        tax_before = declaration.tax_total
        goods_before = None
        if items:
            goods_before = declaration_goods_reassess(declaration=declaration, items=items)
        result = InspectionResult.objects.create(
            declaration=declaration, declaration_version=declaration.version, inspected_by=officer,
            discrepancy=discrepancy, findings=findings.strip(), tax_total_before=tax_before,
            tax_total_after=declaration.tax_total, goods_before=goods_before,
        )
        data.update(inspection=result.pk, discrepancy=discrepancy, findings=findings.strip(),
                    tax_total_before=str(tax_before), tax_total_after=str(declaration.tax_total))
    elif action == Action.ASSESS_DUTY:
        reason = _required(reason or note, "reason", _("Say on what basis the duty is assessed."))
        assessed = declaration_duty_assess(declaration=declaration, officer=officer, duties=duties or [], reason=reason)
        data.update(assessed.data)
        fields.update(assessed.fields)
    elif action == Action.RELEASE:
        if amendment_pending_of(declaration) is not None:
            raise DomainConflict(_("An amendment request of the trader awaits your decision: accept or refuse it before "
                                   "releasing the goods."), code="amendment_pending")
        pending = items_with_duty_to_assess(declaration=declaration)
        if pending:
            raise DomainConflict(
                _("Assess the import duty of item(s) %(lines)s before clearing the declaration: a special rule of "
                  "the tariff sets it.") % {"lines": ", ".join(str(item.line_no) for item in pending)},
                code="duty_to_be_assessed",
            )
        if status == Status.UNDER_INSPECTION and not declaration.inspections.filter(
            declaration_version=declaration.version
        ).exists():
            raise DomainConflict(_("Record the result of the physical inspection before releasing the goods."),
                                 code="inspection_missing")
        if targets[action] == Status.CLEARED:
            fields["cleared_at"] = timezone.now()
    elif action == Action.REJECT:
        reason = _required(reason or note, "reason", _("A rejection needs a reason."))
        data.update(amendment_request_lapse(declaration=declaration, action=action, actor=officer))
    declaration_transition(
        declaration=declaration, action=action, to_status=targets[action], actor=officer,
        reason=reason or note, data={**data, "note": note} if note else data, fields=fields,
    )
    return AuditEvent.objects.filter(declaration=declaration).order_by("-id").first()


@transaction.atomic
def declaration_cancel(*, declaration_id: int, user, reason: str = "") -> Declaration:
    """The trader cancels before clearance; an officer may cancel too, with a reason.

    A draft is withdrawn the same way, by its trader only: it is cancelled without ever getting
    a number (it never reached customs), and stays, with its audit trail, in the trader's list.
    """
    declaration = declaration_lock(declaration_id=declaration_id)
    if user.is_officer:
        if declaration.status == Status.DRAFT:
            raise DomainConflict(_("Customs has not received this draft: only its trader can withdraw it."),
                                 code="not_lodged")
        reason = _required(reason, "reason", _("A cancellation by customs needs a reason."))
        if not officer_may_decide(officer=user, declaration=declaration):
            raise DomainConflict(_("This declaration is lodged at an office you do not work for."), code="wrong_office")
    try:
        check_transition(Action.CANCEL, declaration.status, Status.CANCELLED)
    except IllegalTransition:
        raise _conflict(declaration, Action.CANCEL) from None
    return declaration_transition(
        declaration=declaration, action=Action.CANCEL, to_status=Status.CANCELLED, actor=user, reason=reason.strip(),
        data=amendment_request_lapse(declaration=declaration, action=Action.CANCEL, actor=user),
    )
