"""Documents in the browser: the trader's upload form (type checked by content, size limit,
answers to officers' requests), the panel on the declaration page, and downloads that only the
declaring enterprise and customs staff get. A denied request changes nothing."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from customs_portal.audit.models import AuditEvent
from declarations.models import Declaration, Document, DocumentRequest
from declarations.services.documents import document_upload
from declarations.services.review import declaration_decide
from tests.factories import PDF, png_bytes, registered
from tests.payloads import plain_import_body
from tests.support import client_for, html_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def users(trader1, trader2, officer, risk_admin, gate_user):
    return {"anonymous": None, "trader1": trader1, "trader2": trader2, "officer": officer, "risk_admin": risk_admin,
            "gate_user": gate_user}


@pytest.fixture
def declaration(trader1):
    """trader1's registered declaration, under document review; trader2 is another enterprise."""
    declaration = registered(trader1, plain_import_body())
    Declaration.objects.filter(pk=declaration.pk).update(status="under_review", channel="yellow")
    return Declaration.objects.get(pk=declaration.pk)


def client_of(user):
    if user is None:
        from django.test import Client

        return Client()
    return client_for(user)


def upload_url(declaration) -> str:
    return reverse("declarations:documents", args=[declaration.pk])


def detail_url(declaration) -> str:
    return reverse("declarations:detail", args=[declaration.pk])


def post_file(client, declaration, name, content, kind="invoice", **extra):
    return client.post(upload_url(declaration), {"kind": kind, "file": SimpleUploadedFile(name, content), **extra})


class TestUpload:
    def test_upload_through_the_form(self, trader1, declaration, media):
        client = client_for(trader1)
        response = post_file(client, declaration, "Hóa đơn thương mại.pdf", PDF)
        assert response.status_code == 302
        assert response["Location"] == detail_url(declaration) + "#documents"
        document = Document.objects.get(declaration=declaration)
        assert (document.kind, document.original_name, document.content_type) == ("invoice", "Hóa_đơn_thương_mại.pdf", "application/pdf")
        assert document.file.path.startswith(str(media))
        html = html_of(client.get(detail_url(declaration)))
        assert "“Hóa_đơn_thương_mại.pdf” is attached to the declaration." in html
        download = reverse("declarations:document-download", args=[declaration.pk, document.pk])
        assert f'href="{download}"' in html
        assert "/media/" not in html

    def test_a_disguised_file_is_refused_with_the_reason(self, trader1, declaration, media):
        response = post_file(client_for(trader1), declaration, "invoice.pdf", b"MZ\x90\x00 this is an executable", kind="contract")
        assert response.status_code == 400
        html = html_of(response)
        assert "Only PDF, PNG and JPEG files are accepted (checked by content, not by name)." in html
        assert '<option value="contract" selected>' in html  # what was chosen is kept
        assert not Document.objects.exists()
        assert not any(media.rglob("*.*"))

    def test_an_image_is_accepted(self, trader1, declaration):
        assert post_file(client_for(trader1), declaration, "packing.png", png_bytes(), kind="packing_list").status_code == 302
        assert Document.objects.get().content_type == "image/png"

    def test_missing_kind_and_file_are_explained(self, trader1, declaration):
        response = client_for(trader1).post(upload_url(declaration), {"kind": ""})
        assert response.status_code == 400
        html = html_of(response)
        kind = html[html.index('id="upload-kind"'):html.index('id="upload-file"')]
        assert "This field is required." in kind
        assert "No file was submitted." in html[html.index('id="upload-file"'):]
        assert not Document.objects.exists()

    def test_size_limit(self, trader1, declaration, settings):
        settings.DOCUMENT_MAX_BYTES = 1_000_000
        response = post_file(client_for(trader1), declaration, "big.pdf", PDF + b" " * 1_500_000)
        assert response.status_code == 400
        html = html_of(response)
        assert "The file is 1.5 MB; the limit is 1 MB." in html
        assert "PDF, PNG or JPEG, up to 1 MB." in html
        assert not Document.objects.exists()

    def test_a_closed_declaration_takes_no_more_documents(self, trader1, declaration):
        Declaration.objects.filter(pk=declaration.pk).update(status="cleared")
        client = client_for(trader1)
        assert 'id="upload"' not in html_of(client.get(detail_url(declaration)))
        response = post_file(client, declaration, "late.pdf", PDF)
        assert response.status_code == 302
        assert "Documents can no longer be added" in html_of(client.get(response["Location"]))
        assert not Document.objects.exists()

    @pytest.mark.parametrize("role, expected", [("anonymous", 302), ("trader2", 404), ("officer", 403),
                                                ("risk_admin", 403), ("gate_user", 403)])
    def test_denied_uploads_change_nothing(self, users, declaration, media, role, expected):
        response = post_file(client_of(users[role]), declaration, "x.pdf", PDF)
        assert response.status_code == expected
        assert client_of(users[role]).get(upload_url(declaration)).status_code == expected
        assert not Document.objects.exists()
        assert not any(media.rglob("*.*"))
        assert not AuditEvent.objects.filter(declaration=declaration, action="document_upload").exists()


