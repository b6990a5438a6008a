"""Documents of a declaration in the browser: the trader uploads them (answering an officer's
request if chosen), and whoever may see the declaration downloads them.

Files are never served from MEDIA_URL: the download view finds the declaration through
`declaration_get`, so another enterprise's trader gets 404. Uploads are parsed by the API's
serializer and checked by `document_upload` (type by content, size, count), like the API.
"""

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
from declarations.api.document_serializers import DocumentUploadSerializer
from declarations.forms import flatten_errors
from declarations.selectors import declaration_get
from declarations.services.documents import (
    document_upload,
    download_content_type,
    download_name,
)
from declarations.views.common import detail_panels_context

UPLOAD_FIELDS = ("kind", "file", "request")


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
