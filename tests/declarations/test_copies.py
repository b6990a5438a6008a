"""Copying a declaration into a new draft (POST /api/v1/declarations/{id}/copy/): what is copied and what is not."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from customs_portal.audit.models import AuditEvent
from declarations.models import Declaration
from declarations.services.documents import document_upload
from tests.factories import draft_of, pdf_bytes, queued
from tests.payloads import import_body

pytestmark = pytest.mark.django_db

HEADER = ("direction", "type_code", "customs_office_id", "partner_name", "partner_address", "partner_country_id",
          "transport_mode", "bill_of_lading", "vessel_flight", "port_of_loading_id", "port_of_discharge_id", "arrival_date",
          "departure_date", "packages", "gross_weight_kg", "container_numbers", "invoice_number", "invoice_date",
          "invoice_currency_id", "incoterm", "invoice_total", "freight", "insurance", "enterprise_id")
ITEM = ("line_no", "hs_code", "description", "origin_country_id", "quantity", "unit_id", "unit_price", "line_value",
        "preference", "certificate_of_origin", "permits")


def copy(client, pk):
    return client.post(f"/api/v1/declarations/{pk}/copy/")


@pytest.mark.parametrize("status", ["assessed", "cleared", "rejected"])
def test_a_copy_has_the_header_and_lines_and_nothing_that_happened_to_the_original(trader1, api_client_for, rules, status):
    original = queued(trader1)
    document_upload(declaration_id=original.pk, user=trader1, kind="invoice",
                    uploaded=SimpleUploadedFile("invoice.pdf", pdf_bytes(), content_type="application/pdf"),
                    answers_request=None)
    Declaration.objects.filter(pk=original.pk).update(status=status)  # any status may be copied
    original.refresh_from_db()
    assert original.number and original.channel and original.registered_at and original.assessed_at

    response = copy(api_client_for(trader1), original.pk)

    assert response.status_code == 201, response.json()
    body = response.json()
    made = Declaration.objects.get(pk=body["id"])
    assert made.pk != original.pk
    assert {name: getattr(made, name) for name in HEADER} == {name: getattr(original, name) for name in HEADER}
    assert list(made.items.order_by("line_no").values_list(*ITEM)) == list(original.items.order_by("line_no").values_list(*ITEM))
    assert (body["status"], body["number"], body["channel"], body["registered_at"], body["assessed_at"], body["cleared_at"],
            body["version"], body["payment_status"], body["amount_due"], body["amendment_request"]) == (
        "draft", None, None, None, None, None, 1, "not_due", "0", None)
    assert made.documents.count() == 0 and made.versions.count() == 0 and made.document_requests.count() == 0
    assert made.created_by == trader1
    event = AuditEvent.objects.get(declaration_id=made.pk)
    assert (event.action, event.to_status, event.actor, event.data) == (
        "create", "draft", trader1, {"items": 2, "copied_from": original.pk, "copied_from_number": original.number})


def test_a_draft_can_be_copied_and_the_copy_is_taxed_today(trader1, api_client_for):
    original = draft_of(trader1, import_body())

    body = copy(api_client_for(trader1), original.pk).json()

    assert body["taxes"]["total"] == str(original.tax_total)
    assert Declaration.objects.filter(enterprise=trader1.enterprise).count() == 2


def test_another_enterprises_trader_gets_404_and_nothing_is_made(trader1, trader2, api_client_for):
    original = draft_of(trader1)

    response = copy(api_client_for(trader2), original.pk)

    assert response.status_code == 404
    assert Declaration.objects.count() == 1


def test_an_officer_cannot_copy(trader1, officer, api_client_for):
    original = draft_of(trader1)
    assert copy(api_client_for(officer), original.pk).status_code == 403
    assert Declaration.objects.count() == 1


def test_the_copy_button_on_the_declaration_page(trader1, client):
    original = draft_of(trader1)
    client.force_login(trader1)

    page = client.get(f"/declarations/{original.pk}/").content.decode()
    response = client.post(f"/declarations/{original.pk}/copy/")

    assert f'action="/declarations/{original.pk}/copy/"' in page
    made = Declaration.objects.exclude(pk=original.pk).get()
    assert response.status_code == 302 and response["Location"] == f"/declarations/{made.pk}/edit/"
