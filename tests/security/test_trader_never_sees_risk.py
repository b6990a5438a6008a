"""A trader never learns how customs selects: no risk score, no rule, no watchlist, no
compliance rating, and nothing of another enterprise, anywhere it can look (domain.md, "Who
uses it"; api.md: "Traders never get `risk`").

The world (tests/security/conftest.py) has trader1's yellow declaration selected by two rules
(the watchlisted partner, 23 points; keyboards, 17), its green ones where the keyboards rule
fired too, and trader2's declaration. As trader1 we read every API answer, page, PDF and
live-update message about them, refusals and conflicts included, and look for:
- the rules' names and descriptions and the watchlist entry's reason (written for this test,
  so they can only come from the risk data);
- the words that label risk data, in English and Vietnamese ("score", "rule", "risk",
  "watchlist", "compliance", "threshold", "fired"; "rủi ro", "quy tắc", …) and, in JSON, the
  fields of the staff's explanation (`risk`, `risk_score`, `fired_rules`, …). A bare number
  cannot be told from an amount or an id, so the score is found through its label and field;
- trader2's enterprise name, tax code, address, declaration number, partner and invoice.
The first test shows that the officer's answers do carry these markers, so finding none in
the trader's means they were left out, not that the search is blind.
"""
import io
import re

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from pypdf import PdfReader

from declarations.consumers import DeclarationUpdatesConsumer
from declarations.live import STAFF_GROUP, enterprise_group
from risk.services.assessment import risk_assess
from tests.factories import registered
from tests.payloads import plain_import_body
from tests.security.support import (
    RULE_KEYBOARDS,
    RULE_WATCHLIST,
    WATCHLIST_REASON,
    WATCHLISTED_PARTNER,
    api_client_as,
    fill,
    page_client_as,
    sockets_run,
)

pytestmark = pytest.mark.django_db

RISK_WORDS = re.compile(
    r"\b(risks?|scores?|scoring|rules?|fired|thresholds?|watch-?list\w*|compliance|random[ _]selection)\b"
    r"|rủi ro|quy tắc|danh sách theo dõi|tuân thủ|ngưỡng",
    re.IGNORECASE,
)
RISK_FIELDS = {"risk", "risk_score", "score", "score_channel", "fired_rules", "rule", "rules", "rule_versions",
               "thresholds", "random_selection", "random_draw", "assessment", "compliance_level", "on_watchlist"}
# Refusals that name the role needed, not anything about the data: "risk" there is a job title.
ROLE_MESSAGES = ["Only risk administrators can do this.", "Only customs officers and risk administrators can do this."]

# What the trader reads through the API, refusals and conflicts included. (method, path, body, status)
API_READS = [
    ("GET", "/api/v1/declarations/", None, 200),
    ("GET", "/api/v1/declarations/?channel=yellow", None, 200),
    ("GET", "/api/v1/declarations/?number={other_number}", None, 200),
    ("GET", "/api/v1/declarations/{review}/", None, 200),
    ("GET", "/api/v1/declarations/{payable}/", None, 200),
    ("GET", "/api/v1/declarations/{paid}/", None, 200),
    ("GET", "/api/v1/declarations/{review}/versions/", None, 200),
    ("GET", "/api/v1/declarations/{review}/documents/", None, 200),
    ("GET", "/api/v1/declarations/{review}/document-requests/", None, 200),
    ("GET", "/api/v1/declarations/{payable}/payments/", None, 200),
    ("GET", "/api/v1/payments/{payment}/", None, 200),
    ("PATCH", "/api/v1/declarations/{review}/", {"packages": 3}, 409),
    ("POST", "/api/v1/declarations/{review}/submit/", None, 409),
    ("POST", "/api/v1/declarations/{review}/amend/", {"items": []}, 400),
    ("POST", "/api/v1/declarations/{review}/amend/", {"partner": {"country": "XX"}}, 400),
    # Cleared: within 60 days an amendment is a request for an officer (issue 18).
    ("POST", "/api/v1/declarations/{paid}/amend/preview/", {"packages": 3}, 200),
    ("POST", "/api/v1/declarations/{paid}/amend/", {"packages": 3}, 202),
    ("POST", "/api/v1/declarations/{paid}/cancel/", {"reason": "too late"}, 409),
    ("POST", "/api/v1/declarations/{paid}/payments/", None, 409),
    ("POST", "/api/v1/declarations/{review}/decisions/", {"action": "release"}, 403),
    ("GET", "/api/v1/review-queue/", None, 403),
    ("GET", "/api/v1/risk/rules/", None, 403),
    ("GET", "/api/v1/risk/rules/{rule}/", None, 403),
    ("GET", "/api/v1/risk/watchlist/partners/", None, 403),
    ("GET", "/api/v1/enterprises/{tax_code}/compliance/", None, 403),
    ("GET", "/api/v1/risk/enterprises/{tax_code}/compliance/", None, 403),
    ("POST", "/api/v1/gate/release/", {"declaration_number": "{other_number}"}, 403),
    ("GET", "/api/v1/declarations/{other}/", None, 404),
    ("GET", "/api/v1/declarations/{other}/versions/", None, 404),
    ("POST", "/api/v1/declarations/{other}/cancel/", {"reason": "mine?"}, 404),
]

