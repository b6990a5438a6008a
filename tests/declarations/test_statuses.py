"""Statuses people can act on: a declaration that waits for its taxes reads "Awaiting payment" (Chờ nộp
thuế) on every page, list and the PDF and in the live labels; a draft shows its taxes as an estimate,
never "Not due" beside a total; the trader's list says which declarations customs asked documents for."""
import json
import re

import pytest
from django.urls import reverse

from declarations.lifecycle import Status
from declarations.models import Declaration, DocumentRequest
from declarations.services.pdf import declaration_pdf_render, vn_number
from risk.services.assessment import risk_assess
from tests.factories import draft_of, queued, registered
from tests.payloads import plain_import_body
from tests.support import client_for, html_of, pdf_text, review_url, squashed

pytestmark = pytest.mark.django_db
LIST_URL = reverse("declarations:list")


@pytest.fixture
def awaiting_payment(trader1, rules) -> Declaration:
    """trader1's green import with taxes owed (status `assessed`)."""
    declaration = registered(trader1, plain_import_body())
    risk_assess(declaration_id=declaration.pk)
    declaration = Declaration.objects.get(pk=declaration.pk)
    assert (declaration.status, declaration.channel, declaration.payment_status) == ("assessed", "green", "unpaid")
    return declaration


def status_badge(html: str, declaration) -> str:
    found = re.search(rf'<span[^>]*class="badge status-badge status-assessed"[^>]*data-declaration-id="{declaration.pk}"'
                      rf'[^>]*>([^<]*)</span>', html)
    assert found, "no status badge"
    return found.group(1)


@pytest.mark.parametrize("language, label", [("en", "Awaiting payment"), ("vi", "Chờ nộp thuế")])
def test_awaiting_payment_on_every_page(awaiting_payment, trader1, officer, language, label):
    detail = html_of(client_for(trader1, language).get(reverse("declarations:detail", args=[awaiting_payment.pk])))
    assert status_badge(detail, awaiting_payment) == label
    assert status_badge(html_of(client_for(trader1, language).get(LIST_URL)), awaiting_payment) == label
    assert status_badge(html_of(client_for(officer, language).get(LIST_URL)), awaiting_payment) == label
    review = html_of(client_for(officer, language).get(review_url(awaiting_payment)))
    assert status_badge(review, awaiting_payment) == label
    assert 'id="review-awaiting-payment"' in review  # the trader holds it: how long it has owed the taxes
    labels = json.loads(re.search(r'<script id="live-labels" type="application/json">(.*?)</script>', detail).group(1))
    assert labels["status"]["assessed"] == label
    for html in (detail, review):
        assert "Đã phân luồng" not in html and ">Assessed<" not in html


def test_an_officer_clearing_with_taxes_owed_leaves_it_awaiting_payment(rules, trader2, officer):
    declaration = queued(trader2)
    response = client_for(officer, "vi").post(review_url(declaration), {"action": "release", "note": ""})
    assert response.status_code == 302
    assert Declaration.objects.get(pk=declaration.pk).status == Status.ASSESSED
    page = html_of(client_for(officer, "vi").get(review_url(declaration)))
    assert status_badge(page, declaration) == "Chờ nộp thuế"
    trail = page[page.index('id="audit-table"'):]
    assert "Đang kiểm tra hồ sơ</span> → <span class=\"badge status-badge status-assessed\">Chờ nộp thuế</span>" in trail


def test_the_pdf_says_awaiting_payment_in_both_languages(awaiting_payment):
    _, text = pdf_text(declaration_pdf_render(declaration=awaiting_payment))
    assert "Chờ nộp thuế Awaiting payment" in squashed(text)


def test_the_api_keeps_its_status_value(awaiting_payment, trader1, api_client_for):
    body = api_client_for(trader1).get(f"/api/v1/declarations/{awaiting_payment.pk}/").json()
    assert (body["status"], body["payment_status"]) == ("assessed", "unpaid")


@pytest.mark.parametrize("language, estimate, badge", [("en", "Estimated amount to pay", "Estimated"),
                                                       ("vi", "Số tiền phải nộp ước tính", "Ước tính")])
def test_a_draft_shows_its_estimated_amount(trader1, language, estimate, badge):
    draft = draft_of(trader1, plain_import_body())
    assert draft.tax_total > 0 and draft.amount_due == 0
    html = html_of(client_for(trader1, language).get(reverse("declarations:detail", args=[draft.pk])))
    taxes = html[html.index('id="taxes-summary"'):html.index("</section>", html.index('id="taxes-summary"'))]
    total = "{:,}".format(int(draft.tax_total)).replace(",", "." if language == "vi" else ",")
    assert f'<dt>{estimate}</dt><dd class="money fw-semibold" id="declaration-amount-due">{total} VND</dd>' in taxes
    assert f'data-payment-status="estimated">{badge}</span>' in taxes
    assert "Không phải nộp" not in taxes and "Not due" not in taxes
    listing = html_of(client_for(trader1, language).get(LIST_URL))
    row = listing[listing.index(f'<tr data-declaration-id="{draft.pk}">'):]
    row = row[:row.index("</tr>")]
    assert f'{total}<span class="d-block small text-body-secondary taxes-estimated">' in row


def test_a_drafts_pdf_shows_the_estimate(trader1):
    draft = draft_of(trader1, plain_import_body())
    _, text = pdf_text(declaration_pdf_render(declaration=draft))
    text = squashed(text)
    assert f"Số tiền phải nộp ước tính Estimated amount due {vn_number(draft.tax_total, 0)} VND" in text
    assert "ƯỚC TÍNH, CHƯA ĐĂNG KÝ Estimated, not registered" in text and "KHÔNG PHẢI NỘP" not in text  # a stamp: capitals


@pytest.mark.parametrize("language, text", [("en", "Customs asks for more documents"),
                                            ("vi", "Hải quan yêu cầu bổ sung chứng từ")])
def test_the_traders_list_shows_open_requests_for_documents(rules, trader2, officer, language, text,
                                                            django_assert_max_num_queries):
    asked, answered, quiet = queued(trader2), queued(trader2), queued(trader2)
    DocumentRequest.objects.create(declaration=asked, requested_by=officer, note="Send the C/O")
    request = DocumentRequest.objects.create(declaration=answered, requested_by=officer, note="Send the invoice")
    DocumentRequest.objects.filter(pk=request.pk).update(answered_at=request.created_at)
    client = client_for(trader2, language)
    client.get(LIST_URL)
    with django_assert_max_num_queries(9):  # the list's fixed queries: tests/declarations/test_views.py
        html = html_of(client.get(LIST_URL))

    def row(declaration) -> str:
        start = html.index(f'<tr data-declaration-id="{declaration.pk}">')
        return html[start:html.index("</tr>", start)]

    assert text in row(asked)
    assert f'href="/declarations/{asked.pk}/#documents"' in row(asked)
    assert text not in row(answered) and text not in row(quiet)
