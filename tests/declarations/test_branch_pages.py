"""Linked branch declarations in the browser: imported from the form, submitted together, shown together
to the trader (detail page, list) and the officer (review page)."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from declarations.models import Declaration, GoodsItem
from declarations.services.declarations import declaration_submit
from risk.services.assessment import risk_assess
from tests.declarations.items_files.support import imported_group, lines_two_goods, xlsx_bytes
from tests.factories import draft_of
from tests.payloads import as_form_data, plain_import_body
from tests.support import pdf_text, squashed

pytestmark = pytest.mark.django_db


def group(first: Declaration) -> list[Declaration]:
    return list(Declaration.objects.filter(branch_of_id=first.pk).order_by("branch_index"))


def registered_group(trader) -> list[Declaration]:
    first = imported_group(trader, 120)
    declaration_submit(declaration_id=first.pk, user=trader)
    for branch in group(first):
        risk_assess(declaration_id=branch.pk)
    return group(first)


def import_form(client, path: str, rows, language="vi"):
    data = {**as_form_data(plain_import_body()), "import_items": "1",
            "items_file": SimpleUploadedFile("dong-hang.xlsx", xlsx_bytes(rows))}
    return client.post(path, data, HTTP_ACCEPT_LANGUAGE=language)


class TestFormImport:
    def test_120_lines_in_a_new_form_save_three_linked_drafts_with_the_typed_header(self, trader1, client):
        client.force_login(trader1)

        response = import_form(client, "/declarations/new/", lines_two_goods(120))

        first = Declaration.objects.get(branch_index=1)
        assert response.status_code == 302 and response.url == f"/declarations/{first.pk}/"
        assert [(b.branch_index, b.branch_count, b.items.count(), b.partner_name) for b in group(first)] == [
            (1, 3, 50, "Shenzhen Example Co."), (2, 3, 50, "Shenzhen Example Co."), (3, 3, 20, "Shenzhen Example Co.")]
        page = client.get(response.url, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
        assert "120 dòng hàng" in page and "3 tờ khai nhánh" in page

    def test_into_a_drafts_form(self, trader1, client):
        client.force_login(trader1)
        draft = draft_of(trader1)

        response = import_form(client, f"/declarations/{draft.pk}/edit/", lines_two_goods(51), language="en")

        assert response.status_code == 302 and response.url == f"/declarations/{draft.pk}/"
        assert [(b.pk == draft.pk, b.items.count()) for b in group(draft)] == [(True, 50), (False, 1)]

    def test_a_header_not_complete_saves_nothing_and_says_why(self, trader1, client):
        client.force_login(trader1)
        data = {**as_form_data(plain_import_body()), "partner-name": "", "import_items": "1",
                "items_file": SimpleUploadedFile("dong-hang.xlsx", xlsx_bytes(lines_two_goods(60)))}

        response = client.post("/declarations/new/", data, HTTP_ACCEPT_LANGUAGE="en")

        assert response.status_code == 200
        assert response.context["form"].import_errors == [
            "The file has 60 goods lines: more than 50 are filed as linked branch declarations with the header of "
            "this form. Complete the header first, then import the file again."]
        assert Declaration.objects.count() == 0

    def test_an_amendment_cannot_make_branches(self, trader1, client):
        client.force_login(trader1)
        lone = draft_of(trader1)
        declaration_submit(declaration_id=lone.pk, user=trader1)

        response = import_form(client, f"/declarations/{lone.pk}/amend/", lines_two_goods(51), language="en")

        assert response.context["form"].import_errors == [
            "A declaration has at most 50 goods items; this file has 51. An amendment cannot add branch declarations."]
        assert Declaration.objects.count() == 1 and lone.items.count() == 1


class TestSubmit:
    def test_submitting_a_branch_registers_the_group(self, trader1, client):
        client.force_login(trader1)
        first = imported_group(trader1, 120)
        second = group(first)[1]

        response = client.post(f"/declarations/{second.pk}/submit/", HTTP_ACCEPT_LANGUAGE="en", follow=True)

        branches = group(first)
        assert [b.status for b in branches] == ["registered"] * 3
        assert (f"The 3 branch declarations were registered together under the first number {branches[0].number}; "
                f"this one is branch 2 with number {branches[1].number}.") in response.content.decode()

    def test_an_invalid_branch_is_named_and_none_is_registered(self, trader1, client):
        client.force_login(trader1)
        first = imported_group(trader1, 120)
        third = group(first)[2]
        GoodsItem.objects.filter(declaration=third, line_no=1).update(hs_code="99999999")
        Declaration.objects.filter(pk=third.pk).update(taxed_on=None)

        response = client.post(f"/declarations/{first.pk}/submit/", HTTP_ACCEPT_LANGUAGE="vi", follow=True)

        page = response.content.decode()
        assert "Nhóm tờ khai nhánh chưa đăng ký được, không nhánh nào được đăng ký: nhánh 3:" in page
        assert "99999999" in page
        assert [b.status for b in group(first)] == ["draft"] * 3


class TestShownTogether:
    def test_the_traders_detail_page_shows_the_group(self, trader1, client):
        client.force_login(trader1)
        branches = registered_group(trader1)

        page = client.get(f"/declarations/{branches[1].pk}/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()

        assert "Tờ khai nhánh 2/3" in page
        assert f'id="branch-first-number">{branches[0].number}<' in page
        for branch in branches:
            assert branch.number in page
        assert f'href="/declarations/{branches[0].pk}/"' in page and f'href="/declarations/{branches[2].pk}/"' in page
        assert "671.196.840" in page  # the group's taxes: 279 665 350 + 279 665 350 + 111 866 140

    def test_the_officers_review_page_shows_the_group(self, trader1, officer, client):
        branches = registered_group(trader1)
        Declaration.objects.filter(pk__in=[b.pk for b in branches]).update(status="under_review", channel="yellow")
        client.force_login(officer)

        page = client.get(f"/declarations/{branches[2].pk}/review/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

        assert "Branch declaration 3/3" in page
        assert f'href="/declarations/{branches[0].pk}/review/"' in page
        assert f'href="/declarations/{branches[1].pk}/review/"' in page
        assert "671,196,840" in page

    def test_the_list_marks_the_branches(self, trader1, client):
        client.force_login(trader1)
        imported_group(trader1, 120)

        page = client.get("/declarations/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()

        assert page.count('branch-mark') == 3 and "Nhánh 2/3" in page

    def test_another_enterprise_gets_404(self, trader1, trader2, client):
        branches = registered_group(trader1)
        client.force_login(trader2)
        assert client.get(f"/declarations/{branches[1].pk}/").status_code == 404

    def test_a_single_declaration_shows_no_group(self, trader1, client):
        client.force_login(trader1)
        draft = draft_of(trader1)
        assert 'id="branch-group"' not in client.get(f"/declarations/{draft.pk}/").content.decode()

    def test_the_pdf_shows_the_first_number_and_the_branch(self, trader1, client):
        client.force_login(trader1)
        branches = registered_group(trader1)

        response = client.get(f"/declarations/{branches[1].pk}/pdf/")

        _, text = pdf_text(b"".join(response.streaming_content) if response.streaming else response.content)
        text = squashed(text)
        assert f"Số tờ khai đầu tiên First declaration No. {branches[0].number} · Nhánh Branch 2/3" in text
