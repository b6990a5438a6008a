"""A trader pays a green declaration's duties in Chromium through the simulated bank: the
declaration clears by itself, the page shows it, and the receipt downloads."""
import io
import re
import time

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.support import api, api_token, log_in
from tests.payloads import plain_import_body

pytestmark = pytest.mark.e2e

NO_RANDOM_SELECTION = "from tests.factories import random_selection_off; random_selection_off()"


def green_declaration_with_taxes(page, live_portal, token) -> dict:
    created = api(page, live_portal, token, "POST", "/api/v1/declarations/", plain_import_body())
    assert created.status == 201, created.text()
    declaration_id = created.json()["id"]
    assert api(page, live_portal, token, "POST", f"/api/v1/declarations/{declaration_id}/submit/").status == 202
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        declaration = api(page, live_portal, token, "GET", f"/api/v1/declarations/{declaration_id}/").json()
        if declaration["status"] != "registered":
            break
        time.sleep(0.3)
    assert (declaration["status"], declaration["channel"]) == ("assessed", "green"), declaration
    assert int(declaration["amount_due"]) > 0
    return declaration


def test_pay_a_green_declaration_at_the_bank(page, live_portal, live_portal_manage):
    live_portal_manage("shell", "-c", NO_RANDOM_SELECTION)
    token = api_token(page, live_portal, "trader1")
    declaration = green_declaration_with_taxes(page, live_portal, token)
    amount = int(declaration["amount_due"])

    log_in(page)
    page.goto(f"/declarations/{declaration['id']}/")
    panel = page.locator("#payment-panel")
    expect(panel).to_be_visible()
    expect(page.locator("#payment-amount-due")).to_have_text(f"{amount:,} VND")
    expect(page.locator("#declaration-status")).to_have_attribute("data-status", "assessed")

    page.select_option("#pay-bank", "BFTVVNVX")
    page.click("#pay-button")
    page.wait_for_url(re.compile(r"/bank-simulator/pay/HQ\w+/"))
    expect(page.locator("#bank-name")).to_contain_text("Vietcombank")
    reference = page.locator("#bank-reference").inner_text()
    expect(page.locator("#bank-amount")).to_have_value(str(amount))
    page.screenshot(path="/tmp/e2e-bank-simulator.png", full_page=True)
    page.click("#bank-confirm")

    # Back on the declaration: the bank's callback (sent by the worker) clears it, and the page follows.
    page.wait_for_url(f"**/declarations/{declaration['id']}/")
    expect(page.locator("#declaration-status")).to_have_attribute("data-status", "cleared", timeout=30_000)
    expect(page.locator("#payment-panel-status")).to_have_text("Paid", timeout=10_000)
    expect(page.locator("#payment-paid-note")).to_contain_text("The declaration is cleared.")
    receipt_link = page.locator("a.receipt-download")
    expect(receipt_link).to_have_count(1)
    receipt_number = receipt_link.get_attribute("data-receipt-number")
    page.screenshot(path="/tmp/e2e-payment-cleared.png", full_page=True)

    with page.expect_download() as download_info:
        receipt_link.click()
    download = download_info.value
    assert download.suggested_filename == f"bien-lai-{receipt_number}.pdf"
    with open(download.path(), "rb") as pdf:
        text = PdfReader(io.BytesIO(pdf.read())).pages[0].extract_text()
    for expected in (receipt_number, declaration["number"], reference, "Công ty TNHH Thương mại Minh Anh",
                     f"{amount:,}".replace(",", ".")):
        assert expected in text, expected

    cleared = api(page, live_portal, token, "GET", f"/api/v1/declarations/{declaration['id']}/").json()
    assert (cleared["status"], cleared["payment_status"], cleared["amount_due"]) == ("cleared", "paid", "0")
    payments = api(page, live_portal, token, "GET", f"/api/v1/declarations/{declaration['id']}/payments/").json()
    assert [(p["reference"], p["status"], p["receipt_number"]) for p in payments] == [(reference, "credited", receipt_number)]


def test_a_callback_delivered_twice_credits_once(page, live_portal, live_portal_manage):
    live_portal_manage("shell", "-c", NO_RANDOM_SELECTION)
    token = api_token(page, live_portal, "trader1")
    declaration = green_declaration_with_taxes(page, live_portal, token)

    log_in(page)
    page.goto(f"/declarations/{declaration['id']}/")
    page.select_option("#pay-bank", "ICBVVNVX")
    page.click("#pay-button")
    page.wait_for_url(re.compile(r"/bank-simulator/pay/"))
    page.select_option("#bank-delivery", "twice")
    page.click("#bank-confirm")
    page.wait_for_url(f"**/declarations/{declaration['id']}/")
    expect(page.locator("#declaration-status")).to_have_attribute("data-status", "cleared", timeout=30_000)
    time.sleep(2)  # let the second delivery land
    page.reload()
    expect(page.locator("a.receipt-download")).to_have_count(1)
    payments = api(page, live_portal, token, "GET", f"/api/v1/declarations/{declaration['id']}/payments/").json()
    assert [p["status"] for p in payments] == ["credited"]
