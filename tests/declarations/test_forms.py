"""The declaration form reads numbers and dates as people type them (declarations/forms.py),
through HTTP in both languages, and shows stored values back the same way."""
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from declarations.api.serializers import DeclarationWriteSerializer
from declarations.models import Declaration
from declarations.services.declarations import declaration_create
from tests.payloads import import_body
from tests.support import client_for

pytestmark = pytest.mark.django_db

CREATE_URL = reverse("declarations:create")
PREVIEW_URL = reverse("declarations:preview")


def posted(body: dict) -> dict:
    """The form's POST names of an API body: partner-name, invoice-total, items-0-quantity, ..."""
    data = {}
    for key, value in body.items():
        if key == "items":
            data.update({f"items-{i}-{name}": v for i, item in enumerate(value) for name, v in item.items()})
        elif isinstance(value, dict):
            data.update({f"{key}-{name}": v for name, v in value.items()})
        elif value is not None:
            data[key] = value
    return data


def typed_body(*, quantities, prices, total, gross_weight, freight, insurance, packages, days):
    """A FOB import as a trader types it: numbers and dates given as text."""
    arrival, invoice_date = days
    body = import_body(arrival_date=arrival, gross_weight_kg=gross_weight, freight=freight, insurance=insurance,
                       packages=packages)
    body["invoice"] = {**body["invoice"], "total": total, "date": invoice_date}
    body["items"] = [{**body["items"][0], "hs_code": "84713020", "preference": "MFN", "quantity": q, "unit_price": p}
                     for q, p in zip(quantities, prices)]
    return body


def days_typed(fmt: str = "%d/%m/%Y"):
    today = timezone.localdate()
    return (today - timedelta(days=1)).strftime(fmt), (today - timedelta(days=10)).strftime(fmt)


def test_a_vietnamese_trader_types_numbers_the_vietnamese_way(trader1):
    """Seen: `4,50` refused with "use a dot"; 500 × `4,50` must be 2.250,00."""
    body = typed_body(quantities=["500", "2350,5", "17.710"], prices=["4,50", "1.234,56", "0,5"],
                      total="2.912.938,28", gross_weight="1.234,5", freight="1.200", insurance="80,00",
                      packages="1.000", days=days_typed())
    response = client_for(trader1, "vi").post(CREATE_URL, posted(body))
    assert response.status_code == 302, re.findall(r'class="invalid-feedback[^>]*>([^<]*)', response.content.decode())
    declaration = Declaration.objects.get()
    items = list(declaration.items.order_by("line_no"))
    assert [(i.quantity, i.unit_price, i.line_value) for i in items] == [
        (Decimal("500"), Decimal("4.5"), Decimal("2250.00")),
        (Decimal("2350.5"), Decimal("1234.56"), Decimal("2901833.28")),
        (Decimal("17710"), Decimal("0.5"), Decimal("8855.00")),
    ]
    assert declaration.invoice_total == Decimal("2912938.28")
    assert declaration.gross_weight_kg == Decimal("1234.5")
    assert (declaration.freight, declaration.insurance, declaration.packages) == (Decimal("1200"), Decimal("80"), 1000)
    today = timezone.localdate()
    assert declaration.arrival_date == today - timedelta(days=1)
    assert declaration.invoice_date == today - timedelta(days=10)


def test_an_english_trader_reads_a_single_dot_as_the_decimal_mark(trader1):
    body = typed_body(quantities=["500", "17.710", "1,234"], prices=["4,50", "100", "2"], total="6,489.00",
                      gross_weight="1,234.5", freight="1.200", insurance="80", packages="12", days=days_typed())
    response = client_for(trader1, "en").post(CREATE_URL, posted(body))
    assert response.status_code == 302
    assert Declaration.objects.get().freight == Decimal("1.2")  # 1.200: zeros after the mark are no extra places
    items = list(Declaration.objects.get().items.order_by("line_no"))
    assert [(i.quantity, i.line_value) for i in items] == [
        (Decimal("500"), Decimal("2250.00")), (Decimal("17.71"), Decimal("1771.00")), (Decimal("1234"), Decimal("2468.00"))]


def test_iso_dates_are_still_read(trader1):
    body = typed_body(quantities=["100"], prices=["250"], total="25000", gross_weight="10", freight="0,5",
                      insurance="0", packages="1", days=days_typed("%Y-%m-%d"))
    assert client_for(trader1, "vi").post(CREATE_URL, posted(body)).status_code == 302


