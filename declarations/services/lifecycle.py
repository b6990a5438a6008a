"""The one way a declaration changes status: on a row the caller has locked (`declaration_lock`,
in the caller's transaction), check the transition table, save the fields that changed, audit,
and schedule side effects (live updates, queued work) on commit."""
from collections.abc import Callable

from django.db import transaction

from customs_portal.audit.services import audit_record
from declarations.lifecycle import check_transition
from declarations.live import declaration_change_announce
from declarations.models import Declaration
from declarations.selectors import declaration_row_locked
from declarations.services.assignment import declaration_assign_on_entry
from declarations.services.changes import declaration_changed


def declaration_lock(*, declaration_id: int) -> Declaration:
    """The row (with its enterprise, unlocked), locked until the end of the caller's transaction."""
    locked = declaration_row_locked(declaration_id=declaration_id)
    if locked is None:
        raise Declaration.DoesNotExist(f"declaration {declaration_id} does not exist")
    return locked


def declaration_transition(
    *,
    declaration: Declaration,
    action: str,
    to_status: str,
    actor=None,
    reason: str = "",
    data: dict | None = None,
    fields: dict | None = None,
    saved: tuple[str, ...] = (),
    on_commit: list[Callable[[], None]] | None = None,
) -> Declaration:
    """Move a declaration locked by the caller (see `declaration_lock`) from its status to `to_status`.

    `fields` are other attributes set in the same save (timestamps, channel, number …); `saved` names
    attributes the caller already set on the row (new content, taxes) for the same save. Only those
    columns are written (and `updated_at`, the order of live updates). Must run inside the caller's
    transaction.
    """
    assert transaction.get_connection().in_atomic_block, "declaration_transition needs a transaction"
    from_status = declaration.status
    check_transition(action, from_status, to_status)
    declaration.status = to_status
    for name, value in (fields or {}).items():
        setattr(declaration, name, value)
    data = {**(data or {}), **declaration_assign_on_entry(declaration=declaration, from_status=from_status)}
    assigned = ["assigned_to", "assigned_at"] if "assigned_to" in data else []
    declaration.save(update_fields=["status", *(fields or {}), *saved, *assigned, "updated_at"])
    audit_record(
        declaration=declaration, actor=actor, action=action, from_status=from_status, to_status=to_status,
        reason=reason, data=data,
    )
    declaration_changed(declaration_id=declaration.pk)
    declaration_change_announce(declaration)
    for callback in on_commit or []:
        transaction.on_commit(callback)
    return declaration
