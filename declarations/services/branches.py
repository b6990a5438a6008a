"""Linked branch declarations (tờ khai nhánh): more than 50 goods lines filed as a group of drafts.

VNACCS takes at most 50 lines per declaration; a shipment with more is declared as several linked
declarations under one first declaration number, filed together (docs/decisions.md, "Branch
declarations (issue 18)"). Here a draft given more than 50 lines (a file's import) becomes branch 1
of ceil(n / 50) drafts with the same shipment header: the lines in file order, 50 per branch; each
branch's invoice total is the sum of its lines; freight and insurance are apportioned between the
branches by line value (cents, the remainder on the last branch), so that the group owes what one
declaration of all the lines would. Registration of the group: declarations.services.declarations.
"""
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from customs_portal.errors import DomainConflict, DomainValidationError
from declarations.lifecycle import Action, Status, check_transition
from declarations.models import Declaration
from declarations.selectors import declaration_group_locked
from declarations.services.declarations import declaration_as_data, declaration_create, declaration_update
from declarations.services.lifecycle import declaration_transition
from declarations.services.validation import line_value_of

CENT = Decimal("0.01")


def branch_max_items() -> int:
    """The most goods lines one import may bring: 50 per branch, at most DECLARATION_MAX_BRANCHES branches."""
    return settings.DECLARATION_MAX_ITEMS * settings.DECLARATION_MAX_BRANCHES


def _line_value(item: dict) -> Decimal:
    return item["line_value"] if item.get("line_value") is not None else line_value_of(item)


def items_in_branches(items: list) -> list[list]:
    """The lines in file order, at most 50 per branch."""
    size = settings.DECLARATION_MAX_ITEMS
    return [items[start:start + size] for start in range(0, len(items), size)] or [[]]


def costs_apportion(amount: Decimal, values: list[Decimal]) -> list[Decimal]:
    """`amount` shared by `values`, each share rounded half-up to cents, the remainder on the last
    share (the shares always add up to `amount`)."""
    total = sum(values, Decimal("0"))
    if not amount or not total:
        return [Decimal("0.00")] * len(values)
    shares = [(amount * value / total).quantize(CENT, rounding=ROUND_HALF_UP) for value in values[:-1]]
    return [*shares, amount - sum(shares, Decimal("0"))]


def _branch_data(header: dict, items: list[dict], freight: Decimal, insurance: Decimal) -> dict:
    data = {**header, "items": items, "freight": freight, "insurance": insurance}
    data["invoice"] = {**header["invoice"], "total": sum((_line_value(item) for item in items), Decimal("0"))}
    return data


def _branch_errors(index: int, count: int, exc: DomainValidationError) -> DomainValidationError:
    return DomainValidationError({"branches": {str(index): exc.errors},
                                  "non_field_errors": [_("Branch %(index)d/%(count)d cannot be saved.") % {
                                      "index": index, "count": count}]})


@transaction.atomic
def declaration_branches_fill(*, declaration: Declaration, user, items: list[dict]) -> Declaration:
    """Put `items` (checked goods lines, any number up to `branch_max_items`) in `declaration`'s
    group: 50 lines or fewer stay in one draft; more make linked branch drafts with its header.
    The draft given becomes (or, in a group, its first declaration stays) branch 1; a group's old
    branches that are not needed any more are withdrawn (they are drafts that never reached customs,
    kept with their audit trail as every withdrawn draft is). Returns branch 1. Every member of the
    group must be a draft: all of it or nothing changes."""
    head_id = declaration.branch_of_id or declaration.pk
    members = declaration_group_locked(first_id=head_id) if declaration.branch_of_id else [declaration]
    head = members[0]
    for member in members:
        if member.status != Status.DRAFT:
            raise DomainConflict(_("Branch %(index)s/%(count)s is no longer a draft: the lines of a group can be "
                                   "replaced only while all its branches are drafts.") % {
                                       "index": member.branch_index, "count": member.branch_count})
        check_transition(Action.EDIT, member.status)
    if len(items) > branch_max_items():
        raise DomainValidationError({"items": [_("At most %(max)d goods lines (%(branches)d branch declarations of "
                                                 "%(size)d lines) are filed together; there are %(count)d.") % {
            "max": branch_max_items(), "branches": settings.DECLARATION_MAX_BRANCHES, "size": settings.DECLARATION_MAX_ITEMS,
            "count": len(items)}]})
    chunks = items_in_branches(items)
    count = len(chunks)
    header = declaration_as_data(declaration=head, items=[])
    # The shipment's freight and insurance: in a group, what its branches were given, summed.
    header["freight"] = sum((member.freight for member in members), Decimal("0"))
    header["insurance"] = sum((member.insurance for member in members), Decimal("0"))
    values = [sum((_line_value(item) for item in chunk), Decimal("0")) for chunk in chunks]
    freights = costs_apportion(header["freight"] or Decimal("0"), values)
    insurances = costs_apportion(header["insurance"] or Decimal("0"), values)
    kept = {member.branch_index or 1: member for member in members}
    result = []
    for index, chunk in enumerate(chunks, start=1):
        data = _branch_data(header, chunk, freights[index - 1], insurances[index - 1])
        try:
            if index in kept:
                branch = declaration_update(declaration=kept[index], user=user, data=data)
            else:
                branch = declaration_create(user=user, data=data)
        except DomainValidationError as exc:
            raise (_branch_errors(index, count, exc) if count > 1 else exc) from None
        result.append(branch)
    for member in members:
        if (member.branch_index or 1) > count:
            declaration_transition(declaration=member, action=Action.CANCEL, to_status=Status.CANCELLED, actor=user,
                                   reason=_("Not needed any more: the lines of its group were imported again."),
                                   fields={"branch_of": None, "branch_index": None, "branch_count": None})
    _group_link(result)
    return result[0]


def _group_link(branches: list[Declaration]) -> None:
    """Set the branch fields of the group's members (none for a single declaration)."""
    count = len(branches)
    head = branches[0]
    # Unlink first: the indexes of the members change places within the same unique constraint.
    Declaration.objects.filter(pk__in=[b.pk for b in branches]).update(branch_of=None, branch_index=None, branch_count=None)
    for index, branch in enumerate(branches, start=1):
        branch.branch_of = head if count > 1 else None
        branch.branch_index = index if count > 1 else None
        branch.branch_count = count if count > 1 else None
        branch.save(update_fields=["branch_of", "branch_index", "branch_count"])


@transaction.atomic
def declaration_branches_save(*, user, data: dict, items: list[dict], declaration: Declaration | None = None) -> Declaration:
    """The form's import of more than 50 lines: save the draft with the header as typed (`data`, a
    parsed body; a new draft when `declaration` is None), then put all `items` in its group
    (`declaration_branches_fill`). Returns branch 1."""
    data = {**data, "items": items[:settings.DECLARATION_MAX_ITEMS]}
    data["invoice"] = {**data["invoice"], "total": sum((_line_value(item) for item in data["items"]), Decimal("0"))}
    if declaration is None:
        declaration = declaration_create(user=user, data=data)
    elif declaration.branch_of_id is None:
        declaration = declaration_update(declaration=declaration, user=user, data=data)
    return declaration_branches_fill(declaration=declaration, user=user, items=items)
