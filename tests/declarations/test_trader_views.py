"""The trader cancels and amends a registered declaration through the pages; other enterprises get
404, other roles 403, and a denied or refused request changes nothing."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from customs_portal.audit.models import AuditEvent
from declarations.models import Declaration, DeclarationVersion
from tests.factories import draft_of, registered
from tests.payloads import as_form_data, plain_import_body
from tests.support import client_for, html_of, input_value

pytestmark = pytest.mark.django_db


@pytest.fixture
def users(trader1, trader2, officer, risk_admin, gate_user):
    return {"anonymous": None, "trader1": trader1, "trader2": trader2, "officer": officer, "risk_admin": risk_admin,
            "gate_user": gate_user}


@pytest.fixture
def declaration(trader1):
    """trader1's declaration, registered (waiting for its assessment); trader2 is another enterprise."""
    return registered(trader1, plain_import_body())


def client_of(user):
    if user is None:
        from django.test import Client

        return Client()
    return client_for(user)


def snapshot(declaration):
    fresh = Declaration.objects.get(pk=declaration.pk)
    return (fresh.status, fresh.version, fresh.partner_name, fresh.tax_total,
            AuditEvent.objects.filter(declaration=declaration).count(), DeclarationVersion.objects.filter(declaration=declaration).count())


def amended_form(declaration, **changes) -> dict:
    body = plain_import_body()
    body.update(changes)
    return as_form_data(body)


class TestCancel:
    @pytest.mark.parametrize("role, expected", [("anonymous", 302), ("trader2", 404), ("trader1", 302), ("officer", 403),
                                                ("risk_admin", 403), ("gate_user", 403)])
    def test_matrix(self, users, declaration, role, expected):
        before = snapshot(declaration)
        response = client_of(users[role]).post(reverse("declarations:cancel", args=[declaration.pk]), {"reason": "Duplicate"})
        assert response.status_code == expected
        if role == "trader1":
            assert response["Location"] == reverse("declarations:detail", args=[declaration.pk])
            event = AuditEvent.objects.filter(declaration=declaration).latest("id")
            assert (event.action, event.from_status, event.to_status, event.reason) == ("cancel", "registered", "cancelled", "Duplicate")
        else:
            assert snapshot(declaration) == before

    def test_the_button_shows_while_cancellable_and_asks_first(self, trader1, declaration):
        client = client_for(trader1)
        html = html_of(client.get(reverse("declarations:detail", args=[declaration.pk])))
        assert 'id="cancel-declaration"' in html and 'id="cancel-dialog"' in html
        assert f"Cancel declaration {declaration.number}?" in html
        response = client.post(reverse("declarations:cancel", args=[declaration.pk]), {"reason": ""}, follow=True)
        html = html_of(response)
        assert f"Declaration {declaration.number} is cancelled." in html
        assert 'data-status="cancelled"' in html
        assert 'id="cancel-declaration"' not in html and 'id="amend-declaration"' not in html

    def test_a_draft_is_withdrawn_and_stays_listed_as_cancelled(self, trader1):
        """It used to answer 500: the database refused a cancelled declaration without a number."""
        draft = draft_of(trader1)
        client = client_for(trader1)
        html = html_of(client.get(reverse("declarations:detail", args=[draft.pk])))
        assert 'id="cancel-declaration"' in html and "Cancel this draft?" in html
        assert "Customs has not received this draft. Withdrawn, it stays in your list as cancelled" in html
        response = client.post(reverse("declarations:cancel", args=[draft.pk]), {"reason": "Entered twice"}, follow=True)
        assert response.status_code == 200
        html = html_of(response)
        assert f"Draft #{draft.pk} is withdrawn: it stays in your list as cancelled, without a number." in html
        assert 'data-status="cancelled"' in html
        assert 'id="cancel-declaration"' not in html and 'id="edit-declaration"' not in html
        assert 'id="submit-declaration"' not in html
        fresh = Declaration.objects.get(pk=draft.pk)
        assert (fresh.status, fresh.number) == ("cancelled", None)
        event = AuditEvent.objects.filter(declaration=draft).latest("id")
        assert (event.action, event.from_status, event.to_status, event.reason) == ("cancel", "draft", "cancelled", "Entered twice")
        listed = html_of(client.get(reverse("declarations:list")))
        assert f"#{draft.pk}" in listed

    def test_a_draft_is_withdrawn_in_vietnamese(self, trader1):
        draft = draft_of(trader1)
        client = client_for(trader1, language="vi")
        assert "Hải quan chưa nhận bản nháp này." in html_of(client.get(reverse("declarations:detail", args=[draft.pk])))
        html = html_of(client.post(reverse("declarations:cancel", args=[draft.pk]), {"reason": ""}, follow=True))
        assert f"Đã rút bản nháp #{draft.pk}: bản nháp vẫn có trong danh sách của bạn với trạng thái đã hủy" in html

    def test_a_cleared_declaration_cannot_be_cancelled(self, trader1, declaration):
        Declaration.objects.filter(pk=declaration.pk).update(status="cleared", channel="green")
        before = snapshot(declaration)
        client = client_for(trader1)
        assert 'id="cancel-declaration"' not in html_of(client.get(reverse("declarations:detail", args=[declaration.pk])))
        html = html_of(client.post(reverse("declarations:cancel", args=[declaration.pk]), follow=True))
        assert "Cannot cancel a declaration that is cleared." in html
        assert snapshot(declaration) == before


