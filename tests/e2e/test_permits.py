"""A trader declares oranges (plant quarantine) in Chromium: the preview and the line warn that the
line needs a permit, the trader adds the quarantine certificate to the line, the warning goes, and
the saved declaration lists the permit."""
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.support import log_in

pytestmark = pytest.mark.e2e

WARNING = ("Line 1 (HS 0805.10.10) is under specialised management (01/2024/TT-BNNPTNT M9): no permit, licence or "
           "inspection result is declared.")


def test_a_permit_added_to_a_line_clears_its_warning(page):
    today = timezone.localdate()
    log_in(page)
    page.click("#nav-new-declaration")
    page.select_option("#id_customs_office", "03CE")
    page.fill("#id_partner-name", "Guangxi Fruit Export Co.")
    page.fill("#id_partner-country", "CN")
    page.select_option("#id_transport_mode", "road")
    page.fill("#id_port_of_loading", "CNSHA")
    page.fill("#id_port_of_discharge", "VNHPH")
    page.fill("#id_arrival_date", (today - timedelta(days=1)).strftime("%d/%m/%Y"))
    page.fill("#id_packages", "20")
    page.fill("#id_gross_weight_kg", "1000")
    page.fill("#id_invoice-number", "INV-ORANGES-1")
    page.fill("#id_invoice-date", (today - timedelta(days=5)).strftime("%d/%m/%Y"))
    page.select_option("#id_invoice-currency", "USD")
    page.select_option("#id_invoice-incoterm", "CIF")
    page.fill("#id_items-0-hs_code", "08051010")
    page.fill("#id_items-0-description", "Fresh oranges")
    page.fill("#id_items-0-origin_country", "CN")
    page.fill("#id_items-0-quantity", "1000")
    page.fill("#id_items-0-unit", "KGM")
    page.fill("#id_items-0-unit_price", "1,5")
    page.fill("#id_invoice-total", "1500")
    page.locator("#id_invoice-total").dispatch_event("change")

    expect(page.locator("#preview-table")).to_be_visible(timeout=15000)
    expect(page.locator("#tax-preview [data-permit-warnings]")).to_contain_text(WARNING)
    line_warning = page.locator("[data-item-row] [data-permit-warning]").first
    expect(line_warning).to_contain_text(WARNING)

    page.click("[data-item-row] [data-permit-add]")
    page.select_option("#id_items-0-permits-0-kind", "quarantine")
    page.fill("#id_items-0-permits-0-number", "KDTV-2026-0815")
    page.fill("#id_items-0-permits-0-agency", "Chi cục Kiểm dịch thực vật vùng VII")
    page.fill("#id_items-0-permits-0-date", (today - timedelta(days=2)).strftime("%d/%m/%Y"))
    page.locator("#id_items-0-permits-0-date").dispatch_event("change")
    expect(page.locator("#tax-preview [data-permit-warnings]")).to_have_count(0, timeout=15000)
    expect(line_warning).to_have_text("")

    page.click("#save-draft")
    expect(page.locator("[data-permit]")).to_contain_text("Quarantine certificate KDTV-2026-0815")
