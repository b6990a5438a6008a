"""Amendment requests: how a trader amends a declaration that customs holds.

Once a declaration is under document review or physical inspection (`lifecycle.HELD`), the
trader's amendment does not change it: it is stored as a request that the officer in charge
accepts (its content becomes the next version; status and channel stay or become stricter) or
refuses (nothing changes). One request may wait at a time. A request still waiting when the
declaration is rejected or cancelled lapses.

The request's own small state machine is below, shaped like the declaration's
(`declarations/lifecycle.py`): every change goes through
`declarations.services.amendments.amendment_request_transition`, under the declaration's row
lock, with the declaration's transition (audit event, live update) in the same transaction.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _

from customs_portal.errors import DomainConflict
from declarations.lifecycle import Action


class AmendmentStatus(models.TextChoices):
    # Lodged by the trader; waits for the officer in charge. The declaration is unchanged.
    PENDING = "pending", _("Awaiting the officer's decision")
    # Accepted by an officer: its content became the next version of the declaration. Final.
    ACCEPTED = "accepted", _("Accepted")
    # Refused by an officer, with a reason: the declaration stays as it was. Final.
    REFUSED = "refused", _("Refused")
    # The declaration was rejected or cancelled before an officer decided. Final.
    LAPSED = "lapsed", _("Closed without a decision")


A = AmendmentStatus

# Leaf names of a declaration body whose values are numbers: "200.000" and "200" are the same quantity.
NUMERIC_KEYS = {"packages", "gross_weight_kg", "total", "freight", "insurance", "quantity", "unit_price", "line_value"}

# declaration action -> {request status before: request status after}
AMENDMENT_TRANSITIONS: dict[str, dict[str, str]] = {
    Action.ACCEPT_AMENDMENT: {A.PENDING: A.ACCEPTED},
    Action.REFUSE_AMENDMENT: {A.PENDING: A.REFUSED},
    Action.REJECT: {A.PENDING: A.LAPSED},
    Action.CANCEL: {A.PENDING: A.LAPSED},
}


class AmendmentNotPending(DomainConflict):
    def __init__(self, status: str | None):
        if status is None:
            message = _("No amendment request awaits a decision on this declaration.")
        else:
            message = _("The amendment request is no longer awaiting a decision: it is %(status)s.") % {
                "status": str(AmendmentStatus(status).label).lower()}
        super().__init__(message, code="no_pending_amendment")
        self.status = status


def amendment_transition_target(action: str, from_status: str | None) -> str:
    """The request status that `action` leads to from `from_status`, or AmendmentNotPending (409)."""
    target = AMENDMENT_TRANSITIONS.get(action, {}).get(from_status) if from_status else None
    if target is None:
        raise AmendmentNotPending(from_status)
    return target
