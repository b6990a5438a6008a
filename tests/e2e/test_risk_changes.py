"""The safety rails of risk administration in Chromium: a risk admin types a new rule, backtests it in
the form (the rules in force with and without it), creates it (inactive), activates it after its
preview has shown the declarations of the last 30 days that would change channel, and confirms; a
change of the random rates shows its effect first and applies only when confirmed. Screenshots in
English and in Vietnamese."""
import time

import pytest
from playwright.sync_api import expect

from tests.e2e.support import log_in
from tests.payloads import plain_import_body

pytestmark = pytest.mark.e2e

SCREENSHOTS = "/tmp/e2e-risk-{step}-{language}.png"
ASSESSMENT_TIMEOUT = 60
PREVIEW_TIMEOUT = 30_000
NO_RANDOM_SELECTION = "from tests.factories import random_selection_off; random_selection_off()"


def keyboards_declaration(page) -> dict:
    """Keyboards from China, filed and submitted by trader1 through the API, once assessed (green)."""
    token = page.request.post("/api/v1/auth/token/", data={"username": "trader1", "password": "demo12345"}).json()["token"]
    headers = {"Authorization": f"Token {token}"}
    created = page.request.post("/api/v1/declarations/", data=plain_import_body(), headers=headers)
    assert created.status == 201, created.text()
    pk = created.json()["id"]
    assert page.request.post(f"/api/v1/declarations/{pk}/submit/", headers=headers).status == 202
    deadline = time.monotonic() + ASSESSMENT_TIMEOUT
    while True:
        declaration = page.request.get(f"/api/v1/declarations/{pk}/", headers=headers).json()
        if declaration.get("channel"):
            assert declaration["channel"] == "green", declaration
            return declaration
        assert time.monotonic() < deadline, f"declaration {pk} not assessed after {ASSESSMENT_TIMEOUT}s"
        time.sleep(0.5)


def vietnamese_page(browser, live_portal):
    page = browser.new_context(locale="vi-VN", base_url=live_portal).new_page()
    page.set_viewport_size({"width": 1400, "height": 1000})
    log_in(page, "riskadmin")
    return page


def test_a_new_rule_is_backtested_in_the_form_then_activated_after_its_preview(page, browser, live_portal,
                                                                               live_portal_manage):
    page.set_viewport_size({"width": 1400, "height": 1000})
    live_portal_manage("shell", "-c", NO_RANDOM_SELECTION)
    number = keyboards_declaration(page)["number"]
    log_in(page, "riskadmin")

    page.goto("/risk/rules/new/")
    expect(page.locator("#created-inactive")).to_be_visible()
    expect(page.locator("#id_active")).to_have_count(0)  # no switch: a new rule is created inactive
    page.fill("#id_name_en", "Keyboards from China")
    page.select_option("#cond-0-field", "items.hs_code")
    page.select_option("#cond-0-op", "startswith")
    page.fill("#cond-0-value", "847160")
    page.click("#add-condition")
    second = page.locator("[data-cond-row]").nth(1)
    second.locator("[data-cond-field]").select_option("items.origin_country")
    second.locator("[data-cond-op]").select_option("eq")
    second.locator("[name$='-value']").fill("CN")
    page.fill("#id_score", "35")
    page.click("label[for='min-channel-yellow']")

    # The rule as typed, not saved: the rules in force with it, against the rules in force alone.
    page.click("#backtest-rule")
    result = page.locator("#rule-backtest-result")
    expect(result.locator("#backtest-done")).to_be_visible(timeout=PREVIEW_TIMEOUT)
    expect(result.locator(".mix-bar-label").nth(1)).to_have_text("With this rule")
    moved = result.locator(f'#changed-declarations tr[data-declaration="{number}"]')
    expect(moved).to_have_attribute("data-move", "green->yellow")
    expect(result.locator('#fired-rules tr[data-rule-name="Keyboards from China (new, not saved)"]')).to_have_count(1)
    page.locator("#rule-backtest").screenshot(path=SCREENSHOTS.format(step="rule-form-backtest", language="en"))
    rules = page.request.get("/api/v1/risk/rules/?page_size=100").json()["results"]
    assert "Keyboards from China" not in [rule["name"] for rule in rules]  # nothing was saved

    page.click("#save-rule")
    page.wait_for_url("**/risk/rules/*/")
    expect(page.locator(".alert-success")).to_contain_text("Keyboards from China")
    rule_url = page.url

    page.click("#activate-rule")
    page.wait_for_url("**/risk/changes/*/")
    expect(page.locator("h1")).to_have_text("Activate “Keyboards from China (v2)”")
    expect(page.locator("#change-confirm")).to_be_visible(timeout=PREVIEW_TIMEOUT)  # once the preview is done
    expect(page.locator(f'#changed-declarations tr[data-declaration="{number}"]')).to_have_attribute(
        "data-move", "green->yellow")
    expect(page.locator('#channel-mix tr[data-channel="yellow"]')).to_be_visible()
    expect(page.locator("#change-effect")).to_contain_text("Over the last 30 days")
    page.screenshot(path=SCREENSHOTS.format(step="activation-preview", language="en"), full_page=True)
    change_url = page.url
    vietnamese = vietnamese_page(browser, live_portal)
    vietnamese.goto(change_url)
    expect(vietnamese.locator("h1")).to_have_text("Kích hoạt “Keyboards from China (v2)”")
    expect(vietnamese.locator("#confirm-change")).to_have_text("Xác nhận và áp dụng")
    vietnamese.screenshot(path=SCREENSHOTS.format(step="activation-preview", language="vi"), full_page=True)
    vietnamese.context.close()

    page.click("#confirm-change")
    page.wait_for_url(rule_url)
    expect(page.locator(".alert-success")).to_contain_text("Rule “Keyboards from China” saved as version 2, in force from now on.")
    expect(page.locator("#current-version")).to_have_text("Version 2")
    expect(page.locator("#deactivate-rule")).to_be_visible()
    page.goto(change_url)
    expect(page.locator("#change-applied")).to_be_visible()
    expect(page.locator("#confirm-change")).to_have_count(0)

    # Deactivating stays quick: no preview.
    page.goto(rule_url)
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#deactivate-rule")
    expect(page.locator(".alert-success")).to_contain_text("deactivated")


