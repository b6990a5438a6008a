"""Writes audit events. Every create, edit and status change of a declaration calls this."""
from declarations.models import AuditEvent, Declaration


def audit_record(
    *,
    declaration: Declaration | None,
    actor,
    action: str,
    from_status: str = "",
    to_status: str = "",
    reason: str = "",
    data: dict | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        declaration=declaration,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        data=data or {},
    )
