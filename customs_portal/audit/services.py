"""Writes audit events. Every create, edit and status change of a declaration calls this, and so
do the risk administration's changes (with `declaration=None`)."""
from django.db import models

from customs_portal.audit.models import AuditEvent


def audit_record(
    *,
    declaration: models.Model | None,
    actor,
    action: str,
    from_status: str = "",
    to_status: str = "",
    reason: str = "",
    data: dict | None = None,
) -> AuditEvent:
    """`declaration` is a `declarations.Declaration` (or None for changes that concern none)."""
    return AuditEvent.objects.create(
        declaration=declaration,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        data=data or {},
    )
