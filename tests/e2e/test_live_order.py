"""Live updates always converge to the stored state (static/js/live.js, declarations/live.py), whatever
order the messages come in: the socket is routed through Playwright, which holds the server's messages
and hands them to the page out of order, drops them while the page is "offline", or serves a page
whose payment panel was read after its header (the race that once showed "Đang kiểm tra hồ sơ" beside
"Chưa phân luồng")."""
import json
import re
import time

import pytest
from playwright.sync_api import expect

from bench.common import declaration_body
from tests.e2e.support import api, api_token, log_in

pytestmark = pytest.mark.e2e

SOCKET = re.compile(r"/ws/declarations/$")
NO_RANDOM_SELECTION = "from tests.factories import random_selection_off; random_selection_off()"
# Every (status, channel) the page's header badges show, recorded on each change of the DOM, from the first script on.
RECORD_PAIRS = """
window.__pairs = [];
new MutationObserver(() => {
  const status = document.getElementById("declaration-status"), channel = document.getElementById("declaration-channel");
  if (status && channel) {
    const pair = status.dataset.status + "/" + channel.dataset.channel + "/" + channel.textContent.trim();
    if (window.__pairs[window.__pairs.length - 1] !== pair) { window.__pairs.push(pair); }
  }
}).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
"""


@pytest.fixture(autouse=True)
def no_random_selection(live_portal_manage):
    live_portal_manage("shell", "-c", NO_RANDOM_SELECTION)


def draft_of_trader2(page, live_portal) -> tuple[str, int]:
    token = api_token(page, live_portal, "trader2")
    created = api(page, live_portal, token, "POST", "/api/v1/declarations/", declaration_body(2))
    assert created.status == 201, created.text()
    return token, created.json()["id"]


def about(declaration_id: int, messages: list[str]) -> list[dict]:
    states = [json.loads(message)["declaration"] for message in messages]
    return [state for state in states if state["id"] == declaration_id]


def is_about(message: str, declaration_id: int) -> bool:
    return json.loads(message).get("declaration", {}).get("id") == declaration_id


