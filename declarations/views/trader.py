"""The trader's browser UI: list, create/edit, preview, detail and submit of declarations, and
the trader's actions on one: amend it, cancel it (a draft too: withdrawn).

Views parse the request, call one selector or service (the same as the REST API), and
render. Validation is the API's: the form builds the API body and the serializer and
services judge it (see declarations.forms). The amend page is the declaration form, pre-filled
with the current version; what is typed becomes the API body and `declaration_amend` judges it:
applied and reassessed before customs holds the declaration, a request for the officer in
charge after.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.forms import DateInput, Select
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from customs_portal.accounts.permissions import (
    declaration_reader_required,
    trader_required,
)
from customs_portal.errors import DomainConflict, DomainValidationError
from customs_portal.localization import DATE_DISPLAY
from declarations.filters import DeclarationFilter
from declarations.forms import DeclarationForm, errors_text, flatten_errors
from declarations.lifecycle import AFTER_CLEARANCE, HELD, Action, Status, allowed_actions
from declarations.permits import permit_warnings
from declarations.review_display import tax_difference_rows
from declarations.selectors import (
    declaration_get,
    declaration_get_with_items,
    declaration_id_visible,
    declarations_visible_to,
    with_open_document_requests,
)
from declarations.services.amendments import (
    amendment_after_clearance_deadline,
    amendment_after_clearance_open,
    amendment_pending_of,
    declaration_amend,
    declaration_amendment_difference,
)
from declarations.services.declarations import (
    declaration_as_data,
    declaration_create,
    declaration_preview,
    declaration_submit,
    declaration_update,
)
from declarations.services.limits import DRAFT_LIFETIME
from declarations.services.registration_block import registration_block_message, registration_block_of
from declarations.services.review import declaration_cancel
from declarations.views.common import (
    decimal_as_given,
    detail_panels_context,
    form_context,
    render_form,
    type_code_labels,
)
from declarations.views.items_files import IMPORT_BUTTON, form_items_import
from declarations.views.notices import trader_notices_context
from reference.incoterms import INCOTERMS

PAGE_SIZE = 25
PREVIEW_MAX_PROBLEMS = 8
# DRF's messages for an empty input: the preview lists those fields as "still to fill in".
MISSING_MESSAGES = ("This field is required.", "This field may not be blank.", "This list may not be empty.")


def _style_filter_form(form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, Select):
            widget.attrs["class"] = "form-select form-select-sm"
            field.empty_label = _("Any")
            widget.choices = field.choices  # the widget's copy of the choices still points at the filter's field
        else:
            widget.attrs["class"] = "form-control form-control-sm"
        if isinstance(widget, DateInput):  # dd/mm/yyyy whatever the browser's language (customs_portal/localization.py)
            widget.format = DATE_DISPLAY
            widget.attrs.update({"data-date": "", "placeholder": _("dd/mm/yyyy"), "autocomplete": "off"})
    form.fields["number"].widget.attrs.update(inputmode="numeric", placeholder="10xxxxxxxxxx")


@declaration_reader_required
@require_GET
def declaration_list(request):
    declarations = with_open_document_requests(declarations_visible_to(user=request.user)).order_by("-created_at", "-id")
    filterset = DeclarationFilter(request.GET or None, queryset=declarations)
    _style_filter_form(filterset.form)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    labels = type_code_labels()
    for declaration in page.object_list:
        declaration.type_code_label = labels.get(declaration.type_code, "")
    filtered = any(request.GET.get(name) for name in filterset.form.fields)
    return render(request, "declarations/list.html", {"filterset": filterset, "page": page, "filtered": filtered,
                                                      **trader_notices_context(request.user)})


@trader_required
@require_http_methods(["GET", "POST"])
def declaration_create_view(request):
    if request.method == "GET":
        return render_form(request, DeclarationForm())
    form = DeclarationForm(data=request.POST)
    if IMPORT_BUTTON in request.POST:  # goods lines from a file into the form, nothing saved (unless > 50: branches)
        first = form_items_import(request, form)
        if first is not None:
            return redirect("declarations:detail", pk=first.pk)
        return render_form(request, form)
    data = form.validated_data()
    if data is not None:
        try:
            declaration = declaration_create(user=request.user, data=data)
        except DomainValidationError as exc:
            form.set_errors(exc.errors)
        else:
            messages.success(request, _("Draft saved. Check it, then submit it to customs."))
            return redirect("declarations:detail", pk=declaration.pk)
    return render_form(request, form)


@trader_required
@require_http_methods(["GET", "POST"])
def declaration_edit_view(request, pk):
    declaration = declaration_get_with_items(user=request.user, pk=pk)
    if declaration.status != Status.DRAFT:
        messages.warning(request, _("Only a draft can be edited; this declaration is %(status)s.") % {
            "status": declaration.get_status_display().lower()})
        return redirect("declarations:detail", pk=declaration.pk)
    if request.method == "GET":
        form = DeclarationForm(initial=declaration_as_data(declaration=declaration, items=declaration.items.all()))
        return render_form(request, form, declaration=declaration)
    form = DeclarationForm(data=request.POST)
    if IMPORT_BUTTON in request.POST:
        first = form_items_import(request, form, draft=declaration)
        if first is not None:
            return redirect("declarations:detail", pk=first.pk)
        return render_form(request, form, declaration=declaration)
    data = form.validated_data()
    if data is not None:
        try:
            declaration_update(declaration=declaration, user=request.user, data=data)
        except DomainConflict as exc:
            messages.error(request, str(exc))
            return redirect("declarations:detail", pk=declaration.pk)
        except DomainValidationError as exc:
            form.set_errors(exc.errors)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("declarations:detail", pk=declaration.pk)
    return render_form(request, form, declaration=declaration)


@trader_required
@require_POST
def declaration_submit_view(request, pk):
    declaration_id = declaration_id_visible(user=request.user, pk=pk)
    try:
        declaration = declaration_submit(declaration_id=declaration_id, user=request.user)
    except DomainConflict as exc:
        messages.error(request, str(exc))
    except DomainValidationError as exc:
        branches = exc.errors.get("branches")
        if branches:  # a group of branch declarations: what stops each branch, by its index
            problems = "; ".join(_("branch %(index)s: %(problems)s") % {"index": index, "problems": errors_text(errors)}
                                 for index, errors in branches.items())
            messages.error(request, _("The group of branch declarations cannot be registered, none of its branches "
                                      "is: %(problems)s") % {"problems": problems})
        else:
            problems = errors_text(exc.errors)
            messages.error(request, _("The declaration cannot be registered: %(problems)s") % {"problems": problems})
    else:
        if declaration.branch_count:
            messages.success(request, _("The %(count)d branch declarations were registered together under the first "
                                        "number %(first)s; this one is branch %(index)d with number %(number)s.") % {
                "count": declaration.branch_count, "first": declaration.first_number, "index": declaration.branch_index,
                "number": declaration.number})
        else:
            messages.success(request, _("Declaration registered with number %(number)s.") % {"number": declaration.number})
    return redirect("declarations:detail", pk=declaration_id)


@login_required
@require_GET
def declaration_detail(request, pk):
    declaration = declaration_get_with_items(user=request.user, pk=pk)
    items = list(declaration.items.all())
    for item in items:
        item.quantity_display = decimal_as_given(item.quantity)
        item.unit_price_display = decimal_as_given(item.unit_price)
    return render(
        request,
        "declarations/detail.html",
        {
            "declaration": declaration,
            "items": items,
            "gross_weight": decimal_as_given(declaration.gross_weight_kg),
            "type_code_label": type_code_labels().get(declaration.type_code, ""),
            "incoterm": INCOTERMS.get(declaration.incoterm),
            "can_edit": request.user.is_trader and declaration.status == Status.DRAFT,
            "draft_expires_at": declaration.updated_at + DRAFT_LIFETIME if declaration.status == Status.DRAFT else None,
            "registration_block_message": _registration_block_text(request.user, declaration),
            "permit_warnings": permit_warnings(items),
                **detail_panels_context(request, declaration),
        },
    )


def _registration_block_text(user, declaration) -> str:
    """Why the trader's draft cannot be submitted today ("" when it can)."""
    if not user.is_trader or declaration.status != Status.DRAFT:
        return ""
    block = registration_block_of(enterprise=user.enterprise)
    return registration_block_message(block) if block else ""


