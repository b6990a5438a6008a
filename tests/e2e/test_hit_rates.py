"""The rule list's hit-rate columns in Chromium: a risk admin types the period the Vietnamese way
(dd/mm/yyyy, in both languages) and reads, per rule, the checks concluded, those that found a
discrepancy and the share, with the numbers written the reader's way (50,0 % in Vietnamese).
An officer concludes two checks of the "New enterprise" rule first: one cleared, one rejected."""
import re
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.e2e.support import api, api_token, log_in
from tests.payloads import plain_import_body

pytestmark = pytest.mark.e2e

SHOTS = "/tmp/shots-D/{name}-{language}.png"
NO_RANDOM_SELECTION = ("from risk.models import RiskSettings; RiskSettings.objects.update_or_create(pk=1, "
                       "defaults={'random_yellow_rate': 0, 'random_red_rate': 0})")
RULE = "New enterprise"
RULE_VI = "Doanh nghiệp mới thành lập"


def yellow(page, live_portal, token) -> int:
    created = api(page, live_portal, token, "POST", "/api/v1/declarations/", plain_import_body())
    assert created.status == 201, created.text()
    pk = created.json()["id"]
    assert api(page, live_portal, token, "POST", f"/api/v1/declarations/{pk}/submit/").status == 202
    deadline = time.monotonic() + 60
    while (declaration := api(page, live_portal, token, "GET", f"/api/v1/declarations/{pk}/").json())["status"] == "registered":
        assert time.monotonic() < deadline, "not assessed"
        time.sleep(0.3)
    assert declaration["channel"] == "yellow", declaration
    return pk


def rule_row(page, name: str):
    return page.locator("#rule-table tbody tr").filter(has=page.get_by_role("link", name=name, exact=True))


def counts(row) -> tuple[int, int]:
    return int(row.locator("[data-checked]").inner_text()), int(row.locator("[data-found]").inner_text())


def period_typed(page, date_from: str, date_to: str) -> None:
    page.fill("#hit-from", date_from)
    page.fill("#hit-to", date_to)
    page.locator("#hit-to").press("Enter")
    page.wait_for_url("**to=**")


def test_hit_rates_over_a_period_typed_dd_mm_yyyy(page, live_portal, live_portal_manage):
    live_portal_manage("shell", "-c", NO_RANDOM_SELECTION)
    page.set_viewport_size({"width": 1400, "height": 1000})
    today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    date_from, date_to = (today - timedelta(days=7)).strftime("%d/%m/%Y"), today.strftime("%d/%m/%Y")
    log_in(page, "riskadmin")
    page.goto("/risk/rules/")
    period_typed(page, date_from, date_to)
    row = rule_row(page, RULE)
    checked, found = counts(row)

    trader, officer = api_token(page, live_portal, "trader2"), api_token(page, live_portal, "officer1")
    cleared, rejected = yellow(page, live_portal, trader), yellow(page, live_portal, trader)
    yellow(page, live_portal, trader)  # still open: not counted
    for pk, body in ((cleared, {"action": "release", "note": "Invoice and contract agree."}),
                     (rejected, {"action": "reject", "reason": "The certificate of origin is forged."})):
        decided = api(page, live_portal, officer, "POST", f"/api/v1/declarations/{pk}/decisions/", body)
        assert decided.status == 201, decided.text()

    page.goto("/risk/rules/")
    period_typed(page, date_from, date_to)
    expect(page.locator("#hit-from")).to_have_value(date_from)  # shown back as typed
    assert counts(row) == (checked + 2, found + 1)
    share = (found + 1) / (checked + 2) * 100
    expect(row.locator("[data-hit-rate]")).to_have_text(f"{share:.1f} %")
    expect(page.locator("#random-hit-rate")).to_contain_text(f"Random selection, assessments from {date_from} to {date_to}")
    page.screenshot(path=SHOTS.format(name="rule-list-hit-rates", language="en"), full_page=True)

    page.click("#lang-vi")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    row = rule_row(page, RULE_VI)
    expect(page.locator("#hit-from")).to_have_value(date_from)  # the period is kept across the switch
    expect(row.locator("[data-hit-rate]")).to_have_text(f"{share:.1f} %".replace(".", ","))
    expect(page.locator("#random-hit-rate")).to_contain_text(date_from)
    page.screenshot(path=SHOTS.format(name="rule-list-hit-rates", language="vi"), full_page=True)

    # A date that does not exist is said so, next to the period, and the default period is used meanwhile.
    period_typed(page, "31/02/" + str(today.year), date_to)
    expect(page.locator("#hit-from")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.locator("#hit-from")).to_have_value("31/02/" + str(today.year))
    page.screenshot(path=SHOTS.format(name="rule-list-hit-rates-error", language="vi"), full_page=False)
