"""TOTP second factor for customs staff, required by a setting that is on in production."""
import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

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
