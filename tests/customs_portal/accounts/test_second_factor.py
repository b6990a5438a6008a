"""TOTP second factor for customs staff, required by a setting that is on in production: the pages, the API
(by session and by token) and the live-update WebSocket all wait for it."""
import pytest
from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from customs_portal.accounts.models import ApiToken
from customs_portal.audit.models import AuditEvent
from customs_portal.routing import websocket_urlpatterns
from declarations.models import Declaration
from risk.services.assessment import risk_assess
from risk.services.defaults import risk_defaults_seed
from tests.factories import random_selection_off, registered
from tests.payloads import plain_import_body
from tests.security.support import sockets_run

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def required(settings):
    settings.STAFF_SECOND_FACTOR_REQUIRED = True


def code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_officer_registers_an_authenticator_then_gets_in(client, officer, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp slows down retries after a wrong code; not under test here
    client.force_login(officer)
    response = client.get("/declarations/")
    assert response.status_code == 302 and response.url.startswith("/accounts/second-factor/")
    setup = client.get(response.url)
    assert setup.status_code == 200 and b'id="totp-qr"' in setup.content
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    wrong = client.post("/accounts/second-factor/", {"token": "000000" if code(device) != "000000" else "111111", "next": "/declarations/"})
    assert wrong.status_code == 400 and b"not valid" in wrong.content
    assert client.get("/declarations/").status_code == 302
    ok = client.post("/accounts/second-factor/", {"token": code(device), "next": "/declarations/"})
    assert ok.status_code == 302 and ok.url == "/declarations/"
    assert client.get("/declarations/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_confirmed_device_asks_only_for_the_code(client, officer):
    device = TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)
    client.force_login(officer)
    page = client.get("/accounts/second-factor/")
    assert b'id="totp-qr"' not in page.content
    assert client.post("/accounts/second-factor/", {"token": code(device)}).status_code == 302
    assert client.get("/declarations/").status_code == 200


def test_external_next_is_ignored(client, officer):
    device = TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)
    client.force_login(officer)
    response = client.post("/accounts/second-factor/", {"token": code(device), "next": "https://evil.example/"})
    assert response.url == "/"


def test_traders_are_not_asked(client, trader1):
    client.force_login(trader1)
    assert client.get("/declarations/").status_code == 200


def test_staff_api_token_needs_the_code(api_client_for, officer):
    officer.set_password("officer-pass-1")
    officer.save()
    device = TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)
    client = api_client_for(None)
    without = client.post("/api/v1/auth/token/", {"username": "officer1", "password": "officer-pass-1"}, format="json")
    assert without.status_code == 400 and "otp" in without.json()
    with_code = client.post("/api/v1/auth/token/", {"username": "officer1", "password": "officer-pass-1", "otp": code(device)},
                            format="json")
    assert with_code.status_code == 200


def test_not_required_when_the_setting_is_off(client, officer, settings):
    settings.STAFF_SECOND_FACTOR_REQUIRED = False
    client.force_login(officer)
    assert client.get("/declarations/").status_code == 200


# --- Every way in: the API by session and by token, the WebSocket (issue 12, finding 1) ----------


@pytest.fixture
def yellow(trader2):
    """A new enterprise's declaration, assessed yellow by the default rules: in the review queue, with `risk`."""
    risk_defaults_seed()
    random_selection_off()
    declaration = registered(trader2, plain_import_body())
    risk_assess(declaration_id=declaration.pk)
    declaration.refresh_from_db()
    assert (declaration.status, declaration.channel) == ("under_review", "yellow")
    return declaration


