"""The one way a declaration changes status: lock, check the transition table, save,
audit, and schedule side effects (live updates, queued work) on commit."""
from collections.abc import Callable

from django.db import transaction

from customs_portal.prepared import PreparedQuery
from declarations.lifecycle import check_transition
from declarations.live import declaration_change_publish, declaration_snapshot
from declarations.models import Declaration
from declarations.services.assignment import declaration_assign_on_entry
from declarations.services.audit import audit_record


_locked = PreparedQuery(
    lambda declaration_id: Declaration.objects.select_related("enterprise").select_for_update(of=("self",)).filter(pk=declaration_id)
)


def declaration_lock(*, declaration_id: int) -> Declaration:
    """The row (with its enterprise, unlocked), locked until the end of the caller's transaction."""
    locked = _locked.first(declaration_id=declaration_id)
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
    on_commit: list[Callable[[], None]] | None = None,
) -> Declaration:
    """Move a declaration locked by the caller (see `declaration_lock`) from its status to `to_status`.

    `fields` are other attributes set in the same save (timestamps, channel, number …).
    Must run inside the caller's transaction.
    """
    assert transaction.get_connection().in_atomic_block, "declaration_transition needs a transaction"
    from_status = declaration.status
    check_transition(action, from_status, to_status)
    declaration.status = to_status
    for name, value in (fields or {}).items():
        setattr(declaration, name, value)
    data = {**(data or {}), **declaration_assign_on_entry(declaration=declaration, from_status=from_status)}
    declaration.save()
    audit_record(
        declaration=declaration, actor=actor, action=action, from_status=from_status, to_status=to_status,
        reason=reason, data=data,
    )
    snapshot = declaration_snapshot(declaration)
    transaction.on_commit(lambda: declaration_change_publish(**snapshot))
    for callback in on_commit or []:
        transaction.on_commit(callback)
    return declaration