@trader_required
@require_POST
def declaration_preview_view(request):
    """The live tax preview of the form (htmx): taxes with today's rate, or what is still missing."""
    form = DeclarationForm(data=request.POST)
    data = form.validated_data()
    if data is not None:
        try:
            declaration, items = declaration_preview(user=request.user, data=data)
        except DomainValidationError as exc:
            form.set_errors(exc.errors)
        else:
            return render(request, "declarations/_preview.html", {"declaration": declaration, "items": items,
                                                                  "permit_warnings": permit_warnings(items)})
    missing_messages = {_(message) for message in MISSING_MESSAGES}
    summary = form.summary
    return render(request, "declarations/_preview.html", {
        "declaration": None,
        "missing": [e["label"] for e in summary if e["message"] in missing_messages],
        "problems": [e for e in summary if e["message"] not in missing_messages][:PREVIEW_MAX_PROBLEMS],
    })


REASON_MAX_LENGTH = 2000


def amendable(declaration) -> bool:
    """Amended at once (registered, assessed) or by a request to the officer (under review or inspection)."""
    if declaration.status in AFTER_CLEARANCE:  # within 60 days of clearance
        return amendment_after_clearance_open(declaration)
    allowed = allowed_actions(declaration.status)
    return Action.AMEND in allowed or Action.REQUEST_AMENDMENT in allowed


