"""The post-clearance selection settings in Chromium: a risk admin opens the tab of the risk area,
changes a class's random rate typed the Vietnamese way (1,5 %) and sees it in English as 1.5 %;
a rate above the cap is refused next to its input; an audit rule is built with the risk rules'
condition builder and deactivated. An officer cannot open the page. Screenshots in /tmp/shots-D/."""
import pytest
from playwright.sync_api import expect

from tests.e2e.support import log_in

pytestmark = pytest.mark.e2e

SHOTS = "/tmp/shots-D/{name}-{language}.png"


def switch_to(page, language: str) -> None:
    page.click(f"#lang-{language}")
    expect(page.locator("html")).to_have_attribute("lang", language)


def test_a_risk_admin_changes_a_class_rate_and_an_audit_rule(page):
    page.set_viewport_size({"width": 1400, "height": 1000})
    log_in(page, "riskadmin")
    page.click("#nav-risk")
    page.click("#nav-post-clearance-settings")
    expect(page.locator("h1")).to_have_text("Post-clearance audit selection")
    high = page.locator('#class-table tr[data-class="high"]')
    expect(high.locator("input[name=class-high-random_percent]")).to_have_value("1")  # the default 1 % / 2 %
    expect(high.locator("input[name=class-high-cap_percent]")).to_have_value("2")
    page.screenshot(path=SHOTS.format(name="post-clearance-settings", language="en"), full_page=True)

    switch_to(page, "vi")
    expect(page.locator("h1")).to_have_text("Lựa chọn kiểm tra sau thông quan")
    high.locator("input[name=class-high-random_percent]").fill("1,5")
    high.locator("input[name=class-high-cap_percent]").fill("3")
    high.locator("[data-save-class]").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã lưu thiết lập lựa chọn kiểm tra sau thông quan của hạng “Cao”")
    expect(high.locator("input[name=class-high-random_percent]")).to_have_value("1,5")
    expect(high.locator("input[name=class-high-cap_percent]")).to_have_value("3")
    page.screenshot(path=SHOTS.format(name="post-clearance-settings", language="vi"), full_page=True)

    low = page.locator('#class-table tr[data-class="low"]')
    low.locator("input[name=class-low-random_percent]").fill("20")
    low.locator("[data-save-class]").click()
    expect(low.locator(".invalid-feedback")).to_have_text("Tỷ lệ ngẫu nhiên không được cao hơn mức trần.")
    expect(low.locator("input[name=class-low-random_percent]")).to_have_value("20")  # as typed
    page.screenshot(path=SHOTS.format(name="post-clearance-settings-error", language="vi"), full_page=True)

    switch_to(page, "en")
    expect(high.locator("input[name=class-high-random_percent]")).to_have_value("1.5")

    # An audit rule with the condition builder of the risk rules.
    page.click("#new-audit-rule")
    expect(page.locator("h1")).to_have_text("New audit rule")
    page.fill("#id_name_en", "Cars imported by new enterprises")
    page.select_option("#cond-0-field", "items.hs_code")
    page.select_option("#cond-0-op", "startswith")
    page.fill("#cond-0-value", "8703")
    page.click("#add-condition")
    second = page.locator("[data-cond-row]").nth(1)
    second.locator("[data-cond-field]").select_option("enterprise.age_days")
    second.locator("[data-cond-op]").select_option("lt")
    second.locator("[name$='-value']").fill("365")
    page.screenshot(path=SHOTS.format(name="audit-rule-form", language="en"), full_page=True)
    page.click("#save-audit-rule")
    expect(page.locator(".alert-success")).to_contain_text("Audit rule “Cars imported by new enterprises” created.")
    row = page.locator("#audit-rule-table tbody tr", has_text="Cars imported by new enterprises")
    expect(row.locator(".cond-summary")).to_contain_text("An item's HS code starts with 8703")
    expect(row.locator(".rule-state")).to_have_text("Active")

    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Deactivate").click()
    expect(page.locator(".alert-success")).to_contain_text("deactivated")
    expect(row.locator(".rule-state")).to_have_text("Inactive")
    page.screenshot(path=SHOTS.format(name="post-clearance-rules", language="en"), full_page=True)
    switch_to(page, "vi")
    page.screenshot(path=SHOTS.format(name="post-clearance-rules", language="vi"), full_page=True)


def test_an_officer_cannot_open_it(page):
    log_in(page, "officer1")
    expect(page.locator("#nav-risk")).to_have_count(0)
    response = page.goto("/risk/post-clearance/")
    assert response.status == 403
    expect(page.locator("h1")).to_have_text("Access denied")
    page.screenshot(path=SHOTS.format(name="post-clearance-settings-officer-403", language="en"), full_page=True)
