"""The amendment workflow (declarations/amendments.py), shared by the API and the pages.

`declaration_amend` is the trader's amendment. Before customs holds the declaration (registered,
assessed) it applies at once and goes back to the automated assessment. Once customs holds it
(under review or inspection) it becomes a pending `AmendmentRequest` and nothing else changes;
the officer in charge accepts it (`amendment_decide`: the content becomes the next version,
taxes at the registration date's rate, what was paid counts, the rules are run again for the
officer's information and may only make the channel stricter) or refuses it.

After clearance (cleared or released), within 60 days of clearance and before a post-clearance
audit of it is opened, the trader may still request an amendment (khai bổ sung sau thông quan,
Law on Customs 2014 art. 29(3), Circular 38/2015 art. 20 as amended by Circular 39/2018): the
officer of the declaration's office accepts it (the content becomes the next version, the status
stays; the difference in taxes is recorded as an `AmendmentDifference`: the additional tax is owed
with late interest from the original due date, the lowered tax is to be refunded) or refuses it.

Every step runs under the declaration's row lock and goes through `declaration_transition`
(audit event, live update on commit); the request's own status changes only through
`amendment_request_transition`, inside the same transaction.
"""
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from customs_portal.errors import DomainConflict, DomainValidationError
from declarations import extensions
from declarations.amendments import NUMERIC_KEYS, AmendmentStatus, amendment_transition_target
from declarations.lifecycle import AFTER_CLEARANCE, HELD, Action, Channel, Status, check_transition
from declarations.models import AmendmentDifference, AmendmentRequest, Declaration, RefundStatus
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
from declarations.services.taxes import TAX_NAMES

AMENDMENT_DECISIONS = (Action.ACCEPT_AMENDMENT, Action.REFUSE_AMENDMENT)
# After clearance an amendment may be requested until the 60th day after the day of clearance
# (local calendar days; the day of clearance is day 0): cleared on 1 March, the last day is 30 April.
AMENDMENT_AFTER_CLEARANCE_DAYS = 60
ZERO = Decimal("0")


def amendment_after_clearance_deadline(declaration: Declaration) -> date | None:
    """The last day (local) an amendment of a cleared or released declaration may be requested."""
    if declaration.status not in AFTER_CLEARANCE or declaration.cleared_at is None:
        return None
    return timezone.localdate(declaration.cleared_at) + timedelta(days=AMENDMENT_AFTER_CLEARANCE_DAYS)


def amendment_after_clearance_open(declaration: Declaration) -> bool:
    """Whether the pages offer an amendment after clearance today (the check itself is at lodging)."""
    deadline = amendment_after_clearance_deadline(declaration)
    return deadline is not None and timezone.localdate() <= deadline


def amendment_after_clearance_check(*, declaration: Declaration, today: date | None = None) -> date:
    """Raise a 409 that says why, unless the trader may request an amendment of this cleared or
    released declaration today; returns the last day it may."""
    if declaration.status not in AFTER_CLEARANCE:
        raise DomainConflict(
            _("Only a cleared or released declaration is amended after clearance; this one is %(status)s.")
            % {"status": str(Status(declaration.status).label).lower()}, code="illegal_transition")
    deadline = amendment_after_clearance_deadline(declaration)
    if deadline is None:
        raise DomainConflict(_("This declaration has no date of clearance: it cannot be amended after clearance."),
                             code="illegal_transition")
    today = today or timezone.localdate()
    if today > deadline:
        raise DomainConflict(
            _("The 60 days for an amendment after clearance closed on %(date)s (the declaration was cleared on "
              "%(cleared)s): it can no longer be amended.")
            % {"date": date_format(deadline, "SHORT_DATE_FORMAT"),
               "cleared": date_format(timezone.localdate(declaration.cleared_at), "SHORT_DATE_FORMAT")},
            code="amendment_period_over",
        )
    # The trader is told of an audit once an auditor opens it; from then on the audit settles the taxes.
    if extensions.post_clearance_state.handler(declaration=declaration, staff=False) is not None:
        raise DomainConflict(
            _("Customs opened a post-clearance audit of this declaration: it can no longer be amended; the audit "
              "settles its taxes."),
            code="post_clearance_audit",
        )
    return deadline


def tax_difference(*, before: dict, after: dict) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """(additional, refund): per tax, what `after` adds to `before` and what it lowers (positive
    amounts, taxes that do not change left out). Taxes are not netted against each other."""
    additional, refund = {}, {}
    for name in TAX_NAMES:
        change = Decimal(str(after.get(name) or 0)) - Decimal(str(before.get(name) or 0))
        if change > 0:
            additional[name] = change
        elif change < 0:
            refund[name] = -change
    return additional, refund


