"""API tokens (issue 12, finding 6): a new token per login, an expiry, revocation by the user (API and page),
revocation by any password change; only a digest is stored."""
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from knox.crypto import hash_token
from rest_framework.test import APIClient

from customs_portal.accounts.models import ApiToken
from customs_portal.accounts.services import api_token_issue
from customs_portal.accounts.tasks import api_tokens_purge_task

pytestmark = pytest.mark.django_db
TOKEN = "/api/v1/auth/token/"
TOKENS = "/api/v1/auth/tokens/"
ANY_API = "/api/v1/reference/customs-offices/"
PASSWORD = "right-password-1"


@pytest.fixture
def trader(trader1):
    trader1.set_password(PASSWORD)
    trader1.save()
    return trader1


def log_in(username="trader1", password=PASSWORD) -> dict:
    response = APIClient().post(TOKEN, {"username": username, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def calling_with(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def answer(token: str):
    return calling_with(token).get(ANY_API)


def test_each_login_gets_a_new_token_with_its_expiry(trader, settings):
    """It used to be the same token for ever (DRF's get_or_create)."""
    before = timezone.now()
    first, second = log_in(), log_in()

    assert first["token"] != second["token"]
    assert answer(first["token"]).status_code == answer(second["token"]).status_code == 200
    expiry = timezone.datetime.fromisoformat(second["expiry"])
    ttl = timedelta(hours=settings.API_TOKEN_TTL_HOURS)
    assert before + ttl <= expiry <= timezone.now() + ttl


def test_only_a_digest_of_the_token_is_stored(trader):
    token = log_in()["token"]

    row = ApiToken.objects.get(user=trader)
    assert row.digest == hash_token(token) and row.token_key == token[:15]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ApiToken._meta.db_table}")
        stored = repr(cursor.fetchall())
    assert token not in stored and token[15:30] not in stored


def test_a_revoked_token_is_refused_and_the_others_still_work(trader):
    kept, revoked = log_in()["token"], log_in()["token"]

    assert calling_with(revoked).delete(TOKEN).status_code == 204

    refused = answer(revoked)
    assert refused.status_code == 401 and refused.json()["detail"] == "Invalid token."
    assert answer(kept).status_code == 200


def test_revoking_all_of_ones_tokens(trader, trader2):
    mine = [log_in()["token"] for _ in range(3)]
    _, theirs = api_token_issue(user=trader2, second_factor=False)

    assert calling_with(mine[0]).delete(TOKENS).status_code == 204

    assert [answer(token).status_code for token in mine] == [401, 401, 401]
    assert answer(theirs).status_code == 200


def test_the_list_shows_ones_own_working_tokens(trader, trader2):
    old, unbound, current = log_in()["token"], log_in()["token"], log_in()["token"]
    api_token_issue(user=trader2, second_factor=False)
    ApiToken.objects.filter(digest=hash_token(old)).update(expiry=timezone.now() - timedelta(seconds=1))
    ApiToken.objects.filter(digest=hash_token(unbound)).update(password_hash="issued-under-an-old-password")

    listed = calling_with(current).get(TOKENS).json()

    assert [(token["prefix"], token["current"]) for token in listed] == [(current[:8], True)]


def test_deleting_the_token_needs_one(trader, client):
    client.force_login(trader)
    response = client.delete(TOKEN)
    assert response.status_code == 400 and "Authorization header" in response.json()["detail"][0]
    assert APIClient().delete(TOKEN).status_code == 401


def test_an_expired_token_is_refused(trader):
    token = log_in()["token"]
    ApiToken.objects.filter(digest=hash_token(token)).update(expiry=timezone.now() + timedelta(seconds=30))
    assert answer(token).status_code == 200

    ApiToken.objects.filter(digest=hash_token(token)).update(expiry=timezone.now() - timedelta(seconds=1))

    refused = answer(token)
    assert refused.status_code == 401 and "expired" in refused.json()["detail"]


def test_a_password_change_revokes_every_token(trader):
    """set_password: the way every other path (admin, changepassword, reset) ends."""
    tokens = [log_in()["token"] for _ in range(2)]

    trader.set_password("another-password-2")
    trader.save()

    for token in tokens:
        refused = answer(token)
        assert refused.status_code == 401 and "password changed" in refused.json()["detail"]
    assert answer(log_in(password="another-password-2")["token"]).status_code == 200


def test_a_password_changed_in_the_admin_revokes_them(trader, admin_client):
    token = log_in()["token"]

    response = admin_client.post(f"/admin/accounts/user/{trader.pk}/password/",
                                 {"password1": "admin-chose-this-9", "password2": "admin-chose-this-9",
                                  "usable_password": "true"})

    assert response.status_code == 302, response.content.decode()[:2000]
    assert answer(token).status_code == 401


def test_a_password_changed_with_the_command_revokes_them(trader, monkeypatch):
    token = log_in()["token"]
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "command-chose-this-8")  # the terminal's prompt

    call_command("changepassword", "trader1", stdout=StringIO())

    assert answer(token).status_code == 401


def test_an_inactive_users_token_is_refused(trader):
    token = log_in()["token"]
    trader.is_active = False
    trader.save(update_fields=["is_active"])
    assert answer(token).status_code == 401


def test_a_new_login_clears_the_users_dead_tokens(trader):
    expired, unbound = log_in()["token"], log_in()["token"]
    ApiToken.objects.filter(digest=hash_token(expired)).update(expiry=timezone.now() - timedelta(seconds=1))
    ApiToken.objects.filter(digest=hash_token(unbound)).update(password_hash="issued-under-an-old-password")

    fresh = log_in()["token"]

    assert list(ApiToken.objects.filter(user=trader).values_list("digest", flat=True)) == [hash_token(fresh)]


def test_the_daily_purge_deletes_expired_tokens_only(trader, trader2):
    expired, alive = log_in()["token"], log_in()["token"]
    ApiToken.objects.filter(digest=hash_token(expired)).update(expiry=timezone.now() - timedelta(seconds=1))

    assert api_tokens_purge_task.apply().get() == 1
    assert list(ApiToken.objects.values_list("digest", flat=True)) == [hash_token(alive)]
    assert api_tokens_purge_task.apply().get() == 0  # twice is harmless


def test_a_bad_token_header_is_refused_not_an_error(trader):
    for header in ("Token", "Token a b", "Token \u00e9\u00e9", "Token " + "0" * 64):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=header)
        assert client.get(ANY_API).status_code == 401, header


