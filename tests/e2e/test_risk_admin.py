"""Risk administration in Chromium: a risk admin builds a rule with the condition builder and
sees it in the list at version 1, inactive; backtests rules picked from the list over
declarations that a trader filed through the API and the Celery worker assessed, following the
run's progress on the page until the channel mix appears (tests/e2e/test_risk_changes.py: the
rule form's backtest, activation and settings changes with their preview)."""
import re
import time

import pytest
from playwright.sync_api import expect

from tests.factories import cigarettes_body
from tests.payloads import export_body, plain_import_body

pytestmark = pytest.mark.e2e

RULE_FORM_SCREENSHOT = "/tmp/risk-rule-form.png"
RULE_LIST_SCREENSHOT = "/tmp/risk-rule-list.png"
BACKTEST_SCREENSHOT = "/tmp/risk-backtest-result.png"
ASSESSMENT_TIMEOUT = 60
NO_RANDOM_SELECTION = "from tests.factories import random_selection_off; random_selection_off()"


def log_in(page, username: str = "riskadmin") -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo12345")
    page.click("#login-submit")
    page.wait_for_url("**/declarations/")


def option_values(select) -> list[str]:
    return select.locator("option").evaluate_all("options => options.map(o => o.value)")


def test_risk_admin_builds_a_rule_with_the_condition_builder(page):
    page.set_viewport_size({"width": 1400, "height": 1000})
    log_in(page)
    page.click("#nav-risk")
    expect(page.locator("h1")).to_have_text("Risk rules")
    page.click("#new-rule")
    expect(page.locator("h1")).to_have_text("New risk rule")

    page.fill("#id_name_en", "HS 2402 → red")
    page.fill("#id_description_en", "Cigarettes, cigars and other tobacco products: physical inspection.")

    # The HS code field allows the text operators only, and "starts with" takes a prefix.
    page.select_option("#cond-0-field", "items.hs_code")
    assert option_values(page.locator("#cond-0-op")) == ["eq", "ne", "in", "not_in", "startswith"]
    page.select_option("#cond-0-op", "startswith")
    page.fill("#cond-0-value", "2402")
    expect(page.locator("[data-cond-row]").first.locator("[data-cond-hint]")).to_contain_text("HS codes have 8 digits")

    # A second row adapts to its field: numbers get number operators, choices a <select> of their values.
    page.click("#add-condition")
    expect(page.locator("[data-cond-row]")).to_have_count(2)
    second = page.locator("[data-cond-row]").nth(1)
    second.locator("[data-cond-field]").select_option("invoice.total")
    assert "gt" in option_values(second.locator("[data-cond-op]"))
    number_input = second.locator("[name$='-value']")  # a text input read as the portal reads numbers
    assert (number_input.get_attribute("type"), number_input.get_attribute("inputmode")) == ("text", "decimal")
    number_input.fill("1,234,567.5")
    expect(second.locator(".number-understood")).to_have_text("= 1,234,567.5")
    second.locator("[data-cond-field]").select_option("enterprise.compliance_level")
    assert option_values(second.locator("[data-cond-op]")) == ["eq", "ne", "in", "not_in"]
    assert option_values(second.locator("select[name$='-value']")) == ["priority", "high", "medium", "low", "new"]
    second.locator("[data-cond-op]").select_option("in")
    assert second.locator("select[name$='-value']").evaluate("s => s.multiple")
    second.locator("[data-cond-field]").select_option("partner.on_watchlist")
    assert option_values(second.locator("select[name$='-value']")) == ["true", "false"]
    page.screenshot(path=RULE_FORM_SCREENSHOT, full_page=True)
    second.locator("[data-cond-remove]").click()
    expect(page.locator("[data-cond-row]")).to_have_count(1)

    page.fill("#id_score", "60")
    page.click("label[for='min-channel-red']")
    page.fill("#id_change_note", "Tobacco is always inspected")
    page.click("#save-rule")

    page.wait_for_url("**/risk/rules/*/")  # the new rule's page: it is inactive, to be backtested and activated
    expect(page.locator(".alert-success")).to_contain_text("HS 2402 → red")
    expect(page.locator(".alert-success")).to_contain_text("inactive")
    expect(page.locator("#activate-rule")).to_be_visible()
    page.goto("/risk/rules/")
    row = page.locator("#rule-table tbody tr", has_text="HS 2402 → red")
    expect(row).to_have_count(1)
    expect(row.locator(".version-badge")).to_have_text("v1")
    expect(row.locator(".cond-summary")).to_contain_text("An item's HS code starts with 2402")
    expect(row.locator(".channel-badge")).to_have_text("Red")
    expect(row.locator(".score-chip")).to_have_text("+60")
    page.screenshot(path=RULE_LIST_SCREENSHOT, full_page=True)

    row.locator("a.rule-link").click()
    expect(page.locator("#version-history .version-entry")).to_have_count(1)
    expect(page.locator("#version-history")).to_contain_text("Tobacco is always inspected")


