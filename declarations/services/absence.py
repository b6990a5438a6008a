"""Officers' absence: an officer marks themself absent or back, a supervisor any officer of their offices.

- Who: the officer themself, or a supervisor (`User.is_supervisor`) who serves one of the
  officer's offices (a supervisor of all offices: every officer). Anyone else: PermissionDenied.
- What: `User.available`. Audited (action `officer_availability`, no declaration; `data`: the
  officer, before and after); each declaration the rebalance then moves has its own `assign` event.
- Nothing waits on an absent officer: once the change is committed, their open work goes through
  the rebalance service (`assignments_rebalance(officer=...)`) to the available officers of the
  office with the least open work, or back to the office's pool, visible to every officer of the
  office under "Unassigned". An officer back from absence gets the pool's work of their offices
  the same way. The beat's rebalance (every few minutes) stays the safety net.
- Concurrency: the change takes the officer's row lock, then the assignment locks of the offices
  they serve by name (in code order), the ones automatic assignment takes: an assessment that is
  choosing an officer of such an office finishes first (and its assignment is then released
  here), or waits and sees the officer absent.
docs/decisions.md, "Assignment of checks", "Absent officers".
"""
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from customs_portal.accounts.models import Role, User
from customs_portal.audit.services import audit_record
from declarations.selectors import office_assignment_lock
from declarations.services.assignment import assignments_rebalance

AVAILABILITY_ACTION = "officer_availability"


def officer_supervises(supervisor: User, officer: User) -> bool:
    """Whether `supervisor` is a supervisor of one of `officer`'s offices."""
    if not (supervisor.is_officer and supervisor.is_supervisor and supervisor.is_active):
        return False
    if supervisor.all_offices:
        return True
    return officer.offices.filter(pk__in=supervisor.offices.values("pk")).exists()


def officer_may_set_availability(*, actor: User, officer: User) -> bool:
    """The officer themself, or a supervisor of one of their offices."""
    if not actor.is_officer:
        return False
    return actor.pk == officer.pk or officer_supervises(actor, officer)


def officer_availability_set(*, officer_id: int, actor: User, available: bool, reason: str = "") -> tuple[User, dict]:
    """Mark an officer available or absent; returns the officer and what the rebalance moved
    ({"released": n, "assigned": n}; zeros when nothing changed). Raises User.DoesNotExist for an
    id that is no officer, PermissionDenied for an actor who may not."""
    with transaction.atomic():
        officer = User.objects.select_for_update().get(pk=officer_id, role=Role.OFFICER)
        if not officer_may_set_availability(actor=actor, officer=officer):
            raise PermissionDenied(_("Only the officer or a supervisor of their office can change their availability."))
        if officer.available == available:
            return officer, {"released": 0, "assigned": 0}
        for office_id in sorted(officer.offices.values_list("pk", flat=True)):
            office_assignment_lock(office_id=office_id)
        officer.available = available
        officer.save(update_fields=["available"])
        audit_record(declaration=None, actor=actor, action=AVAILABILITY_ACTION, reason=reason,
                             data={"officer": officer.pk, "from": not available, "to": available})
    # Committed: the officer is absent (or back) for every assignment from now on; move the work now.
    moved = assignments_rebalance(officer=officer)
    return officer, moved
