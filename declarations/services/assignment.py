"""Who checks a yellow or red declaration: assignment to an officer of its customs office.

- On entry into review or inspection (`declaration_assign_on_entry`, called by the one transition
  service), the declaration goes to the available officer of its office with the least open work;
  ties go to the officer who was given work the longest ago (or never). No such officer, or all at
  the limit REVIEW_ASSIGNMENT_MAX_OPEN: it stays unassigned, in the office's pool, which every
  officer of the office (and those of all offices) sees in the queue's "Unassigned".
- Concurrency: the choice runs under a transaction-scoped PostgreSQL advisory lock keyed by the
  office, taken after the declaration's row lock (always in this order), so two declarations
  assessed at once for one office are given one after the other, each seeing the other's
  assignment: nobody gets more than a fair share.
- A supervisor reassigns (`declaration_assign`, audited); an officer may take an unassigned one.
- An officer who is deactivated, marked unavailable, or no longer serves the office gets no new
  work, and `assignments_rebalance` (Celery beat, declarations.tasks) gives their open work to
  the others, and gives the pool's work to officers who have room.
docs/decisions.md, "Assignment of checks".
"""
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from customs_portal.accounts.models import Role, User
from customs_portal.audit.services import audit_record
from customs_portal.errors import DomainConflict, DomainValidationError
from declarations.lifecycle import HELD
from declarations.models import Declaration
from declarations.selectors import declaration_row_locked, office_assignment_lock

logger = logging.getLogger(__name__)

ASSIGN_ACTION = "assign"
LEAST_OPEN_WORK = "least_open_work"


def _declaration_lock(declaration_id: int) -> Declaration:
    """As declarations.services.lifecycle.declaration_lock (which calls this module: no import back),
    through the same selector."""
    declaration = declaration_row_locked(declaration_id=declaration_id)
    if declaration is None:
        raise Declaration.DoesNotExist(declaration_id)
    return declaration


def officers_available(*, office_id: str) -> QuerySet[User]:
    """The officers who are given new work of an office: active, available, serving it by name."""
    return User.objects.filter(role=Role.OFFICER, is_active=True, available=True, offices=office_id)


def _least_loaded(office_id: str) -> User | None:
    open_statuses = list(HELD)
    candidates = officers_available(office_id=office_id).annotate(
        open_work=Count("assigned_declarations", filter=Q(assigned_declarations__status__in=open_statuses)),
        last_assigned=Max("assigned_declarations__assigned_at"),
    ).order_by("open_work", F("last_assigned").asc(nulls_first=True), "id")
    limit = settings.REVIEW_ASSIGNMENT_MAX_OPEN
    if limit:
        candidates = candidates.filter(open_work__lt=limit)
    return candidates.first()


def declaration_assign_on_entry(*, declaration: Declaration, from_status: str) -> dict:
    """Set the officer of a declaration (locked by the caller) that enters review or inspection now.

    Returns what the transition's audit event records ({"assigned_to": id or None}), or {} when
    the declaration does not enter customs' hold with this change."""
    if declaration.status not in HELD or from_status in HELD or settings.REVIEW_ASSIGNMENT != LEAST_OPEN_WORK:
        return {}
    office_assignment_lock(office_id=declaration.customs_office_id)
    officer = _least_loaded(declaration.customs_office_id)
    declaration.assigned_to = officer
    declaration.assigned_at = timezone.now() if officer else None
    return {"assigned_to": officer.pk if officer else None}


def officer_serves(officer: User, office_id: str) -> bool:
    return officer.all_offices or officer.offices.filter(pk=office_id).exists()


def officer_may_assign(*, actor: User, declaration: Declaration, officer_id: int | None) -> bool:
    """A supervisor of the declaration's office reassigns it to anyone (or back to the pool); an
    officer of the office takes an unassigned one for themselves."""
    if not (actor.is_officer and officer_serves(actor, declaration.customs_office_id)):
        return False
    if actor.is_supervisor:
        return True
    return declaration.assigned_to_id is None and officer_id == actor.pk


