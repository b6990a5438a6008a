"""The gate in Chromium: a trader's export is cleared automatically (green, nothing owed), the trader
downloads its PDF, and a gate officer scans the QR code of that printout on the gate page with the
container numbers seen, reads the summary of the declaration, confirms, and sees the goods released;
scanning it again says plainly when and through whom the goods left. An export that lists its
containers is refused when other containers are entered, naming them. In English and in Vietnamese."""
import time

import pytest
from playwright.sync_api import expect

from tests.e2e.support import log_in
from tests.payloads import export_body
from tests.support import qr_codes

pytestmark = pytest.mark.e2e

GATE_SCREENSHOT = "/tmp/e2e-gate.png"
REFUSAL_SCREENSHOT = "/tmp/e2e-gate-refused.png"
SCREENSHOTS = "/tmp/e2e-gate-{step}-{language}.png"
CLEARANCE_TIMEOUT = 60
NO_RANDOM_SELECTION = "from tests.factories import random_selection_off; random_selection_off()"
T_SHIRTS = [{"hs_code": "61091010", "description": "Áo phông nam bằng bông, sản xuất tại Việt Nam",
             "origin_country": "VN", "quantity": "1000", "unit": "PCE", "unit_price": "2.50", "preference": "MFN"}]


def api_token(page, username: str) -> dict:
    response = page.request.post("/api/v1/auth/token/", data={"username": username, "password": "demo12345"})
    assert response.ok, response.text()
    return {"Authorization": f"Token {response.json()['token']}"}


def cleared_export(page, **overrides) -> tuple[dict, bytes]:
    """A green export filed and submitted through the API as trader1, once cleared: (declaration, its PDF)."""
    headers = api_token(page, "trader1")
    # Men's cotton T-shirts: no specialised management, so no default rule sends them to an officer.
    body = export_body(items=T_SHIRTS, **overrides)
    created = page.request.post("/api/v1/declarations/", data=body, headers=headers)
    assert created.status == 201, created.text()
    pk = created.json()["id"]
    submitted = page.request.post(f"/api/v1/declarations/{pk}/submit/", headers=headers)
    assert submitted.status == 202, submitted.text()

    deadline = time.monotonic() + CLEARANCE_TIMEOUT
    while True:
        declaration = page.request.get(f"/api/v1/declarations/{pk}/", headers=headers).json()
        if declaration["status"] == "cleared":
            break
        assert declaration["status"] in ("registered", "cleared"), declaration
        assert time.monotonic() < deadline, f"not cleared after {CLEARANCE_TIMEOUT}s: {declaration['status']}"
        time.sleep(0.5)

    pdf = page.request.get(f"/api/v1/declarations/{pk}/pdf/", headers=headers)
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    return declaration, pdf.body()


def test_gate_officer_checks_the_summary_then_releases_a_cleared_export(page, live_portal_manage):
    live_portal_manage("shell", "-c", NO_RANDOM_SELECTION)
    declaration, pdf = cleared_export(page)
    number = declaration["number"]
    [scanned] = qr_codes(pdf)
    assert scanned.startswith(f"VNCUSTOMS|{number}|")

    log_in(page, "gate1", lands_on="**/gate/")  # the gate's work is this page
    expect(page.locator("#nav-gate")).to_have_class("nav-link active")
    expect(page.locator("h1")).to_have_text("Gate release")
    expect(page.locator("#id_containers")).to_be_focused()
    page.fill("#id_containers", "CSQU3054383\nmscu 123456 6")
    page.fill("#id_scanned", scanned)
    page.press("#id_scanned", "Enter")  # what a hand scanner does at the end of the code

    summary = page.locator("#gate-summary")  # step 2: what the declaration says, before anything is recorded
    expect(summary).to_have_attribute("data-number", number)
    expect(page.locator("#gate-summary-enterprise")).to_contain_text("Công ty TNHH Thương mại Minh Anh")
    expect(page.locator("#gate-summary-packages")).to_have_text("12")
    expect(page.locator("#gate-summary-weight")).to_have_text("1,530.5 kg")
    expect(page.locator("#gate-summary-goods")).to_contain_text("Áo phông nam bằng bông")
    expect(page.locator("#gate-summary-containers")).to_contain_text("CSQU3054383, MSCU1234566")
    expect(page.locator("#gate-confirm")).to_be_focused()
    page.screenshot(path=SCREENSHOTS.format(step="summary", language="en"), full_page=True)
    headers = api_token(page, "trader1")
    assert page.request.get(f"/api/v1/declarations/{declaration['id']}/", headers=headers).json()["status"] == "cleared"

    page.click("#gate-confirm")
    result = page.locator("#gate-result")
    expect(result).to_have_attribute("data-result", "released")
    expect(page.locator("#gate-result-number")).to_have_text(number)
    expect(page.locator("#gate-result-containers")).to_have_text("CSQU3054383, MSCU1234566")
    expect(page.locator(f'#gate-releases tr[data-number="{number}"]')).to_contain_text("CSQU3054383, MSCU1234566")
    page.screenshot(path=GATE_SCREENSHOT, full_page=True)
    assert page.request.get(f"/api/v1/declarations/{declaration['id']}/", headers=headers).json()["status"] == "released"

    page.fill("#id_scanned", number)
    page.click("#gate-release-submit")
    expect(result).to_have_attribute("data-result", "already-released")
    expect(result).to_have_attribute("data-code", "already_released")
    expect(result.locator("h2")).to_have_text("These goods already left")
    expect(page.locator("#gate-refusal-reason")).to_contain_text(
        f"The goods of declaration {number} already left the area on ")
    expect(page.locator("#gate-refusal-reason")).to_contain_text(", released at the gate by gate1.")
    expect(page.get_by_text("Refused: the goods may not leave")).to_have_count(0)
    page.screenshot(path=REFUSAL_SCREENSHOT, full_page=True)


