"""The amendment workflow (declarations/amendments.py), shared by the API and the pages.

`declaration_amend` is the trader's amendment. Before customs holds the declaration (registered,
assessed) it applies at once and goes back to the automated assessment. Once customs holds it
(under review or inspection) it becomes a pending `AmendmentRequest` and nothing else changes;
the officer in charge accepts it (`amendment_decide`: the content becomes the next version,
taxes at the registration date's rate, what was paid counts, the rules are run again for the
officer's information and may only make the channel stricter) or refuses it.

Every step runs under the declaration's row lock and goes through `declaration_transition`
(audit event, live update on commit); the request's own status changes only through
`amendment_request_transition`, inside the same transaction.
"""
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customs_portal.errors import DomainConflict, DomainValidationError
from declarations import extensions
from declarations.amendments import NUMERIC_KEYS, AmendmentStatus, amendment_transition_target
from declarations.lifecycle import HELD, Action, Channel, Status, check_transition
from declarations.models import AmendmentRequest, Declaration
from declarations.services.declarations import (
    NEXT_VERSION_COLUMNS,
    declaration_amendment_preview,
    declaration_amendment_resolve,
    declaration_as_data,
    declaration_content_json,
    declaration_content_parse,
    declaration_next_version_apply,
)
from declarations.services.lifecycle import declaration_lock, declaration_transition

AMENDMENT_DECISIONS = (Action.ACCEPT_AMENDMENT, Action.REFUSE_AMENDMENT)


def declaration_amend_check(*, status: str) -> None:
    """Raise a 409 that says why, unless a declaration in `status` may be amended (applied or as a request)."""
    if status == Status.DRAFT:
        raise DomainConflict(_("A draft is not lodged with customs yet: edit it instead of amending it."),
                             code="illegal_transition")
    if status not in HELD:
        check_transition(Action.AMEND, status)


@transaction.atomic
def declaration_amend(*, declaration: Declaration, user, data: dict, reason: str = "") -> Declaration:
    """The trader amends a registered declaration; `data` is the full new body.

    Registered or assessed: the current version stays readable, the new content becomes the next
    version and is registered again for the automated assessment (whose channel never comes out
    lower than an earlier one). Under review or inspection: the declaration keeps its content,
    status and channel; the amendment is stored as a pending request for the officer in charge and
    the declaration is returned with it as `amendment_request`.
    """
    assess = extensions.assessment_enqueue.handler
    locked = declaration_lock(declaration_id=declaration.pk)
    declaration_amend_check(status=locked.status)
    if locked.status in HELD:
        return _request_lodge(locked, user=user, data=data, reason=reason)
    resolved = declaration_amendment_resolve(declaration=locked, data=data)
    kept = declaration_next_version_apply(declaration=locked, resolved=resolved, user=user, reason=reason)
    return declaration_transition(
        declaration=locked,
        action=Action.AMEND,
        to_status=Status.REGISTERED,
        actor=user,
        reason=reason,
        data={"from_version": kept.version, "to_version": locked.version,
              "tax_total_before": str(kept.taxes["total"]), "tax_total_after": str(locked.tax_total)},
        fields={"channel": None, "assessed_at": None},
        saved=NEXT_VERSION_COLUMNS,
        on_commit=[lambda: assess(declaration_id=locked.pk)],
    )


def amendment_pending_of(declaration: Declaration) -> AmendmentRequest | None:
    """The declaration's request awaiting a decision, if any (the latest request is the only one that can)."""
    if declaration.amendment_request_id is None:
        return None
    request = declaration.amendment_request
    return request if request.status == AmendmentStatus.PENDING else None


def _request_lodge(locked: Declaration, *, user, data: dict, reason: str) -> Declaration:
    check_transition(Action.REQUEST_AMENDMENT, locked.status)
    pending = amendment_pending_of(locked)
    if pending is not None:
        raise DomainConflict(
            _("An amendment request sent on %(when)s already awaits the decision of the officer in charge; only one "
              "may wait at a time. Once it is decided you may amend again.")
            % {"when": timezone.localtime(pending.requested_at).strftime("%Y-%m-%d %H:%M")},
            code="amendment_pending",
        )
    resolved = declaration_amendment_resolve(declaration=locked, data=data)
    content, taxes = declaration_amendment_preview(declaration=locked, resolved=resolved)
    changes = amendment_changes(before=declaration_content_json(declaration_as_data(declaration=locked)), after=content)
    if not changes:
        raise DomainValidationError({"non_field_errors": [
            _("This amendment changes nothing in the declaration: there is nothing for customs to decide.")]})
    request = AmendmentRequest.objects.create(
        declaration=locked, base_version=locked.version, content=content, taxes=taxes, changes=changes,
        reason=reason, requested_by=user,
    )
    return declaration_transition(
        declaration=locked,
        action=Action.REQUEST_AMENDMENT,
        to_status=locked.status,
        actor=user,
        reason=reason,
        data={"amendment_request": request.pk, "changes": len(changes), "tax_total_before": str(locked.tax_total),
              "tax_total_after": str(taxes["total"])},
        fields={"amendment_request": request},
    )


