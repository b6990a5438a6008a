"""Documents of a declaration in the browser: the trader uploads them (answering an officer's
request if chosen), and whoever may see the declaration downloads them.

Files are never served from MEDIA_URL: the download view finds the declaration through
`declaration_get`, so another enterprise's trader gets 404. Uploads are parsed by the API's
serializer and checked by `document_upload` (type by content, size, count), like the API.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from customs_portal.accounts.permissions import trader_required
from customs_portal.errors import DomainConflict, DomainValidationError
from declarations.api.document_views import DocumentUploadSerializer
from declarations.forms import flatten_errors
from declarations.lifecycle import FINAL_STATUSES, Action, Status, allowed_actions
from declarations.models import Declaration, DocumentKind
from declarations.review_display import amendment_for_display, versions_for_display
from declarations.selectors import declaration_get
from declarations.services.amendments import amendment_pending_of
from declarations.services.documents import document_upload, download_content_type, download_name

UPLOAD_FIELDS = ("kind", "file", "request")
ACCEPTED_TYPES = "application/pdf,image/png,image/jpeg,.pdf,.png,.jpg,.jpeg"


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
        "can_amend": user.is_trader and (Action.AMEND in allowed or Action.REQUEST_AMENDMENT in allowed)
        and amendment_pending_of(declaration) is None,
        "amendment": amendment_for_display(declaration),
        "versions": versions_for_display(declaration),
    }


@trader_required
@require_http_methods(["GET", "POST"])
def documents_view(request, pk):
    """GET: the documents of the declaration with the upload form. POST: upload one file."""
    declaration = declaration_get(user=request.user, pk=pk)
    if request.method == "GET":
        return render(request, "declarations/documents.html",
                      {"declaration": declaration, **detail_panels_context(request, declaration)})

    typed = {"kind": request.POST.get("kind", ""), "request": request.POST.get("request", "")}
    data = {"request": typed["request"] or None}
    if typed["kind"]:
        data["kind"] = typed["kind"]  # blank: "This field is required." rather than '"" is not a valid choice.'
    if "file" in request.FILES:
        data["file"] = request.FILES["file"]
    body = DocumentUploadSerializer(data=data)
    try:
        if not body.is_valid():
            raise DomainValidationError(body.errors)
        document = document_upload(declaration_id=declaration.pk, user=request.user, kind=body.validated_data["kind"],
                                   uploaded=body.validated_data["file"], answers_request=body.validated_data["request"])
    except DomainConflict as exc:
        messages.error(request, str(exc))
        return redirect(reverse("declarations:detail", args=[declaration.pk]) + "#documents")
    except DomainValidationError as exc:
        flat = flatten_errors(exc.errors)
        errors = {name: flat.pop(name) for name in list(flat) if name in UPLOAD_FIELDS}
        if flat:
            errors.setdefault("file", []).extend(message for messages_ in flat.values() for message in messages_)
        context = detail_panels_context(request, declaration, upload={**typed, "errors": errors})
        return render(request, "declarations/documents.html", {"declaration": declaration, **context}, status=400)
    if document.answers_id:
        messages.success(request, _("“%(name)s” is attached and answers the officer's request.") % {"name": document.original_name})
    else:
        messages.success(request, _("“%(name)s” is attached to the declaration.") % {"name": document.original_name})
    return redirect(reverse("declarations:detail", args=[declaration.pk]) + "#documents")


@login_required
@require_GET
def document_download(request, pk, document_id):
    """The file, to the declaring enterprise's traders and to customs staff only."""
    if not (request.user.is_trader or request.user.is_customs_staff):
        raise PermissionDenied
    declaration = declaration_get(user=request.user, pk=pk)
    document = declaration.documents.filter(pk=document_id).first()
    if document is None:
        raise Http404
    response = FileResponse(document.file.open("rb"), as_attachment=True, filename=download_name(document),
                            content_type=download_content_type(document))
    response["X-Content-Type-Options"] = "nosniff"
    return response
