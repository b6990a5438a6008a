"""The trader's browser pages through HTTP (Django's test client, real PostgreSQL, full reference data)."""
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from declarations.lifecycle import Status
from declarations.models import Declaration
from declarations.services.declarations import declaration_submit
from reference.selectors.exchange_rates import exchange_rate_in_force
from tests.factories import draft_of, one_item_body
from tests.payloads import as_form_data, import_body
from tests.support import client_for, html_of, input_value

pytestmark = pytest.mark.django_db

LIST_URL = reverse("declarations:list")
CREATE_URL = reverse("declarations:create")
PREVIEW_URL = reverse("declarations:preview")
LOOKUP_URL = reverse("declarations:hs-lookup")


class TestAccess:
    def test_anonymous_is_sent_to_login(self, client):
        response = client.get(LIST_URL)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_login_lands_on_the_list(self, client, trader1):
        response = client.post(reverse("login"), {"username": "trader1", "password": "demo12345"}, follow=True)
        assert response.redirect_chain == [("/", 302), (LIST_URL, 302)]
        assert response.status_code == 200

    @pytest.mark.parametrize("url", [CREATE_URL, PREVIEW_URL])
    def test_only_traders_file_declarations(self, officer, url):
        client = client_for(officer)
        assert client.get(url).status_code in (403, 405)
        assert client.post(url, as_form_data(one_item_body())).status_code == 403

    @pytest.mark.parametrize("page", ["detail", "edit", "submit"])
    def test_another_enterprises_declaration_is_not_found(self, trader1, trader2, page):
        declaration = draft_of(trader1)
        url = reverse(f"declarations:{page}", args=[declaration.pk])
        client = client_for(trader2)
        response = client.post(url, as_form_data(one_item_body())) if page != "detail" else client.get(url)
        assert response.status_code == 404
        declaration.refresh_from_db()
        assert declaration.status == Status.DRAFT
        assert declaration.number is None
        assert declaration.partner_name == "Shenzhen Example Co."

    def test_unknown_declaration_is_not_found(self, trader1):
        assert client_for(trader1).get(reverse("declarations:detail", args=[999999])).status_code == 404


class TestList:
    def test_traders_see_only_their_enterprises_declarations(self, trader1, trader2):
        own = draft_of(trader2, one_item_body(partner={"name": "Sao Mai Partner Ltd", "country": "JP"}))
        other = draft_of(trader1, one_item_body(partner={"name": "Minh Anh Partner Ltd", "country": "CN"}))
        html = html_of(client_for(trader2).get(LIST_URL))
        assert "Sao Mai Partner Ltd" in html
        assert "Minh Anh Partner Ltd" not in html
        assert reverse("declarations:detail", args=[own.pk]) in html
        assert reverse("declarations:detail", args=[other.pk]) not in html

    def test_officers_see_every_enterprise(self, trader1, trader2, officer):
        draft_of(trader1, one_item_body(partner={"name": "Minh Anh Partner Ltd", "country": "CN"}))
        draft_of(trader2, one_item_body(partner={"name": "Sao Mai Partner Ltd", "country": "JP"}))
        html = html_of(client_for(officer).get(LIST_URL))
        assert "Minh Anh Partner Ltd" in html and "Sao Mai Partner Ltd" in html

    def test_row_shows_the_declarations_columns(self, trader1):
        declaration = declaration_submit(declaration_id=draft_of(trader1).pk, user=trader1)
        html = html_of(client_for(trader1).get(LIST_URL))
        row = re.search(rf'<tr data-declaration-id="{declaration.pk}">(.*?)</tr>', html, re.S).group(1)
        assert declaration.number in row
        assert "A11" in row and "03CE" in row and "Shenzhen Example Co." in row
        assert "25,000.00" in row and "USD" in row
        assert f"{declaration.tax_total:,}" in row  # VND, whole, grouped
        assert 'data-status="registered"' in row

    def test_filters_are_the_apis(self, trader1):
        registered = declaration_submit(declaration_id=draft_of(trader1).pk, user=trader1)
        draft = draft_of(trader1)
        client = client_for(trader1)

        html = html_of(client.get(LIST_URL, {"status": "registered"}))
        assert reverse("declarations:detail", args=[registered.pk]) in html
        assert reverse("declarations:detail", args=[draft.pk]) not in html

        html = html_of(client.get(LIST_URL, {"number": registered.number[:6]}))
        assert reverse("declarations:detail", args=[draft.pk]) not in html
        assert reverse("declarations:detail", args=[registered.pk]) in html

        today = timezone.localdate().isoformat()
        html = html_of(client.get(LIST_URL, {"registered_from": today, "registered_to": today, "direction": "import"}))
        assert reverse("declarations:detail", args=[registered.pk]) in html

    def test_invalid_filter_values_do_not_break_the_page(self, trader1):
        response = client_for(trader1).get(LIST_URL, {"status": "nonsense", "registered_from": "yesterday", "page": "x"})
        assert response.status_code == 200

    def test_paginated_by_25(self, trader1):
        for _ in range(26):
            draft_of(trader1)
        client = client_for(trader1)
        first = html_of(client.get(LIST_URL))
        assert first.count("<tr data-declaration-id=") == 25
        assert "26 declarations" in first
        second = html_of(client.get(LIST_URL, {"page": 2}))
        assert second.count("<tr data-declaration-id=") == 1

    def test_query_count_does_not_grow_with_rows(self, trader1, django_assert_max_num_queries):
        client = client_for(trader1)
        declaration_submit(declaration_id=draft_of(trader1).pk, user=trader1)
        # 5, and 4 whatever the rows (issue 18, time limits): the notices, and the registration block's
        # overdue declarations, overdue additional assessments and overdue additional tax of amendments
        # after clearance.
        with django_assert_max_num_queries(9):
            client.get(LIST_URL)
        for _ in range(24):
            draft_of(trader1)
        with django_assert_max_num_queries(9):
            response = client.get(LIST_URL)
        assert html_of(response).count("<tr data-declaration-id=") == 25


