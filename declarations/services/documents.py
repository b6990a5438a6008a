"""Documents attached to a declaration: checked by content (not by name), stored under
MEDIA_ROOT with a random name and the extension of the detected type, served only to those who
may see the declaration, always as a download of the detected type."""
import hashlib
import io
import logging
import unicodedata
import warnings
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader

from customs_portal.audit.services import audit_record
from customs_portal.errors import DomainConflict, DomainValidationError
from customs_portal.localization import amount_text
from declarations.lifecycle import FINAL_STATUSES, Action, Status
from declarations.models import Document, DocumentKind, DocumentRequest
from declarations.services.lifecycle import declaration_lock, declaration_transition

logger = logging.getLogger(__name__)

# Content signatures of the accepted types → (content type, extension).
SIGNATURES = [
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
]
IMAGE_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG"}  # Pillow's name of each accepted image type
# Extensions a name may keep for each type; any other is replaced by the type's own.
EXTENSIONS = {"application/pdf": (".pdf",), "image/png": (".png",), "image/jpeg": (".jpg", ".jpeg")}
IMAGE_MAX_PIXELS = 50_000_000  # a 10 MB file may not unpack into gigabytes of pixels


def sniff(head: bytes) -> tuple[str, str] | None:
    for signature, content_type, extension in SIGNATURES:
        if head.startswith(signature):
            return content_type, extension
    return None


def sanitised_name(name: str, content_type: str | None = None) -> str:
    """A display name without directories, control characters or shell-unfriendly characters,
    ending in an extension of `content_type` (evil.html holding a PDF is evil.pdf)."""
    base = PurePath((name or "").replace("\\", "/")).name
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    name = (get_valid_filename(base) if base.strip(". ") else "") or "document"
    if content_type is not None:
        path = PurePath(name)
        if path.suffix.lower() not in EXTENSIONS[content_type]:
            name = (path.stem if path.suffix else name) + EXTENSIONS[content_type][0]
    suffix = PurePath(name).suffix
    return name if len(name) <= 200 else name[:200 - len(suffix)] + suffix


def download_name(document: Document) -> str:
    """The name a download is saved under: the display name with an extension of the detected type
    (documents stored before names were given one included)."""
    return sanitised_name(document.original_name, document.content_type)


def download_content_type(document: Document) -> str:
    """The detected type when it is one the portal accepts, else bytes to save, never to render."""
    return document.content_type if document.content_type in EXTENSIONS else "application/octet-stream"


def _pdf_checked(content: bytes) -> None:
    """A PDF that a reader can open: header, cross-reference table and trailer, a catalogue, a page.

    pypdf is lenient with the small faults of real files, and strict about the structure: a file
    that merely starts with %PDF- (an HTML page, a truncated upload) does not open."""
    damaged = DomainValidationError({"file": [_("The PDF is incomplete or damaged.")]})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(content), strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                raise DomainValidationError({"file": [_("The PDF is protected by a password: upload it without one.")]})
            if reader.trailer.get("/Root") is None or len(reader.pages) < 1:
                raise damaged
    except DomainValidationError:
        raise
    except Exception:  # pypdf raises many kinds of errors on hostile input; any of them means "not a PDF"
        logger.info("document refused: not a readable PDF", exc_info=True)
        raise damaged from None


def _image_checked(content: bytes, content_type: str) -> None:
    """An image of the type its first bytes claim that decodes whole."""
    damaged = DomainValidationError({"file": [_("The image is damaged or not really an image.")]})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                if image.format != IMAGE_FORMATS[content_type]:
                    raise damaged
                width, height = image.size
                if width * height > IMAGE_MAX_PIXELS:
                    raise DomainValidationError({"file": [_("The image has more than %(max)d million pixels.") % {
                        "max": IMAGE_MAX_PIXELS // 1_000_000}]})
                image.load()  # decodes every pixel: a truncated or forged image fails here
    except DomainValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombWarning,
            Image.DecompressionBombError, MemoryError):
        raise damaged from None


def _check_content(uploaded, content_type: str) -> bytes:
    content = uploaded.read()
    if content_type in IMAGE_FORMATS:
        _image_checked(content, content_type)
    else:
        _pdf_checked(content)
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
        declaration=declaration, kind=kind, original_name=sanitised_name(uploaded.name, content_type), extension=extension,
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

