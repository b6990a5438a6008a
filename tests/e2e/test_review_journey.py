"""The yellow-channel journey in Chromium, across three roles: a new enterprise's declaration goes
yellow → officer1 finds it in the review queue and requests documents → trader2, in another
browser, sees the request and answers it with a PDF → the officer clears it → the taxes are paid
→ gate1 releases the goods at the gate → the review page's audit trail shows every step."""
import re
import time

import pytest
from playwright.sync_api import expect

from bench.common import declaration_body
from tests.e2e.support import api, api_token, log_in
from tests.factories import PDF

pytestmark = pytest.mark.e2e

QUEUE_SCREENSHOT = "/tmp/e2e-review-queue.png"
REVIEW_SCREENSHOT = "/tmp/e2e-review-page.png"
DECISION_SCREENSHOT = "/tmp/e2e-review-decision.png"
TRADER_SCREENSHOT = "/tmp/e2e-review-trader-documents.png"
NO_RANDOM_SELECTION = "from tests.factories import random_selection_off; random_selection_off()"
# The bank confirms the whole amount due (payments.services), as its signed callback would.
PAY_IN_FULL = """
from customs_portal.accounts.models import User
from payments.services.payments import BankNotice, payment_credit, payment_start
payment = payment_start(declaration_id={id}, user=User.objects.get(username="trader2"))
payment_credit(notice=BankNotice(reference=payment.reference, amount=payment.amount, status="success",
                                 bank_transaction_id="E2E-REVIEW-{id}"))
"""
TRADER2_TAX_CODE = "0318765402"


def watched_context(browser, live_portal, problems: list[str]):
    """Another browser context (its own cookies), failing the test on CSP violations and script errors like `page`."""
    context = browser.new_context(locale="en-US", base_url=live_portal)
    context.on("weberror", lambda error: problems.append(f"uncaught: {error.error}"))
    context.on("console", lambda message: problems.append(f"console: {message.text}")
               if message.type == "error" and "Content Security Policy" in message.text else None)
    return context


