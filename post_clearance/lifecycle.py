"""The post-clearance audit's state machine: one transition table, as declarations/lifecycle.py.

selected ─open─► open ─record_findings─► open ─close─► closed
An action the status does not allow raises `IllegalAuditTransition` (HTTP 409).
"""
from django.db import models
from django.utils.translation import gettext_lazy as _

from customs_portal.errors import DomainConflict


class AuditStatus(models.TextChoices):
    # Marked by the selection; customs has not started (the trader is not told yet).
    SELECTED = "selected", _("Selected for audit")
    # An auditor opened it: the trader sees that its declaration is under post-clearance audit.
    OPEN = "open", _("Audit open")
    # Findings recorded and the audit closed, with its outcome. Final.
    CLOSED = "closed", _("Audit closed")


class AuditOutcome(models.TextChoices):
    NO_DISCREPANCY = "no_discrepancy", _("No discrepancy")
    DISCREPANCY = "discrepancy", _("Discrepancy found")


class AuditAction(models.TextChoices):
    OPEN = "open", _("Open the audit")
    RECORD_FINDINGS = "record_findings", _("Record findings")
    CLOSE = "close", _("Close the audit")


S = AuditStatus
TRANSITIONS: dict[str, dict[str, set[str]]] = {
    # Opening is implied by the first findings too: an auditor may record them on a selected audit.
    AuditAction.OPEN: {S.SELECTED: {S.OPEN}},
    AuditAction.RECORD_FINDINGS: {S.SELECTED: {S.OPEN}, S.OPEN: {S.OPEN}},
    AuditAction.CLOSE: {S.OPEN: {S.CLOSED}},
}


class IllegalAuditTransition(DomainConflict):
    def __init__(self, action: str, status: str):
        super().__init__(
            _("Cannot %(action)s: the audit is %(status)s.") % {
                "action": str(AuditAction(action).label).lower(), "status": str(AuditStatus(status).label).lower()},
            code="illegal_transition",
        )


def audit_check_transition(action: str, from_status: str) -> str:
    """The status `action` leads to from `from_status`, or IllegalAuditTransition."""
    targets = TRANSITIONS.get(action, {}).get(from_status)
    if not targets:
        raise IllegalAuditTransition(action, from_status)
    return next(iter(targets))