# The trader's pages, in both languages. (path, status)
PAGES = [
    ("/declarations/", 200),
    ("/declarations/?channel=yellow", 200),
    ("/declarations/{review}/", 200),
    ("/declarations/{payable}/", 200),
    ("/declarations/{paid}/", 200),
    ("/declarations/{review}/documents/", 200),
    ("/declarations/{review}/amend/", 200),
    ("/declarations/{paid}/amend/", 200),  # an amendment after clearance (issue 18)
    ("/payments/declarations/{review}/panel/", 200),
    ("/payments/declarations/{paid}/panel/", 200),
    ("/declarations/{review}/review/", 403),
    ("/declarations/review/", 403),
    ("/risk/rules/", 403),
    ("/risk/watchlist/", 403),
    ("/risk/enterprises/", 403),
    ("/risk/enterprises/{tax_code}/", 403),
    ("/declarations/{other}/", 404),
    ("/declarations/{other}/pdf/", 404),
    ("/payments/declarations/{other}/panel/", 404),
]

# Refused actions in the browser redirect to the declaration with a message. (method, path, body)
REDIRECTED = [
    ("GET", "/declarations/{review}/edit/", None),
    ("POST", "/declarations/{review}/submit/", None),
    ("POST", "/declarations/{paid}/cancel/", {"reason": "too late"}),
    ("POST", "/payments/declarations/{paid}/pay/", None),
]

PDFS = [
    "/api/v1/declarations/{review}/pdf/",
    "/declarations/{review}/pdf/",
    "/declarations/{paid}/pdf/",
    "/api/v1/payments/{payment}/receipt/",
    "/payments/{payment}/receipt/",
]


def risk_markers() -> list[str]:
    return [RULE_WATCHLIST["name"], RULE_WATCHLIST["description"], RULE_KEYBOARDS["name"], RULE_KEYBOARDS["description"],
            WATCHLIST_REASON, "ZETA-7", "KAPPA-3"]


def leaks(world, text: str) -> list[str]:
    """Everything in `text` a trader must not read: risk markers and words, trader2's data."""
    for message in ROLE_MESSAGES:
        text = text.replace(message, "")
    found = [marker for marker in risk_markers() + world.trader2_strings() if marker in text]
    found += sorted({match.group(0) for match in RISK_WORDS.finditer(text)})
    return found


def keys_of(data) -> set[str]:
    if isinstance(data, dict):
        return set(data) | {key for value in data.values() for key in keys_of(value)}
    if isinstance(data, list):
        return {key for value in data for key in keys_of(value)}
    return set()


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def names(world):
    return world.placeholders()


@pytest.fixture
def trader_api(world):
    return api_client_as(world, "trader")


def test_premise_the_officer_sees_what_the_trader_must_not(world):
    """The markers are really there: the officer's answer and review page carry the score, the rules and the watchlist."""
    officer = api_client_as(world, "officer")
    risk = officer.get(f"/api/v1/declarations/{world.review.pk}/").json()["risk"]
    assert (risk["score"], risk["channel"]) == (40, "yellow")
    assert {rule["name"] for rule in risk["fired_rules"]} == {RULE_WATCHLIST["name"], RULE_KEYBOARDS["name"]}
    page = page_client_as(world, "officer").get(f"/declarations/{world.review.pk}/review/").content.decode()
    assert RULE_WATCHLIST["name"] in page and RULE_KEYBOARDS["name"] in page
    assert RISK_WORDS.search(page)
    assert world.other.enterprise.tax_code in officer.get("/api/v1/declarations/").content.decode()


@pytest.mark.parametrize("method, path, body, status", API_READS, ids=[f"{m} {p}" for m, p, _, _ in API_READS])
def test_api_answers(world, names, trader_api, method, path, body, status):
    response = getattr(trader_api, method.lower())(fill(path, names), data=fill(body, names), format="json")

    assert response.status_code == status, response.content
    assert not RISK_FIELDS & keys_of(response.json())
    assert leaks(world, response.content.decode()) == []


@pytest.mark.parametrize("language", ["en", "vi"])
@pytest.mark.parametrize("path, status", PAGES, ids=[path for path, _ in PAGES])
def test_pages(world, names, path, status, language):
    response = page_client_as(world, "trader", language=language).get(fill(path, names))

    assert response.status_code == status
    assert leaks(world, response.content.decode()) == []


@pytest.mark.parametrize("method, path, body", REDIRECTED, ids=[f"{m} {p}" for m, p, _ in REDIRECTED])
def test_refusals_in_the_browser(world, names, method, path, body):
    """A refused action lands on the declaration page with a message saying why: why, and no more."""
    client = page_client_as(world, "trader")
    response = getattr(client, method.lower())(fill(path, names), data=fill(body, names) or {}, follow=True)

    assert response.redirect_chain and response.status_code == 200
    assert list(response.context["messages"]), "the page should say why the action was refused"
    assert leaks(world, response.content.decode()) == []


