"""The trader's declaration page shows the channel chosen by the worker without a reload, and an
officer's open page shows a colleague's decision as it happens."""
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

    expect(channel).to_have_attribute("data-channel", __import__("re").compile("^(green|yellow|red)$"), timeout=15_000)
    expect(page.locator("#declaration-status")).not_to_have_attribute("data-status", "draft")
    expect(page.locator("#declaration-number")).to_have_text(__import__("re").compile(r"^\d{12}$"))
    assert page.evaluate("window.__sameDocument") is True  # the page was not reloaded
    page.screenshot(path="/tmp/e2e-live-channel.png", full_page=True)


def test_trader_socket_hears_nothing_of_other_enterprises(page, live_portal, browser):
    other_token = api_token(page, live_portal, "trader2")
    created = api(page, live_portal, other_token, "POST", "/api/v1/declarations/", declaration_body(2))
    declaration_id = created.json()["id"]
    log_in(page)  # trader1
    page.goto("/declarations/")
    expect(page.locator("body")).to_have_attribute("data-live", "connected", timeout=10_000)
    page.evaluate("window.__heard = []; document.addEventListener('declaration:changed', e => window.__heard.push(e.detail.id))")
    assert api(page, live_portal, other_token, "POST", f"/api/v1/declarations/{declaration_id}/submit/").status == 202
    own = api(page, live_portal, api_token(page, live_portal, "trader1"), "POST", "/api/v1/declarations/", declaration_body(1)).json()
    assert api(page, live_portal, api_token(page, live_portal, "trader1"), "POST", f"/api/v1/declarations/{own['id']}/submit/").status == 202
    page.wait_for_function(f"window.__heard.includes({own['id']})", timeout=15_000)
    assert declaration_id not in page.evaluate("window.__heard")
