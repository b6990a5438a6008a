"""The trader's declaration page shows the channel chosen by the worker without a reload, and an
officer's open page shows a colleague's decision as it happens."""
import json
import re
import time
import urllib.request

import pytest
from playwright.sync_api import expect

from bench.common import declaration_body
from tests.e2e.support import api, api_token, log_in

pytestmark = pytest.mark.e2e


def test_channel_appears_on_the_open_page_without_a_reload(page, live_portal):
    token = api_token(page, live_portal, "trader1")
    created = api(page, live_portal, token, "POST", "/api/v1/declarations/", declaration_body(3))
    assert created.status == 201, created.text()
    declaration_id = created.json()["id"]

    log_in(page)
    page.goto(f"/declarations/{declaration_id}/")
    expect(page.locator("body")).to_have_attribute("data-live", "connected", timeout=10_000)
    page.evaluate("window.__sameDocument = true")
    channel = page.locator("#declaration-channel")
    expect(channel).to_have_attribute("data-channel", "")

    assert api(page, live_portal, token, "POST", f"/api/v1/declarations/{declaration_id}/submit/").status == 202

    expect(channel).to_have_attribute("data-channel", re.compile("^(green|yellow|red)$"), timeout=15_000)
    expect(channel).to_have_class(re.compile(r"(^| )channel-badge( |$)"))  # the badge keeps its look
    expect(page.locator("#declaration-status")).not_to_have_attribute("data-status", "draft")
    expect(page.locator("#declaration-status")).to_have_class(re.compile(r"(^| )status-badge( |$)"))
    expect(page.locator("#declaration-number")).to_have_text(re.compile(r"^\d{12}$"))
    assert page.evaluate("window.__sameDocument") is True  # the page was not reloaded
    page.screenshot(path="/tmp/e2e-live-channel.png", full_page=True)


def test_trader_socket_hears_nothing_of_other_enterprises(page, live_portal, browser):
    other_token = api_token(page, live_portal, "trader2")
    created = api(page, live_portal, other_token, "POST", "/api/v1/declarations/", declaration_body(2))
    declaration_id = created.json()["id"]
    own_token = api_token(page, live_portal, "trader1")
    own = api(page, live_portal, own_token, "POST", "/api/v1/declarations/", declaration_body(1)).json()
    log_in(page)  # trader1
    page.goto("/declarations/")
    expect(page.locator("body")).to_have_attribute("data-live", "connected", timeout=10_000)
    page.evaluate("window.__heard = []; document.addEventListener('declaration:changed', e => window.__heard.push(e.detail.id))")
    assert api(page, live_portal, other_token, "POST", f"/api/v1/declarations/{declaration_id}/submit/").status == 202
    assert api(page, live_portal, own_token, "POST", f"/api/v1/declarations/{own['id']}/submit/").status == 202
    page.wait_for_function(f"window.__heard.includes({own['id']})", timeout=15_000)
    assert declaration_id not in page.evaluate("window.__heard")
    # The list row is updated in place (not fetched again) and keeps the badge's look.
    row_channel = page.locator(f'tr [data-declaration-id="{own["id"]}"][data-channel]')
    expect(row_channel).to_have_attribute("data-channel", re.compile("^(green|yellow|red)$"), timeout=15_000)
    expect(row_channel).to_have_class(re.compile(r"(^| )channel-badge( |$)"))


