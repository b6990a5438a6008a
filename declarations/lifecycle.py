"""The declaration lifecycle: one state machine, one transition table.

Every status change goes through `declarations.services.lifecycle.declaration_transition`,
which checks this table, locks the row, writes the audit event and schedules side
effects on commit. An action not allowed from the current status raises
`IllegalTransition` (HTTP 409), never a silent no-op.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from customs_portal.errors import DomainConflict


class Status(models.TextChoices):
    # Being prepared by the trader; not yet lodged with customs, no number.
    DRAFT = "draft", _("Draft")
    # Lodged and numbered; waiting for the automated risk assessment.
    REGISTERED = "registered", _("Registered")
    # Customs is done but taxes are owed: a green declaration, or one an officer cleared, waits for
    # payment, then clears by itself. People read "awaiting payment" (Chờ nộp thuế), on every page and
    # the PDF; the API keeps the value `assessed`.
    ASSESSED = "assessed", _("Awaiting payment")
    # Yellow channel: an officer checks the declaration and its documents.
    UNDER_REVIEW = "under_review", _("Under document review")
    # Red channel: an officer inspects the goods physically.
    UNDER_INSPECTION = "under_inspection", _("Under physical inspection")
    # Thông quan: customs is done; the goods may leave once the gate records it.
    CLEARED = "cleared", _("Cleared")
    # The goods left the customs-controlled area at the gate. Final.
    RELEASED = "released", _("Released")
    # Withdrawn by the trader before clearance, or cancelled by customs. Final.
    CANCELLED = "cancelled", _("Cancelled")
    # Refused by an officer, with a reason. Final.
    REJECTED = "rejected", _("Rejected")
    # A draft left untouched for 7 days (declarations/services/limits.py): never lodged, kept
    # read-only for the trader, who may copy it into a new draft. Final.
    EXPIRED = "expired", pgettext_lazy("declaration status", "Expired")


class Channel(models.TextChoices):
    GREEN = "green", _("Green")
    YELLOW = "yellow", _("Yellow")
    RED = "red", _("Red")


class Action(models.TextChoices):
    CREATE = "create", _("Create")
    EDIT = "edit", _("Edit")
    SUBMIT = "submit", _("Submit")
    ASSESS = "assess", _("Automated assessment")
    REQUEST_DOCUMENTS = "request_documents", _("Request documents")
    DOCUMENTS_SUPPLIED = "documents_supplied", _("Documents supplied")
    ESCALATE = "escalate", _("Escalate to physical inspection")
    RECORD_INSPECTION = "record_inspection", _("Record inspection")
    ASSESS_DUTY = "assess_duty", _("Assess the import duty")
    RELEASE = "release", _("Clear")
    PAY = "pay", _("Taxes paid")
    REJECT = "reject", _("Reject")
    CANCEL = "cancel", _("Cancel")
    AMEND = "amend", _("Amend")
    REQUEST_AMENDMENT = "request_amendment", _("Request an amendment")
    ACCEPT_AMENDMENT = "accept_amendment", _("Accept the amendment")
    REFUSE_AMENDMENT = "refuse_amendment", _("Refuse the amendment")
    GATE_RELEASE = "gate_release", _("Released at the gate")
    # The system, not a person: a draft untouched for 7 days (declarations/services/limits.py).
    EXPIRE = "expire", _("Expire")


S = Status
UNCLEARED = {S.REGISTERED, S.ASSESSED, S.UNDER_REVIEW, S.UNDER_INSPECTION}
# Customs holds the declaration: an officer checks its documents or goods. The trader's amendment
# is then only a request that the officer in charge decides (declarations/amendments.py); it
# never goes back to the automated assessment.
HELD = {S.UNDER_REVIEW, S.UNDER_INSPECTION}
# Customs is done: within 60 days of clearance the trader may still request an amendment, which an
# officer decides; the status stays (declarations.services.amendments, "after clearance").
AFTER_CLEARANCE = {S.CLEARED, S.RELEASED}

# action -> {from status: set of statuses it may lead to}
TRANSITIONS: dict[str, dict[str, set[str]]] = {
    Action.EDIT: {S.DRAFT: {S.DRAFT}},
    Action.SUBMIT: {S.DRAFT: {S.REGISTERED}},
    Action.ASSESS: {S.REGISTERED: {S.ASSESSED, S.UNDER_REVIEW, S.UNDER_INSPECTION, S.CLEARED}},
    Action.REQUEST_DOCUMENTS: {S.UNDER_REVIEW: {S.UNDER_REVIEW}, S.UNDER_INSPECTION: {S.UNDER_INSPECTION}},
    Action.DOCUMENTS_SUPPLIED: {S.UNDER_REVIEW: {S.UNDER_REVIEW}, S.UNDER_INSPECTION: {S.UNDER_INSPECTION}},
    Action.ESCALATE: {S.UNDER_REVIEW: {S.UNDER_INSPECTION}},
    Action.RECORD_INSPECTION: {S.UNDER_INSPECTION: {S.UNDER_INSPECTION}},
    # An officer sets a duty that the tariff leaves to a special rule (the status stays).
    Action.ASSESS_DUTY: {S.UNDER_REVIEW: {S.UNDER_REVIEW}, S.UNDER_INSPECTION: {S.UNDER_INSPECTION}},
    Action.RELEASE: {S.UNDER_REVIEW: {S.CLEARED, S.ASSESSED}, S.UNDER_INSPECTION: {S.CLEARED, S.ASSESSED}},
    Action.PAY: {S.ASSESSED: {S.CLEARED}},
    Action.REJECT: {S.UNDER_REVIEW: {S.REJECTED}, S.UNDER_INSPECTION: {S.REJECTED}},
    Action.CANCEL: {s: {S.CANCELLED} for s in (S.DRAFT, *UNCLEARED)},
    # Not yet held by customs: the new content is registered again and re-assessed (the channel
    # never comes out lower than an earlier one: risk.services.assessment).
    Action.AMEND: {S.REGISTERED: {S.REGISTERED}, S.ASSESSED: {S.REGISTERED}},
    Action.REQUEST_AMENDMENT: {s: {s} for s in (*HELD, *AFTER_CLEARANCE)},
    # Accepted: the content becomes the next version; status and channel stay, or become stricter
    # (a red re-run of the rules on a declaration under review sends it to inspection).
    # After clearance the status stays: the difference in taxes is owed or refunded.
    Action.ACCEPT_AMENDMENT: {S.UNDER_REVIEW: {S.UNDER_REVIEW, S.UNDER_INSPECTION}, S.UNDER_INSPECTION: {S.UNDER_INSPECTION},
                              S.CLEARED: {S.CLEARED}, S.RELEASED: {S.RELEASED}},
    Action.REFUSE_AMENDMENT: {s: {s} for s in (*HELD, *AFTER_CLEARANCE)},
    Action.GATE_RELEASE: {S.CLEARED: {S.RELEASED}},
    Action.EXPIRE: {S.DRAFT: {S.EXPIRED}},
}

FINAL_STATUSES = {S.RELEASED, S.CANCELLED, S.REJECTED, S.EXPIRED}


class IllegalTransition(DomainConflict):
    def __init__(self, action: str, status: str):
        label = Status(status).label if status in Status.values else status
        super().__init__(
            _("Cannot %(action)s a declaration that is %(status)s.") % {"action": Action(action).label.lower(), "status": str(label).lower()},
            code="illegal_transition",
        )
        self.action = action
        self.status = status


def check_transition(action: str, from_status: str, to_status: str | None = None) -> None:
    """Raise IllegalTransition unless `action` may move a declaration from `from_status` (to `to_status`)."""
    targets = TRANSITIONS.get(action, {}).get(from_status)
    if targets is None or (to_status is not None and to_status not in targets):
        raise IllegalTransition(action, from_status)


def allowed_actions(status: str) -> list[str]:
    return [action for action, table in TRANSITIONS.items() if status in table]