def wait_for(page, condition, what: str, timeout: float = 20) -> None:
    """Lets Playwright run the socket's handlers while waiting (they run inside its calls)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        page.wait_for_timeout(100)


def test_an_older_message_never_overwrites_a_newer_state(page, live_portal):
    """The assessment's message (yellow, under review) is handed over first, registration's last: the list
    keeps the newer state, its status and channel together."""
    token, declaration_id = draft_of_trader2(page, live_portal)
    held: list[str] = []
    sockets = []

    def route(socket):
        server = socket.connect_to_server()
        server.on_message(lambda message: held.append(message) if is_about(message, declaration_id) else socket.send(message))
        sockets.append(socket)

    page.route_web_socket(SOCKET, route)
    log_in(page, "trader2")
    page.goto("/declarations/")
    expect(page.locator("body")).to_have_attribute("data-live", "connected", timeout=10_000)
    assert api(page, live_portal, token, "POST", f"/api/v1/declarations/{declaration_id}/submit/").status == 202
    wait_for(page, lambda: len(about(declaration_id, held)) >= 2, "registration and assessment")

    newest_first = sorted(held, key=lambda message: json.loads(message)["declaration"]["seq"], reverse=True)
    assert [state["status"] for state in about(declaration_id, newest_first)] == ["under_review", "registered"]
    for message in newest_first:
        sockets[-1].send(message)
    status = page.locator(f'#declaration-table [data-declaration-id="{declaration_id}"][data-status]')
    channel = page.locator(f'#declaration-table [data-declaration-id="{declaration_id}"][data-channel]')
    expect(status).to_have_attribute("data-status", "under_review")
    page.wait_for_timeout(500)  # the older message has been handled by now
    expect(status).to_have_attribute("data-status", "under_review")
    expect(status).to_have_text("Under document review")
    expect(channel).to_have_attribute("data-channel", "yellow")
    expect(channel).to_have_text("Yellow")
    page.screenshot(path="/tmp/e2e-i13h-live-out-of-order.png", full_page=True)


def test_after_a_reconnect_the_page_reads_what_it_missed(page, live_portal):
    token, declaration_id = draft_of_trader2(page, live_portal)
    state = {"offline": False}
    dropped: list[str] = []
    connections = []

    def route(socket):
        server = socket.connect_to_server()
        server.on_message(lambda message: dropped.append(message) if state["offline"] else socket.send(message))
        connections.append((socket, server))

    page.route_web_socket(SOCKET, route)
    log_in(page, "trader2")  # lands on the list
    expect(page.locator("body")).to_have_attribute("data-live", "connected", timeout=10_000)
    expect(page.locator("body")).to_have_attribute("data-live-synced", "1")
    opened = len(connections)

    state["offline"] = True  # the messages of registration and assessment never reach the page
    assert api(page, live_portal, token, "POST", f"/api/v1/declarations/{declaration_id}/submit/").status == 202
    wait_for(page, lambda: len(about(declaration_id, dropped)) >= 2, "the dropped messages")
    status = page.locator(f'#declaration-table [data-declaration-id="{declaration_id}"][data-status]')
    expect(status).to_have_attribute("data-status", "draft")

    state["offline"] = False
    socket, server = connections[-1]
    socket.close(code=4000, reason="network changed")
    server.close()
    expect(page.locator("body")).to_have_attribute("data-live-synced", "2", timeout=15_000)
    expect(status).to_have_attribute("data-status", "under_review")
    expect(page.locator(f'#declaration-table [data-declaration-id="{declaration_id}"][data-channel]')).to_have_attribute(
        "data-channel", "yellow")
    assert len(connections) == opened + 1  # the page opened a new socket by itself


def test_a_panel_read_after_the_header_never_leaves_status_and_channel_apart(page, live_portal):
    """The page's header was drawn while the declaration was registered, its payment panel a moment later,
    once the channel was chosen: both badges take the newer state together, and the page converges."""
    token, declaration_id = draft_of_trader2(page, live_portal)
    assert api(page, live_portal, token, "POST", f"/api/v1/declarations/{declaration_id}/submit/").status == 202
    detail = f"{live_portal}/declarations/{declaration_id}/"
    log_in(page, "trader2")
    deadline = time.monotonic() + 20
    while 'data-channel="yellow"' not in (fresh := page.request.get(detail).text()):
        assert time.monotonic() < deadline, "not assessed in time"
        time.sleep(0.2)
    seq = int(re.search(r'id="declaration-detail" data-live-refresh="\d+" data-seq="(\d+)"', fresh).group(1))
    header_drawn_earlier = re.sub(
        r'<span id="declaration-status".*?</span>\s*<span id="declaration-channel".*?</span>',
        f'<span id="declaration-status" class="badge status-badge status-registered" data-status="registered" '
        f'data-declaration-id="{declaration_id}" data-seq="{seq - 1}">Registered</span>\n'
        f'<span id="declaration-channel" class="badge channel-badge channel-none" data-channel="" '
        f'data-declaration-id="{declaration_id}" data-seq="{seq - 1}" data-channel-format="long">No channel yet</span>',
        fresh, count=1, flags=re.S,
    ).replace(f'data-live-refresh="{declaration_id}" data-seq="{seq}"', f'data-live-refresh="{declaration_id}" data-seq="{seq - 1}"')
    assert 'data-status="registered"' in header_drawn_earlier and 'id="payment-panel"' in header_drawn_earlier

    served = []

    def serve(route, request):
        if request.headers.get("hx-request") or served:
            route.continue_()
        else:
            served.append(request.url)
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=header_drawn_earlier)

    page.add_init_script(RECORD_PAIRS)
    page.route(detail, serve)
    page.goto(detail)
    expect(page.locator("#declaration-status")).to_have_attribute("data-status", "under_review")
    expect(page.locator("#declaration-channel")).to_have_text("Yellow channel")
    page.wait_for_timeout(1000)  # the page fetched itself again; it settles on the stored state
    pairs = page.evaluate("window.__pairs")
    assert pairs[0] == "registered//No channel yet" and pairs[-1] == "under_review/yellow/Yellow channel", pairs
    assert [pair for pair in pairs if pair.split("/")[0] in ("under_review", "under_inspection") and not pair.split("/")[1]] == []
