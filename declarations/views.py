"""The trader's browser UI: list, create/edit, preview, detail and submit of declarations.

Views parse the request, call one selector or service (the same as the REST API), and
render. Validation is the API's: the form builds the API body and the serializer and
services judge it (see declarations.forms).
"""
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.forms import DateInput, Select
from django.shortcuts import redirect, render
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from customs_portal.accounts.permissions import declaration_reader_required, trader_required
from customs_portal.errors import DomainConflict, DomainValidationError
from customs_portal.localization import DATE_DISPLAY
from declarations.document_views import detail_panels_context
from declarations.filters import DeclarationFilter
from declarations.forms import DeclarationForm, error_summary, flatten_errors
from declarations.lifecycle import Status
from declarations.models import Direction, TransportMode
from declarations.permits import PermitKind, permit_warnings
from declarations.selectors import (
    declaration_get,
    declaration_id_visible,
    declarations_visible_to,
    with_open_document_requests,
)
from declarations.services.declarations import (
    declaration_as_data,
    declaration_create,
    declaration_preview,
    declaration_submit,
    declaration_update,
)
from declarations.type_codes import TYPE_CODES
from reference.agreements import AGREEMENTS, PREFERENCE_CODES
from reference.incoterms import INCOTERMS
from reference.models import Country, Currency, CustomsOffice, Port, Unit
from reference.selectors import tariff_search
from reference.special_rates import special_rule_explanation, special_rule_of, special_rule_short
from reference.tariff_lookup import line_description, line_parents

PAGE_SIZE = 25
HS_LOOKUP_LIMIT = 12
HS_LOOKUP_MIN_LENGTH = 2
HS_LOOKUP_MAX_LENGTH = 100
PREVIEW_MAX_PROBLEMS = 8
# DRF's messages for an empty input: the preview lists those fields as "still to fill in".
MISSING_MESSAGES = ("This field is required.", "This field may not be blank.", "This list may not be empty.")


def decimal_as_given(value: Decimal | None) -> str:
    """A quantity or price with its significant decimals only (3.5000 -> 3.5), grouped for the language."""
    if value is None:
        return ""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return number_format(Decimal(text), force_grouping=True)


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
    labels = _type_code_labels()
    for declaration in page.object_list:
        declaration.type_code_label = labels.get(declaration.type_code, "")
    filtered = any(request.GET.get(name) for name in filterset.form.fields)
    return render(request, "declarations/list.html", {"filterset": filterset, "page": page, "filtered": filtered})


def _type_code_labels() -> dict[str, str]:
    return {code: label for codes in TYPE_CODES.values() for code, label in codes.items()}


def _form_context(form: DeclarationForm, *, declaration=None) -> dict:
    return {
        "form": form,
        "f": form.fields,
        "declaration": declaration,
        "directions": Direction.choices,
        "type_codes": [(direction, label, list(TYPE_CODES[direction].items())) for direction, label in Direction.choices],
        "offices": CustomsOffice.objects.order_by("code").only("code", "name_vi", "name_en"),
        "countries": Country.objects.order_by("code").only("code", "name_vi", "name_en"),
        "currencies": Currency.objects.order_by("code"),
        "units": Unit.objects.order_by("code"),
        "ports": Port.objects.order_by("locode").only("locode", "name_vi", "name_en", "country"),
        "transport_modes": TransportMode.choices,
        "incoterms": INCOTERMS.values(),
        "preferences": [(code, AGREEMENTS[code].name if code in AGREEMENTS else _("Most-favoured-nation rate"))
                        for code in PREFERENCE_CODES],
        "permit_kinds": PermitKind.choices,
    }


def _render_form(request, form, *, declaration=None):
    return render(request, "declarations/form.html", _form_context(form, declaration=declaration))