def _channel_assigned(live_portal, token, declaration_id, timeout=15.0) -> str:
    """Polls the API (outside the browser) until the worker has chosen the channel."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        request = urllib.request.Request(f"{live_portal}/api/v1/declarations/{declaration_id}/",
                                         headers={"Authorization": f"Token {token}"})
        with urllib.request.urlopen(request, timeout=5) as response:
            channel = json.load(response)["channel"]
        if channel:
            return channel
        time.sleep(0.1)
    raise AssertionError(f"declaration {declaration_id} was not assessed within {timeout} s")


def test_a_page_refresh_answered_late_does_not_undo_a_newer_change(page, live_portal):
    """Registration makes the page fetch itself again; the channel is heard while that fetch is
    still out. The page fetched before the channel existed must not be the last word."""
    token = api_token(page, live_portal, "trader1")
    declaration_id = api(page, live_portal, token, "POST", "/api/v1/declarations/", declaration_body(2)).json()["id"]
    log_in(page)
    detail = f"{live_portal}/declarations/{declaration_id}/"
    stale_page = page.request.get(detail).text()  # the page as it was before submission
    assert 'data-channel=""' in stale_page

    held = []

    def answer_the_first_refresh_late_and_stale(route, request):
        if request.headers.get("hx-request") and not held:
            held.append(_channel_assigned(live_portal, token, declaration_id))
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=stale_page)
        else:
            route.continue_()

    page.route(detail, answer_the_first_refresh_late_and_stale)
    page.goto(detail)
    expect(page.locator("body")).to_have_attribute("data-live", "connected", timeout=10_000)
    assert api(page, live_portal, token, "POST", f"/api/v1/declarations/{declaration_id}/submit/").status == 202

    channel = page.locator("#declaration-channel")
    expect(channel).to_have_attribute("data-channel", re.compile("^(green|yellow|red)$"), timeout=15_000)
    assert held, "the page never fetched itself after registration"
    page.wait_for_timeout(1000)  # time for a stale swap to land, were one still to come
    expect(channel).to_have_attribute("data-channel", held[0])
    expect(page.locator("#declaration-status")).not_to_have_attribute("data-status", "draft")


NO_RANDOM_SELECTION = "from tests.factories import random_selection_off; random_selection_off()"


def _open_yellow_declaration(page, live_portal, live_portal_manage) -> int:
    """trader2 (a new enterprise: its declarations go yellow) files one, and has its page open and listening."""
    live_portal_manage("shell", "-c", NO_RANDOM_SELECTION)
    token = api_token(page, live_portal, "trader2")
    declaration_id = api(page, live_portal, token, "POST", "/api/v1/declarations/", declaration_body(2)).json()["id"]
    assert api(page, live_portal, token, "POST", f"/api/v1/declarations/{declaration_id}/submit/").status == 202
    assert _channel_assigned(live_portal, token, declaration_id) == "yellow"
    log_in(page, "trader2")
    page.goto(f"/declarations/{declaration_id}/")
    expect(page.locator("body")).to_have_attribute("data-live", "connected", timeout=10_000)
    page.evaluate("window.__sameDocument = true")
    return declaration_id


def test_a_document_request_appears_on_the_traders_open_page(page, live_portal, live_portal_manage):
    """Requesting documents keeps the status; the trader's open page still shows the request."""
    declaration_id = _open_yellow_declaration(page, live_portal, live_portal_manage)
    expect(page.locator("#document-requests-none")).to_be_visible()

    officer = api_token(page, live_portal, "officer1")
    decided = api(page, live_portal, officer, "POST", f"/api/v1/declarations/{declaration_id}/decisions/",
                  {"action": "request_documents", "note": "Send the packing list."})
    assert decided.status == 201, decided.text()

    expect(page.locator('#document-requests [data-request-state="open"]')).to_have_count(1, timeout=15_000)
    expect(page.locator("#document-requests")).to_contain_text("Send the packing list.")
    expect(page.locator("#declaration-status")).to_have_attribute("data-status", "under_review")
    assert page.evaluate("window.__sameDocument") is True


def test_a_chosen_file_holds_the_page_until_the_trader_asks_for_the_changes(page, live_portal, live_portal_manage):
    """A chosen file cannot be put back after the page is fetched again: the page waits and says so."""
    declaration_id = _open_yellow_declaration(page, live_portal, live_portal_manage)
    page.set_input_files("#upload-file", files=[{"name": "invoice.pdf", "mimeType": "application/pdf",
                                                 "buffer": b"%PDF-1.4\n%%EOF\n"}])

    officer = api_token(page, live_portal, "officer1")
    decided = api(page, live_portal, officer, "POST", f"/api/v1/declarations/{declaration_id}/decisions/",
                  {"action": "request_documents", "note": "Send the commercial invoice."})
    assert decided.status == 201, decided.text()

    held = page.locator("#live-held-declaration-detail")
    expect(held).to_be_visible(timeout=15_000)
    expect(held).to_contain_text("The page waits while a file is chosen for upload.")
    expect(page.locator("#document-requests-none")).to_be_visible()  # not replaced under the trader's hands
    assert page.evaluate("document.getElementById('upload-file').files.length") == 1

    held.get_by_role("button", name="Show the changes").click()
    expect(page.locator("#document-requests")).to_contain_text("Send the commercial invoice.")
    expect(held).to_have_count(0)
    assert page.evaluate("window.__sameDocument") is True