@trader_required
@require_POST
def declaration_cancel_view(request, pk):
    declaration = declaration_get(user=request.user, pk=pk)
    reason = request.POST.get("reason", "").strip()[:REASON_MAX_LENGTH]
    try:
        declaration = declaration_cancel(declaration_id=declaration.pk, user=request.user, reason=reason)
    except DomainConflict as exc:
        messages.error(request, str(exc))
    except DomainValidationError as exc:
        for problems in flatten_errors(exc.errors).values():
            for message in problems:
                messages.error(request, message)
    else:
        if declaration.number:
            messages.success(request, _("Declaration %(number)s is cancelled.") % {"number": declaration.number})
        else:
            messages.success(request, _("Draft #%(pk)s is withdrawn: it stays in your list as cancelled, without a number.")
                             % {"pk": declaration.pk})
    return redirect("declarations:detail", pk=pk)


PREVIEW_DIFFERENCE_BUTTON = "preview_difference"


def _render_amend(request, form, declaration, *, reason: str = "", reason_errors=(), status: int = 200,
                  difference: dict | None = None):
    context = form_context(form, declaration=declaration)
    context.update(reason=reason, reason_errors=list(reason_errors), reason_max_length=REASON_MAX_LENGTH,
                   held=declaration.status in HELD, after_clearance=declaration.status in AFTER_CLEARANCE,
                   amend_deadline=amendment_after_clearance_deadline(declaration), difference=difference)
    return render(request, "declarations/amend.html", context, status=status)


@trader_required
@require_http_methods(["GET", "POST"])
def declaration_amend_view(request, pk):
    declaration = declaration_get_with_items(user=request.user, pk=pk)
    if not amendable(declaration):
        messages.warning(request, _("Only a registered declaration that is not yet cleared can be amended; this one is %(status)s.")
                         % {"status": declaration.get_status_display().lower()})
        return redirect("declarations:detail", pk=declaration.pk)
    pending = amendment_pending_of(declaration)
    if pending is not None:
        messages.warning(request, _("Your amendment request of %(when)s still awaits the decision of the officer in "
                                    "charge; you may amend again once it is decided.")
                         % {"when": timezone.localtime(pending.requested_at).strftime("%Y-%m-%d %H:%M")})
        return redirect("declarations:detail", pk=declaration.pk)
    if request.method == "GET":
        form = DeclarationForm(initial=declaration_as_data(declaration=declaration, items=declaration.items.all()))
        return _render_amend(request, form, declaration)

    form = DeclarationForm(data=request.POST)
    reason = request.POST.get("reason", "").strip()
    if IMPORT_BUTTON in request.POST:  # the amended lines from a file, into the form: nothing is sent yet
        form_items_import(request, form, branches=False)
        return _render_amend(request, form, declaration, reason=reason[:REASON_MAX_LENGTH])
    if len(reason) > REASON_MAX_LENGTH:
        return _render_amend(request, form, declaration, reason=reason, status=400, reason_errors=[
            _("Keep the reason under %(max)d characters.") % {"max": REASON_MAX_LENGTH}])
    data = form.validated_data()
    if data is not None and PREVIEW_DIFFERENCE_BUTTON in request.POST and declaration.status in AFTER_CLEARANCE:
        # The same service as the API's amend/preview/: nothing is sent or saved.
        try:
            preview = declaration_amendment_difference(declaration=declaration, data=data)
        except DomainConflict as exc:
            messages.error(request, str(exc))
            return redirect("declarations:detail", pk=declaration.pk)
        except DomainValidationError as exc:
            form.set_errors(exc.errors)
        else:
            difference = {"rows": tax_difference_rows(preview["additional"], preview["refund"]),
                          "additional_total": preview["additional_total"], "refund_total": preview["refund_total"],
                          "due_date": preview["due_date"]}
            return _render_amend(request, form, declaration, reason=reason, difference=difference)
        return _render_amend(request, form, declaration, reason=reason, status=400)
    if data is not None:
        try:
            amended = declaration_amend(declaration=declaration, user=request.user, data=data, reason=reason)
        except DomainConflict as exc:
            messages.error(request, str(exc))
            return redirect("declarations:detail", pk=declaration.pk)
        except DomainValidationError as exc:
            form.set_errors(exc.errors)
        else:
            if amended.status in AFTER_CLEARANCE:
                messages.success(request, _("Your amendment after clearance of declaration %(number)s is sent to customs, "
                                            "who decide on it; until then the declaration stays as it is.")
                                 % {"number": amended.number})
            elif amended.status in HELD:
                messages.success(request, _("Your amendment of declaration %(number)s is sent to the officer in charge, "
                                            "who decides on it; until then the declaration stays as it is.")
                                 % {"number": amended.number})
            else:
                messages.success(request, _("Declaration %(number)s amended: version %(version)d is registered and will be "
                                            "assessed again. Version %(previous)d stays readable.")
                                 % {"number": amended.number, "version": amended.version, "previous": amended.version - 1})
            return redirect("declarations:detail", pk=declaration.pk)
    return _render_amend(request, form, declaration, reason=reason, status=400)