def test_a_change_of_the_random_rates_shows_its_effect_before_it_applies(page, browser, live_portal,
                                                                          live_portal_manage):
    page.set_viewport_size({"width": 1400, "height": 1000})
    live_portal_manage("shell", "-c", NO_RANDOM_SELECTION)
    number = keyboards_declaration(page)["number"]
    log_in(page, "riskadmin")

    # Every green declaration to red at random: shown, then cancelled: nothing changes.
    page.goto("/risk/settings/")
    page.fill("#id_random_red_percent", "100")
    page.click("#save-settings")
    page.wait_for_url("**/risk/changes/*/")
    expect(page.locator("#change-confirm")).to_be_visible(timeout=PREVIEW_TIMEOUT)
    expect(page.locator('#settings-changes tr[data-setting="random_red_rate"] td').nth(1)).to_contain_text("100")
    expect(page.locator(f'#changed-declarations tr[data-declaration="{number}"]')).to_have_attribute("data-move", "green->red")
    page.screenshot(path=SCREENSHOTS.format(step="settings-preview", language="en"), full_page=True)
    vietnamese = vietnamese_page(browser, live_portal)
    vietnamese.goto(page.url)
    expect(vietnamese.locator("h1")).to_have_text("Thay đổi ngưỡng và lựa chọn ngẫu nhiên")
    vietnamese.screenshot(path=SCREENSHOTS.format(step="settings-preview", language="vi"), full_page=True)
    vietnamese.context.close()
    page.click("#cancel-change")
    page.wait_for_url("**/risk/settings/")
    expect(page.locator("#id_random_red_percent")).to_have_value("0")

    # A change confirmed after its preview applies.
    page.fill("#id_random_yellow_percent", "0,5")
    page.click("#save-settings")
    page.wait_for_url("**/risk/changes/*/")
    expect(page.locator("#change-confirm")).to_be_visible(timeout=PREVIEW_TIMEOUT)
    page.click("#confirm-change")
    page.wait_for_url("**/risk/settings/")
    expect(page.locator(".alert-success")).to_contain_text("Risk settings saved")
    expect(page.locator("#id_random_yellow_percent")).to_have_value("0.5")
    live_portal_manage("shell", "-c", NO_RANDOM_SELECTION)  # as the other browser tests expect it
