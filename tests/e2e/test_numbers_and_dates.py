"""A trader types prices, quantities and weights the Vietnamese way in Chromium and sees the right
line values, the right invoice sum and each number as understood; dates are dd/mm/yyyy text
inputs whatever the browser's language. The same typing in the English UI reads by its rule
(docs/decisions.md, "Numbers and dates the Vietnamese way")."""
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.support import log_in

pytestmark = pytest.mark.e2e

SCREENSHOT = "/tmp/e2e-numbers-{language}.png"
# (quantity, unit price) as typed, on three goods items of HS 8471.30.20.
TYPED = [("500", "4,50"), ("2350,5", "1.234,56"), ("17.710", "0,5")]
EXPECTED = {
    "vi": {
        "understood": [("= 500", "= 4,50"), ("= 2.350,5", "= 1.234,56"), ("= 17.710", "= 0,5")],
        "line_values": ["2.250,00", "2.901.833,28", "8.855,00"],
        "sum": "2.912.938,28",
        "table_quantities": ["500", "2.350,5", "17.710"],
        "table_prices": ["4,5", "1.234,56", "0,5"],
        "weight": ("1.234,5", "= 1.234,5"),
        "freight": ("1.200", "= 1.200"),
        "labels": {"sum": "Tổng trị giá các dòng hàng", "mismatch": "khác tổng trị giá hóa đơn", "saved": "Đã lưu bản nháp",
                   "choose_date": "Chọn ngày"},
    },
    "en": {  # 17.710 is 17.71 in English (the dot is its decimal mark)
        "understood": [("= 500", "= 4.50"), ("= 2,350.5", "= 1,234.56"), ("= 17.71", "= 0.5")],
        "line_values": ["2,250.00", "2,901,833.28", "8.86"],
        "sum": "2,904,092.14",
        "table_quantities": ["500", "2,350.5", "17.71"],
        "table_prices": ["4.5", "1,234.56", "0.5"],
        "weight": ("1.234,5", "= 1,234.5"),
        "freight": ("1.200", "= 1.20"),
        "labels": {"sum": "Sum of the items", "mismatch": "differs from the invoice total", "saved": "Draft saved",
                   "choose_date": "Choose a date"},
    },
}


def fill_header(page, *, arrival: str, invoice_date: str, weight: str, freight: str):
    page.select_option("#id_type_code", "A11")
    page.select_option("#id_customs_office", "03CE")
    page.fill("#id_partner-name", "Shenzhen Example Electronics Co., Ltd.")
    page.fill("#id_partner-country", "CN")
    page.fill("#id_port_of_loading", "CNSHA")
    page.fill("#id_port_of_discharge", "VNHPH")
    page.fill("#id_arrival_date", arrival)
    page.fill("#id_packages", "42")
    page.fill("#id_gross_weight_kg", weight)
    page.fill("#id_invoice-number", "INV-2026-1107")
    page.fill("#id_invoice-date", invoice_date)
    page.select_option("#id_invoice-currency", "USD")
    page.select_option("#id_invoice-incoterm", "FOB")
    page.fill("#id_freight", freight)
    page.fill("#id_insurance", "0")