def password_only(user) -> Client:
    """A browser that logged in with the password only, and carries its CSRF token as the portal's scripts do."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/", follow=True)  # the page a browser lands on (staff: the second factor); it sets the CSRF cookie
    client.defaults["HTTP_X_CSRFTOKEN"] = client.cookies[settings.CSRF_COOKIE_NAME].value
    return client


def refused(response) -> bool:
    return response.status_code == 403 and response.json()["code"] == "second_factor_required"


def test_the_api_refuses_a_staff_session_without_the_second_factor(officer, yellow):
    """The attack: the pages send the officer to the second factor, but the same cookie used to read the review
    queue and the risk explanation and to decide (200, 200, 201). Now 403 each, and no decision is taken."""
    client = password_only(officer)
    assert client.get("/declarations/review/")["Location"].startswith("/accounts/second-factor/")

    queue = client.get("/api/v1/review-queue/")
    detail = client.get(f"/api/v1/declarations/{yellow.pk}/")
    decision = client.post(f"/api/v1/declarations/{yellow.pk}/decisions/",
                           {"action": "release", "note": "Looks fine."}, content_type="application/json")

    assert refused(queue) and refused(detail) and refused(decision)
    assert "risk" not in detail.json() and yellow.number not in detail.content.decode()
    yellow.refresh_from_db()
    assert (yellow.status, yellow.version) == ("under_review", 1)
    assert not AuditEvent.objects.filter(declaration=yellow, actor=officer).exists()


def test_the_same_session_works_once_the_code_is_given(officer, yellow):
    device = TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)
    client = password_only(officer)
    client.post("/accounts/second-factor/", {"token": code(device)})

    assert client.get("/api/v1/review-queue/").status_code == 200
    assert client.get(f"/api/v1/declarations/{yellow.pk}/").json()["risk"]["channel"] == "yellow"
    decision = client.post(f"/api/v1/declarations/{yellow.pk}/decisions/",
                           {"action": "release", "note": "Looks fine."}, content_type="application/json")
    assert decision.status_code == 201, decision.content


@pytest.mark.parametrize("who", ["risk_admin", "superuser"])
def test_risk_admins_and_superusers_owe_it_too(who, risk_admin, django_user_model):
    user = risk_admin if who == "risk_admin" else django_user_model.objects.create_superuser("root", password="x-9-y-8")
    client = password_only(user)
    assert refused(client.get("/api/v1/risk/rules/"))
    assert refused(client.put("/api/v1/risk/settings/", {"yellow_threshold": 1, "red_threshold": 2},
                              content_type="application/json"))
    assert client.get("/admin/")["Location"].startswith("/accounts/second-factor/")


def test_traders_sessions_are_not_asked(trader2, yellow):
    assert password_only(trader2).get(f"/api/v1/declarations/{yellow.pk}/").status_code == 200


def test_a_staff_token_issued_without_the_code_is_refused(officer, yellow, api_client_for, settings):
    """Tokens issued before the setting was turned on carry no second factor: refused while it is on."""
    settings.STAFF_SECOND_FACTOR_REQUIRED = False
    without = api_client_for(officer, second_factor=False)
    assert without.get("/api/v1/review-queue/").status_code == 200

    settings.STAFF_SECOND_FACTOR_REQUIRED = True
    refused_queue = without.get("/api/v1/review-queue/")
    decision = without.post(f"/api/v1/declarations/{yellow.pk}/decisions/", {"action": "release"}, format="json")

    assert refused(refused_queue) and refused(decision)
    assert Declaration.objects.get(pk=yellow.pk).status == "under_review"
    assert api_client_for(officer, second_factor=True).get("/api/v1/review-queue/").status_code == 200


def test_the_token_endpoint_records_the_second_factor(officer, yellow):
    officer.set_password("officer-pass-1")
    officer.save()
    device = TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)
    client = APIClient()

    issued = client.post("/api/v1/auth/token/", {"username": "officer1", "password": "officer-pass-1",
                                                 "otp": code(device)}, format="json")

    assert issued.status_code == 200
    assert ApiToken.objects.get(user=officer).second_factor is True
    client.credentials(HTTP_AUTHORIZATION=f"Token {issued.json()['token']}")
    assert client.get("/api/v1/review-queue/").status_code == 200


def test_the_token_page_waits_for_the_second_factor_too(officer):
    """/accounts/ is no longer open as a whole: only logging in and out and the second factor itself are."""
    client = password_only(officer)
    assert client.get("/accounts/tokens/")["Location"].startswith("/accounts/second-factor/")


def socket_opened_by(client) -> tuple[bool, int | None]:
    """Open /ws/declarations/ with the browser's session cookie, through the routing the server runs."""
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

    async def knock():
        socket = WebsocketCommunicator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)), "/ws/declarations/",
                                       headers=[(b"cookie", cookie.encode())])
        connected, close_code = await socket.connect()
        if connected:
            await socket.disconnect()
        return connected, close_code

    return sockets_run(knock)


def test_the_live_update_socket_refuses_a_staff_session_without_the_second_factor(officer):
    """The attack: the WebSocket accepted the password-only session and joined the staff group."""
    device = TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)
    client = password_only(officer)
    assert socket_opened_by(client) == (False, 4403)

    client.post("/accounts/second-factor/", {"token": code(device)})
    assert socket_opened_by(client) == (True, None)
