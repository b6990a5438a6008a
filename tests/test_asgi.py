"""customs_portal.asgi: HTTP requests go through Django's whole middleware chain, views included,
with one hand-over to a worker thread for the chain."""
import asyncio

import httpx
import pytest
from asgiref.sync import SyncToAsync
from django.core.handlers.asgi import ASGIHandler

from customs_portal.asgi import OneThreadHopASGIHandler, application


def _get(app, path: str) -> httpx.Response:
    async def get():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
            return await client.get(path)

    return asyncio.run(get())


@pytest.fixture
def hand_overs(monkeypatch) -> list[str]:
    """The sync functions handed to a worker thread (asgiref's sync_to_async), in order."""
    handed = []
    original = SyncToAsync.__call__

    async def counting(self, *args, **kwargs):
        handed.append(getattr(self.func, "__qualname__", repr(self.func)))
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(SyncToAsync, "__call__", counting)
    return handed


def test_a_page_through_the_asgi_application_passes_every_middleware():
    response = _get(application, "/accounts/login/")
    assert response.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in response.text  # CSRF middleware and the view
    assert "csrftoken" in response.cookies
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "script-src" in response.headers["Content-Security-Policy"]
    assert response.headers["Content-Language"]  # LocaleMiddleware
    assert response.headers["X-Content-Type-Options"] == "nosniff"  # SecurityMiddleware


def test_the_middleware_chain_costs_one_thread_hand_over(hand_overs):
    assert _get(OneThreadHopASGIHandler(), "/accounts/login/").status_code == 200
    ours = list(hand_overs)
    hand_overs.clear()
    assert _get(ASGIHandler(), "/accounts/login/").status_code == 200
    djangos = list(hand_overs)

    # request_started receivers, the chain with the view, closing the response (request_finished).
    assert len(ours) == 3, ours
    # Django's own handler, with the same middleware, hands over once or twice per middleware.
    assert len(djangos) > len(ours) + 3, djangos