class TestAmend:
    @pytest.mark.parametrize("role, expected", [("anonymous", 302), ("trader2", 404), ("trader1", 302), ("officer", 403),
                                                ("risk_admin", 403), ("gate_user", 403)])
    def test_matrix(self, users, declaration, role, expected):
        before = snapshot(declaration)
        url = reverse("declarations:amend", args=[declaration.pk])
        data = {**amended_form(declaration, partner={"name": "Amended Partner Ltd", "country": "CN"}), "reason": "Name"}
        response = client_of(users[role]).post(url, data)
        assert response.status_code == expected
        if role == "trader1":
            assert Declaration.objects.get(pk=declaration.pk).version == 2
        else:
            assert snapshot(declaration) == before
            assert client_of(users[role]).get(url).status_code == expected

    def test_prefilled_like_edit_with_a_reason_field(self, trader1, declaration):
        html = html_of(client_for(trader1).get(reverse("declarations:amend", args=[declaration.pk])))
        assert f"Amend declaration {declaration.number}" in html
        assert input_value(html, "partner-name") == "Shenzhen Example Co."
        assert input_value(html, "items-0-hs_code") == "84716030"
        assert input_value(html, "items-1-description") == "Men's cotton T-shirts" or \
            input_value(html, "items-1-description") == "Men&#x27;s cotton T-shirts"
        assert 'name="reason"' in html and 'id="submit-amendment"' in html
        assert 'id="save-draft"' not in html

    def test_amend_keeps_the_previous_version_readable(self, trader1, declaration):
        client = client_for(trader1)
        data = {**amended_form(declaration, partner={"name": "Guangzhou Amended Ltd", "country": "CN"}),
                "reason": "Partner name corrected per the contract"}
        response = client.post(reverse("declarations:amend", args=[declaration.pk]), data, follow=True)
        html = html_of(response)
        assert f"Declaration {declaration.number} amended: version 2 is registered" in html
        fresh = Declaration.objects.get(pk=declaration.pk)
        assert (fresh.version, fresh.status, fresh.partner_name) == (2, "registered", "Guangzhou Amended Ltd")
        previous = DeclarationVersion.objects.get(declaration=declaration)
        assert (previous.version, previous.reason, previous.content["partner"]["name"]) == (
            1, "Partner name corrected per the contract", "Shenzhen Example Co.")
        versions = html[html.index('id="versions"'):]
        assert 'data-version="1"' in versions and "Shenzhen Example Co." in versions
        assert "Partner name corrected per the contract" in versions

    def test_errors_are_shown_beside_the_fields_and_nothing_changes(self, trader1, declaration):
        before = snapshot(declaration)
        data = {**amended_form(declaration), "items-0-hs_code": "99999999", "reason": "typo"}
        response = client_for(trader1).post(reverse("declarations:amend", args=[declaration.pk]), data)
        assert response.status_code == 400
        html = html_of(response)
        assert 'id="error-summary"' in html and 'href="#id_items-0-hs_code"' in html
        assert input_value(html, "items-0-hs_code") == "99999999"  # what was typed is kept
        assert "typo</textarea>" in html
        assert snapshot(declaration) == before

    def test_changing_the_direction_is_refused(self, trader1, declaration):
        before = snapshot(declaration)
        data = {**amended_form(declaration), "direction": "export", "type_code": "B11"}
        response = client_for(trader1).post(reverse("declarations:amend", args=[declaration.pk]), data)
        assert response.status_code == 400
        assert snapshot(declaration) == before

    @pytest.mark.parametrize("status", ["draft", "cleared", "cancelled"])
    def test_only_registered_uncleared_declarations(self, trader1, status):
        declaration = draft_of(trader1) if status == "draft" else registered(trader1, plain_import_body())
        Declaration.objects.filter(pk=declaration.pk).update(status=status)
        client = client_for(trader1)
        assert 'id="amend-declaration"' not in html_of(client.get(reverse("declarations:detail", args=[declaration.pk])))
        response = client.get(reverse("declarations:amend", args=[declaration.pk]))
        assert response.status_code == 302
        assert response["Location"] == reverse("declarations:detail", args=[declaration.pk])
        assert not DeclarationVersion.objects.exists()

    def test_a_cleared_declaration_within_60_days_offers_the_amendment_after_clearance(self, trader1):
        declaration = registered(trader1, plain_import_body())
        Declaration.objects.filter(pk=declaration.pk).update(status="cleared", cleared_at=timezone.now())
        client = client_for(trader1)
        assert 'id="amend-declaration"' in html_of(client.get(reverse("declarations:detail", args=[declaration.pk])))
        assert client.get(reverse("declarations:amend", args=[declaration.pk])).status_code == 200
        Declaration.objects.filter(pk=declaration.pk).update(cleared_at=timezone.now() - timedelta(days=62))
        assert 'id="amend-declaration"' not in html_of(client.get(reverse("declarations:detail", args=[declaration.pk])))
        assert client.get(reverse("declarations:amend", args=[declaration.pk])).status_code == 302


