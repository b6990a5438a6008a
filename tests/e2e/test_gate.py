"""The gate in Chromium: a trader's export is cleared automatically (green, nothing owed), the trader
downloads its PDF, and a gate officer scans the QR code of that printout on the gate page,
with the container numbers, and sees the goods released; scanning it again is refused."""
import time

import pytest
from playwright.sync_api import expect

from tests.declarations.test_pdf import qr_codes
from tests.e2e.support import log_in
from tests.payloads import export_body

pytestmark = pytest.mark.e2e

GATE_SCREENSHOT = "/tmp/e2e-gate.png"
REFUSAL_SCREENSHOT = "/tmp/e2e-gate-refused.png"
CLEARANCE_TIMEOUT = 60
NO_RANDOM_SELECTION = (
    "from risk.models import RiskSettings; "
    "RiskSettings.objects.update_or_create(pk=1, defaults={'random_yellow_rate': 0, 'random_red_rate': 0})"
)


def api_token(page, username: str) -> dict:
    response = page.request.post("/api/v1/auth/token/", data={"username": username, "password": "demo12345"})
    assert response.ok, response.text()
    return {"Authorization": f"Token {response.json()['token']}"}


def cleared_export(page) -> tuple[dict, bytes]:
    """A green export filed and submitted through the API as trader1, once cleared: (declaration, its PDF)."""
    headers = api_token(page, "trader1")
    # Men's cotton T-shirts: no specialised management, so no default rule sends them to an officer.
    body = export_body(items=[{"hs_code": "61091010", "description": "Áo phông nam bằng bông, sản xuất tại Việt Nam",
                               "origin_country": "VN", "quantity": "1000", "unit": "PCE", "unit_price": "2.50",
                               "preference": "MFN"}])
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


def test_gate_officer_releases_a_cleared_export_by_scanning_its_pdf(page, live_portal_manage):
    live_portal_manage("shell", "-c", NO_RANDOM_SELECTION)
    declaration, pdf = cleared_export(page)
    number = declaration["number"]
    [scanned] = qr_codes(pdf)
    assert scanned.startswith(f"VNCUSTOMS|{number}|")

    log_in(page, "gate1", lands_on="**/gate/")  # the gate's work is this page
    expect(page.locator("#nav-gate")).to_have_class("nav-link active")
    expect(page.locator("h1")).to_have_text("Gate release")
    expect(page.locator("#id_containers")).to_be_focused()
    page.fill("#id_containers", "CSQU3054383\nMSCU1234566")
    page.fill("#id_scanned", scanned)
    page.press("#id_scanned", "Enter")  # what a hand scanner does at the end of the code

    result = page.locator("#gate-result")
    expect(result).to_have_attribute("data-result", "released")
    expect(page.locator("#gate-result-number")).to_have_text(number)
    expect(page.locator("#gate-result-containers")).to_have_text("CSQU3054383, MSCU1234566")
    expect(page.locator(f'#gate-releases tr[data-number="{number}"]')).to_contain_text("CSQU3054383, MSCU1234566")
    page.screenshot(path=GATE_SCREENSHOT, full_page=True)

    headers = api_token(page, "trader1")
    after = page.request.get(f"/api/v1/declarations/{declaration['id']}/", headers=headers).json()
    assert after["status"] == "released"

    page.fill("#id_scanned", number)
    page.click("#gate-release-submit")
    expect(result).to_have_attribute("data-result", "refused")
    expect(result).to_have_attribute("data-code", "already_released")
    expect(page.locator("#gate-refusal-reason")).to_contain_text(f"Declaration {number} was already released at")
    page.screenshot(path=REFUSAL_SCREENSHOT, full_page=True)


def test_other_roles_cannot_open_the_gate_page(page):
    log_in(page, "trader1")
    expect(page.locator("#nav-gate")).to_have_count(0)

    response = page.goto("/gate/")

    assert response is not None and response.status == 403
