"""The pages of an amendment after clearance (issue 18): the detail page's button with the last day,
the amend page's preview of the tax difference (the API preview's service), the amendment panel
(per-tax difference, additional due, refund record) and the officer's decision on the review page."""
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from declarations.models import AmendmentRequest, Declaration
from declarations.services.amendments import declaration_amend
from declarations.services.review import declaration_decide
from tests.factories import cleared_import, fewer_t_shirts, more_t_shirts
from tests.payloads import as_form_data
from tests.support import client_for, html_of

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def at_local(day, hour=10):
    return time_machine.travel(datetime.combine(day, time(hour), tzinfo=HCM), tick=False)


@pytest.fixture
def cleared(trader1):
    return cleared_import(trader1)


def amend_post(data: dict, **extra) -> dict:
    return {**as_form_data(data), "reason": "1,300 T-shirts shipped", **extra}


def test_the_detail_page_offers_the_amendment_until_day_60_then_says_it_closed(cleared, trader1):
    cleared_on = timezone.localdate(cleared.cleared_at)
    last = cleared_on + timedelta(days=60)
    url = reverse("declarations:detail", args=[cleared.pk])
    with at_local(last, 23):
        html = html_of(client_for(trader1).get(url))
        assert ">Amend after clearance</a>" in html
        assert f"until the end of {last:%d/%m/%Y}" in html
        assert 'id="amend-closed"' not in html
        vi = html_of(client_for(trader1, "vi").get(url))
        assert "Khai bổ sung sau thông quan" in vi and f"đến hết ngày {last:%d/%m/%Y}" in vi
    with at_local(last + timedelta(days=1), 0):
        html = html_of(client_for(trader1).get(url))
        assert 'id="amend-declaration"' not in html
        assert f"The period for an amendment after clearance closed on {last:%d/%m/%Y}." in html


def test_the_amend_page_previews_the_difference_per_tax_and_sends_nothing(cleared, trader1):
    url = reverse("declarations:amend", args=[cleared.pk])
    client = client_for(trader1)
    page = html_of(client.get(url))
    assert 'id="preview-difference"' in page and 'id="amend-after-clearance-note"' in page
    assert "goes to a customs officer" in page
    response = client.post(url, amend_post(more_t_shirts(cleared), preview_difference="1"))
    assert response.status_code == 200
    html = html_of(response)
    table = html[html.index('id="amend-difference-table"'):html.index("</table>", html.index('id="amend-difference-table"'))]
    # Hand-computed in test_amendments_after_clearance.MORE_T_SHIRTS: duty +5,173,200, VAT +2,888,370.
    assert 'data-additional="import_duty">5,173,200<' in table
    assert 'data-additional="vat">2,888,370<' in table
    assert 'data-total="additional">8,061,570<' in table
    registered_on = timezone.localdate(cleared.registered_at)
    assert f"Late interest of 0.03 % per day runs on the additional tax from the original due date ({registered_on:%d/%m/%Y})" in html
    assert AmendmentRequest.objects.filter(declaration=cleared).count() == 0
    assert Declaration.objects.get(pk=cleared.pk).version == 1


def test_the_preview_of_a_lower_tax_shows_the_refund(cleared, trader1):
    url = reverse("declarations:amend", args=[cleared.pk])
    html = html_of(client_for(trader1).post(url, amend_post(fewer_t_shirts(cleared), preview_difference="1")))
    table = html[html.index('id="amend-difference-table"'):]
    # Hand-computed in test_amendments_after_clearance.FEWER_T_SHIRTS: duty -10,001,520, VAT -6,216,462.
    assert 'data-refund="import_duty">10,001,520<' in table and 'data-refund="vat">6,216,462<' in table
    assert 'data-total="refund">16,217,982<' in table and 'data-total="additional"><span class="text-body-secondary">—</span><' in table
    assert "Late interest" not in html and "refunded by customs" in html
    assert AmendmentRequest.objects.filter(declaration=cleared).count() == 0


