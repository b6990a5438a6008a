"""The officer's workspace in the browser: the review queue and the review page of one declaration.

The queue reads through `review_queue` (the selector behind `GET /api/v1/review-queue/`) and
validates its filters with the API's filter serializer; decisions go to `declaration_decide`
and `declaration_cancel`, parsed by the API's serializers, so the page and the API accept and
refuse exactly the same things.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from customs_portal.accounts.permissions import officer_required
from customs_portal.errors import DomainConflict, DomainValidationError
from declarations import extensions
from declarations.api.serializers import (
    CancelSerializer,
    DecisionSerializer,
    ReviewQueueFilterSerializer,
)
from declarations.forms import flatten_errors
from declarations.lifecycle import AFTER_CLEARANCE, UNCLEARED, Action, Channel, allowed_actions
from declarations.models import Declaration, DutyAssessment
from declarations.review_display import (
    TYPE_LABELS,
    action_label,
    amendment_for_display,
    audit_trail,
    decimal_text,
    declaration_holding,
    enterprise_history,
    status_label,
    versions_for_display,
)
from declarations.selectors import (
    REVIEW_STATUSES,
    declaration_branch_group,
    declaration_get,
    declaration_get_with_items,
    review_queue,
    with_holding_times,
)
from declarations.services.amendments import AMENDMENT_DECISIONS, amendment_pending_of
from declarations.services.duty_assessment import ASSESSABLE
from declarations.services.review import (
    DECISIONS,
    declaration_cancel,
    declaration_decide,
    officer_may_decide,
)
from declarations.views.assignment import assignment_context
from declarations.views.review_inspection import (
    REASSESS_FORM,
    REASSESS_GOODS,
    goods_errors,
    goods_rows,
    inspection_next_step,
    inspection_of_version,
    posted_goods,
)
from reference.models import CustomsOffice

QUEUE_PAGE_SIZE = 25
WAIT_CHOICES = [  # minutes → label of the "waiting at least" filter
    (30, gettext_lazy("30 min")),
    (60, gettext_lazy("1 h")),
    (120, gettext_lazy("2 h")),
    (240, gettext_lazy("4 h")),
    (480, gettext_lazy("8 h")),
    (1440, gettext_lazy("1 day")),
    (4320, gettext_lazy("3 days")),
]

# The queue's "assigned" filter: the officer's own, the offices' pool ("" is all of the officer's offices).
ASSIGNED_CHOICES = [("me", gettext_lazy("Mine")), ("none", gettext_lazy("Unassigned"))]

# What each officer action asks for, in the order the buttons appear.
OFFICER_ACTIONS = {
    Action.RELEASE: {"fields": ["note"], "style": "success", "required": [], "submit": gettext_lazy("Clear the declaration"),
                     "help": gettext_lazy("Clears the declaration; if taxes are still owed it waits for payment first.")},
    Action.REQUEST_DOCUMENTS: {"fields": ["note"], "style": "primary", "required": ["note"], "submit": gettext_lazy("Send the request"),
                               "help": gettext_lazy("The trader sees your note on the declaration and answers by uploading.")},
    Action.ESCALATE: {"fields": ["note"], "style": "warning", "required": ["note"], "submit": gettext_lazy("Escalate to red"),
                      "help": gettext_lazy("Moves the declaration to the red channel for a physical inspection.")},
    Action.RECORD_INSPECTION: {"fields": ["discrepancy", "findings"], "style": "primary", "required": ["discrepancy"],
                               "submit": gettext_lazy("Record the result"),
                               "help": gettext_lazy("Record what the physical inspection of this version found.")},
    Action.ACCEPT_AMENDMENT: {"fields": ["note"], "style": "success", "required": [], "submit": gettext_lazy("Accept the amendment"),
                              "help": gettext_lazy("Makes the requested content the next version: taxes are recomputed at the "
                                                   "registration date's rate and the rules run again; the channel can only "
                                                   "become stricter.")},
    Action.REFUSE_AMENDMENT: {"fields": ["note"], "style": "secondary", "required": ["note"], "submit": gettext_lazy("Refuse the amendment"),
                              "help": gettext_lazy("The declaration stays as it is; the trader reads your reason.")},
    Action.ASSESS_DUTY: {"fields": ["duties", "reason"], "style": "primary", "required": ["duties", "reason"],
                         "submit": gettext_lazy("Set the import duty"),
                         "help": gettext_lazy("A special rule of the tariff sets the import duty of these items: give a "
                                              "rate of the taxable value or an amount. VAT and the other taxes are "
                                              "computed again on it, and the amount due changes.")},
    Action.REJECT: {"fields": ["reason"], "style": "danger", "required": ["reason"], "submit": gettext_lazy("Reject the declaration"),
                    "confirm": gettext_lazy("Reject this declaration for good?"),
                    "help": gettext_lazy("Refuses the declaration for good; the reason is shown to the trader.")},
    Action.CANCEL: {"fields": ["reason"], "style": "secondary", "required": ["reason"], "submit": gettext_lazy("Cancel the declaration"),
                    "confirm": gettext_lazy("Cancel this declaration on behalf of customs?"),
                    "help": gettext_lazy("Cancels the declaration on behalf of customs (e.g. a duplicate).")},
}
# After clearance the risk rules are not run again: accepting records the difference in taxes.
ACCEPT_AFTER_CLEARANCE_HELP = gettext_lazy(
    "Makes the requested content the next version; the status stays. Taxes are recomputed at the registration "
    "date's rate: the additional tax is owed with late interest from the original due date, a lower tax is "
    "recorded as to be refunded.")
FIELD_LABELS = {
    "duties": gettext_lazy("Import duty by item"),
    "goods": gettext_lazy("The goods as found"),
    "note": gettext_lazy("Note"),
    "reason": gettext_lazy("Reason"),
    "discrepancy": gettext_lazy("Result"),
    "findings": gettext_lazy("Findings"),
}
NOTE_PLACEHOLDERS = {
    Action.RELEASE: gettext_lazy("Optional: what you checked"),
    Action.REQUEST_DOCUMENTS: gettext_lazy("Which documents are needed, e.g. the certificate of origin form E"),
    Action.ESCALATE: gettext_lazy("Why the goods must be inspected"),
    Action.ACCEPT_AMENDMENT: gettext_lazy("Optional: what you checked"),
    Action.REFUSE_AMENDMENT: gettext_lazy("Why the amendment is refused"),
}
REASON_PLACEHOLDERS = {
    Action.ASSESS_DUTY: gettext_lazy("The basis of the duty, e.g. the chapter-98 rate that applies and why"),
}
DUTY_INPUTS = ("rate", "amount")


# The queue


def _queue_filters(request) -> tuple[dict, dict, dict]:
    """(valid filters for the selector, errors by field, the values as typed) from the query string."""
    typed = {name: request.GET.get(name, "").strip() for name in ReviewQueueFilterSerializer().fields}
    given = {name: value for name, value in typed.items() if value}
    serializer = ReviewQueueFilterSerializer(data=given)
    if serializer.is_valid():
        return dict(serializer.validated_data), {}, typed
    errors = {name: [str(message) for message in messages_] for name, messages_ in serializer.errors.items()}
    valid = ReviewQueueFilterSerializer(data={k: v for k, v in given.items() if k not in errors})
    valid.is_valid()
    return dict(valid.validated_data), errors, typed


@officer_required
@require_GET
def review_queue_view(request):
    filters, errors, typed = _queue_filters(request)
    now = timezone.now()
    queue = review_queue(officer=request.user, now=now, **filters)
    counts = queue.order_by().aggregate(
        total=Count("id"), yellow=Count("id", filter=Q(channel=Channel.YELLOW)), red=Count("id", filter=Q(channel=Channel.RED)),
    )
    paginator = Paginator(queue, QUEUE_PAGE_SIZE)
    paginator.count = counts["total"]  # already counted above: no second count query
    page = paginator.get_page(request.GET.get("page"))
    rule_name = extensions.fired_rule_name.handler
    for declaration in page.object_list:
        declaration.holding = declaration_holding(declaration, now=now)
        declaration.rule_names = [rule_name(rule) for rule in declaration.fired_rules or []]
    user = request.user
    offices = CustomsOffice.objects.order_by("code").only("code", "name_vi", "name_en")
    if not user.all_offices:
        offices = offices.filter(officers=user)
    return render(request, "declarations/review/queue.html", {
        "page": page,
        "counts": counts,
        "typed": typed,
        "errors": errors,
        "filtered": any(typed.values()),
        "offices": [(office.code, office.name) for office in offices],
        "channels": [(Channel.YELLOW, Channel.YELLOW.label), (Channel.RED, Channel.RED.label)],
        "wait_choices": WAIT_CHOICES,
        "assigned_choices": ASSIGNED_CHOICES,
    })


# The review page


def _staff_declaration(request, pk, *, officers_only: bool) -> Declaration:
    """The declaration for customs staff; traders get 404 for other enterprises' (existence must not
    leak) and 403 for their own (the review page shows the risk explanation); other roles 403."""
    user = request.user
    allowed = user.is_officer if officers_only else user.is_customs_staff
    if not allowed:
        if user.is_trader:
            declaration_get(user=user, pk=pk)
        raise PermissionDenied
    return declaration_get_with_items(user=user, pk=pk)


def _action_forms(declaration: Declaration, user, *, may_decide: bool, inspections: list, open_action: str = "",
                  values: dict | None = None, errors: dict | None = None) -> list[dict]:
    if not (user.is_officer and may_decide):
        return []
    status = declaration.status
    allowed = set(allowed_actions(status))
    pending = amendment_pending_of(declaration) is not None
    inspected = inspection_of_version(declaration, inspections)
    specs = {action: {**spec, "label": action_label(action)} for action, spec in OFFICER_ACTIONS.items()}
    if inspected is not None and inspected.discrepancy:
        specs = {REASSESS_GOODS: REASSESS_FORM, **specs}
    if inspected is not None and not inspected.discrepancy and not open_action:
        open_action = Action.RELEASE  # the inspection found nothing: clearing is the next step
    forms = []
    for action, spec in specs.items():
        if action != REASSESS_GOODS and (action not in allowed or (action not in DECISIONS and action != Action.CANCEL)):
            continue
        if action in AMENDMENT_DECISIONS and not pending:
            continue
        if action == Action.RELEASE and pending:
            continue  # the trader's amendment request is decided first
        if action == Action.CANCEL and status not in UNCLEARED:
            continue
        if action == Action.ASSESS_DUTY and not _duty_items(declaration):
            continue
        is_open = action == open_action
        forms.append({
            "action": str(action),
            "label": spec["label"],
            "style": spec["style"],
            "help": ACCEPT_AFTER_CLEARANCE_HELP if action == Action.ACCEPT_AMENDMENT and status in AFTER_CLEARANCE
            else spec["help"],
            "submit": spec["submit"],
            "confirm": spec.get("confirm", ""),
            "open": is_open,
            "fields": [
                {
                    "name": name,
                    "label": FIELD_LABELS[name],
                    "required": name in spec["required"],
                    "value": (values or {}).get(name, "") if is_open else "",
                    "errors": (errors or {}).get(name, []) if is_open else [],
                    "placeholder": (NOTE_PLACEHOLDERS.get(action, "") if name == "note"
                                    else REASON_PLACEHOLDERS.get(action, "") if name == "reason" else ""),
                    **({"items": _duty_rows(declaration, values if is_open else None, errors if is_open else None)}
                       if name == "duties" else {}),
                    **({"items": goods_rows(declaration, values if is_open else None, errors if is_open else None)}
                       if name == "goods" else {}),
                }
                for name in spec["fields"]
            ],
        })
    return forms


def _duty_items(declaration: Declaration) -> list:
    """The items whose import duty the officer sets (still to assess, or assessed and open to change)."""
    return [item for item in declaration.items.all() if item.duty_assessment in ASSESSABLE]


def _duty_rows(declaration: Declaration, values: dict | None, errors: dict | None) -> list[dict]:
    rows = []
    for item in _duty_items(declaration):
        current = item.rates.get("import_duty", {}) if item.duty_assessment == DutyAssessment.OFFICER else {}
        rule = item.duty_rule_texts() or {}
        rows.append({
            "line_no": item.line_no, "hs_code": item.hs_code, "description": item.description,
            "taxable_value": item.taxable_value, "rule": rule.get("short", ""), "pending": item.duty_to_be_assessed,
            **{name: (values or {}).get(f"duty-{item.line_no}-{name}", current.get(name) or "") for name in DUTY_INPUTS},
            "errors": (errors or {}).get(f"duty-{item.line_no}", []),
        })
    return rows


def _posted_duties(request, declaration: Declaration) -> list[dict]:
    """The duties typed in the review page's form, as the API's `duties` ({"line_no", "rate" | "amount"})."""
    duties = []
    for item in _duty_items(declaration):
        typed = {name: request.POST.get(f"duty-{item.line_no}-{name}", "").strip() for name in DUTY_INPUTS}
        if any(typed.values()):
            duties.append({"line_no": item.line_no, **{name: value for name, value in typed.items() if value}})
    return duties


def _duty_errors(flat: dict, duties: list[dict]) -> dict[str, list[str]]:
    """Errors of `duties.<index>.<field>` as errors of the item they are about (`duty-<line_no>`)."""
    found = {}
    for key in [key for key in flat if key.startswith("duties.")]:
        index = key.split(".")[1]
        line_no = duties[int(index)]["line_no"] if index.isdigit() and int(index) < len(duties) else None
        found.setdefault(f"duty-{line_no}" if line_no else "duties", []).extend(flat.pop(key))
    return found


def _review_context(request, declaration: Declaration, **form_state) -> dict:
    user = request.user
    may_decide = user.is_officer and officer_may_decide(officer=user, declaration=declaration)
    items = list(declaration.items.all())
    for item in items:
        item.quantity_display = decimal_text(item.quantity)
        item.unit_price_display = decimal_text(item.unit_price)
    now = timezone.now()
    holding = declaration_holding(with_holding_times(Declaration.objects.filter(pk=declaration.pk), now=now)
                                  .only("pk", "status", "assessed_at").get(), now=now)
    trail = audit_trail(declaration)
    inspections = list(declaration.inspections.select_related("inspected_by").order_by("created_at", "id"))
    in_review = declaration.status in REVIEW_STATUSES
    last_decision = next((entry for entry in reversed(trail) if entry["changed"]), None)
    next_in_queue = None
    if user.is_officer:
        next_in_queue = review_queue(officer=user).exclude(pk=declaration.pk).values_list("pk", flat=True).first()
    return {
        "declaration": declaration,
        "items": items,
        "risk": extensions.risk_explanation.handler(declaration=declaration),
        "trail": trail,
        "last_decision": last_decision,
        "in_review": in_review,
        "holding": holding,
        "documents": list(declaration.documents.select_related("uploaded_by", "answers").order_by("uploaded_at", "id")),
        "document_requests": list(declaration.document_requests.select_related("requested_by", "answered_by")
                                  .prefetch_related("documents").order_by("created_at", "id")),
        "inspections": inspections,
        "next_step": inspection_next_step(declaration, inspections, may_decide=may_decide),
        "versions": versions_for_display(declaration),
        "amendment": amendment_for_display(declaration),
        "may_decide": may_decide,
        "action_forms": _action_forms(declaration, user, may_decide=may_decide, inspections=inspections, **form_state),
        "type_code_label": TYPE_LABELS.get(declaration.type_code, ""),
        "next_in_queue": next_in_queue,
        "branch_group": declaration_branch_group(declaration=declaration),
        **assignment_context(user, declaration),
        **enterprise_history(declaration),
        "compliance": extensions.compliance_summary.handler(enterprise=declaration.enterprise),
    }


def _decide(request, declaration: Declaration, action: str, duties: list[dict], goods: list[dict]) -> None:
    """Parse the action's fields with the API's serializer and call the one service; raises domain errors."""
    if action == Action.CANCEL:
        body = CancelSerializer(data={"reason": request.POST.get("reason", "")})
        if not body.is_valid():
            raise DomainValidationError(body.errors)
        declaration_cancel(declaration_id=declaration.pk, user=request.user, reason=body.validated_data["reason"])
        return
    data = {name: request.POST.get(name, "") for name in ("note", "reason", "findings")}
    data["action"] = action
    if request.POST.get("discrepancy") in ("true", "false"):
        data["discrepancy"] = request.POST["discrepancy"]
    if action == REASSESS_GOODS:  # the goods as found are a discrepancy recorded with the inspection
        data.update(action=Action.RECORD_INSPECTION, discrepancy="true", items=goods)
    if action == Action.ASSESS_DUTY:
        data["duties"] = duties
    body = DecisionSerializer(data=data)
    if not body.is_valid():
        raise DomainValidationError(body.errors)
    declaration_decide(declaration_id=declaration.pk, officer=request.user, **body.validated_data)


@login_required
@require_http_methods(["GET", "POST"])
def review_view(request, pk):
    """GET: the review page (officers; risk admins read it without actions). POST: one decision."""
    declaration = _staff_declaration(request, pk, officers_only=request.method == "POST")
    if request.method == "GET":
        return render(request, "declarations/review/review.html", _review_context(request, declaration))

    action = request.POST.get("action", "")
    values = {name: request.POST.get(name, "") for name in ("note", "reason", "findings", "discrepancy")}
    values.update({name: value for name, value in request.POST.items() if name.startswith(("duty-", "goods-"))})
    if action not in {*DECISIONS, Action.CANCEL, REASSESS_GOODS}:
        messages.error(request, _("Unknown action."))
        return redirect("declarations:review", pk=declaration.pk)
    duties = _posted_duties(request, declaration) if action == Action.ASSESS_DUTY else []
    goods, unreadable = posted_goods(request.POST, declaration) if action == REASSESS_GOODS else ([], {})
    try:
        if unreadable:
            raise DomainValidationError(unreadable)
        _decide(request, declaration, action, duties, goods)
    except DomainValidationError as exc:
        flat = flatten_errors(exc.errors)
        field_errors = {**_duty_errors(flat, duties), **goods_errors(flat, declaration)}
        field_errors.update({name: flat.pop(name) for name in list(flat) if name.startswith("goods-")})
        field_errors.update({name: flat.pop(name) for name in list(flat) if name in FIELD_LABELS})
        for messages_ in flat.values():
            for message in messages_:
                messages.error(request, message)
        context = _review_context(request, declaration, open_action=action, values=values, errors=field_errors)
        return render(request, "declarations/review/review.html", context, status=400)
    except DomainConflict as exc:
        fresh = declaration_get_with_items(user=request.user, pk=pk)
        context = _review_context(request, fresh)
        typed = [values[name] for name in ("note", "reason", "findings") if values[name].strip()]
        context["conflict"] = {"message": str(exc), "action_label": _decision_label(action), "typed": typed}
        return render(request, "declarations/review/review.html", context, status=409)
    fresh = Declaration.objects.only("status", "number").get(pk=declaration.pk)
    messages.success(request, _("%(action)s recorded for declaration %(number)s: it is now %(status)s.") % {
        "action": _decision_label(action), "number": fresh.number, "status": status_label(fresh.status).lower()})
    return redirect("declarations:review", pk=declaration.pk)


def _decision_label(action: str) -> str:
    return str(REASSESS_FORM["label"]) if action == REASSESS_GOODS else action_label(action)