@pytest.mark.parametrize(("language", "example"), [("vi", "1.234,56"), ("en", "1,234.56")])
def test_what_cannot_be_read_is_refused_next_to_its_input_and_kept(trader1, language, example):
    body = typed_body(quantities=["1.2.3"], prices=["4,"], total="25000", gross_weight="10", freight="1",
                      insurance="0", packages="1,5", days=("31/02/2026", "2026/03/05"))
    html = client_for(trader1, language).post(CREATE_URL, posted(body)).content.decode()
    assert not Declaration.objects.exists()
    number_message = {"vi": f"Hãy nhập một số, ví dụ {example}.", "en": f"Type a number, for example {example}."}[language]
    date_message = {"vi": "Hãy nhập ngày theo dạng dd/mm/yyyy (ngày/tháng/năm), ví dụ 25/03/2026.",
                    "en": "Type the date as dd/mm/yyyy, for example 25/03/2026."}[language]
    for name in ("items-0-quantity", "items-0-unit_price"):
        assert f'id="id_{name}-error">{number_message}</div>' in html
    for name in ("arrival_date", "invoice-date"):
        assert f'id="id_{name}-error">{date_message}</div>' in html
    assert 'value="1.2.3"' in html and 'value="31/02/2026"' in html
    if language == "en":  # 1,5 is 1.5 packages in English: a whole number is required
        assert 'id="id_packages-error">A valid integer is required.</div>' in html


def test_the_form_shows_each_number_as_understood(trader1):
    body = typed_body(quantities=["500"], prices=["4,50"], total="1", gross_weight="17.710", freight="2350,5",
                      insurance="0", packages="1", days=days_typed())
    html = client_for(trader1, "vi").post(CREATE_URL, posted(body)).content.decode()
    assert 'id="id_items-0-unit_price-understood">= 4,50</div>' in html
    assert 'id="id_gross_weight_kg-understood">= 17.710</div>' in html
    assert 'id="id_freight-understood">= 2.350,5</div>' in html
    assert re.search(r'id="id_items-0-unit_price"[^>]*data-number[^>]*aria-describedby="id_items-0-unit_price-understood"', html)
    assert re.search(r'id="id_arrival_date"[^>]*data-date placeholder="dd/mm/yyyy"', html)
    assert 'type="date"' not in html


@pytest.mark.parametrize(("language", "weight", "price", "total"), [
    ("vi", "1.530,5", "4,5", "24.000,00"), ("en", "1,530.5", "4.5", "24,000.00")])
def test_the_edit_page_shows_stored_values_as_the_language_writes_them(trader1, language, weight, price, total):
    body = import_body()
    body["items"][0] = {**body["items"][0], "quantity": "5000", "unit_price": "4.50"}
    body["invoice"]["total"] = "24000.00"  # 5000 × 4.50 + 1000 × 1.50
    serializer = DeclarationWriteSerializer(data=body)
    serializer.is_valid(raise_exception=True)
    declaration = declaration_create(user=trader1, data=serializer.validated_data)
    html = client_for(trader1, language).get(reverse("declarations:edit", args=[declaration.pk])).content.decode()
    day = (timezone.localdate() - timedelta(days=1)).strftime("%d/%m/%Y")
    assert f'name="gross_weight_kg" value="{weight}"' in html
    assert f'name="items-0-unit_price" value="{price}"' in html
    assert f'name="arrival_date" value="{day}"' in html
    assert f'name="invoice-total" value="{total}"' in html
    # Saved again as shown, nothing changes.
    response = client_for(trader1, language).post(reverse("declarations:edit", args=[declaration.pk]), {
        **posted(body), "gross_weight_kg": weight, "items-0-unit_price": price, "arrival_date": day,
        "invoice-total": total})
    assert response.status_code == 302
    declaration.refresh_from_db()
    assert declaration.gross_weight_kg == Decimal("1530.5")
    assert declaration.items.get(line_no=1).unit_price == Decimal("4.5")


def test_the_preview_reads_vietnamese_numbers(trader1):
    body = typed_body(quantities=["500"], prices=["4,50"], total="2.250,00", gross_weight="10", freight="100",
                      insurance="0", packages="1", days=days_typed())
    html = client_for(trader1, "vi").post(PREVIEW_URL, posted(body)).content.decode()
    assert 'id="preview-table"' in html
    assert re.search(r'<span id="preview-total" hx-swap-oob="true" data-total="\d+">[\d.]+ VND</span>', html)
