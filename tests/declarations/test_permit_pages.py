"""Permits in the browser: the form's permit rows (dd/mm/yyyy dates, errors on the line), the preview's
warning in the reader's language, and the permits listed on the declaration page, the review page and
the PDF."""
import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from declarations.models import Declaration
from declarations.services.pdf import declaration_pdf_render
from tests.factories import draft_of, registered
from tests.payloads import as_form_data, import_body
from tests.support import client_for

pytestmark = pytest.mark.django_db

CREATE_URL = reverse("declarations:create")
PREVIEW_URL = reverse("declarations:preview")


def form_post(body: dict, permits: dict[int, list[dict]] | None = None) -> dict:
    """An API body as the browser form posts it, with permits typed as a trader types them."""
    data = as_form_data(body)
    for index, typed in (permits or {}).items():
        for n, permit in enumerate(typed):
            for name, permit_value in permit.items():
                data[f"items-{index}-permits-{n}-{name}"] = permit_value
    return data


def typed_permit(**overrides) -> dict:
    permit = {"kind": "quarantine", "number": "KD-77", "agency": "Chi cục Kiểm dịch thực vật vùng II",
              "date": (timezone.localdate() - timedelta(days=3)).strftime("%d/%m/%Y")}
    permit.update(overrides)
    return permit


def api_permit(**overrides) -> dict:
    permit = {"kind": "quarantine", "number": "KD-77", "agency": "Chi cục Kiểm dịch thực vật vùng II",
              "date": (timezone.localdate() - timedelta(days=3)).isoformat()}
    permit.update(overrides)
    return permit


class TestForm:
    def test_a_permit_typed_with_a_dd_mm_yyyy_date_is_saved_on_its_line(self, trader1):
        response = client_for(trader1).post(CREATE_URL, form_post(import_body(), {1: [typed_permit()]}))
        assert response.status_code == 302, response.content.decode()[:3000]
        item = Declaration.objects.get().items.get(line_no=2)
        assert item.permits == [api_permit()]
        assert Declaration.objects.get().items.get(line_no=1).permits == []

    def test_a_blank_permit_row_is_ignored(self, trader1):
        blank = {"kind": "licence", "number": "", "agency": "", "date": ""}
        response = client_for(trader1).post(CREATE_URL, form_post(import_body(), {0: [blank]}))
        assert response.status_code == 302
        assert Declaration.objects.get().items.get(line_no=1).permits == []

    def test_errors_are_shown_on_the_permit_and_the_values_kept(self, trader1):
        future = (timezone.localdate() + timedelta(days=2)).strftime("%d/%m/%Y")
        permits = {1: [typed_permit(), typed_permit(number="KD-78", date=future), typed_permit(date="31/02/2026")]}
        response = client_for(trader1).post(CREATE_URL, form_post(import_body(), permits))
        assert response.status_code == 200
        html = response.content.decode()
        assert not Declaration.objects.exists()
        assert 'id="id_items-1-permits-2-date-error"' in html  # unreadable date, on its input
        assert re.search(r'name="items-1-permits-1-number"[^>]*value="KD-78"', html)
        # Once the date reads, the service judges it: not in the future.
        response = client_for(trader1).post(CREATE_URL, form_post(import_body(), {1: permits[1][:2]}))
        html = response.content.decode()
        assert "The date of a permit cannot be in the future." in html
        assert 'id="id_items-1-permits-1-date-error"' in html
        assert "Item 2 · Permit 2 · Date of issue" in html

    def test_the_edit_page_shows_the_permits_as_typed(self, trader1):
        body = import_body()
        body["items"][1]["permits"] = [api_permit()]
        declaration = draft_of(trader1, body)
        html = client_for(trader1).get(reverse("declarations:edit", args=[declaration.pk])).content.decode()
        assert re.search(r'name="items-1-permits-0-date"[^>]*value="{}"'.format(typed_permit()["date"]), html)
        assert re.search(r'name="items-1-permits-0-number"[^>]*value="KD-77"', html)
        assert 'id="permit-row-template"' in html


class TestPreviewWarning:
    def test_the_preview_warns_with_the_legal_reference_and_still_computes_the_taxes(self, trader1):
        html = client_for(trader1).post(PREVIEW_URL, form_post(import_body(), {0: [typed_permit(kind="quality")]})).content.decode()
        assert 'id="preview-table"' in html
        assert ("Line 2 (HS 0805.10.10) is under specialised management (01/2024/TT-BNNPTNT M9): no permit, licence or "
                "inspection result is declared.") in html
        assert "Line 1 (" not in html

    def test_in_vietnamese(self, trader1):
        html = client_for(trader1, "vi").post(PREVIEW_URL, form_post(import_body())).content.decode()
        assert ("Dòng 2 (HS 0805.10.10) thuộc diện quản lý chuyên ngành (01/2024/TT-BNNPTNT M9): chưa khai số giấy "
                "phép/kết quả kiểm tra.") in html

    def test_no_warning_when_every_line_has_its_permit(self, trader1):
        permits = {0: [typed_permit(kind="quality")], 1: [typed_permit()]}
        html = client_for(trader1).post(PREVIEW_URL, form_post(import_body(), permits)).content.decode()
        assert "data-permit-warnings" not in html


class TestListed:
    def body(self):
        body = import_body()
        body["items"][1]["permits"] = [api_permit(), api_permit(kind="other", number="XX-1", agency="Sở Y tế")]
        return body

    def test_the_declaration_page_lists_the_permits_per_line_and_warns_of_the_missing_one(self, trader1):
        declaration = draft_of(trader1, self.body())
        html = client_for(trader1).get(reverse("declarations:detail", args=[declaration.pk])).content.decode()
        assert html.count("data-permit>") == 2
        assert "Quarantine certificate <span class=\"font-monospace\">KD-77</span> · Chi cục Kiểm dịch thực vật vùng II" in html
        assert "Line 1 (HS 8471.30.20) is under specialised management" in html

    def test_the_review_page_lists_them(self, trader1, officer):
        declaration = registered(trader1, self.body())
        from risk.services.assessment import risk_assess

        risk_assess(declaration_id=declaration.pk)
        html = client_for(officer).get(reverse("declarations:review", args=[declaration.pk])).content.decode()
        assert "XX-1" in html and "Sở Y tế" in html

    def test_the_pdf_lists_them_in_both_languages(self, trader1):
        declaration = draft_of(trader1, self.body())
        pdf = declaration_pdf_render(declaration=declaration)
        text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)
        issued = (timezone.localdate() - timedelta(days=3)).strftime("%d/%m/%Y")
        assert f"Giấy chứng nhận kiểm dịch Quarantine certificate KD-77 · Chi cục Kiểm dịch thực vật vùng II · {issued}" in text
        assert "Khác Other XX-1 · Sở Y tế" in text