# --- The token page (/accounts/tokens/) --------------------------------------------------------


def test_the_page_lists_ones_own_tokens_with_revoke_buttons(trader, trader2, client):
    mine = log_in()["token"]
    _, theirs = api_token_issue(user=trader2, second_factor=False)
    client.force_login(trader)

    page = client.get("/accounts/tokens/").content.decode()

    assert f'data-token="{mine[:8]}"' in page and f'data-revoke-token="{mine[:8]}"' in page
    assert theirs[:8] not in page and mine[8:] not in page
    assert 'id="nav-api-tokens"' in page  # in the user menu


def test_the_page_revokes_one_token_or_all(trader, client):
    first, second, third = (log_in()["token"] for _ in range(3))
    client.force_login(trader)

    one = client.post("/accounts/tokens/", {"token_key": first[:15]}, follow=True)

    assert "1 API token revoked." in one.content.decode()
    assert [answer(token).status_code for token in (first, second, third)] == [401, 200, 200]
    every = client.post("/accounts/tokens/", {"revoke": "all"}, follow=True)
    assert "2 API tokens revoked." in every.content.decode()
    assert [answer(token).status_code for token in (second, third)] == [401, 401]
    assert 'id="no-api-tokens"' in every.content.decode()


def test_the_page_never_revokes_another_users_token(trader, trader2, client):
    _, theirs = api_token_issue(user=trader2, second_factor=False)
    client.force_login(trader)

    response = client.post("/accounts/tokens/", {"token_key": theirs[:15]}, follow=True)

    assert "No API token was revoked" in response.content.decode()
    assert answer(theirs).status_code == 200
