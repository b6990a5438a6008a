"""A trader files an E31 import (materials for export production) in the form, in Vietnamese, and the
declaration page shows zero import duty with its exemption code and legal basis."""
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.support import log_in

pytestmark = pytest.mark.e2e

SHOT_VI = "/work/briefs/shots/regimes-e31-detail-vi.png"
SHOT_EN = "/work/briefs/shots/regimes-e31-detail-en.png"


def test_an_e31_import_shows_its_duty_exemption_and_basis(page):
    today = timezone.localdate()
    log_in(page)
    page.click("#lang-vi")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    page.click("#nav-new-declaration")
    page.select_option("#id_type_code", "E31")
    expect(page.locator("#id_type_code option[value=E31]")).to_have_text("E31 — Nhập nguyên liệu sản xuất xuất khẩu")
    page.select_option("#id_customs_office", "03CE")
    page.fill("#id_partner-name", "Jiangsu Cotton Textile Co., Ltd.")
    page.fill("#id_partner-country", "CN")
    page.select_option("#id_transport_mode", "sea")
    page.fill("#id_bill_of_lading", "COSU6312345671")
    page.fill("#id_port_of_loading", "CNSHA")
    page.fill("#id_port_of_discharge", "VNHPH")
    page.fill("#id_arrival_date", (today - timedelta(days=1)).strftime("%d/%m/%Y"))
    page.fill("#id_packages", "40")
    page.fill("#id_gross_weight_kg", "4100")
    page.fill("#id_invoice-number", "JS-2026-0451")
    page.fill("#id_invoice-date", (today - timedelta(days=10)).strftime("%d/%m/%Y"))
    page.select_option("#id_invoice-currency", "USD")
    page.select_option("#id_invoice-incoterm", "CIF")
    page.fill("#id_items-0-hs_code", "52081100")
    page.fill("#id_items-0-description", "Vải bông dệt thoi, vân điểm, 95 g/m2")
    page.fill("#id_items-0-origin_country", "CN")
    page.fill("#id_items-0-quantity", "40000")
    page.fill("#id_items-0-unit", "MTR")
    page.fill("#id_items-0-unit_price", "0,5")
    page.click("[data-use-sum]")
    page.click("#save-draft")
    page.wait_for_url(re.compile(r".*/declarations/\d+/$"))

    duty_cell = page.locator("#tax-table tbody tr").nth(0)
    expect(duty_cell.locator('[data-exemption="import_duty"]')).to_contain_text("XNK07")
    expect(duty_cell.locator('[data-exemption="import_duty"]')).to_contain_text("miễn")
    expect(duty_cell.locator('[data-exemption="vat"]')).to_contain_text("VK520")
    section = page.locator("#tax-table-exemptions")
    expect(section).to_contain_text("Chính sách thuế của loại hình E31")
    expect(section).to_contain_text("Khoản 7 Điều 16 Luật Thuế xuất khẩu, thuế nhập khẩu số 107/2016/QH13")
    expect(page.locator('#tax-table [data-total="import_duty"]')).to_have_text("0")
    expect(page.locator('#tax-table [data-total="vat"]')).to_have_text("0")
    page.screenshot(path=SHOT_VI, full_page=True)

    page.click("#lang-en")
    expect(page.locator("#tax-table-exemptions")).to_contain_text(
        "Law on Export and Import Duties No. 107/2016/QH13, Article 16.7")
    page.screenshot(path=SHOT_EN, full_page=True)