class TestRequestsAndAnswers:
    def test_trader_sees_the_request_and_answers_it(self, trader1, officer, declaration):
        declaration_decide(declaration_id=declaration.pk, officer=officer, action="request_documents",
                           note="Please send the certificate of origin form E")
        request = DocumentRequest.objects.get(declaration=declaration)
        client = client_for(trader1)
        html = html_of(client.get(detail_url(declaration)))
        assert "Please send the certificate of origin form E" in html
        assert 'data-request-state="open"' in html and "1 request from customs to answer" in html
        assert f'<option value="{request.pk}" selected>' in html  # the only open request is preselected

        response = post_file(client, declaration, "co-form-e.pdf", PDF, kind="certificate_of_origin", request=request.pk)
        assert response.status_code == 302
        request.refresh_from_db()
        assert request.answered_by == trader1 and request.answered_at is not None
        assert Document.objects.get().answers == request
        assert AuditEvent.objects.filter(declaration=declaration, action="documents_supplied").count() == 1
        html = html_of(client.get(detail_url(declaration)))
        assert "answers the officer&#x27;s request" in html or "answers the officer's request" in html
        assert 'data-request-state="answered"' in html and "co-form-e.pdf" in html
        assert 'id="upload-request"' not in html  # nothing left to answer

    def test_an_additional_document_answers_nothing(self, trader1, officer, declaration):
        declaration_decide(declaration_id=declaration.pk, officer=officer, action="request_documents", note="Contract")
        client = client_for(trader1)
        assert post_file(client, declaration, "invoice.pdf", PDF, request="").status_code == 302
        assert DocumentRequest.objects.get().answered_at is None

    def test_a_request_of_another_declaration_is_refused(self, trader1, officer, declaration):
        other = registered(trader1, plain_import_body())
        Declaration.objects.filter(pk=other.pk).update(status="under_review", channel="yellow")
        declaration_decide(declaration_id=other.pk, officer=officer, action="request_documents", note="Contract")
        foreign = DocumentRequest.objects.get(declaration=other)
        response = post_file(client_for(trader1), declaration, "x.pdf", PDF, request=foreign.pk)
        assert response.status_code == 400
        assert "No such document request on this declaration." in html_of(response)
        assert not Document.objects.exists()


class TestDownload:
    @pytest.mark.parametrize("role, expected", [("anonymous", 302), ("trader1", 200), ("trader2", 404), ("officer", 200),
                                                ("risk_admin", 200), ("gate_user", 403)])
    def test_matrix(self, users, trader1, declaration, role, expected):
        document = document_upload(declaration_id=declaration.pk, user=trader1, kind="invoice",
                                   uploaded=SimpleUploadedFile("hóa đơn.pdf", PDF))
        response = client_of(users[role]).get(reverse("declarations:document-download", args=[declaration.pk, document.pk]))
        assert response.status_code == expected
        if expected == 200:
            assert b"".join(response.streaming_content) == PDF
            assert response["Content-Type"] == "application/pdf"
            assert response["Content-Disposition"].startswith("attachment;")

    def test_a_document_of_another_declaration_is_not_found_through_this_one(self, trader1, declaration):
        other = registered(trader1, plain_import_body())
        document = document_upload(declaration_id=other.pk, user=trader1, kind="invoice", uploaded=SimpleUploadedFile("a.pdf", PDF))
        url = reverse("declarations:document-download", args=[declaration.pk, document.pk])
        assert client_for(trader1).get(url).status_code == 404

    def test_officers_see_documents_on_the_review_page(self, trader1, officer, declaration):
        document = document_upload(declaration_id=declaration.pk, user=trader1, kind="packing_list",
                                   uploaded=SimpleUploadedFile("packing.pdf", PDF))
        html = html_of(client_for(officer).get(reverse("declarations:review", args=[declaration.pk])))
        assert reverse("declarations:document-download", args=[declaration.pk, document.pk]) in html
        assert "Packing list" in html and "packing.pdf" in html
