"""customs_portal.asgi: HTTP requests go through Django's whole middleware chain, views included,
with one hand-over to a worker thread for the request; forwarded headers are believed from trusted
proxies only; request bodies are capped before they are read."""
import asyncio
import json

import httpx
import pytest
from asgiref.sync import SyncToAsync
from django.core.handlers.asgi import ASGIHandler

from customs_portal.asgi import OneThreadHopASGIHandler, application
from customs_portal.client_address import proxy_headers_applied


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


# --- Forwarded headers: believed from TRUSTED_PROXIES only (issue 12, finding 3) -------------------

def _echo_client(monkeypatch, handler):
    """The handler answers with the address and scheme Django saw."""
    from django.http import HttpResponse

    monkeypatch.setattr(handler, "_middleware_chain",
                        lambda request: HttpResponse(f"{request.META['REMOTE_ADDR']} {request.scheme}"), raising=False)


def _seen(app, *, peer: str, headers: dict) -> str:
    async def get():
        transport = httpx.ASGITransport(app=app, client=(peer, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            return await client.get("/anything/", headers=headers)

    return asyncio.run(get()).text


FORGED = {"X-Forwarded-For": "198.51.100.23", "X-Forwarded-Proto": "https"}


def _shipped_uvicorn_arguments() -> dict[str, list[str]]:
    """The uvicorn command line of the Dockerfile, docker-compose.yml (defaults filled in) and scripts/run_dev.sh."""
    import json
    import re
    import shlex
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.BASE_DIR)
    dockerfile = json.loads(re.search(r"^CMD (\[.*\])$", (root / "Dockerfile").read_text(), re.M).group(1))
    compose = re.search(r"exec (uvicorn .*?)\n    ports:", (root / "docker-compose.yml").read_text(), re.S).group(1)
    compose = re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", " ".join(compose.split()))
    run_dev = re.search(r'setsid "\$bin/uvicorn" (.*) &\n', (root / "scripts/run_dev.sh").read_text()).group(1)
    run_dev = run_dev.replace('"$host"', "127.0.0.1").replace('"$port"', "8000")
    return {
        "Dockerfile": dockerfile[dockerfile.index("uvicorn") + 1:],
        "docker-compose.yml": shlex.split(compose)[1:],
        "scripts/run_dev.sh": shlex.split(run_dev),
    }


@pytest.mark.parametrize("source", ["Dockerfile", "docker-compose.yml", "scripts/run_dev.sh"])
def test_the_shipped_server_lets_no_client_choose_its_address(source, monkeypatch):
    """The web server as the project starts it: a client's own X-Forwarded-For and X-Forwarded-Proto are not
    believed (`--forwarded-allow-ips '*'` made every login attempt come from the address the client wrote)."""
    import uvicorn

    from customs_portal.asgi import django_asgi_app

    options = uvicorn.main.make_context("uvicorn", _shipped_uvicorn_arguments()[source]).params
    config = uvicorn.Config(options["app"], proxy_headers=options["proxy_headers"],
                            forwarded_allow_ips=options["forwarded_allow_ips"])
    config.load()
    _echo_client(monkeypatch, django_asgi_app)
    assert _seen(config.loaded_app, peer="127.0.0.1", headers=FORGED) == "127.0.0.1 http"
    assert _seen(config.loaded_app, peer="203.0.113.5", headers=FORGED) == "203.0.113.5 http"


def test_without_trusted_proxies_forwarded_headers_are_ignored(monkeypatch):
    handler = OneThreadHopASGIHandler()
    _echo_client(monkeypatch, handler)
    assert _seen(proxy_headers_applied(handler, trusted_proxies=[]), peer="203.0.113.5", headers=FORGED) == "203.0.113.5 http"


def test_a_trusted_proxys_forwarded_headers_are_honoured(monkeypatch):
    handler = OneThreadHopASGIHandler()
    _echo_client(monkeypatch, handler)
    app = proxy_headers_applied(handler, trusted_proxies=["10.0.0.0/8"])
    # The proxy appends the address it saw: the client's own entry before it is not believed.
    through_proxy = {"X-Forwarded-For": "1.2.3.4, 198.51.100.23", "X-Forwarded-Proto": "https"}
    assert _seen(app, peer="10.1.2.3", headers=through_proxy) == "198.51.100.23 https"
    # A client that reaches the server directly is itself, whatever it writes.
    assert _seen(app, peer="203.0.113.5", headers=through_proxy) == "203.0.113.5 http"


def test_trusting_every_client_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    for entry in ("*", "proxy.example"):
        with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
            proxy_headers_applied(OneThreadHopASGIHandler(), trusted_proxies=[entry])


# --- Request bodies are capped before they are read (issue 12, finding 11) -------------------------

def _post(app, path: str, chunks: list[bytes], *, content_length: int | None, headers=()) -> tuple[int, dict, bytes, int]:
    """POST `chunks` as separate ASGI messages; (status, headers, body, how many chunks the app read)."""
    read = 0

    async def receive():
        nonlocal read
        if read >= len(chunks):
            await asyncio.sleep(3600)  # the client would wait for an answer here
        read += 1
        return {"type": "http.request", "body": chunks[read - 1], "more_body": read < len(chunks)}

    sent = []

    async def send(message):
        sent.append(message)

    scope_headers = [(b"host", b"testserver"), (b"content-type", b"application/octet-stream"), *headers]
    if content_length is not None:
        scope_headers.append((b"content-length", str(content_length).encode()))
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "", "headers": scope_headers,
             "client": ("127.0.0.1", 40000), "server": ("testserver", 80)}
    asyncio.run(asyncio.wait_for(app(scope, receive, send), timeout=30))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], {k.decode().lower(): v.decode() for k, v in start["headers"]}, body, read


def test_a_declared_length_above_the_limit_is_refused_before_reading(settings):
    settings.REQUEST_BODY_MAX_BYTES = 1000
    status, headers, body, read = _post(OneThreadHopASGIHandler(), "/api/v1/declarations/", [b"x" * 600] * 100,
                                        content_length=60_000)
    assert (status, read) == (413, 0)
    assert headers["content-type"] == "application/json"
    assert json.loads(body) == {"detail": "The request is too large: at most 1000\xa0bytes is accepted.", "code": "request_too_large"}


def test_a_chunked_body_is_read_only_until_it_passes_the_limit(settings):
    settings.REQUEST_BODY_MAX_BYTES = 2 * 1024 * 1024
    chunk = b"x" * (512 * 1024)
    status, headers, body, read = _post(OneThreadHopASGIHandler(), "/declarations/1/documents/", [chunk] * 100,
                                        content_length=None, headers=[(b"accept-language", b"vi")])
    assert (status, read) == (413, 5)  # 2.5 MB read of the 50 MB sent
    assert headers["content-type"] == "text/plain; charset=utf-8"
    assert body.decode() == "Yêu cầu quá lớn: chỉ nhận tối đa 2,0\xa0MB."


def test_a_body_within_the_limit_reaches_the_view(settings, monkeypatch):
    from django.http import HttpResponse

    settings.REQUEST_BODY_MAX_BYTES = 2000
    handler = OneThreadHopASGIHandler()
    monkeypatch.setattr(handler, "_middleware_chain", lambda request: HttpResponse(str(len(request.body))), raising=False)
    assert _post(handler, "/anything/", [b"x" * 1000, b"y" * 1000], content_length=None)[::2] == (200, b"2000")
    assert _post(handler, "/anything/", [b"x" * 2000], content_length=2000)[::2] == (200, b"2000")