@trader_required
@require_http_methods(["GET", "POST"])
def declaration_create_view(request):
    if request.method == "GET":
        return _render_form(request, DeclarationForm())
    form = DeclarationForm(data=request.POST)
    data = form.validated_data()
    if data is not None:
        try:
            declaration = declaration_create(user=request.user, data=data)
        except DomainValidationError as exc:
            form.set_errors(exc.errors)
        else:
            messages.success(request, _("Draft saved. Check it, then submit it to customs."))
            return redirect("declarations:detail", pk=declaration.pk)
    return _render_form(request, form)


@trader_required
@require_http_methods(["GET", "POST"])
def declaration_edit_view(request, pk):
    declaration = declaration_get(user=request.user, pk=pk)
    if declaration.status != Status.DRAFT:
        messages.warning(request, _("Only a draft can be edited; this declaration is %(status)s.") % {
            "status": declaration.get_status_display().lower()})
        return redirect("declarations:detail", pk=declaration.pk)
    if request.method == "GET":
        form = DeclarationForm(initial=declaration_as_data(declaration=declaration, items=declaration.items.all()))
        return _render_form(request, form, declaration=declaration)
    form = DeclarationForm(data=request.POST)
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
    return _render_form(request, form, declaration=declaration)


@trader_required
@require_POST
def declaration_submit_view(request, pk):
    declaration_id = declaration_id_visible(user=request.user, pk=pk)
    try:
        declaration = declaration_submit(declaration_id=declaration_id, user=request.user)
    except DomainConflict as exc:
        messages.error(request, str(exc))
    except DomainValidationError as exc:
        problems = "; ".join(f"{e['label']}: {e['message']}" for e in error_summary(flatten_errors(exc.errors)))
        messages.error(request, _("The declaration cannot be registered: %(problems)s") % {"problems": problems})
    else:
        messages.success(request, _("Declaration registered with number %(number)s.") % {"number": declaration.number})
    return redirect("declarations:detail", pk=declaration_id)


@login_required
@require_GET
def declaration_detail(request, pk):
    declaration = declaration_get(user=request.user, pk=pk)
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
            "type_code_label": _type_code_labels().get(declaration.type_code, ""),
            "incoterm": INCOTERMS.get(declaration.incoterm),
            "can_edit": request.user.is_trader and declaration.status == Status.DRAFT,
            "permit_warnings": permit_warnings(items),
                **detail_panels_context(request, declaration),
        },
    )


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


def _heading_code(code: str) -> str:
    """8703 -> 87.03, 870323 -> 8703.23, as the tariff prints them."""
    if len(code) == 4:
        return f"{code[:2]}.{code[2:]}"
    return f"{code[:4]}.{code[4:]}" if len(code) == 6 else code


@login_required
@require_GET
def hs_lookup(request):
    """Tariff lines matching what is typed in an item's HS code (htmx): best first, each with the
    headings above it, its rates and any special rule, in the page's language."""
    query = request.GET.get("q")
    if query is None:
        query = next((value for name, value in request.GET.items() if name.endswith("hs_code")), "")
    query = query.strip()[:HS_LOOKUP_MAX_LENGTH]
    found = tariff_search(q=query, limit=HS_LOOKUP_LIMIT) if len(query) >= HS_LOOKUP_MIN_LENGTH else None
    language = get_language()
    results = []
    for line in found.lines if found else []:
        rule = special_rule_of(line)
        results.append({
            "line": line,
            "description": line_description(line, language=language),
            "parents": [{**parent, "code_display": _heading_code(parent["code"])}
                        for parent in line_parents(line, language=language)],
            "special_rule": special_rule_short(rule) if rule else "",
            "special_rule_explanation": special_rule_explanation(rule) if rule else "",
        })
    return render(
        request,
        "declarations/_hs_results.html",
        {"results": results, "query": query, "truncated": bool(found and found.truncated),
         "code_like": bool(query) and query.replace(".", "").replace(" ", "").isdigit(),
         "too_short": len(query) < HS_LOOKUP_MIN_LENGTH},
    )
