"""Messages of the declaration validation service: amounts and dates as the page writes them,
and the invoice-sum check only over valid line values."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from customs_portal.errors import DomainValidationError
from declarations.services.validation import declaration_data_validate
from tests.factories import parsed
from tests.payloads import import_body

pytestmark = pytest.mark.django_db


def errors_of(body: dict, *, language: str, today=None) -> dict:
    with translation.override(language), pytest.raises(DomainValidationError) as caught:
        declaration_data_validate(data=parsed(body), today=today)
    return caught.value.errors


def test_the_invoice_sum_message_writes_amounts_the_vietnamese_way():
    body = import_body()
    body["invoice"]["total"] = "9999"  # the items add up to 26 500.00
    errors = errors_of(body, language="vi")
    assert errors["invoice"]["total"] == [
        "Tổng trị giá hóa đơn 9.999,00 không khớp với tổng trị giá các dòng hàng (26.500,00)."]


def test_the_invoice_sum_message_writes_amounts_the_english_way():
    body = import_body()
    body["invoice"]["total"] = "9999"
    errors = errors_of(body, language="en")
    assert errors["invoice"]["total"] == ["The invoice total 9,999.00 does not match the sum of the item values (26,500.00)."]


def test_no_invoice_sum_message_while_a_line_value_is_invalid():
    """Seen: "9999.00 … (-2500.00)", a sum that included a line with a negative quantity."""
    body = import_body()
    body["items"] = body["items"][:1]
    body["items"][0]["quantity"] = "-10"  # -10 × 250.00 = -2 500.00
    body["invoice"]["total"] = "9999"
    errors = errors_of(body, language="vi")
    assert errors["items"][0]["quantity"] == ["Số lượng phải lớn hơn 0."]
    assert "total" not in errors.get("invoice", {})


def test_the_line_value_message_writes_amounts_in_the_active_language():
    body = import_body()
    body["items"][0]["line_value"] = "2500"
    errors = errors_of(body, language="vi")
    assert errors["items"][0]["line_value"] == ["Trị giá dòng hàng 2.500,00 không bằng số lượng × đơn giá (25.000,00)."]
    assert "total" not in errors.get("invoice", {})


def test_the_exchange_rate_message_writes_the_date_as_dd_mm_yyyy():
    body = import_body()
    day = timezone.localdate().replace(year=1990, month=3, day=5)
    body["invoice"]["date"] = (day - timedelta(days=10)).isoformat()
    body["arrival_date"] = (day - timedelta(days=1)).isoformat()
    errors = errors_of(body, language="vi", today=day)
    assert errors["invoice"]["currency"] == ["Không có tỷ giá USD có hiệu lực vào ngày 05/03/1990."]


def test_valid_values_still_pass():
    data = declaration_data_validate(data=parsed(import_body()))
    assert sum(item["line_value"] for item in data["items"]) == Decimal("26500.00")
