"""Issue 13, "The officer reads why, in plain words" and "Statuses people can act on", in Chromium,
in Vietnamese and in English: the review page explains each fired rule in words (the stored condition
for risk admins only); the queue shows the requests for documents and the time with customs apart
from the time with the trader; the inspection's result leads to the next step; a declaration waiting
for its taxes reads "awaiting payment"; the trader's list shows customs' requests; a draft its estimate."""
import json
import re
import time

import pytest
from playwright.sync_api import expect

from bench.common import declaration_body
from tests.e2e.support import api, api_token, log_in

pytestmark = pytest.mark.e2e

SCREENSHOT = "/tmp/e2e-i13h-{name}-{language}.png"
NO_RANDOM_SELECTION = "from tests.factories import random_selection_off; random_selection_off()"
TEXTS = {
    "vi": {"why": "Thời gian thành lập của doanh nghiệp dưới 180 ngày (đã thành lập",
           "awaiting": "Chờ nộp thuế", "asks": "Hải quan yêu cầu bổ sung chứng từ", "estimate": "Số tiền phải nộp ước tính",
           "estimated": "Ước tính", "requested": "Đã yêu cầu bổ sung chứng từ", "with_customs": "Hải quan đang xử lý",
           "no_discrepancy": "không phát hiện sai lệch", "discrepancy": "phát hiện sai lệch"},
    "en": {"why": "The enterprise's age is less than 180 days (",
           "awaiting": "Awaiting payment", "asks": "Customs asks for more documents", "estimate": "Estimated amount to pay",
           "estimated": "Estimated", "requested": "Documents requested", "with_customs": "With customs",
           "no_discrepancy": "found no discrepancy", "discrepancy": "found a discrepancy"},
}


def in_language(page, language: str) -> None:
    page.click(f"#lang-{language}")
    expect(page.locator("html")).to_have_attribute("lang", language)


def filed(page, live_portal, username: str, *, submit: bool = True) -> dict:
    """A declaration of `username` (trader2's go yellow, trader1's green), registered and assessed unless a draft."""
    token = api_token(page, live_portal, username)
    created = api(page, live_portal, token, "POST", "/api/v1/declarations/", declaration_body(3))
    assert created.status == 201, created.text()
    declaration = created.json()
    if not submit:
        return declaration
    assert api(page, live_portal, token, "POST", f"/api/v1/declarations/{declaration['id']}/submit/").status == 202
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        declaration = api(page, live_portal, token, "GET", f"/api/v1/declarations/{declaration['id']}/").json()
        if declaration["channel"]:
            return declaration
        time.sleep(0.2)
    raise AssertionError("not assessed in time")


def decide(page, live_portal, declaration_id: int, **body) -> None:
    token = api_token(page, live_portal, "officer1")
    response = api(page, live_portal, token, "POST", f"/api/v1/declarations/{declaration_id}/decisions/", body)
    assert response.status == 201, response.text()


@pytest.fixture(autouse=True)
def no_random_selection(live_portal_manage):
    live_portal_manage("shell", "-c", NO_RANDOM_SELECTION)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_officer_reads_why_in_plain_words(page, live_portal, language):
    declaration = filed(page, live_portal, "trader2")
    assert declaration["status"] == "under_review"
    log_in(page, "officer1")
    in_language(page, language)
    page.goto(f"/declarations/{declaration['id']}/review/")
    rules = page.locator("#fired-rules")
    expect(rules.locator(".reason-text").first).to_contain_text(TEXTS[language]["why"])
    expect(rules).not_to_contain_text("enterprise.age_days")
    expect(rules).not_to_contain_text("khai báo")
    expect(rules.locator(".reason-raw")).to_have_count(0)  # the stored condition is for risk admins
    page.locator("#risk").screenshot(path=SCREENSHOT.format(name="review-why", language=language))


