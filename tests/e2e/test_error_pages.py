"""The error pages as a user meets them in Chromium, with DEBUG off: a 403 and a 404 in the
portal's layout, in the user's language, with a way back that works."""
import pytest
from playwright.sync_api import expect

from tests.e2e.support import log_in

pytestmark = pytest.mark.e2e

FORBIDDEN_SCREENSHOTS = {"vi": "/tmp/e2e-error-403-vi.png", "en": "/tmp/e2e-error-403-en.png"}
NOT_FOUND_SCREENSHOTS = {"vi": "/tmp/e2e-error-404-vi.png", "en": "/tmp/e2e-error-404-en.png"}


def switch_to(page, language: str) -> None:
    page.click(f"#lang-{language}")
    expect(page.locator("html")).to_have_attribute("lang", language)


@pytest.mark.parametrize(("language", "heading", "label", "back", "list_heading"), [
    ("vi", "Không có quyền truy cập", "Lỗi 403", "Quay lại trang trước", "Tờ khai của tôi"),
    ("en", "Access denied", "Error 403", "Back to the previous page", "My declarations"),
])
def test_a_trader_on_a_risk_page_gets_the_403_page_and_goes_back(page, live_portal, language, heading, label, back,
                                                                 list_heading):
    log_in(page)
    switch_to(page, language)

    response = page.goto("/risk/rules/", referer=f"{live_portal}/declarations/")

    assert response is not None and response.status == 403
    expect(page.locator("#error-title")).to_have_text(heading)
    expect(page.locator(".error-code")).to_have_text(label)
    expect(page.locator(".portal-topbar")).to_be_visible()
    expect(page.locator("#user-menu")).to_contain_text("trader1")
    expect(page).to_have_title(f"{heading} · " + ("Cổng thông tin Hải quan" if language == "vi" else "Customs Portal"))
    page.screenshot(path=FORBIDDEN_SCREENSHOTS[language], full_page=True)

    page.get_by_role("link", name=back).click()
    page.wait_for_url("**/declarations/")
    expect(page.locator("h1")).to_have_text(list_heading)


@pytest.mark.parametrize(("language", "heading", "label", "home", "list_heading"), [
    ("vi", "Không tìm thấy trang", "Lỗi 404", "Về trang chủ", "Tờ khai của tôi"),
    ("en", "Page not found", "Error 404", "Go to the home page", "My declarations"),
])
def test_an_unknown_declaration_is_the_404_page_with_a_way_home(page, language, heading, label, home, list_heading):
    log_in(page)
    switch_to(page, language)

    response = page.goto("/declarations/987654321/")

    assert response is not None and response.status == 404
    expect(page.locator("#error-title")).to_have_text(heading)
    expect(page.locator(".error-code")).to_have_text(label)
    expect(page.locator("#error-back")).to_have_count(0)  # typed in the address bar: nowhere to go back to
    page.screenshot(path=NOT_FOUND_SCREENSHOTS[language], full_page=True)

    page.get_by_role("link", name=home).click()
    page.wait_for_url("**/declarations/")
    expect(page.locator("h1")).to_have_text(list_heading)
