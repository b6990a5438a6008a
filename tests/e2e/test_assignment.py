"""Assignment of checks and officers' absence in Chromium, as the people of one office use them:
yellow declarations of a new enterprise go to the officers of office 03CE by open work; each officer
finds theirs under "Mine" and the office's pool under "Unassigned"; the supervisor reassigns one on
the review page and the new officer finds it in their queue; the supervisor marks an officer absent
on the "Officers" page and their work goes to the other officer, then, with nobody left, to the pool,
where it stays visible; an officer marks themself back from the queue and takes the pool's work.
Screenshots of each page in English and Vietnamese: /tmp/shots-D/."""
import time

import pytest
from playwright.sync_api import expect

from tests.e2e.support import api, api_token, log_in
from tests.payloads import plain_import_body

pytestmark = pytest.mark.e2e

SHOTS = "/tmp/shots-D/{name}-{language}.png"
# office 03CE (that of tests.payloads' declarations) gets two officers of its own; officer1 (every
# office, by name too in the demo) becomes their supervisor and serves 03CE only through "all offices",
# so automatic assignment gives 03CE's work to Lan and Minh alone. No random selection: a new
# enterprise's plain goods are yellow by its score.
OFFICE_SETUP = """
from customs_portal.accounts.models import Role, User
from reference.models import CustomsOffice
from risk.models import RiskSettings
RiskSettings.objects.update_or_create(pk=1, defaults={"random_yellow_rate": 0, "random_red_rate": 0})
office = CustomsOffice.objects.get(pk="03CE")
chief = User.objects.get(username="officer1")
chief.is_supervisor, chief.first_name, chief.last_name = True, "Hà", "Nguyễn"
chief.save()
chief.offices.remove(office)
for username, first, last in (("lan", "Lan", "Trần"), ("minh", "Minh", "Lê")):
    user, _ = User.objects.get_or_create(username=username, defaults={"role": Role.OFFICER})
    user.first_name, user.last_name, user.available, user.role = first, last, True, Role.OFFICER
    user.set_password("demo12345")
    user.save()
    user.offices.set([office])
"""
# Open work of earlier tests of the session goes out of the way: the counts below are this test's.
CLOSE_OPEN_WORK = """
from declarations.models import Declaration
Declaration.objects.filter(status__in=["under_review", "under_inspection"]).update(status="cleared", assigned_to=None)
"""


@pytest.fixture
def office(live_portal_manage):
    live_portal_manage("shell", "-c", OFFICE_SETUP)
    live_portal_manage("shell", "-c", CLOSE_OPEN_WORK)


def queued(page, live_portal, count: int) -> list[dict]:
    """`count` yellow declarations of trader2 (a new enterprise), once the worker has assessed and assigned them."""
    token = api_token(page, live_portal, "trader2")
    ids = []
    for _ in range(count):  # one after the other: each is assigned seeing the previous one
        created = api(page, live_portal, token, "POST", "/api/v1/declarations/", plain_import_body())
        assert created.status == 201, created.text()
        ids.append(created.json()["id"])
        assert api(page, live_portal, token, "POST", f"/api/v1/declarations/{ids[-1]}/submit/").status == 202
        deadline = time.monotonic() + 60
        while api(page, live_portal, token, "GET", f"/api/v1/declarations/{ids[-1]}/").json()["status"] == "registered":
            assert time.monotonic() < deadline, "not assessed"
            time.sleep(0.3)
    declarations = [api(page, live_portal, token, "GET", f"/api/v1/declarations/{pk}/").json() for pk in ids]
    assert {d["channel"] for d in declarations} == {"yellow"}, declarations
    return declarations