class TestCreate:
    def test_form_page_lists_reference_data(self, trader1):
        html = html_of(client_for(trader1).get(CREATE_URL))
        assert 'value="03CE"' in html  # customs office
        assert '<option value="VNHPH">' in html  # port suggestion
        assert 'value="FOB"' in html and 'value="ACFTA"' in html
        assert 'data-direction="export"' in html and 'value="B11"' in html
        assert 'id="item-row-template"' in html

    def test_create_with_one_item_makes_a_draft(self, trader1):
        response = client_for(trader1).post(CREATE_URL, as_form_data(one_item_body()))
        declaration = Declaration.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("declarations:detail", args=[declaration.pk])
        assert declaration.status == Status.DRAFT
        assert declaration.number is None
        assert declaration.enterprise_id == trader1.enterprise_id
        assert declaration.customs_office_id == "03CE"
        assert declaration.partner_country_id == "CN"
        assert declaration.invoice_total == Decimal("25000.00")
        assert declaration.freight == Decimal("1200.00")
        item = declaration.items.get()
        assert (item.line_no, item.hs_code, item.description) == (1, "84713020", "Laptop computers")
        assert (item.origin_country_id, item.unit_id, item.preference) == ("CN", "PCE", "MFN")
        assert item.quantity == Decimal("100") and item.unit_price == Decimal("250.00")
        assert item.line_value == Decimal("25000.00")

    def test_blank_and_gapped_item_rows_are_compacted(self, trader1):
        body = import_body()
        data = as_form_data({**body, "items": []})
        for index, item in zip((0, 3), body["items"]):  # row 1 and 2 were removed in the browser
            data.update({f"items-{index}-{name}": value for name, value in item.items()})
        data.update({"items-5-hs_code": "", "items-5-preference": "MFN"})  # an added, untouched row
        response = client_for(trader1).post(CREATE_URL, data)
        assert response.status_code == 302
        items = list(Declaration.objects.get().items.order_by("line_no"))
        assert [(i.line_no, i.hs_code) for i in items] == [(1, "84713020"), (2, "08051010")]
        assert items[1].preference == "ACFTA" and items[1].certificate_of_origin == "E263000012345"

    def test_shape_error_is_shown_inline_and_keeps_what_was_typed(self, trader1):
        data = as_form_data(one_item_body())
        data["partner-name"] = ""
        data["items-0-quantity"] = "lots"
        response = client_for(trader1).post(CREATE_URL, data)
        html = html_of(response)
        assert response.status_code == 200
        assert not Declaration.objects.exists()
        assert 'id="error-summary"' in html
        assert re.search(r'id="id_partner-name"[^>]*aria-invalid="true"', html)
        assert re.search(r'<div class="invalid-feedback d-block" id="id_partner-name-error">This field is required.</div>', html)
        assert re.search(r'id="id_items-0-quantity-error">Type a number, for example 1,234.56.', html)
        assert input_value(html, "bill_of_lading") == "COSU6312345670"
        assert input_value(html, "items-0-quantity") == "lots"
        assert input_value(html, "items-0-hs_code") == "84713020"
        assert input_value(html, "invoice-total") == "25000.00"
        assert '<option value="03CE" selected>' in html

    def test_business_rule_error_is_shown_next_to_the_item(self, trader1):
        body = import_body()
        body["items"][1]["hs_code"] = "99999999"
        response = client_for(trader1).post(CREATE_URL, as_form_data(body))
        html = html_of(response)
        assert response.status_code == 200
        assert not Declaration.objects.exists()
        assert re.search(r'id="id_items-1-hs_code-error">HS code 99999999 is not in the tariff.', html)
        assert 'href="#id_items-1-hs_code"' in html  # the summary links to the input
        assert input_value(html, "items-1-hs_code") == "99999999"
        assert input_value(html, "items-0-hs_code") == "84713020"

    def test_nested_business_rule_error_goes_to_the_partner_field(self, trader1):
        response = client_for(trader1).post(CREATE_URL, as_form_data(one_item_body(partner={"name": "X", "country": "QQ"})))
        assert re.search(r'id="id_partner-country-error">Unknown country code QQ.', html_of(response))

    def test_errors_are_translated(self, trader1):
        data = as_form_data(one_item_body())
        data["partner-name"] = ""
        html = html_of(client_for(trader1, "vi").post(CREATE_URL, data))
        assert "Trường này là bắt buộc." in html
        assert "Tên đối tác" in html


