"""After the physical inspection is recorded, the review page offers the next step plainly
(declarations/views/review_inspection.py): clear, or ask for more; after a discrepancy, reassess the goods
(typed the Vietnamese way), request documents or reject."""
import re
from decimal import Decimal

import pytest

from declarations.models import Declaration, InspectionResult
from tests.factories import queued
from tests.support import client_for, html_of, review_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def red(rules, trader2, officer):
    declaration = queued(trader2)
    response = client_for(officer).post(review_url(declaration), {"action": "escalate", "note": "Seals broken"})
    assert response.status_code == 302
    return Declaration.objects.get(pk=declaration.pk)


def options_of(html: str) -> list[str]:
    return re.findall(r'data-next-step="([a-z_]+)"', html)


def test_before_the_result_no_next_step_is_offered(red, officer):
    html = html_of(client_for(officer).get(review_url(red)))
    assert 'id="next-step"' not in html and 'id="action-toggle-record_inspection"' in html


def test_no_discrepancy_the_next_step_is_to_clear(red, officer):
    client = client_for(officer)
    assert client.post(review_url(red), {"action": "record_inspection", "discrepancy": "false"}).status_code == 302
    html = html_of(client.get(review_url(red)))
    step = html[html.index('id="next-step"'):html.index('id="decision-panels"')]
    assert 'data-discrepancy="false"' in step and "The inspection of version 1 found no discrepancy" in step
    assert "Next step: clear the declaration" in step
    assert options_of(html) == ["release", "request_documents"]
    assert 'class="collapse show" id="action-release"' in html  # the release form is open, ready
    assert 'id="action-reassess_goods"' not in html


def test_no_discrepancy_in_vietnamese(red, officer):
    client = client_for(officer, "vi")
    client.post(review_url(red), {"action": "record_inspection", "discrepancy": "false"})
    html = html_of(client.get(review_url(red)))
    assert "Kiểm tra thực tế phiên bản 1 không phát hiện sai lệch" in html
    assert "Bước tiếp theo: thông quan tờ khai" in html


def test_a_discrepancy_offers_reassess_documents_or_reject(red, officer):
    client = client_for(officer)
    client.post(review_url(red), {"action": "record_inspection", "discrepancy": "true",
                                  "findings": "120 T-shirts found instead of 100"})
    html = html_of(client.get(review_url(red)))
    assert 'data-discrepancy="true"' in html and "“120 T-shirts found instead of 100”" in html
    assert options_of(html) == ["reassess_goods", "request_documents", "reject"]
    assert 'id="action-reassess_goods"' in html and 'id="action-request_documents"' in html and 'id="action-reject"' in html
    assert 'class="collapse show"' not in html  # the officer chooses
    # the goods as declared, ready to be corrected, numbers as the page writes them
    item = red.items.get(line_no=1)
    assert f'name="goods-1-hs_code" id="goods-1-hs_code" value="{item.hs_code}"' in html


def test_reassess_the_goods_typed_the_vietnamese_way(red, officer):
    client = client_for(officer, "vi")
    client.post(review_url(red), {"action": "record_inspection", "discrepancy": "true", "findings": "Thừa 20 áo"})
    before = Declaration.objects.get(pk=red.pk)
    items = list(before.items.order_by("line_no"))
    post = {"action": "reassess_goods", "findings": "Đếm lại: 120 áo, đơn giá 2,75"}
    for item in items:
        post.update({f"goods-{item.line_no}-hs_code": item.hs_code, f"goods-{item.line_no}-description": item.description,
                     f"goods-{item.line_no}-origin_country": item.origin_country_id,
                     f"goods-{item.line_no}-quantity": f"{item.quantity:f}".replace(".", ","),
                     f"goods-{item.line_no}-unit_price": f"{item.unit_price:f}".replace(".", ",")})
    post.update({"goods-1-quantity": "1.200", "goods-1-unit_price": "2,75"})  # 1.200 is one thousand two hundred
    response = client.post(review_url(red), post)
    assert response.status_code == 302, html_of(response)
    after = Declaration.objects.get(pk=red.pk)
    first = after.items.get(line_no=1)
    assert (first.quantity, first.unit_price) == (Decimal("1200"), Decimal("2.75"))
    assert after.tax_total != before.tax_total
    result = InspectionResult.objects.filter(declaration=red).latest("id")
    assert result.discrepancy and result.findings == "Đếm lại: 120 áo, đơn giá 2,75"
    assert result.goods_before[0]["quantity"] == f"{items[0].quantity}"
    messages = html_of(client.get(review_url(red)))
    messages = messages[messages.index('id="messages"'):][:600]
    assert "Tính lại theo hàng hóa thực tế" in messages and red.number in messages
    assert after.status == "under_inspection"


def test_an_unreadable_number_is_said_on_its_line_and_changes_nothing(red, officer):
    client = client_for(officer)
    client.post(review_url(red), {"action": "record_inspection", "discrepancy": "true", "findings": "More shirts"})
    results = InspectionResult.objects.filter(declaration=red).count()
    response = client.post(review_url(red), {"action": "reassess_goods", "findings": "Recount",
                                             "goods-1-quantity": "a lot", "goods-1-unit_price": "3"})
    assert response.status_code == 400
    html = html_of(response)
    assert 'id="goods-1-error">Type a number, for example 1,234.56.' in html
    assert 'value="a lot"' in html  # what was typed stays
    assert 'class="collapse show" id="action-reassess_goods"' in html
    assert InspectionResult.objects.filter(declaration=red).count() == results