def _taxes_of(declaration: Declaration) -> dict[str, Decimal]:
    return {name: getattr(declaration, name) for name in TAX_NAMES}


def _difference_json(additional: dict, refund: dict) -> dict:
    return {"additional": {name: str(value) for name, value in additional.items()},
            "refund": {name: str(value) for name, value in refund.items()}}


def declaration_amendment_difference(*, declaration: Declaration, data: dict) -> dict:
    """What an amendment after clearance would change in the taxes, before it is sent; nothing is
    saved. The content is taxed as an accepted amendment is (`declaration_amendment_preview`: the
    rules and exchange rate of the registration date). Raises as the request would."""
    amendment_after_clearance_check(declaration=declaration)
    resolved = declaration_amendment_resolve(declaration=declaration, data=data)
    _content, taxes = declaration_amendment_preview(declaration=declaration, resolved=resolved)
    additional, refund = tax_difference(before=_taxes_of(declaration), after=taxes)
    return {
        "deadline": amendment_after_clearance_deadline(declaration),
        "due_date": timezone.localdate(declaration.registered_at),
        "taxes_before": _taxes_of(declaration), "taxes_after": {name: Decimal(taxes[name]) for name in TAX_NAMES},
        "additional": additional, "refund": refund,
        "additional_total": sum(additional.values(), ZERO), "refund_total": sum(refund.values(), ZERO),
    }


def declaration_amend_check(*, status: str) -> None:
    """Raise a 409 that says why, unless a declaration in `status` may be amended (applied or as a request)."""
    if status == Status.DRAFT:
        raise DomainConflict(_("A draft is not lodged with customs yet: edit it instead of amending it."),
                             code="illegal_transition")
    if status not in HELD and status not in AFTER_CLEARANCE:
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
    if locked.status in AFTER_CLEARANCE:
        amendment_after_clearance_check(declaration=locked)
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
    event = {"amendment_request": request.pk, "changes": len(changes), "tax_total_before": str(locked.tax_total),
             "tax_total_after": str(taxes["total"])}
    if locked.status in AFTER_CLEARANCE:
        event.update(_difference_json(*tax_difference(before=_taxes_of(locked), after=taxes)))
    return declaration_transition(
        declaration=locked,
        action=Action.REQUEST_AMENDMENT,
        to_status=locked.status,
        actor=user,
        reason=reason,
        data=event,
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
    if declaration.status in AFTER_CLEARANCE:
        return _accept_after_clearance(declaration, request, officer=officer, note=note)
    return _accept(declaration, request, officer=officer, note=note)


def _accept_after_clearance(declaration: Declaration, request: AmendmentRequest, *, officer, note: str) -> Declaration:
    """The content becomes the next version; the status stays (customs is done; the rules are not run
    again). The difference in taxes is recorded: the additional tax is a later due with late interest
    from the original due date (the registration date), the lowered tax is to be refunded."""
    resolved = declaration_amendment_resolve(declaration=declaration, data=declaration_content_parse(request.content))
    before = _taxes_of(declaration)
    kept = declaration_next_version_apply(declaration=declaration, resolved=resolved, user=request.requested_by,
                                          reason=request.reason)
    additional, refund = tax_difference(before=before, after=_taxes_of(declaration))
    now = timezone.now()
    tax_amount, refund_amount = sum(additional.values(), ZERO), sum(refund.values(), ZERO)
    difference = AmendmentDifference.objects.create(
        amendment=request, declaration=declaration, taxes=_difference_json(additional, refund)["additional"],
        tax_amount=tax_amount, refunds=_difference_json(additional, refund)["refund"], refund_amount=refund_amount,
        refund_status=RefundStatus.TO_BE_REFUNDED if refund_amount else RefundStatus.NONE,
        due_date=timezone.localdate(declaration.registered_at), raised_at=now,
        settled_at=None if tax_amount else now,
    )
    extensions.later_dues_sync.handler(declaration=declaration, on=timezone.localdate(now))
    amendment_request_transition(declaration=declaration, action=Action.ACCEPT_AMENDMENT, actor=officer, note=note,
                                 result_version=declaration.version)
    data = {"amendment_request": request.pk, "from_version": kept.version, "to_version": declaration.version,
            "tax_total_before": str(kept.taxes["total"]), "tax_total_after": str(declaration.tax_total),
            "amendment_difference": difference.pk, "due_date": difference.due_date.isoformat(),
            **_difference_json(additional, refund)}
    if note:
        data["note"] = note
    return declaration_transition(
        declaration=declaration, action=Action.ACCEPT_AMENDMENT, to_status=declaration.status, actor=officer,
        reason=note, data=data, saved=NEXT_VERSION_COLUMNS,
    )


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