def wait_for_status(page, live_portal, token, declaration_id, *, leaving: str, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        declaration = api(page, live_portal, token, "GET", f"/api/v1/declarations/{declaration_id}/").json()
        if declaration["status"] != leaving or time.monotonic() > deadline:
            return declaration
        time.sleep(0.3)


def test_yellow_declaration_from_review_to_gate(page, browser, live_portal, live_portal_manage):
    live_portal_manage("shell", "-c", NO_RANDOM_SELECTION)
    trader_token = api_token(page, live_portal, "trader2")
    created = api(page, live_portal, trader_token, "POST", "/api/v1/declarations/", declaration_body(3))
    assert created.status == 201, created.text()
    declaration_id = created.json()["id"]
    assert api(page, live_portal, trader_token, "POST", f"/api/v1/declarations/{declaration_id}/submit/").status == 202
    declaration = wait_for_status(page, live_portal, trader_token, declaration_id, leaving="registered")
    assert (declaration["status"], declaration["channel"]) == ("under_review", "yellow"), declaration
    number = declaration["number"]

    # 1. The officer finds it in the queue (filtered on the enterprise) and opens it.
    log_in(page, "officer1")
    page.click("#nav-review-queue")
    expect(page.locator("h1")).to_have_text("Review queue")
    page.screenshot(path=QUEUE_SCREENSHOT, full_page=True)
    page.fill("#filter-enterprise", TRADER2_TAX_CODE)
    page.click("#apply-filters")
    row = page.locator(f'#queue-table tr[data-declaration-id="{declaration_id}"]')
    expect(row).to_contain_text(number)
    expect(row).to_contain_text("New enterprise")
    expect(row.locator(".risk-score")).to_have_text("30")
    expect(row.locator(".wait")).to_have_text(re.compile(r"(< 1 min|\d+ min)"))
    row.locator("[data-review-link]").click()
    page.wait_for_url(f"**/declarations/{declaration_id}/review/")
    expect(page.locator("#risk-score")).to_have_text("30")
    expect(page.locator("#fired-rules")).to_contain_text("The enterprise's age is less than 180 days")
    expect(page.locator("#enterprise-compliance")).to_have_text("New")

    # 2. It asks for the certificate of origin.
    page.click("#action-toggle-request_documents")
    expect(page.locator("#action-request_documents")).to_have_class("collapse show")  # opened, animation over
    expect(page.locator("#request_documents-note")).to_be_focused()
    page.fill("#request_documents-note", "Send the certificate of origin form E for all three items.")
    page.screenshot(path=DECISION_SCREENSHOT, full_page=True)
    page.click("#submit-request_documents")
    expect(page.locator("#messages")).to_contain_text(f"Request documents recorded for declaration {number}")
    expect(page.locator('#document-requests [data-request-state="open"]')).to_have_count(1)
    expect(page.locator("body")).to_have_attribute("data-live", "connected", timeout=10_000)
    page.evaluate("window.__sameDocument = true")

    # 3. The trader, in a browser of its own, sees the request and answers it with a PDF.
    problems: list[str] = []
    trader_context = watched_context(browser, live_portal, problems)
    try:
        trader_page = trader_context.new_page()
        log_in(trader_page, "trader2")
        trader_page.goto(f"/declarations/{declaration_id}/")
        expect(trader_page.locator("#document-requests")).to_contain_text("Send the certificate of origin form E")
        expect(trader_page.locator("#open-requests-count")).to_have_text("1 request from customs to answer")
        expect(trader_page.locator("#risk-score")).to_have_count(0)  # traders never see the risk score
        trader_page.select_option("#upload-kind", "certificate_of_origin")
        trader_page.set_input_files("#upload-file", files=[{"name": "C-O form E.pdf", "mimeType": "application/pdf", "buffer": PDF}])
        expect(trader_page.locator("#upload-request option:checked")).not_to_have_text("No: an additional document")
        trader_page.locator("#documents").screenshot(path=TRADER_SCREENSHOT)
        trader_page.click("#upload-submit")
        expect(trader_page.locator("#messages")).to_contain_text("“C-O_form_E.pdf” is attached and answers the officer's request.")
        expect(trader_page.locator('#document-requests [data-request-state="answered"]')).to_have_count(1)
    finally:
        trader_context.close()
    assert not problems, "\n".join(problems)

    # 4. The officer's open page shows the answer without a reload; the officer clears the declaration.
    expect(page.locator('#document-requests [data-request-state="answered"]')).to_have_count(1, timeout=15_000)
    assert page.evaluate("window.__sameDocument") is True
    with page.expect_download() as download:
        page.locator("#documents-table .document-link").first.click()
    assert download.value.suggested_filename == "C-O_form_E.pdf"
    page.click("#action-toggle-release")
    expect(page.locator("#action-release")).to_have_class("collapse show")
    expect(page.locator("#action-request_documents")).not_to_be_visible()  # one action's form at a time
    page.fill("#release-note", "C/O form E checked against the invoice.")
    page.click("#submit-release")
    expect(page.locator("#messages")).to_contain_text(f"Clear recorded for declaration {number}")
    status = page.locator("#declaration-status")
    expect(status).to_have_attribute("data-status", re.compile("^(assessed|cleared)$"))

    # 5. Taxes owed: the bank confirms the payment; the open page follows without a reload.
    if status.get_attribute("data-status") == "assessed":
        expect(page.locator("body")).to_have_attribute("data-live", "connected", timeout=10_000)
        page.evaluate("window.__sameDocument = true")
        live_portal_manage("shell", "-c", PAY_IN_FULL.format(id=declaration_id))
        expect(status).to_have_attribute("data-status", "cleared", timeout=15_000)
        expect(page.locator('#audit-table [data-audit-action="pay"]')).to_have_count(1, timeout=15_000)
        assert page.evaluate("window.__sameDocument") is True

    # 6. The gate releases the goods.
    problems = []
    gate_context = watched_context(browser, live_portal, problems)
    try:
        gate_page = gate_context.new_page()
        log_in(gate_page, "gate1", lands_on="**/gate/")
        gate_page.fill("#id_containers", "CSQU3054383")
        gate_page.fill("#id_scanned", number)
        gate_page.click("#gate-release-submit")
        expect(gate_page.locator("#gate-summary")).to_have_attribute("data-number", number)  # checked, then confirmed
        gate_page.click("#gate-confirm")
        expect(gate_page.locator("#gate-result")).to_have_attribute("data-result", "released")
        expect(gate_page.locator("#gate-result-number")).to_have_text(number)
    finally:
        gate_context.close()
    assert not problems, "\n".join(problems)

    # 7. The audit trail on the review page shows every step, in order, with who did it; the last is
    # the post-clearance selection, which a worker decides once the release is committed.
    page.reload()
    expect(status).to_have_attribute("data-status", "released")
    selection = page.locator('#audit-table [data-audit-action="post_clearance_select"]')
    deadline = time.monotonic() + 30
    while selection.count() == 0 and time.monotonic() < deadline:
        page.wait_for_timeout(500)
        page.reload()
    expect(selection).to_contain_text("Post-clearance audit selection")
    actions = page.locator("#audit-table [data-audit-action]").evaluate_all("rows => rows.map(r => r.dataset.auditAction)")
    expected = ["create", "submit", "assess", "request_documents", "document_upload", "documents_supplied", "release",
                "pay", "gate_release", "post_clearance_select"]
    if "pay" not in actions:
        expected.remove("pay")  # nothing was owed
    assert actions == expected
    trail = page.locator("#audit-table")
    expect(trail.locator('[data-audit-action="request_documents"]')).to_contain_text("officer1")
    expect(trail.locator('[data-audit-action="document_upload"]')).to_contain_text("trader2")
    expect(trail.locator('[data-audit-action="release"]')).to_contain_text("C/O form E checked against the invoice.")
    expect(trail.locator('[data-audit-action="gate_release"]')).to_contain_text("CSQU3054383")
    expect(page.locator("#review-closed")).to_contain_text("gate1")
    page.screenshot(path=REVIEW_SCREENSHOT, full_page=True)