class TestAmendWhileCustomsHoldsIt:
    """Under review or inspection the amend page sends a request to the officer in charge (issue 12, finding 2)."""

    @pytest.fixture
    def held(self, declaration):
        Declaration.objects.filter(pk=declaration.pk).update(status="under_inspection", channel="red")
        return Declaration.objects.get(pk=declaration.pk)

    def test_the_page_says_the_amendment_is_a_request(self, trader1, held):
        html = html_of(client_for(trader1).get(reverse("declarations:amend", args=[held.pk])))
        assert 'id="amend-held-note"' in html
        assert "Customs holds this declaration (under physical inspection): your amendment goes to the officer in charge" in html
        assert "Send the amendment request" in html

    def test_a_request_is_stored_and_shown_and_nothing_else_changes(self, trader1, held):
        client = client_for(trader1)
        before = snapshot(held)
        data = {**amended_form(held, packages=13), "reason": "Two pallets were missed."}

        response = client.post(reverse("declarations:amend", args=[held.pk]), data, follow=True)

        html = html_of(response)
        assert f"Your amendment of declaration {held.number} is sent to the officer in charge" in html
        fresh = Declaration.objects.get(pk=held.pk)
        assert (fresh.status, fresh.channel, fresh.version, fresh.packages) == ("under_inspection", "red", 1, 12)
        assert snapshot(held)[:4] == before[:4]
        panel = html[html.index('id="amendment-request"'):]
        assert 'data-amendment-status="pending"' in panel
        assert "Awaits the decision of the officer in charge" in panel
        assert "Two pallets were missed." in panel
        assert '<td class="fw-semibold">Packages</td>' in panel and "<del>12</del>" in panel and "<ins>13</ins>" in panel
        assert 'id="amend-declaration"' not in html  # one request at a time
        again = client.get(reverse("declarations:amend", args=[held.pk]), follow=True)
        assert "still awaits the decision of the officer in charge" in html_of(again)

    def test_a_request_that_changes_nothing_is_refused_on_the_form(self, trader1, held):
        before = snapshot(held)
        response = client_for(trader1).post(reverse("declarations:amend", args=[held.pk]),
                                            {**amended_form(held), "reason": "Nothing"})
        assert response.status_code == 400
        assert "This amendment changes nothing in the declaration" in html_of(response)
        assert snapshot(held) == before