def fill_items(page):
    for index, (quantity, price) in enumerate(TYPED):
        if index:
            page.click("#add-item")
        prefix = f"#id_items-{index}-"
        page.fill(prefix + "hs_code", "84713020")
        page.keyboard.press("Escape")
        page.fill(prefix + "description", "Laptops")
        page.fill(prefix + "origin_country", "CN")
        page.fill(prefix + "quantity", quantity)
        page.fill(prefix + "unit", "PCE")
        page.fill(prefix + "unit_price", price)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_numbers_typed_the_vietnamese_way(page, language):
    expected = EXPECTED[language]
    labels = expected["labels"]
    today = timezone.localdate()
    arrival = (today - timedelta(days=1)).strftime("%d/%m/%Y")
    invoice_date = (today - timedelta(days=10)).strftime("%d/%m/%Y")
    log_in(page)
    page.click(f"#lang-{language}")
    page.click("#nav-new-declaration")

    # Dates are text inputs with a dd/mm/yyyy placeholder, not the browser's own date input.
    for selector in ("#id_arrival_date", "#id_invoice-date"):
        expect(page.locator(selector)).to_have_attribute("type", "text")
        expect(page.locator(selector)).to_have_attribute("placeholder", "dd/mm/yyyy")
    page.fill("#id_arrival_date", "5/3/2026")
    page.locator("#id_arrival_date").dispatch_event("change")
    expect(page.locator("#id_arrival_date")).to_have_value("05/03/2026")  # tidied to dd/mm/yyyy

    # The calendar button opens the browser's picker; its choice is written back as dd/mm/yyyy.
    button = page.locator("#id_invoice-date ~ .date-picker-button")
    expect(button).to_have_attribute("aria-label", labels["choose_date"])
    button.click()
    page.keyboard.press("Escape")
    page.locator("#id_invoice-date ~ .date-picker-proxy").evaluate(
        "(picker) => { picker.value = '2026-03-25'; picker.dispatchEvent(new Event('change', {bubbles: true})); }")
    expect(page.locator("#id_invoice-date")).to_have_value("25/03/2026")

    weight, weight_understood = expected["weight"]
    freight, freight_understood = expected["freight"]
    fill_header(page, arrival=arrival, invoice_date=invoice_date, weight=weight, freight=freight)
    expect(page.locator("#id_gross_weight_kg-understood")).to_have_text(weight_understood)
    expect(page.locator("#id_freight-understood")).to_have_text(freight_understood)
    fill_items(page)

    rows = page.locator("[data-item-row]")
    for index, ((quantity_seen, price_seen), line_value) in enumerate(zip(expected["understood"], expected["line_values"])):
        expect(page.locator(f"#id_items-{index}-quantity-understood")).to_have_text(quantity_seen)
        expect(page.locator(f"#id_items-{index}-unit_price-understood")).to_have_text(price_seen)
        expect(rows.nth(index).locator("[data-line-value]")).to_have_text(line_value)

    # The invoice-sum check compares with the exact sum; a wrong total is pointed out.
    page.fill("#id_invoice-total", "2.000")
    sum_box = page.locator("[data-items-sum]")
    expect(sum_box).to_contain_text(f"{labels['sum']}: {expected['sum']}")
    expect(sum_box).to_contain_text(labels["mismatch"])
    page.click("[data-use-sum]")
    expect(page.locator("#id_invoice-total")).to_have_value(expected["sum"])
    expect(page.locator("#id_invoice-total-understood")).to_have_text(f"= {expected['sum']}")
    expect(sum_box).to_have_text(f"{labels['sum']}: {expected['sum']} ✓")

    # A line that cannot be valid has no value, and then no sum is offered.
    page.fill("#id_items-0-quantity", "-500")
    expect(rows.nth(0).locator("[data-line-value]")).to_have_text("—")
    expect(sum_box).to_have_text("")
    page.fill("#id_items-0-quantity", "1.2.3")
    expect(page.locator("#id_items-0-quantity-understood")).to_have_class(re.compile(r"\btext-danger\b"))
    page.fill("#id_items-0-quantity", TYPED[0][0])
    page.locator("#id_items-0-quantity").dispatch_event("change")  # as when leaving it: the preview is asked again
    expect(sum_box).to_contain_text("✓")

    expect(page.locator("#preview-table")).to_be_visible(timeout=15_000)
    page.screenshot(path=SCREENSHOT.format(language=language), full_page=True)

    page.click("#save-draft")
    page.wait_for_url(re.compile(r".*/declarations/\d+/$"))
    expect(page.locator(".alert-success")).to_contain_text(labels["saved"])
    table = page.locator("#items-table tbody tr")
    expect(table).to_have_count(3)
    for index in range(3):
        cells = table.nth(index).locator("td")
        expect(cells.nth(4)).to_contain_text(expected["table_quantities"][index])
        expect(cells.nth(5)).to_have_text(expected["table_prices"][index])
        expect(cells.nth(6)).to_have_text(expected["line_values"][index])

    # The saved draft opens with the values as this language writes them, dates as dd/mm/yyyy.
    page.goto(page.url + "edit/")
    expect(page.locator("#id_arrival_date")).to_have_value(arrival)
    expect(page.locator("#id_invoice-date")).to_have_value(invoice_date)
    expect(page.locator("#id_invoice-total")).to_have_value(expected["sum"])
    expect(page.locator("#id_gross_weight_kg")).to_have_value(weight_understood.removeprefix("= "))
    expect(page.locator("#id_items-1-quantity")).to_have_value(expected["table_quantities"][1])