def _officer_for(declaration: Declaration, officer_id: int | None) -> User | None:
    if officer_id is None:
        return None
    officer = User.objects.filter(pk=officer_id, role=Role.OFFICER).first()
    if officer is None:
        raise DomainValidationError({"officer": [_("No customs officer has this id.")]})
    if not (officer.is_active and officer.available):
        raise DomainValidationError({"officer": [_("%(name)s is not available for new work.") % {"name": officer_name(officer)}]})
    if not officer_serves(officer, declaration.customs_office_id):
        raise DomainValidationError({"officer": [_("%(name)s does not work for office %(office)s.") % {
            "name": officer_name(officer), "office": declaration.customs_office_id}]})
    return officer


def officer_name(officer: User) -> str:
    return officer.get_full_name() or officer.username


def declaration_assign(*, declaration_id: int, actor: User, officer_id: int | None, reason: str = "") -> Declaration:
    """Give a declaration customs holds to `officer_id` (None: back to the office's pool). Audited
    (action "assign", from and to in the event's data); giving it to whom it already has changes nothing."""
    with transaction.atomic():
        declaration = _declaration_lock(declaration_id)
        if not officer_may_assign(actor=actor, declaration=declaration, officer_id=officer_id):
            raise PermissionDenied(_("Only a supervisor of the office can reassign this declaration."))
        if declaration.status not in HELD:
            raise DomainConflict(_("Only a declaration under review or inspection is assigned to an officer."),
                                 code="not_held")
        officer = _officer_for(declaration, officer_id)
        if declaration.assigned_to_id == officer_id:
            return declaration
        office_assignment_lock(office_id=declaration.customs_office_id)
        previous = declaration.assigned_to_id
        _assigned_set(declaration, officer)
        audit_record(declaration=declaration, actor=actor, action=ASSIGN_ACTION, reason=reason,
                     data={"from": previous, "to": officer_id})
        return declaration


def _assigned_set(declaration: Declaration, officer: User | None) -> None:
    declaration.assigned_to = officer
    declaration.assigned_at = timezone.now() if officer else None
    declaration.save(update_fields=["assigned_to", "assigned_at", "updated_at"])


def _assignee_unfit() -> Q:
    """Open work whose officer can no longer hold it."""
    serves = Exists(User.offices.through.objects.filter(user_id=OuterRef("assigned_to_id"),
                                                        customsoffice_id=OuterRef("customs_office_id")))
    fit = (Q(assigned_to__is_active=True, assigned_to__available=True, assigned_to__role=Role.OFFICER)
           & (Q(assigned_to__all_offices=True) | serves))
    return Q(assigned_to__isnull=False) & ~fit


def assignments_rebalance(*, officer: User | None = None) -> dict:
    """Release the open work of officers who can no longer hold it (deactivated, unavailable, no
    longer an officer of the office) to the others, and give the pool's work to officers with room.
    Safe to run at any time and twice: each declaration is re-checked under its lock.

    With `officer` (an officer marked absent or back, declarations.services.absence): only that
    officer's open work and the pools of the offices they serve by name."""
    released = Declaration.objects.filter(_assignee_unfit(), status__in=HELD).order_by("assessed_at", "id")
    pool = Declaration.objects.filter(status__in=HELD, assigned_to__isnull=True).order_by("assessed_at", "id")
    if officer is not None:
        released = released.filter(assigned_to=officer)
        pool = pool.filter(customs_office__in=officer.offices.values("pk"))
    counts = {"released": 0, "assigned": 0}
    for declaration_id in [*released.values_list("id", flat=True), *pool.values_list("id", flat=True)]:
        with transaction.atomic():
            declaration = _declaration_lock(declaration_id)
            if declaration.status not in HELD:
                continue
            unfit = Declaration.objects.filter(_assignee_unfit(), pk=declaration.pk).exists()
            if declaration.assigned_to_id is not None and not unfit:
                continue
            office_assignment_lock(office_id=declaration.customs_office_id)
            officer = _least_loaded(declaration.customs_office_id)
            previous = declaration.assigned_to_id
            if officer is None and previous is None:
                continue  # still nobody to give it to: it stays in the pool, as it was
            _assigned_set(declaration, officer)
            audit_record(declaration=declaration, actor=None, action=ASSIGN_ACTION,
                         reason="" if previous is None else _("The officer it was assigned to is not available."),
                         data={"from": previous, "to": officer.pk if officer else None, "released": previous is not None})
            counts["released" if previous is not None else "assigned"] += 1
    if any(counts.values()):
        logger.info("assignments_rebalance: %s", counts)
    return counts
