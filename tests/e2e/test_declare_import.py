"""A trader declares an import in Chromium: log in, fill three goods items (one found with the
HS look-up), watch the live tax preview, save the draft, submit it and get its 12-digit number."""
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.support import log_in

pytestmark = pytest.mark.e2e

FORM_SCREENSHOT = "/tmp/e2e-declaration-form.png"
DETAIL_SCREENSHOT = "/tmp/e2e-declaration-detail.png"


def fill_item(page, index, *, hs_code=None, description=None, origin, quantity, unit, unit_price,
              preference=None, certificate=None):
    prefix = f"#id_items-{index}-"
    if hs_code:
        page.fill(prefix + "hs_code", hs_code)
    if description:
        page.fill(prefix + "description", description)
    page.fill(prefix + "origin_country", origin)
    page.fill(prefix + "quantity", quantity)
    page.fill(prefix + "unit", unit)
    page.fill(prefix + "unit_price", unit_price)
    if preference:
        page.select_option(prefix + "preference", preference)
    if certificate:
        page.fill(prefix + "certificate_of_origin", certificate)


def test_language_switch(page):
    log_in(page)
    expect(page.locator("h1")).to_have_text("My declarations")

    page.click("#lang-vi")
    expect(page.locator("h1")).to_have_text("Tờ khai của tôi")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator("#nav-new-declaration")).to_have_text("Khai báo mới")

    page.click("#lang-en")
    expect(page.locator("h1")).to_have_text("My declarations")
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_declare_an_import_with_three_items(page):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    today = timezone.localdate()
    log_in(page)
    page.click("#nav-new-declaration")
    expect(page.locator("h1")).to_have_text("New declaration")

    # Header: an A11 sea import, FOB Shanghai, through Hai Phong.
    expect(page.locator("#id_direction-import")).to_be_checked()
    page.select_option("#id_type_code", "A11")
    page.select_option("#id_customs_office", "03CE")
    page.fill("#id_partner-name", "Shenzhen Example Electronics Co., Ltd.")
    page.fill("#id_partner-country", "CN")
    page.fill("#id_partner-address", "88 Keyuan Road, Nanshan, Shenzhen")
    page.select_option("#id_transport_mode", "sea")
    page.fill("#id_bill_of_lading", "COSU6312345670")
    page.fill("#id_vessel_flight", "COSCO SHIPPING ARIES 042E")
    page.fill("#id_port_of_loading", "CNSHA")
    page.fill("#id_port_of_discharge", "VNHPH")
    page.fill("#id_arrival_date", (today - timedelta(days=1)).strftime("%d/%m/%Y"))
    page.fill("#id_packages", "42")
    page.fill("#id_gross_weight_kg", "3850.5")
    page.fill("#id_invoice-number", "INV-2026-1107")
    page.fill("#id_invoice-date", (today - timedelta(days=10)).strftime("%d/%m/%Y"))
    page.select_option("#id_invoice-currency", "USD")
    page.select_option("#id_invoice-incoterm", "FOB")
    page.fill("#id_freight", "1200.00")
    page.fill("#id_insurance", "80.00")

    # Item 1 through the HS look-up: words find the line, a click fills code and description.
    page.fill("#id_items-0-hs_code", "laptop")
    result = page.locator('.hs-results [data-hs-code="84713020"]')
    expect(result).to_be_visible()
    expect(result).to_contain_text("Laptops including notebooks")
    result.click()
    expect(page.locator("#id_items-0-hs_code")).to_have_value("84713020")
    expect(page.locator("#id_items-0-description")).to_have_value("Laptops including notebooks and subnotebooks")
    expect(page.locator(".hs-results [data-hs-result]")).to_have_count(0)
    fill_item(page, 0, origin="CN", quantity="100", unit="PCE", unit_price="250")
    expect(page.locator("[data-item-row]").nth(0).locator("[data-line-value]")).to_have_text("25,000.00")

    page.click("#add-item")
    fill_item(page, 1, hs_code="85171300", description="Smartphones, 6.5 inch, 128 GB", origin="CN", quantity="200",
              unit="PCE", unit_price="150")
    page.click("#add-item")
    fill_item(page, 2, hs_code="61091010", description="Men's cotton T-shirts", origin="BD", quantity="1000",
              unit="PCE", unit_price="3.5", preference="ACFTA", certificate="E261100123456")
    expect(page.locator("[data-item-count]")).to_have_text("3 / 50")

    # The sum of the items becomes the invoice total.
    page.click("[data-use-sum]")
    expect(page.locator("#id_invoice-total")).to_have_value("58,500.00")

    # The live preview: three items, the T-shirts' ACFTA request refused (Bangladesh is no party).
    preview = page.locator("#preview-table")
    expect(preview).to_be_visible(timeout=15_000)
    expect(preview.locator("tbody tr")).to_have_count(3)
    expect(preview.locator("tbody tr").nth(2)).to_contain_text("ACFTA refused: Origin BD is not a party to ACFTA.")
    expect(preview.locator("tbody tr").nth(2)).to_contain_text("20% · MFN")
    expect(page.locator("#preview-exchange-rate")).to_contain_text("1 USD = ")
    expect(page.locator("#preview-total")).to_have_text(re.compile(r"^[\d,]+ VND$"))
    estimated_total = page.locator("#preview-total").inner_text()
    page.screenshot(path=FORM_SCREENSHOT, full_page=True)

    page.click("#save-draft")
    page.wait_for_url(re.compile(r".*/declarations/\d+/$"))
    expect(page.locator(".alert-success")).to_contain_text("Draft saved")
    expect(page.locator("#declaration-status")).to_have_attribute("data-status", "draft")
    expect(page.locator("#items-table tbody tr")).to_have_count(3)
    expect(page.locator("#declaration-tax-total")).to_have_text(estimated_total)

    page.click("#submit-declaration")
    expect(page.locator("#declaration-number")).to_have_text(re.compile(r"^\d{12}$"))
    number = page.locator("#declaration-number").inner_text()
    assert number.startswith("10")
    assert dialogs and "Submit this declaration to customs?" in dialogs[0]
    expect(page.locator(".alert-success")).to_contain_text(f"Declaration registered with number {number}.")
    expect(page.locator("#declaration-status")).not_to_have_attribute("data-status", "draft")
    expect(page.locator("#submit-declaration")).to_have_count(0)
    expect(page.locator("#tax-table tbody tr")).to_have_count(3)
    page.screenshot(path=DETAIL_SCREENSHOT, full_page=True)

    # The list shows it, numbered.
    page.locator(".portal-topbar .nav-link", has_text="My declarations").click()
    expect(page.locator("#declaration-table")).to_contain_text(number)