def test_sent_request_shows_the_difference_to_the_trader_and_the_officer(cleared, trader1, officer):
    response = client_for(trader1).post(reverse("declarations:amend", args=[cleared.pk]), amend_post(more_t_shirts(cleared)),
                                        follow=True)
    html = html_of(response)
    assert "is sent to customs" in html
    assert AmendmentRequest.objects.get(declaration=cleared).pending
    panel = html[html.index('id="amendment-request"'):]
    assert 'data-additional="import_duty">5,173,200<' in panel and 'data-total="additional">8,061,570<' in panel
    assert "Awaits the decision of a customs officer" in panel
    review = html_of(client_for(officer).get(reverse("declarations:review", args=[cleared.pk])))
    panel = review[review.index('id="amendment-request"'):]
    assert "after clearance" in panel and "the risk rules are not run again" in panel
    assert "runs the rules again" not in review
    assert 'data-additional="vat">2,888,370<' in panel
    assert 'value="accept_amendment"' in review and 'value="refuse_amendment"' in review
    assert 'id="review-closed"' not in review  # it waits for the officer: not "not waiting for review"


def test_the_officer_accepts_on_the_review_page_and_the_trader_sees_the_additional_due(cleared, trader1, officer):
    declaration_amend(declaration=cleared, user=trader1, data=more_t_shirts(cleared), reason="1,300 shipped")
    url = reverse("declarations:review", args=[cleared.pk])
    response = client_for(officer).post(url, {"action": "accept_amendment", "note": "Invoice checked."})
    assert response.status_code == 302
    declaration = Declaration.objects.get(pk=cleared.pk)
    assert (declaration.status, declaration.version) == ("cleared", 2)
    html = html_of(client_for(trader1).get(reverse("declarations:detail", args=[cleared.pk])))
    panel = html[html.index('id="amendment-request"'):]
    assert "Additional tax due: 8,061,570 VND" in panel and "payment panel" in panel
    assert "Invoice checked." in panel
    assert 'id="amendment-refund"' not in panel
    payment = html[html.index('id="payment-additional-tax"') - 200:html.index('id="payment-additional-tax"') + 80]
    assert "Additional tax (amendment after clearance)" in payment and "post-clearance audit" not in payment
    assert "8,061,570 VND" in payment


def test_the_officer_refuses_with_a_reason_on_the_review_page(cleared, trader1, officer):
    declaration_amend(declaration=cleared, user=trader1, data=more_t_shirts(cleared), reason="1,300 shipped")
    url = reverse("declarations:review", args=[cleared.pk])
    client_for(officer).post(url, {"action": "refuse_amendment", "note": "The invoice says 1,000."})
    declaration = Declaration.objects.get(pk=cleared.pk)
    assert (declaration.version, declaration.tax_total) == (1, Decimal("39296202"))
    assert AmendmentRequest.objects.get(declaration=cleared).status == "refused"
    html = html_of(client_for(trader1).get(reverse("declarations:detail", args=[cleared.pk])))
    assert "The invoice says 1,000." in html and 'id="amendment-difference"' not in html


def test_an_accepted_refund_shows_its_record_and_status(cleared, trader1, officer):
    declaration_amend(declaration=cleared, user=trader1, data=fewer_t_shirts(cleared), reason="500 shipped")
    declaration_decide(declaration_id=cleared.pk, officer=officer, action="accept_amendment")
    url = reverse("declarations:detail", args=[cleared.pk])
    html = html_of(client_for(trader1).get(url))
    panel = html[html.index('id="amendment-request"'):]
    assert "Tax to be refunded: 16,217,982 VND" in panel
    assert '<span class="badge text-bg-info" id="amendment-refund-status">To be refunded</span>' in panel
    vi = html_of(client_for(trader1, "vi").get(url))
    assert '<span class="badge text-bg-info" id="amendment-refund-status">Chờ hoàn thuế</span>' in vi
    assert "Số thuế được hoàn (VND)" in vi and "Tiền chậm nộp" not in vi