def test_risk_admins_can_still_read_the_stored_condition(page, live_portal):
    declaration = filed(page, live_portal, "trader2")
    log_in(page, "riskadmin")
    page.goto(f"/declarations/{declaration['id']}/review/")
    raw = page.locator("#fired-rules .reason-raw").first
    expect(raw.locator("code")).not_to_be_visible()
    raw.locator("summary").click()
    expect(raw.locator("code")).to_have_text("enterprise.age_days")
    expect(raw).to_contain_text("<")


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_queue_shows_requests_and_who_holds_the_file(page, live_portal, language):
    asked = filed(page, live_portal, "trader2")
    decide(page, live_portal, asked["id"], action="request_documents", note="Send the certificate of origin.")
    log_in(page, "officer1")
    in_language(page, language)
    page.goto("/declarations/review/?enterprise=0318765402")
    row = page.locator(f'#queue-table tr[data-declaration-id="{asked["id"]}"]')
    expect(row.locator(".documents-cell")).to_have_attribute("data-documents", "requested")
    expect(row.locator(".documents-requested")).to_have_text(TEXTS[language]["requested"])
    expect(row.locator("[data-trader-wait]")).to_have_text(re.compile(r"(< 1|\d+) (min|phút)"))
    expect(page.locator("#queue-table thead")).to_contain_text(TEXTS[language]["with_customs"])
    page.screenshot(path=SCREENSHOT.format(name="queue", language=language), full_page=True)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_after_the_inspection_the_page_offers_the_next_step(page, live_portal, language):
    clean, found = filed(page, live_portal, "trader2"), filed(page, live_portal, "trader2")
    for declaration in (clean, found):
        decide(page, live_portal, declaration["id"], action="escalate", note="Seals do not match.")
    log_in(page, "officer1")
    in_language(page, language)

    page.goto(f"/declarations/{clean['id']}/review/")
    page.click("#action-toggle-record_inspection")
    page.check("#record_inspection-discrepancy-no")
    page.click("#submit-record_inspection")
    step = page.locator("#next-step")
    expect(step).to_contain_text(TEXTS[language]["no_discrepancy"])
    expect(step.locator("[data-next-step]")).to_have_count(2)
    expect(page.locator("#action-release")).to_have_class("collapse show")  # clearing is one click away
    step.locator('[data-next-step="release"]').click()  # opens, never closes, the form
    page.wait_for_timeout(400)
    expect(page.locator("#action-release")).to_have_class("collapse show")
    page.locator("#decision").screenshot(path=SCREENSHOT.format(name="next-step-clear", language=language))

    page.goto(f"/declarations/{found['id']}/review/")
    page.click("#action-toggle-record_inspection")
    page.check("#record_inspection-discrepancy-yes")
    page.fill("#record_inspection-findings", "12 cartons more than declared")
    page.click("#submit-record_inspection")
    expect(step).to_contain_text(TEXTS[language]["discrepancy"])
    options = step.locator("[data-next-step]").evaluate_all("buttons => buttons.map(b => b.dataset.nextStep)")
    assert options == ["reassess_goods", "request_documents", "reject"]
    step.locator('[data-next-step="reassess_goods"]').click()
    expect(page.locator("#action-reassess_goods")).to_have_class("collapse show")
    quantity = page.locator("#goods-1-quantity")
    quantity.fill("1.200" if language == "vi" else "1,200")
    page.fill("#reassess_goods-findings", "Recounted: 1200 pieces on line 1")
    page.locator("#decision").screenshot(path=SCREENSHOT.format(name="next-step-reassess", language=language))
    page.click("#submit-reassess_goods")
    expect(page.locator("#messages .alert-success")).to_be_visible()
    token = api_token(page, live_portal, "officer1")
    body = api(page, live_portal, token, "GET", f"/api/v1/declarations/{found['id']}/").json()
    assert body["items"][0]["quantity"] == "1200.000"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_awaiting_payment_requests_and_estimates_where_the_trader_reads_them(page, live_portal, language):
    paying = filed(page, live_portal, "trader1")
    assert (paying["status"], paying["channel"]) == ("assessed", "green")
    asked = filed(page, live_portal, "trader2")
    decide(page, live_portal, asked["id"], action="request_documents", note="Send the packing list.")
    draft = filed(page, live_portal, "trader1", submit=False)
    texts = TEXTS[language]

    log_in(page, "trader1")
    in_language(page, language)
    page.goto("/declarations/")
    row = page.locator(f'#declaration-table tr[data-declaration-id="{paying["id"]}"]')
    expect(row.locator(".status-badge")).to_have_text(texts["awaiting"])
    draft_row = page.locator(f'#declaration-table tr[data-declaration-id="{draft["id"]}"]')
    expect(draft_row.locator(".taxes-estimated")).to_be_visible()
    page.screenshot(path=SCREENSHOT.format(name="list-awaiting-payment", language=language), full_page=True)

    page.goto(f"/declarations/{paying['id']}/")
    expect(page.locator("#declaration-status")).to_have_text(texts["awaiting"])
    expect(page.locator("#declaration-channel")).to_have_attribute("data-channel", "green")
    labels = json.loads(page.locator("#live-labels").text_content())
    assert labels["status"]["assessed"] == texts["awaiting"]

    page.goto(f"/declarations/{draft['id']}/")
    summary = page.locator("#taxes-summary")
    expect(summary).to_contain_text(texts["estimate"])
    expect(page.locator("#declaration-payment-status")).to_have_text(texts["estimated"])
    expect(page.locator("#declaration-amount-due")).to_have_text(page.locator("#declaration-tax-total").text_content())
    expect(summary).not_to_contain_text("Không phải nộp")
    expect(summary).not_to_contain_text("Not due")
    summary.screenshot(path=SCREENSHOT.format(name="draft-estimate", language=language))

    page.context.clear_cookies()  # trader2's turn, in the same browser
    log_in(page, "trader2")
    in_language(page, language)
    page.goto("/declarations/")
    asked_row = page.locator(f'#declaration-table tr[data-declaration-id="{asked["id"]}"]')
    expect(asked_row.locator(".documents-requested-badge")).to_have_text(texts["asks"])
    page.screenshot(path=SCREENSHOT.format(name="list-documents-requested", language=language), full_page=True)
    asked_row.locator(".documents-requested-badge").click()
    expect(page.locator("#documents")).to_contain_text("Send the packing list.")
