"""Documents attached to a declaration: checked by content (not by name), stored under
MEDIA_ROOT with a random name, served only to those who may see the declaration."""
import hashlib
import io
import unicodedata
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from customs_portal.errors import DomainConflict, DomainValidationError
from customs_portal.localization import amount_text
from declarations.lifecycle import FINAL_STATUSES, Action, Status
from declarations.models import Document, DocumentKind, DocumentRequest
from declarations.services.audit import audit_record
from declarations.services.lifecycle import declaration_lock, declaration_transition

# Content signatures of the accepted types → (content type, extension).
SIGNATURES = [
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
]


def sniff(head: bytes) -> tuple[str, str] | None:
    for signature, content_type, extension in SIGNATURES:
        if head.startswith(signature):
            return content_type, extension
    return None


def sanitised_name(name: str) -> str:
    """A display name without directories, control characters or shell-unfriendly characters."""
    base = PurePath((name or "").replace("\\", "/")).name
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    cleaned = get_valid_filename(base) if base.strip(". ") else ""
    return (cleaned or "document")[:200]


def _check_content(uploaded, content_type: str) -> bytes:
    content = uploaded.read()
    if content_type.startswith("image/"):
        try:
            with Image.open(io.BytesIO(content)) as image:
                image.verify()
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise DomainValidationError({"file": [_("The image is damaged or not really an image.")]})
    elif b"%%EOF" not in content[-2048:]:
        raise DomainValidationError({"file": [_("The PDF is incomplete or damaged.")]})
    return content


@transaction.atomic
def document_upload(*, declaration_id: int, user, kind: str, uploaded, answers_request: int | None = None) -> Document:
    """Attach a file to a declaration of the user's enterprise; answer an open document request if given."""
    declaration = declaration_lock(declaration_id=declaration_id)
    if declaration.status in FINAL_STATUSES or declaration.status == Status.CLEARED:
        raise DomainConflict(_("Documents can no longer be added to a declaration that is %(status)s.")
                             % {"status": Status(declaration.status).label.lower()}, code="closed")
    if kind not in DocumentKind.values:
        raise DomainValidationError({"kind": [_("Unknown document kind; allowed: %(kinds)s.") % {"kinds": ", ".join(DocumentKind.values)}]})
    if uploaded.size > settings.DOCUMENT_MAX_BYTES:
        raise DomainValidationError({"file": [_("The file is %(size)s MB; the limit is %(limit)s MB.") % {
            "size": amount_text(Decimal(uploaded.size) / 1_000_000, places=1),
            "limit": amount_text(Decimal(settings.DOCUMENT_MAX_BYTES) / 1_000_000, places=0)}]})
    if uploaded.size == 0:
        raise DomainValidationError({"file": [_("The file is empty.")]})
    if declaration.documents.count() >= settings.DOCUMENT_MAX_PER_DECLARATION:
        raise DomainValidationError({"file": [_("A declaration has at most %(max)d documents.") % {"max": settings.DOCUMENT_MAX_PER_DECLARATION}]})
    head = uploaded.read(16)
    uploaded.seek(0)
    sniffed = sniff(head)
    if sniffed is None:
        raise DomainValidationError({"file": [_("Only PDF, PNG and JPEG files are accepted (checked by content, not by name).")]})
    content_type, extension = sniffed
    content = _check_content(uploaded, content_type)
    request = None
    if answers_request is not None:
        request = DocumentRequest.objects.filter(pk=answers_request, declaration=declaration).first()
        if request is None:
            raise DomainValidationError({"request": [_("No such document request on this declaration.")]})
    uploaded.seek(0)
    document = Document(
        declaration=declaration, kind=kind, original_name=sanitised_name(uploaded.name), extension=extension,
        content_type=content_type, size=len(content), sha256=hashlib.sha256(content).hexdigest(), uploaded_by=user,
        answers=request,
    )
    document.file.save("upload", uploaded, save=False)
    try:
        document.save()
        audit_record(declaration=declaration, actor=user, action="document_upload", from_status=declaration.status,
                     to_status=declaration.status, data={"document": document.pk, "kind": kind, "name": document.original_name,
                                                        "size": document.size, "answers": request.pk if request else None})
        if request is not None and request.answered_at is None:
            request.answered_at, request.answered_by = timezone.now(), user
            request.save(update_fields=["answered_at", "answered_by"])
            if declaration.status in (Status.UNDER_REVIEW, Status.UNDER_INSPECTION):
                declaration_transition(declaration=declaration, action=Action.DOCUMENTS_SUPPLIED, to_status=declaration.status,
                                       actor=user, data={"document_request": request.pk})
    except Exception:
        document.file.delete(save=False)  # nothing orphaned on disk when the row is not written
        raise
    return document

