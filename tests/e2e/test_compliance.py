"""Computed compliance in Chromium (issue 15): a risk admin opens an enterprise from the list, computes
its level, overrides it with a reason and a last day, sees the history, and lifts the override."""
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.support import log_in

pytestmark = pytest.mark.e2e
TRADER2_TAX_CODE = "0318765402"


def test_risk_admin_computes_overrides_and_lifts_a_level(page):
    log_in(page, "riskadmin")
    page.goto("/risk/enterprises/?q=" + TRADER2_TAX_CODE)
    page.locator(f"#enterprise-{TRADER2_TAX_CODE} a").first.click()
    expect(page.locator("#compliance-now")).to_be_visible()

    page.click("#compute-now")
    expect(page.locator("#compliance-level")).to_have_text("New")
    expect(page.locator("#compliance-source")).to_have_text("computed from the enterprise's record")
    expect(page.locator("#compliance-computed")).to_contain_text("under 365 days of activity")

    page.select_option("#id_level", "low")
    page.fill("#id_valid_until", (timezone.localdate() + timedelta(days=14)).strftime("%d/%m/%Y"))
    page.fill("#id_reason", "Seizure report 44/2026")
    page.click("#override-save")
    expect(page.locator("#compliance-level")).to_have_text("Low")
    expect(page.locator("#compliance-override")).to_contain_text("Seizure report 44/2026")
    expect(page.locator("#compliance-history .history-entry").first).to_contain_text("Override")

    page.click("#lift-override")
    expect(page.locator("#compliance-level")).to_have_text("New")
    expect(page.locator("#compliance-override")).to_have_count(0)
    expect(page.locator("#compliance-history .history-entry")).to_have_count(3)
