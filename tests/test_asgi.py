"""customs_portal.asgi: HTTP requests go through Django's whole middleware chain, views included,
with one hand-over to a worker thread for the request."""
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

    # request_started, the chain with the view and closing the response (request_finished): one.
    assert len(ours) == 1, ours
    # Django's own handler, with the same middleware, hands over once or twice per middleware.
    assert len(djangos) > len(ours) + 3, djangos


@pytest.fixture
def signal_threads():
    """(signal or 'view', thread name) for each request_started, view and request_finished."""
    import threading

    from django.core import signals

    seen = []

    def started(**kwargs):
        seen.append(("started", threading.current_thread().name))

    def finished(**kwargs):
        seen.append(("finished", threading.current_thread().name))

    signals.request_started.connect(started, weak=False)
    signals.request_finished.connect(finished, weak=False)
    yield seen
    signals.request_started.disconnect(started)
    signals.request_finished.disconnect(finished)


def test_signals_and_view_run_in_one_pooled_thread(signal_threads):
    handler = OneThreadHopASGIHandler()
    for _ in range(3):
        assert _get(handler, "/accounts/login/").status_code == 200
    names = [name for _, name in signal_threads]
    assert [event for event, _ in signal_threads] == ["started", "finished"] * 3
    assert all(name.startswith("asgi") for name in names)
    for request in range(3):  # request_finished closes the connection in the thread that used it
        assert names[2 * request] == names[2 * request + 1]


@pytest.mark.filterwarnings("ignore:StreamingHttpResponse must consume synchronous iterators")
def test_a_streaming_response_is_sent_whole_and_closed_after(signal_threads):
    from django.http import StreamingHttpResponse

    def chunks():
        for number in range(3):
            signal_threads.append(("chunk", str(number)))
            yield f"part {number};".encode()

    handler = OneThreadHopASGIHandler()
    handler._middleware_chain = lambda request: StreamingHttpResponse(chunks())
    response = _get(handler, "/anything/")
    assert response.status_code == 200 and response.content == b"part 0;part 1;part 2;"
    assert [event for event, _ in signal_threads] == ["started", "chunk", "chunk", "chunk", "finished"]