@pytest.mark.parametrize("path", PDFS)
def test_pdfs(world, names, path):
    client = api_client_as(world, "trader") if path.startswith("/api/") else page_client_as(world, "trader")
    response = client.get(fill(path, names))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert world.review.enterprise.tax_code in text  # the text was extracted
    assert leaks(world, text) == []


def test_amendment_and_reassessment(world, trader_api):
    """Amending a declaration under review is a request; the officer accepts it and the rules run again on the
    new version. Neither the answers, the kept version, nor the new assessment's outcome as the trader reads
    it carries the explanation."""
    url = f"/api/v1/declarations/{world.review.pk}/"
    amended = trader_api.post(f"{url}amend/", {"packages": 14, "reason": "Two pallets were missed."}, format="json")
    assert amended.status_code == 202
    assert amended.json()["amendment_request"]["status"] == "pending"
    decided = api_client_as(world, "officer").post(f"{url}decisions/", {"action": "accept_amendment"}, format="json")
    assert decided.status_code == 201, decided.json()

    answers = [amended, trader_api.get(url), trader_api.get(f"{url}versions/")]
    page = page_client_as(world, "trader").get(f"/declarations/{world.review.pk}/")

    assert answers[1].json()["status"] == "under_review" and answers[1].json()["version"] == 2
    assert answers[1].json()["amendment_request"]["status"] == "accepted"
    assert len(answers[2].json()) == 1
    for answer in answers:
        assert not RISK_FIELDS & keys_of(answer.json())
        assert leaks(world, answer.content.decode()) == []
    assert leaks(world, page.content.decode()) == []


def test_cancellation_answer(world, trader_api):
    response = trader_api.post(f"/api/v1/declarations/{world.review.pk}/cancel/", {"reason": "Filed twice."}, format="json")

    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert not RISK_FIELDS & keys_of(response.json())
    assert leaks(world, response.content.decode()) == []


# --- Live updates -----------------------------------------------------------------------------


def selected_declaration(world):
    """A new declaration of trader1, registered (not yet assessed); its partner is on the watchlist."""
    return registered(world.users["trader"], plain_import_body(
        partner={"name": WATCHLISTED_PARTNER, "address": "12 Futian Road, Shenzhen", "country": "CN"}))


def expected_message(declaration) -> dict:
    declaration.refresh_from_db()
    assert (declaration.status, declaration.channel) == ("under_review", "yellow")
    return {"type": "declaration.changed", "declaration": {
        "id": declaration.pk, "number": declaration.number, "status": "under_review", "channel": "yellow",
        "version": declaration.version, "seq": declaration.live_seq}}


def test_the_message_published_to_the_enterprise_carries_no_risk(world, django_capture_on_commit_callbacks):
    """The message `declaration_change_publish` builds when the engine selects a declaration: id, number,
    status, channel, version, seq — to the enterprise's group exactly as to the staff's."""
    declaration = selected_declaration(world)

    def assess():
        with django_capture_on_commit_callbacks(execute=True):
            risk_assess(declaration_id=declaration.pk)

    async def listen():
        layer = get_channel_layer()
        enterprise_channel, staff_channel = await layer.new_channel(), await layer.new_channel()
        await layer.group_add(enterprise_group(declaration.enterprise_id), enterprise_channel)
        await layer.group_add(STAFF_GROUP, staff_channel)
        await sync_to_async(assess)()
        return await layer.receive(enterprise_channel), await layer.receive(staff_channel)

    to_enterprise, to_staff = sockets_run(listen)

    assert to_enterprise == to_staff == expected_message(declaration)
    assert leaks(world, repr(to_enterprise)) == []


def test_a_traders_socket_hears_its_own_declarations_only_and_no_risk(world, django_capture_on_commit_callbacks):
    """Through the WebSocket consumer: trader1's socket gets the change without risk details,
    trader2's socket gets nothing, an officer's gets the same message."""
    declaration = selected_declaration(world)

    def assess():
        with django_capture_on_commit_callbacks(execute=True):
            risk_assess(declaration_id=declaration.pk)

    async def scenario():
        sockets = {}
        for role in ("trader", "other_trader", "officer"):
            socket = WebsocketCommunicator(DeclarationUpdatesConsumer.as_asgi(), "/ws/declarations/")
            socket.scope["user"] = world.users[role]
            connected, _ = await socket.connect()
            assert connected, role
            sockets[role] = socket
        await sync_to_async(assess)()
        heard = {"trader": await sockets["trader"].receive_json_from(timeout=3),
                 "officer": await sockets["officer"].receive_json_from(timeout=3),
                 "other_trader_heard_nothing": await sockets["other_trader"].receive_nothing(timeout=0.5)}
        for socket in sockets.values():
            await socket.disconnect()
        return heard

    heard = sockets_run(scenario)

    assert heard["trader"] == heard["officer"] == expected_message(declaration)
    assert heard["other_trader_heard_nothing"]
    assert leaks(world, repr(heard["trader"])) == []