class TestEdit:
    def test_edit_page_is_prefilled(self, trader1):
        declaration = draft_of(trader1)
        html = html_of(client_for(trader1).get(reverse("declarations:edit", args=[declaration.pk])))
        assert input_value(html, "partner-name") == "Shenzhen Example Co."
        assert input_value(html, "items-0-hs_code") == "84713020"
        assert input_value(html, "items-0-quantity") == "100"
        assert input_value(html, "items-0-unit_price") == "250"
        assert input_value(html, "gross_weight_kg") == "1,530.5"

    def test_edit_replaces_the_draft(self, trader1):
        declaration = draft_of(trader1)
        body = one_item_body(partner={"name": "New Partner Ltd", "country": "JP"})
        body["items"][0]["quantity"] = "50"
        body["invoice"]["total"] = "12500.00"
        response = client_for(trader1).post(reverse("declarations:edit", args=[declaration.pk]), as_form_data(body))
        assert response.status_code == 302
        declaration.refresh_from_db()
        assert declaration.partner_name == "New Partner Ltd"
        assert declaration.items.get().quantity == Decimal("50")

    def test_a_registered_declaration_cannot_be_edited(self, trader1):
        declaration = declaration_submit(declaration_id=draft_of(trader1).pk, user=trader1)
        client = client_for(trader1)
        url = reverse("declarations:edit", args=[declaration.pk])
        response = client.post(url, as_form_data(one_item_body(partner={"name": "Changed", "country": "CN"})), follow=True)
        assert response.redirect_chain[-1][0] == reverse("declarations:detail", args=[declaration.pk])
        assert "Only a draft can be edited" in html_of(response)
        declaration.refresh_from_db()
        assert declaration.partner_name == "Shenzhen Example Co."


class TestDetailAndSubmit:
    def test_detail_shows_header_items_and_taxes(self, trader1):
        declaration = draft_of(trader1, import_body())
        html = html_of(client_for(trader1).get(reverse("declarations:detail", args=[declaration.pk])))
        assert 'id="declaration-status" class="badge status-badge status-draft" data-status="draft"' in html
        assert 'id="declaration-channel"' in html
        assert "Fresh oranges" in html and "Laptop computers" in html
        assert f"{declaration.tax_total:,} VND" in html
        assert 'id="submit-declaration"' in html and 'id="edit-declaration"' in html
        assert "0% · MFN" in html  # the laptops' duty rate and its basis
        assert "0% · ACFTA" in html

    def test_refused_preference_is_explained(self, trader1):
        body = import_body()
        body["items"][1].update(origin_country="US")
        declaration = draft_of(trader1, body)
        html = html_of(client_for(trader1).get(reverse("declarations:detail", args=[declaration.pk])))
        assert "ACFTA refused" in html
        assert "Origin US is not a party to ACFTA." in html

    def test_submit_numbers_the_declaration(self, trader1):
        declaration = draft_of(trader1)
        client = client_for(trader1)
        response = client.post(reverse("declarations:submit", args=[declaration.pk]), follow=True)
        declaration.refresh_from_db()
        assert declaration.status == Status.REGISTERED
        assert re.fullmatch(r"10\d{10}", declaration.number)
        html = html_of(response)
        assert f"Declaration registered with number {declaration.number}." in html
        assert f'id="declaration-number" data-declaration-id="{declaration.pk}" data-number>{declaration.number}<' in html
        assert 'data-status="registered"' in html
        assert 'id="submit-declaration"' not in html

    def test_submitting_twice_is_refused_with_a_message(self, trader1):
        declaration = declaration_submit(declaration_id=draft_of(trader1).pk, user=trader1)
        number = declaration.number
        response = client_for(trader1).post(reverse("declarations:submit", args=[declaration.pk]), follow=True)
        assert response.status_code == 200
        assert "Cannot submit a declaration that is registered." in html_of(response)
        declaration.refresh_from_db()
        assert declaration.number == number

    def test_submit_needs_post(self, trader1):
        declaration = draft_of(trader1)
        assert client_for(trader1).get(reverse("declarations:submit", args=[declaration.pk])).status_code == 405


