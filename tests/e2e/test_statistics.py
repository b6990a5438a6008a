"""The statistics page in Chromium: a supervisor reads release times, channel mix, hit rates, revenue and
workload as charts (ECharts, vendored, drawn under the portal's Content Security Policy: the `page`
fixture fails on any violation or script error) with their tables, in English and Vietnamese, and
downloads a section as an Excel workbook; a trader reads its own view.

trader1 lodges two declarations first and trader2 one, which its rules send to an officer (at 03CE,
tests/payloads.py); the rollups are refreshed by hand
(the portal under test runs no beat)."""
import time
from io import BytesIO

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.e2e.support import api, api_token, log_in
from tests.payloads import plain_import_body

pytestmark = pytest.mark.e2e

SHOTS = "/tmp/shots-statistics/{name}-{language}.png"
SUPERVISOR = "stat_supervisor_03ce"
SUPERVISOR_CREATE = (
    "from customs_portal.accounts.models import Role, User; from reference.models import CustomsOffice; "
    f"user, _ = User.objects.get_or_create(username='{SUPERVISOR}', defaults={{'role': Role.OFFICER}}); "
    "user.is_supervisor = True; user.set_password('demo12345'); user.save(); "
    "user.offices.set([CustomsOffice.objects.get(code='03CE')])"
)
CHARTS_OF_STAFF = ("release", "trend", "mix", "hits", "revenue", "workload")


def lodged(page, live_portal, token) -> None:
    """A declaration registered and assessed (whatever its channel)."""
    created = api(page, live_portal, token, "POST", "/api/v1/declarations/", plain_import_body())
    assert created.status == 201, created.text()
    pk = created.json()["id"]
    assert api(page, live_portal, token, "POST", f"/api/v1/declarations/{pk}/submit/").status == 202
    deadline = time.monotonic() + 60
    while api(page, live_portal, token, "GET", f"/api/v1/declarations/{pk}/").json()["status"] == "registered":
        assert time.monotonic() < deadline, "not assessed"
        time.sleep(0.3)


@pytest.fixture(scope="module")
def figures(live_portal, live_portal_manage, browser):
    context = browser.new_context(base_url=live_portal)
    try:
        page = context.new_page()
        token = api_token(page, live_portal, "trader1")
        lodged(page, live_portal, token)
        lodged(page, live_portal, token)
        lodged(page, live_portal, api_token(page, live_portal, "trader2"))  # a new enterprise's: yellow, open work
    finally:
        context.close()
    live_portal_manage("shell", "-c", SUPERVISOR_CREATE)
    live_portal_manage("statistics_refresh")


def charts_drawn(page, section: str) -> None:
    chart = page.locator(f"#section-{section} [data-chart]").first
    expect(chart).to_have_attribute("data-drawn", "true")
    expect(chart.locator("canvas")).to_have_count(1)


def test_a_supervisor_reads_the_dashboard_and_downloads_a_section(page, figures):
    page.set_viewport_size({"width": 1440, "height": 1000})
    log_in(page, SUPERVISOR)
    page.click("#nav-statistics")
    page.wait_for_url("**/statistics/")

    expect(page.locator("h1")).to_have_text("Statistics")
    expect(page.locator("#statistics-as-of")).to_contain_text("Figures as of")
    for section in CHARTS_OF_STAFF:
        charts_drawn(page, section)
    mix_total = page.locator("#table-mix tfoot tr[data-total] [data-channel=total]")
    assert int(mix_total.inner_text()) >= 2
    expect(page.locator("#table-release tbody tr").first).to_be_visible()
    expect(page.locator("#table-hits tfoot")).to_contain_text("All checks")
    expect(page.locator("#table-workload-offices")).to_be_visible()
    page.screenshot(path=SHOTS.format(name="dashboard-supervisor", language="en"), full_page=True)

    with page.expect_download() as download:
        page.click("#section-mix a[data-export=xlsx]")
    workbook = load_workbook(BytesIO(open(download.value.path(), "rb").read()))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Code", "Compliance class", "Green")
    assert rows[-1][1] == "Total"
    assert rows[-1][6] == int(mix_total.inner_text())

    page.click("#lang-vi")
    expect(page.locator("h1")).to_have_text("Thống kê")
    expect(page.locator("#statistics-as-of")).to_contain_text("Số liệu tính đến")
    expect(page.locator("#statistics-as-of")).to_contain_text("(cập nhật mỗi phút)")
    for section in CHARTS_OF_STAFF:
        charts_drawn(page, section)
    page.screenshot(path=SHOTS.format(name="dashboard-supervisor", language="vi"), full_page=True)


def test_a_trader_reads_its_own_view(page, figures):
    page.set_viewport_size({"width": 1440, "height": 1000})
    log_in(page, "trader1")
    page.click("#nav-statistics")
    page.wait_for_url("**/statistics/")

    expect(page.locator("h1")).to_have_text("Statistics of your enterprise")
    for section in ("release", "mix", "revenue"):
        charts_drawn(page, section)
    expect(page.locator("#section-hits")).to_have_count(0)
    expect(page.locator("#section-workload")).to_have_count(0)
    expect(page.locator("#table-mix tfoot tr[data-total] th")).to_have_text("Your enterprise")
    # beside it the offices' figures, or why not (fewer than five enterprises there: not in a fresh database)
    expect(page.locator("#section-mix [data-no-comparison], #table-mix tr[data-comparison]")).to_have_count(1)
    page.screenshot(path=SHOTS.format(name="dashboard-trader", language="en"), full_page=True)