def _file_and_wait(page, headers: dict, bodies: list[dict]) -> list[dict]:
    """Declarations filed and submitted as the trader, returned once the worker has assessed them."""
    ids = []
    for body in bodies:
        created = page.request.post("/api/v1/declarations/", data=body, headers=headers)
        assert created.status == 201, created.text()
        submitted = page.request.post(f"/api/v1/declarations/{created.json()['id']}/submit/", headers=headers)
        assert submitted.status == 202, submitted.text()
        ids.append(created.json()["id"])
    deadline = time.monotonic() + ASSESSMENT_TIMEOUT
    declarations = []
    for pk in ids:
        while True:
            declaration = page.request.get(f"/api/v1/declarations/{pk}/", headers=headers).json()
            if declaration.get("channel"):
                declarations.append(declaration)
                break
            assert time.monotonic() < deadline, f"declaration {pk} not assessed after {ASSESSMENT_TIMEOUT}s"
            time.sleep(0.5)
    return declarations


def test_risk_admin_backtests_rules_picked_by_name(page, live_portal_manage):
    page.set_viewport_size({"width": 1400, "height": 1000})
    live_portal_manage("shell", "-c", NO_RANDOM_SELECTION)  # the channels decided are the rules'
    log_in(page)

    token = page.request.post("/api/v1/auth/token/", data={"username": "trader1", "password": "demo12345"}).json()["token"]
    t_shirts = [{"hs_code": "61091010", "description": "Men's cotton T-shirts", "origin_country": "VN",
                 "quantity": "1000", "unit": "PCE", "unit_price": "2.50", "preference": "MFN"}]
    bodies = [plain_import_body(), plain_import_body(), cigarettes_body(), export_body(items=t_shirts)]
    decided = _file_and_wait(page, {"Authorization": f"Token {token}"}, bodies)
    assert decided[2]["channel"] == "red"  # the cigarettes

    page.goto("/risk/backtest/")
    expect(page.locator("#backtest-form textarea")).to_have_count(0)  # no JSON in the browser
    page.locator("#backtest-rules label", has_text="Tobacco products (v1)").locator("input").check()
    page.locator("#backtest-rules label", has_text="New enterprise (v1)").locator("input").check()
    page.click("#start-backtest")

    page.wait_for_url("**/risk/backtest/*/")
    expect(page.locator("#backtest-done")).to_be_visible(timeout=30_000)  # htmx polled until the worker finished
    expect(page.locator("#backtest-status")).to_have_attribute("data-state", "done")
    declarations = int(page.locator("#kpi-declarations").inner_text())
    assert declarations >= 4
    expect(page.locator("#candidate-rules")).to_contain_text("Tobacco products (v1)")
    expect(page.locator("#candidate-rules")).not_to_contain_text(re.compile(r"rule \d+ v\d"))  # never "rule 19 v1"
    expect(page.locator('#fired-rules tr[data-rule-name="Tobacco products (v1)"]')).to_have_count(1)
    assert page.locator(".mix-seg").first.evaluate("e => e.style.width") != ""
    page.screenshot(path=BACKTEST_SCREENSHOT, full_page=True)