class TestPreview:
    def test_preview_shows_the_taxes(self, trader1):
        response = client_for(trader1).post(PREVIEW_URL, as_form_data(one_item_body()))
        html = html_of(response)
        assert response.status_code == 200
        assert not Declaration.objects.exists()  # nothing saved
        rate, _ = exchange_rate_in_force(currency="USD", on=timezone.localdate())
        taxable = ((Decimal("25000") + Decimal("1200") + Decimal("80")) * rate).quantize(Decimal("1"), ROUND_HALF_UP)
        vat = (taxable * Decimal("0.1")).quantize(Decimal("1"), ROUND_HALF_UP)
        assert f'data-total="{vat}"' in html
        assert f"{taxable:,}" in html
        assert f"{vat:,} VND" in html  # the action bar's total, swapped out of band
        assert 'hx-swap-oob="true"' in html
        assert "1 USD = " in html

    def test_preview_of_an_incomplete_form_says_what_is_missing(self, trader1):
        response = client_for(trader1).post(PREVIEW_URL, {"direction": "import", "items-0-hs_code": "84713020"})
        html = html_of(response)
        assert response.status_code == 200
        assert "Still to fill in" in html
        assert "Partner name" in html and "Item 1 · Quantity" in html
        assert 'id="preview-total" hx-swap-oob="true">—<' in html

    def test_preview_lists_business_rule_problems(self, trader1):
        body = one_item_body()
        body["invoice"]["total"] = "99.00"
        html = html_of(client_for(trader1).post(PREVIEW_URL, as_form_data(body)))
        assert "does not match the sum of the item values" in html


class TestHsLookup:
    def test_lookup_by_code_returns_the_line_and_its_rates(self, trader1):
        response = client_for(trader1).get(LOOKUP_URL, {"q": "8471302"})
        html = html_of(response)
        assert response.status_code == 200
        assert 'data-hs-code="84713020"' in html
        assert "8471.30.20" in html
        assert "Laptops including notebooks and subnotebooks" in html
        assert "VAT 10%" in html

    def test_lookup_by_words_in_vietnamese(self, trader1):
        html = html_of(client_for(trader1, "vi").get(LOOKUP_URL, {"items-3-hs_code": "máy tính xách tay"}))
        assert 'data-hs-code="84713020"' in html
        assert "Máy tính xách tay kể cả notebook và subnotebook" in html

    def test_a_short_query_answers_nothing(self, trader1):
        html = html_of(client_for(trader1).get(LOOKUP_URL, {"q": "8"}))
        assert "data-hs-result" not in html

    def test_no_match_says_so(self, trader1):
        html = html_of(client_for(trader1).get(LOOKUP_URL, {"q": "zzqqxx"}))
        assert "No tariff line matches" in html


class TestLanguage:
    def test_vietnamese_is_the_default(self, trader1, settings):
        settings.LANGUAGE_CODE = "vi"  # the portal's setting (the test settings default to English)
        client = Client()
        client.force_login(trader1)
        html = html_of(client.get(LIST_URL))
        assert '<html lang="vi">' in html
        assert "Tờ khai của tôi" in html

    def test_switching_language(self, trader1):
        client = Client()
        client.force_login(trader1)
        response = client.post(reverse("set_language"), {"language": "vi", "next": LIST_URL}, follow=True)
        html = html_of(response)
        assert '<html lang="vi">' in html
        assert "Tờ khai của tôi" in html
        response = client.post(reverse("set_language"), {"language": "en", "next": LIST_URL}, follow=True)
        html = html_of(response)
        assert '<html lang="en">' in html
        assert "My declarations" in html
