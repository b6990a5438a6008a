"""A trader finds a car line in Chromium by typing "ô tô" and "8703", sees the headings above each
line, declares CKD sedan kits whose duty a chapter-98 rule of the tariff sets (8703.23.21), saves
the draft, submits it and reads "to be assessed by an officer"; the officer, sent the declaration
by the minimum yellow channel, sets the duty from the review page. In Vietnamese and in English.

Found in use (issue 13): "o to cho nguoi" found nothing, tyres came first for "ô tô", the look-up
cut its list without saying so, and a draft with such a line could not be saved.
"""
import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.support import api, api_token, log_in

pytestmark = pytest.mark.e2e

SCREENSHOTS = "/tmp/e2e-special-rate-{name}.png"
NO_RANDOM_SELECTION = "from tests.factories import random_selection_off; random_selection_off()"


def fill_header(page):
    today = timezone.localdate()
    page.click("#nav-new-declaration")
    page.select_option("#id_type_code", "A11")
    page.select_option("#id_customs_office", "03CE")
    page.fill("#id_partner-name", "Toyota Tsusho Corporation")
    page.fill("#id_partner-country", "JP")
    page.select_option("#id_transport_mode", "sea")
    page.fill("#id_bill_of_lading", "NYKS4051239870")
    page.fill("#id_port_of_loading", "JPNGO")
    page.fill("#id_port_of_discharge", "VNHPH")
    page.fill("#id_arrival_date", (today - timedelta(days=1)).isoformat())
    page.fill("#id_packages", "2")
    page.fill("#id_gross_weight_kg", "2400")
    page.fill("#id_invoice-number", "TTC-2026-0815")
    page.fill("#id_invoice-date", (today - timedelta(days=10)).isoformat())
    page.select_option("#id_invoice-currency", "USD")
    page.select_option("#id_invoice-incoterm", "CIF")


def fill_car_item(page):
    page.fill("#id_items-0-origin_country", "JP")
    page.fill("#id_items-0-quantity", "2")
    page.fill("#id_items-0-unit", "SET")
    page.fill("#id_items-0-unit_price", "15000")
    page.click("[data-use-sum]")


def wait_until_assessed(page, live_portal, token, declaration_id, timeout=30) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        body = api(page, live_portal, token, "GET", f"/api/v1/declarations/{declaration_id}/").json()
        if body["status"] != "registered" or time.monotonic() > deadline:
            return body
        time.sleep(0.3)


