"""Login throttling (django-axes) and API rate limits per token."""
import pytest
from django.core.cache import cache

from customs_portal.api.throttling import TokenRateThrottle

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


def test_rate_limit_fails_open_without_the_cache(api_client_for, trader1, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(cache, "get", broken)
    assert api_client_for(trader1).get("/api/v1/declarations/").status_code == 200
