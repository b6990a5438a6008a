"""What the declaration pages share: the declaration form's context (create, edit, amend), the
panels of the declaration page (documents, the trader's actions, amendment, earlier versions) and
how quantities are shown."""
from decimal import Decimal

from django.conf import settings
from django.shortcuts import render
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from declarations.forms import DeclarationForm
from declarations.lifecycle import AFTER_CLEARANCE, FINAL_STATUSES, Action, Status, allowed_actions
from declarations.models import Declaration, Direction, DocumentKind, TransportMode
from declarations.permits import PermitKind
from declarations.review_display import amendment_for_display, versions_for_display
from declarations.selectors import declaration_branch_group
from declarations.services.amendments import (
    amendment_after_clearance_deadline,
    amendment_after_clearance_open,
    amendment_pending_of,
)
from declarations.type_codes import TYPE_CODES
from reference.agreements import AGREEMENTS, PREFERENCE_CODES
from reference.incoterms import INCOTERMS
from reference.models import Country, Currency, CustomsOffice, Port, Unit

ACCEPTED_TYPES = "application/pdf,image/png,image/jpeg,.pdf,.png,.jpg,.jpeg"


def decimal_as_given(value: Decimal | None) -> str:
    """A quantity or price with its significant decimals only (3.5000 -> 3.5), grouped for the language."""
    if value is None:
        return ""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return number_format(Decimal(text), force_grouping=True)


def type_code_labels() -> dict[str, str]:
    return {code: label for codes in TYPE_CODES.values() for code, label in codes.items()}


def form_context(form: DeclarationForm, *, declaration=None) -> dict:
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


def render_form(request, form, *, declaration=None):
    return render(request, "declarations/form.html", form_context(form, declaration=declaration))


def can_upload(user, declaration: Declaration) -> bool:
    return bool(user.is_trader) and declaration.status not in FINAL_STATUSES and declaration.status != Status.CLEARED


def detail_panels_context(request, declaration: Declaration, *, upload: dict | None = None) -> dict:
    """What the documents panel and the trader's actions on the declaration page need."""
    user = request.user
    documents = list(declaration.documents.select_related("uploaded_by", "answers").order_by("uploaded_at", "id"))
    requests = list(declaration.document_requests.select_related("requested_by", "answered_by")
                    .prefetch_related("documents").order_by("created_at", "id"))
    open_requests = [r for r in requests if r.answered_at is None]
    answering = (upload or {}).get("request") or request.GET.get("answer", "")
    if not answering and len(open_requests) == 1 and upload is None:
        answering = str(open_requests[0].pk)
    allowed = set(allowed_actions(declaration.status))
    deadline = amendment_after_clearance_deadline(declaration)  # cleared or released: the 60 days' last day
    deadline_open = deadline is not None and amendment_after_clearance_open(declaration)
    return {
        "documents": documents,
        "document_requests": requests,
        "open_requests": open_requests,
        "document_kinds": DocumentKind.choices,
        "can_upload": can_upload(user, declaration),
        "upload": {
            "kind": (upload or {}).get("kind", ""),
            "request": str(answering),
            "errors": (upload or {}).get("errors", {}),
            "max_mb": settings.DOCUMENT_MAX_BYTES // 1_000_000 or 1,
            "accept": ACCEPTED_TYPES,
        },
        "can_cancel": user.is_trader and Action.CANCEL in allowed,
        "can_amend": user.is_trader and amendment_pending_of(declaration) is None
        and (amendment_after_clearance_open(declaration) if declaration.status in AFTER_CLEARANCE
             else Action.AMEND in allowed or Action.REQUEST_AMENDMENT in allowed),
        "amend_deadline": deadline if deadline_open else None,
        "amend_closed_on": deadline if deadline is not None and not deadline_open and user.is_trader else None,
        "amendment": amendment_for_display(declaration),
        "versions": versions_for_display(declaration),
        "branch_group": declaration_branch_group(declaration=declaration),
    }