def test_in_vietnamese_a_trader_finds_the_car_line_and_an_officer_assesses_its_duty(page, live_portal, live_portal_manage):
    live_portal_manage("shell", "-c", NO_RANDOM_SELECTION)
    log_in(page)
    page.click("#lang-vi")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    fill_header(page)
    hs = page.locator("#id_items-0-hs_code")
    results = page.locator(".hs-results [data-hs-result]")

    # "ô tô": cars first, never tyres; each line with its headings; the list says it was cut.
    hs.fill("ô tô")
    expect(results.first).to_be_visible()
    expect(results.first).to_have_attribute("data-hs-code", re.compile(r"^8703"))
    codes = results.evaluate_all("buttons => buttons.map(b => b.dataset.hsCode)")
    assert not any(code.startswith("4011") for code in codes), codes
    expect(results.first.locator("[data-hs-parents]")).to_contain_text("87.03 Ô tô và các loại xe khác")
    expect(page.locator("[data-hs-truncated]")).to_contain_text("thêm một từ")

    # Without diacritics it finds the same lines.
    hs.fill("o to cho nguoi")
    expect(results.first).to_have_attribute("data-hs-code", re.compile(r"^8703"))

    # "8703": lines of the heading, and how to narrow them; "8703.23.2" leaves four sedan lines in CKD form.
    hs.fill("8703")
    expect(page.locator("[data-hs-truncated]")).to_contain_text("gõ thêm chữ số của mã")
    hs.fill("8703.23.2")
    expect(results).to_have_count(4)
    line = page.locator('.hs-results [data-hs-code="87032321"]')
    expect(line.locator("[data-hs-parents]")).to_contain_text("8703.23 Dung tích xilanh trên 1.500 cc nhưng không quá 3.000 cc")
    expect(line.locator("[data-hs-parents]")).to_contain_text("Dạng CKD (SEN)")
    expect(line.locator("[data-hs-parents]")).to_contain_text("Ô tô kiểu Sedan")
    expect(line).to_contain_text("Dung tích xi lanh trên 1.500 cc nhưng không quá 1.800 cc")
    expect(line.locator("[data-hs-special-chip]")).to_have_text("Quy định riêng")
    expect(line.locator("[data-hs-special-rule]")).to_have_text(
        "⚖ Quy định riêng: khoản 1.1 Chương 98 của Biểu thuế · Chờ công chức hải quan xác định")
    page.screenshot(path=SCREENSHOTS.format(name="lookup-vi"), full_page=True)
    line.click()
    expect(hs).to_have_value("87032321")
    fill_car_item(page)

    # The preview says what the rule means, in Vietnamese.
    preview = page.locator("#preview-table")
    expect(preview).to_be_visible(timeout=15_000)
    expect(preview.locator("[data-duty-pending]")).to_have_text("Chờ công chức hải quan xác định")
    expect(page.locator('[data-duty-notice="1"]')).to_contain_text("Dòng hàng 1 (HS 87032321): thuế nhập khẩu do công chức hải quan xác định.")

    # The draft is saved, then submitted.
    page.click("#save-draft")
    page.wait_for_url(re.compile(r".*/declarations/\d+/$"))
    expect(page.locator("#declaration-status")).to_have_attribute("data-status", "draft")
    declaration_id = int(re.search(r"/declarations/(\d+)/$", page.url).group(1))
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#submit-declaration")
    expect(page.locator("#declaration-number")).to_have_text(re.compile(r"^\d{12}$"))
    token = api_token(page, live_portal, "trader1")
    body = wait_until_assessed(page, live_portal, token, declaration_id)
    assert (body["status"], body["channel"]) == ("under_review", "yellow"), body
    assert body["items"][0]["duty_assessment"] == "to_be_assessed"
    page.reload()
    expect(page.locator("#tax-table [data-duty-pending]")).to_have_text("Chờ công chức hải quan xác định")
    expect(page.locator('[data-duty-notice="1"]')).to_contain_text("khoản 1.1 Chương 98 của Biểu thuế")
    page.screenshot(path=SCREENSHOTS.format(name="detail-vi"), full_page=True)

    # The officer reads why it is yellow and sets the duty, with a reason.
    page.context.clear_cookies()
    log_in(page, "officer1")
    page.click("#lang-vi")
    page.goto(f"/declarations/{declaration_id}/review/")
    expect(page.locator('#risk-required [data-required="duty_to_be_assessed"]')).to_contain_text(
        "Thuế do công chức hải quan xác định")
    page.click("#action-toggle-assess_duty")
    expect(page.locator("#action-assess_duty")).to_have_class("collapse show")
    page.fill("#assess_duty-duty-1-rate", "70")
    page.fill("#assess_duty-reason", "Không đủ điều kiện chương trình ưu đãi CKD: áp dụng thuế suất MFN của xe nguyên chiếc.")
    page.screenshot(path=SCREENSHOTS.format(name="review-vi"), full_page=True)
    page.click("#submit-assess_duty")
    expect(page.locator("#messages")).to_contain_text("Xác định thuế nhập khẩu")
    expect(page.locator("#review-tax-table [data-duty-officer]")).to_contain_text("70% · do công chức hải quan xác định")
    body = api(page, live_portal, token, "GET", f"/api/v1/declarations/{declaration_id}/").json()
    car = body["items"][0]
    assert (car["duty_assessment"], car["rates"]["import_duty"]["rate"]) == ("officer", "70")
    assert int(car["import_duty"]) == round(int(car["taxable_value"]) * 0.7)


def test_in_english_the_look_up_and_the_draft_say_the_same(page, live_portal):
    log_in(page)
    page.click("#lang-en")
    fill_header(page)
    hs = page.locator("#id_items-0-hs_code")
    results = page.locator(".hs-results [data-hs-result]")
    hs.fill("o to cho nguoi")
    expect(results.first).to_have_attribute("data-hs-code", re.compile(r"^8703"))
    expect(results.first.locator("[data-hs-parents]")).to_contain_text("87.03 Motor cars and other motor vehicles")
    hs.fill("8703.23.2")
    line = page.locator('.hs-results [data-hs-code="87032321"]')
    expect(line.locator("[data-hs-parents]")).to_contain_text("Completely Knocked Down")
    expect(line).to_contain_text("Of a cylinder capacity exceeding 1,500 cc but not exceeding 1,800 cc")
    expect(line.locator("[data-hs-special-rule]")).to_have_text(
        "⚖ Special rule: paragraph 1.1 of chapter 98 of the tariff · To be assessed by an officer")
    expect(line.locator("[data-hs-special-rule]")).to_have_attribute("title", re.compile(
        r"^The import duty of this line is set by a special rule \(paragraph 1\.1 of chapter 98 of the tariff\)"))
    page.screenshot(path=SCREENSHOTS.format(name="lookup-en"), full_page=True)
    line.click()
    fill_car_item(page)
    expect(page.locator("#preview-table [data-duty-pending]")).to_have_text("To be assessed by an officer", timeout=15_000)
    page.click("#save-draft")
    page.wait_for_url(re.compile(r".*/declarations/\d+/$"))
    expect(page.locator(".alert-success")).to_contain_text("Draft saved")
    expect(page.locator('[data-duty-notice="1"]')).to_contain_text("Item 1 (HS 87032321): import duty to be assessed by an officer.")
    expect(page.locator("#tax-table [data-duty-pending]")).to_have_text("To be assessed by an officer")
    page.screenshot(path=SCREENSHOTS.format(name="detail-en"), full_page=True)