def amendment_request_transition(*, declaration: Declaration, action: str, actor, note: str = "",
                                 result_version: int | None = None) -> AmendmentRequest:
    """Move the declaration's pending request by `action` (declarations/amendments.py's table).

    The caller holds the declaration's row lock, which every change of its requests takes, and
    records the declaration's transition (audit, live update) in the same transaction.
    """
    assert transaction.get_connection().in_atomic_block, "amendment_request_transition needs a transaction"
    request = declaration.amendment_request if declaration.amendment_request_id else None
    request_status = amendment_transition_target(action, request.status if request else None)
    request.status = request_status
    request.decided_at = timezone.now()
    request.decided_by = actor if getattr(actor, "is_officer", False) else None
    request.decision_note = note
    request.result_version = result_version
    request.save(update_fields=["status", "decided_at", "decided_by", "decision_note", "result_version"])
    return request


def amendment_request_lapse(*, declaration: Declaration, action: str, actor) -> dict:
    """The declaration is rejected or cancelled (`action`): its pending request closes undecided.
    Returns what the audit event of that transition records of it ({} when none was pending)."""
    if amendment_pending_of(declaration) is None:
        return {}
    request = amendment_request_transition(declaration=declaration, action=action, actor=actor)
    return {"amendment_request": request.pk, "amendment_status": request.status}


def amendment_decide(*, declaration: Declaration, officer, action: str, note: str = ""):
    """The officer's decision on the pending request of a declaration customs holds.

    The caller (declarations.services.review.declaration_decide) holds the row lock and has checked
    that the officer works for the declaration's office. Returns the declaration.
    """
    if action not in AMENDMENT_DECISIONS:
        raise DomainValidationError({"action": [_("Unknown action %(action)s.") % {"action": action}]})
    request = amendment_pending_of(declaration)
    if request is None:
        latest = declaration.amendment_request if declaration.amendment_request_id else None
        amendment_transition_target(action, latest.status if latest else None)  # raises, saying why
    check_transition(action, declaration.status)  # a pending request means customs holds the declaration
    note = (note or "").strip()
    if action == Action.REFUSE_AMENDMENT:
        if not note:
            raise DomainValidationError({"note": [_("Say why the amendment is refused; the trader reads it.")]})
        amendment_request_transition(declaration=declaration, action=action, actor=officer, note=note)
        return declaration_transition(
            declaration=declaration, action=action, to_status=declaration.status, actor=officer, reason=note,
            data={"amendment_request": request.pk, "note": note},
        )
    return _accept(declaration, request, officer=officer, note=note)


def _accept(declaration: Declaration, request: AmendmentRequest, *, officer, note: str) -> Declaration:
    resolved = declaration_amendment_resolve(declaration=declaration, data=declaration_content_parse(request.content))
    status, channel = declaration.status, declaration.channel or Channel.YELLOW
    kept = declaration_next_version_apply(declaration=declaration, resolved=resolved, user=request.requested_by,
                                          reason=request.reason)
    assessment = extensions.amendment_assess.handler(declaration=declaration)
    channel = max(assessment.channel, channel, key=list(Channel.values).index)  # the stricter one
    to_status = Status.UNDER_INSPECTION if channel == Channel.RED else status
    amendment_request_transition(declaration=declaration, action=Action.ACCEPT_AMENDMENT, actor=officer, note=note,
                                 result_version=declaration.version)
    data = {"amendment_request": request.pk, "from_version": kept.version, "to_version": declaration.version,
            "tax_total_before": str(kept.taxes["total"]), "tax_total_after": str(declaration.tax_total),
            "assessment": assessment.pk, "channel": channel}
    if note:
        data["note"] = note
    return declaration_transition(
        declaration=declaration, action=Action.ACCEPT_AMENDMENT, to_status=to_status, actor=officer, reason=note,
        data=data, fields={"channel": channel}, saved=NEXT_VERSION_COLUMNS,
    )


def _same(key: str, before, after) -> bool:
    if before == after:
        return True
    if key in ("container_numbers", "permits"):  # versions stored before the field existed have none
        return (before or []) == (after or [])
    if key in NUMERIC_KEYS and before not in (None, "") and after not in (None, ""):
        try:
            return Decimal(str(before)) == Decimal(str(after))
        except ArithmeticError:
            return False
    return False


def _item_summary(item: dict) -> dict:
    return {key: item.get(key) for key in ("hs_code", "description", "quantity", "unit", "unit_price")}


def amendment_changes(*, before: dict, after: dict) -> list[dict]:
    """What `after` changes in `before` (two bodies as `declaration_content_json` stores them):
    `{"field": "invoice.total", "from", "to"}` per header value, `{"line", "field", "from", "to"}`
    per changed value of a goods item, `{"line", "change": "added" | "removed", "item"}` per line."""
    changes: list[dict] = []

    def walk(old: dict, new: dict, prefix: str) -> None:
        for key in dict.fromkeys([*new, *old]):
            if key == "items" and not prefix:
                continue
            path = f"{prefix}{key}"
            a, b = old.get(key), new.get(key)
            if isinstance(a, dict) or isinstance(b, dict):
                walk(a or {}, b or {}, f"{path}.")
            elif not _same(key, a, b):
                changes.append({"field": path, "from": a, "to": b})

    walk(before, after, "")
    old_items, new_items = before.get("items") or [], after.get("items") or []
    for line, (a, b) in enumerate(zip(old_items, new_items), start=1):
        for key in dict.fromkeys([*b, *a]):
            if not _same(key, a.get(key), b.get(key)):
                changes.append({"line": line, "field": key, "from": a.get(key), "to": b.get(key)})
    for line in range(len(old_items) + 1, len(new_items) + 1):
        changes.append({"line": line, "change": "added", "item": _item_summary(new_items[line - 1])})
    for line in range(len(new_items) + 1, len(old_items) + 1):
        changes.append({"line": line, "change": "removed", "item": _item_summary(old_items[line - 1])})
    return changes
