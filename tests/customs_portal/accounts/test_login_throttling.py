"""Login throttling (django-axes) and API rate limits per token."""
import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from customs_portal.api.throttling import AnonymousRateThrottle, TokenRateThrottle

pytestmark = pytest.mark.django_db


@pytest.fixture
def password(trader1):
    trader1.set_password("right-password-1")
    trader1.save()
    return "right-password-1"


def test_token_endpoint_locks_an_account_after_five_failures(api_client_for, trader1, password, settings):
    client = api_client_for(None)
    answers = [client.post("/api/v1/auth/token/", {"username": "trader1", "password": "wrong"}, format="json").status_code
               for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert answers == [400] * (settings.AXES_FAILURE_LIMIT - 1) + [429]  # the failure that reaches the limit locks
    locked = client.post("/api/v1/auth/token/", {"username": "trader1", "password": password}, format="json")
    assert locked.status_code == 429
    assert "locked for 15 minutes" in locked.json()["detail"]


def test_browser_login_tells_a_locked_out_user(client, trader1, password, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "trader1", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "trader1", "password": password})
    assert response.status_code == 429
    assert "locked for 15 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_success_resets_the_count(api_client_for, trader1, password):
    client = api_client_for(None)
    for _ in range(4):
        client.post("/api/v1/auth/token/", {"username": "trader1", "password": "wrong"}, format="json")
    assert client.post("/api/v1/auth/token/", {"username": "trader1", "password": password}, format="json").status_code == 200
    for _ in range(4):
        client.post("/api/v1/auth/token/", {"username": "trader1", "password": "wrong"}, format="json")
    assert client.post("/api/v1/auth/token/", {"username": "trader1", "password": password}, format="json").status_code == 200


def test_rate_limit_per_token(api_client_for, trader1, trader2, monkeypatch):
    cache.clear()
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"token": "3/min", "anonymous": "100/min"})
    first, second = api_client_for(trader1), api_client_for(trader2)
    assert [first.get("/api/v1/declarations/").status_code for _ in range(3)] == [200, 200, 200]
    limited = first.get("/api/v1/declarations/")
    assert limited.status_code == 429 and "Retry-After" in limited.headers
    assert second.get("/api/v1/declarations/").status_code == 200  # another token has its own budget


def test_rate_limit_counts_per_window_not_per_request_history(api_client_for, trader1, monkeypatch):
    """One counter per token and minute: its value is the number of requests, and it expires with the window."""
    cache.clear()
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"token": "100/min", "anonymous": "100/min"})
    monkeypatch.setattr(TokenRateThrottle, "timer", lambda self: 1_800_000_030.0)  # mid-minute: one window
    client = api_client_for(trader1)
    for _ in range(3):
        assert client.get("/api/v1/declarations/").status_code == 200
    redis = cache._cache.get_client(write=False)
    keys = [key for key in redis.keys("*throttle_token*")]
    assert len(keys) == 1
    assert int(redis.get(keys[0])) == 3
    assert 0 < redis.ttl(keys[0]) <= 61


def test_rate_limit_fails_open_without_the_cache(api_client_for, trader1, settings, caplog):
    """With the cache's Redis unreachable (nothing listens on port 1) requests still get through, logged."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0",
                                   "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}}}
    assert api_client_for(trader1).get("/api/v1/declarations/").status_code == 200
    assert "rate limit not checked: cache unavailable" in caplog.text


# --- The client chooses no address of its own (issue 12, finding 3) -------------------------------

def test_a_new_forwarded_address_per_attempt_still_locks_the_account(api_client_for, trader1, password, settings):
    """With X-Forwarded-For believed, each guess came from a "new" address and the account never locked."""
    client = api_client_for(None)
    answers = [client.post("/api/v1/auth/token/", {"username": "trader1", "password": "wrong"}, format="json",
                           HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}").status_code
               for attempt in range(settings.AXES_FAILURE_LIMIT)]
    assert answers == [400] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    locked = client.post("/api/v1/auth/token/", {"username": "trader1", "password": password}, format="json",
                         HTTP_X_FORWARDED_FOR="198.51.100.77")
    assert locked.status_code == 429 and "locked for 15 minutes" in locked.json()["detail"]
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}


def test_a_username_is_locked_whatever_the_real_addresses(trader1, password, settings):
    """Guesses at one account from many real addresses (a botnet) lock it too."""
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        Client(REMOTE_ADDR=f"203.0.113.{attempt}").post("/accounts/login/", {"username": "trader1", "password": "wrong"})
    response = Client(REMOTE_ADDR="198.51.100.1").post("/accounts/login/", {"username": "trader1", "password": password})
    assert response.status_code == 429
    assert "locked for 15 minutes" in response.content.decode()


def test_password_spraying_from_one_address_is_stopped(trader1, trader2, password, settings):
    """A few guesses at each of many usernames lock the address, not any one account, and the attacker's
    own successful login does not clear the address's count."""
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 6
    sprayer = Client(REMOTE_ADDR="203.0.113.9")
    answers = [sprayer.post("/accounts/login/", {"username": f"user{number}", "password": "Spring2026!"},
                            HTTP_X_FORWARDED_FOR=f"10.9.8.{number}").status_code
               for number in range(5)]
    assert answers == [200] * 5  # the form again, with its error
    assert sprayer.post("/accounts/login/", {"username": "trader1", "password": password}).status_code == 302
    sprayer.logout()
    answers = [sprayer.post("/accounts/login/", {"username": f"user{number}", "password": "Spring2026!"}).status_code
               for number in range(5, 7)]
    assert answers == [429, 429]  # the failure that reaches the address's limit locks it
    refused = sprayer.post("/accounts/login/", {"username": "trader2", "password": password})
    assert refused.status_code == 429 and "locked for 15 minutes" in refused.content.decode()
    # The accounts themselves are not locked for others: trader2 logs in from its own address.
    trader2.set_password(password)
    trader2.save()
    assert Client(REMOTE_ADDR="198.51.100.2").post("/accounts/login/", {"username": "trader2", "password": password}).status_code == 302


def test_anonymous_rate_limit_is_not_evaded_with_forwarded_addresses(api_client_for, monkeypatch):
    cache.clear()
    monkeypatch.setattr(AnonymousRateThrottle, "THROTTLE_RATES", {"token": "100/min", "anonymous": "3/min"})
    client = api_client_for(None)
    answers = [client.post("/api/v1/auth/token/", {}, format="json", HTTP_X_FORWARDED_FOR=f"203.0.113.{number}").status_code
               for number in range(4)]
    assert answers == [400, 400, 400, 429]
    assert APIClient(REMOTE_ADDR="198.51.100.3").post("/api/v1/auth/token/", {}, format="json").status_code == 400