def signed_in(browser, live_portal, username: str, language: str = "en"):
    context = browser.new_context(locale="en-US", base_url=live_portal, viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    log_in(page, username)
    if language == "vi":
        switch_to(page, "vi")
    return context, page


def switch_to(page, language: str) -> None:
    page.click(f"#lang-{language}")
    expect(page.locator("html")).to_have_attribute("lang", language)


def queue_numbers(page, assigned: str) -> list[str]:
    """The numbers the queue lists with the "Assigned" filter chosen as a user does."""
    page.goto("/declarations/review/")
    page.select_option("#filter-assigned", assigned)
    page.click("#apply-filters")
    page.wait_for_url(f"**assigned={assigned}**")
    return page.locator("#queue-table [data-review-link]").all_inner_texts() if page.locator("#queue-table").count() else []


def test_my_queue_unassigned_and_the_supervisor_reassigns(page, browser, live_portal, office):
    first, second = queued(page, live_portal, 2)
    lan_context, lan = signed_in(browser, live_portal, "lan")
    minh_context, minh = signed_in(browser, live_portal, "minh")
    chief_context, chief = signed_in(browser, live_portal, "officer1")
    try:
        assert queue_numbers(lan, "me") == [first["number"]]  # the least open work, ties by id: Lan, then Minh
        expect(lan.locator(f'tr[data-declaration-id="{first["id"]}"] .assigned-cell')).to_have_text("You")
        lan.screenshot(path=SHOTS.format(name="queue-mine", language="en"), full_page=True)
        assert queue_numbers(minh, "me") == [second["number"]]
        assert queue_numbers(lan, "none") == []
        expect(lan.locator("#queue-empty")).to_contain_text("No declaration in the queue matches these filters.")

        # The supervisor gives Lan's declaration to Minh on its review page.
        chief.goto(f"/declarations/{first['id']}/review/")
        expect(chief.locator("#assigned-officer")).to_have_text("Lan Trần")
        chief.select_option("#assign-officer", label="Minh Lê")
        chief.fill("#assign-reason", "Lan is in training today")
        chief.screenshot(path=SHOTS.format(name="review-assignment", language="en"), full_page=False)
        chief.click("#assignment-form button[type=submit]")
        expect(chief.locator(".alert-success")).to_contain_text("Assignment saved.")
        expect(chief.locator("#assigned-officer")).to_have_text("Minh Lê")
        assert sorted(queue_numbers(minh, "me")) == sorted([first["number"], second["number"]])
        minh.screenshot(path=SHOTS.format(name="queue-mine-after-reassign", language="en"), full_page=True)
        assert queue_numbers(lan, "me") == []

        # Back to the pool: every officer of the office sees it under "Unassigned".
        chief.select_option("#assign-officer", "none")
        chief.click("#assignment-form button[type=submit]")
        expect(chief.locator("#assigned-officer")).to_contain_text("Unassigned: waiting in the office's pool")
        assert queue_numbers(lan, "none") == [first["number"]]
        expect(lan.locator(f'tr[data-declaration-id="{first["id"]}"] .assigned-cell')).to_have_text("Unassigned")

        switch_to(lan, "vi")
        assert queue_numbers(lan, "none") == [first["number"]]
        expect(lan.locator("h1")).to_have_text("Tờ khai chờ xử lý")
        lan.screenshot(path=SHOTS.format(name="queue-unassigned", language="vi"), full_page=True)
        switch_to(chief, "vi")
        chief.screenshot(path=SHOTS.format(name="review-assignment", language="vi"), full_page=False)
    finally:
        for context in (lan_context, minh_context, chief_context):
            context.close()


def test_the_supervisor_marks_officers_absent_and_nothing_waits_on_them(page, browser, live_portal, office):
    declarations = queued(page, live_portal, 3)  # Lan, Minh, Lan
    numbers = [d["number"] for d in declarations]
    chief_context, chief = signed_in(browser, live_portal, "officer1")
    lan_context, lan = signed_in(browser, live_portal, "lan")
    try:
        chief.click("#nav-officers")
        expect(chief.locator("h1")).to_have_text("Officers")
        lan_row, minh_row = chief.locator('tr[data-officer="lan"]'), chief.locator('tr[data-officer="minh"]')
        expect(lan_row.locator("[data-open-work]")).to_have_text("2")
        expect(minh_row.locator("[data-open-work]")).to_have_text("1")
        expect(lan_row.locator("[data-availability]")).to_have_text("Available")
        chief.screenshot(path=SHOTS.format(name="officers", language="en"), full_page=True)

        lan_row.locator("input[name=reason]").fill("Annual leave")
        lan_row.locator("[data-mark-absent]").click()
        expect(chief.locator(".alert-success")).to_contain_text("Lan Trần is marked absent: they get no new work.")
        expect(chief.locator(".alert-success")).to_contain_text("Open declarations given to other officers or back to the pool: 2.")
        expect(lan_row.locator("[data-availability]")).to_have_text("Absent: no new work")
        expect(lan_row.locator("[data-open-work]")).to_have_text("0")
        expect(minh_row.locator("[data-open-work]")).to_have_text("3")  # now, not at the next beat run
        chief.screenshot(path=SHOTS.format(name="officers-lan-absent", language="en"), full_page=True)
        assert queue_numbers(lan, "me") == []

        # Minh too: nobody is left in the office, the work waits in its pool, visible to all of it.
        minh_row.locator("[data-mark-absent]").click()
        expect(minh_row.locator("[data-availability]")).to_have_text("Absent: no new work")
        expect(chief.locator("#pool-count")).to_have_text("3")
        switch_to(chief, "vi")
        expect(chief.locator("h1")).to_have_text("Cán bộ")
        expect(chief.locator('tr[data-officer="minh"] [data-availability]')).to_have_text("Vắng mặt: không nhận việc mới")
        chief.screenshot(path=SHOTS.format(name="officers-both-absent", language="vi"), full_page=True)
        chief.click("#pool-link")
        expect(chief.locator("#filter-assigned")).to_have_value("none")
        assert sorted(chief.locator("#queue-table [data-review-link]").all_inner_texts()) == sorted(numbers)

        # Lan is back: from her queue, and the pool's work comes to her.
        lan.goto("/declarations/review/")
        expect(lan.locator("#my-availability")).to_have_attribute("data-available", "false")
        lan.screenshot(path=SHOTS.format(name="queue-absent", language="en"), full_page=False)
        lan.click("#toggle-my-availability")
        expect(lan.locator(".alert-success")).to_contain_text("You are available again: new work comes to you.")
        expect(lan.locator(".alert-success")).to_contain_text("Declarations taken from the pool: 3.")
        assert sorted(queue_numbers(lan, "me")) == sorted(numbers)
        switch_to(lan, "vi")
        lan.goto("/declarations/review/?assigned=me")
        expect(lan.locator("#my-availability")).to_contain_text("Sẵn sàng")
        lan.screenshot(path=SHOTS.format(name="queue-back", language="vi"), full_page=True)

        # She marks herself absent again from the queue (after confirming): her work goes back to the pool.
        lan.once("dialog", lambda dialog: dialog.accept())
        lan.click("#toggle-my-availability")
        expect(lan.locator("#my-availability")).to_have_attribute("data-available", "false")
        chief.goto("/declarations/review/officers/")
        expect(chief.locator("#pool-count")).to_have_text("3")
        switch_to(chief, "en")
        chief.screenshot(path=SHOTS.format(name="officers-pool", language="en"), full_page=True)
    finally:
        chief_context.close()
        lan_context.close()