def test_containers_that_differ_from_the_declaration_are_refused_by_name(page, browser, live_portal):
    declaration, _pdf = cleared_export(page, container_numbers=["TGHU7654320", "MSCU1234566"])
    number = declaration["number"]
    assert declaration["container_numbers"] == ["TGHU7654320", "MSCU1234566"]

    vietnamese = browser.new_context(locale="vi-VN", base_url=live_portal).new_page()
    for gate, language in ((page, "en"), (vietnamese, "vi")):
        log_in(gate, "gate1", lands_on="**/gate/")
        gate.fill("#id_containers", "MSCU1234566\nCSQU3054383")
        gate.fill("#id_scanned", number)
        gate.click("#gate-release-submit")
        result = gate.locator("#gate-result")
        expect(result).to_have_attribute("data-code", "containers_mismatch")
        expect(gate.locator("#gate-summary")).to_have_count(0)
        gate.screenshot(path=SCREENSHOTS.format(step="mismatch", language=language), full_page=True)
    expect(page.locator("#gate-refusal-reason")).to_have_text(
        f"The containers do not match declaration {number} (not in the declaration: CSQU3054383; declared but not "
        "entered: TGHU7654320); the goods may not leave.")
    expect(vietnamese.locator("#gate-refusal-reason")).to_have_text(
        f"Container không khớp với tờ khai {number} (không có trong tờ khai: CSQU3054383; có trong tờ khai nhưng chưa "
        "nhập: TGHU7654320); hàng chưa được đưa ra khỏi khu vực giám sát.")

    vietnamese.fill("#id_containers", "TGHU7654320, MSCU1234566")  # the declared containers, in another order
    vietnamese.click("#gate-release-submit")
    expect(vietnamese.locator("#gate-summary-title")).to_have_text("2. Đối chiếu hàng hóa, rồi xác nhận")
    expect(vietnamese.locator("#gate-summary-weight")).to_have_text("1.530,5 kg")
    vietnamese.screenshot(path=SCREENSHOTS.format(step="summary", language="vi"), full_page=True)
    vietnamese.click("#gate-confirm")
    expect(vietnamese.locator("#gate-result")).to_have_attribute("data-result", "released")
    vietnamese.fill("#id_scanned", number)
    vietnamese.click("#gate-release-submit")
    expect(vietnamese.locator("#gate-result h2")).to_have_text("Hàng này đã rời đi")
    expect(vietnamese.locator("#gate-refusal-reason")).to_contain_text(f"Hàng của tờ khai {number} đã rời khu vực lúc ")
    vietnamese.screenshot(path=SCREENSHOTS.format(step="already-left", language="vi"), full_page=True)
    vietnamese.context.close()


def test_other_roles_cannot_open_the_gate_page(page):
    log_in(page, "trader1")
    expect(page.locator("#nav-gate")).to_have_count(0)

    response = page.goto("/gate/")

    assert response is not None and response.status == 403
