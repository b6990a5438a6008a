"""The ASGI application: Django for HTTP, Channels for the live-update WebSocket."""
import asyncio
import json
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor

import django
from asgiref.sync import sync_to_async
from django.conf import settings
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.http import FileResponse, HttpResponse
from django.template.defaultfilters import filesizeformat
from django.urls import set_script_prefix
from django.utils import translation
from django.utils.translation import gettext as _

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "customs_portal.settings.local")


class BodyTooLarge(Exception):
    """The request's body is larger than REQUEST_BODY_MAX_BYTES."""


def _content_length(scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class OneThreadHopASGIHandler(ASGIHandler):
    """Django's ASGI handler with each request handled as under WSGI: synchronously, in one call
    to a worker thread taken from a pool.

    The portal's views and middleware are synchronous. Django's own ASGI handler builds the
    chain in async mode, and then every middleware that can run both ways hands its
    process_request and process_response to a thread and back, and every one that cannot adds
    two more hand-overs: about ten per request, a fifth of the web server's CPU time under load
    (bench/cpu_cost.py). It also starts a new thread for every request and hands the
    request_started and request_finished signals to it separately. Here the signals, the chain
    and the view run in one hand-over, to one of ASGI_THREADS threads that live as long as the
    process (threads, like WSGI's, keep their database connection between requests; the
    signals close or return it as configured). Only streaming responses (downloads) are closed
    after they are sent, in a second hand-over.

    No body larger than REQUEST_BODY_MAX_BYTES is read: uvicorn has no such limit, and Django's
    own handler would spool a body of any size to disk before a view could refuse it. A
    Content-Length above the limit is answered 413 before a byte is read; a chunked body is
    read only until it passes the limit."""

    def __init__(self):
        super().__init__()
        self.executor = ThreadPoolExecutor(max_workers=settings.ASGI_THREADS, thread_name_prefix="asgi")

    def load_middleware(self, is_async=False):
        super().load_middleware(is_async=False)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        await self.handle(scope, receive, send)

    async def read_body(self, receive):
        """The body, as Django's handler reads it, but never more than REQUEST_BODY_MAX_BYTES:
        a chunked body (no Content-Length) is read only until it passes the limit."""
        limit = settings.REQUEST_BODY_MAX_BYTES
        body_file = tempfile.SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE, mode="w+b")
        received = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                body_file.close()
                raise RequestAborted()
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > limit:
                body_file.close()
                raise BodyTooLarge()
            body_file.write(chunk)
            if not message.get("more_body", False):
                break
        body_file.seek(0)
        return body_file

    async def handle(self, scope, receive, send):
        length = _content_length(scope)
        try:
            if length is not None and length > settings.REQUEST_BODY_MAX_BYTES:
                raise BodyTooLarge()  # refused before a byte of it is read
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        except BodyTooLarge:
            await self.send_response(self._too_large(scope), send)
            return
        set_script_prefix(get_script_prefix(scope))
        try:
            response = await sync_to_async(self._respond, thread_sensitive=False, executor=self.executor)(scope, body_file)
            try:
                await self.send_response(response, send)
            except asyncio.CancelledError:  # the client went away while the response was sent
                pass
            if response.streaming:
                await sync_to_async(response.close, thread_sensitive=False, executor=self.executor)()
        finally:
            body_file.close()

    def _respond(self, scope, body_file):
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, response = self.create_request(scope, body_file)
        if request is not None:
            response = self._middleware_chain(request)
            response._handler_class = self.__class__
            if isinstance(response, FileResponse):
                response.block_size = self.chunk_size
        if not response.streaming:
            response.close()  # request_finished, in the thread that used the database
        return response

    def _too_large(self, scope) -> HttpResponse:
        """413, in the client's language: JSON under /api/, a plain text page elsewhere."""
        request = self.request_class(scope, tempfile.SpooledTemporaryFile())  # the body is never read
        with translation.override(translation.get_language_from_request(request)):
            message = _("The request is too large: at most %(size)s is accepted.") % {
                "size": filesizeformat(settings.REQUEST_BODY_MAX_BYTES)}
        if request.path.startswith("/api/"):
            response = HttpResponse(json.dumps({"detail": message, "code": "request_too_large"}),
                                    content_type="application/json", status=413)
        else:
            response = HttpResponse(message, content_type="text/plain; charset=utf-8", status=413)
        response["Connection"] = "close"
        return response


def get_asgi_application() -> ASGIHandler:
    django.setup(set_prefix=False)
    return OneThreadHopASGIHandler()


django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from customs_portal.client_address import proxy_headers_applied  # noqa: E402
from customs_portal.routing import websocket_urlpatterns  # noqa: E402

# X-Forwarded-For and X-Forwarded-Proto are believed from TRUSTED_PROXIES only (customs_portal.client_address).
application = proxy_headers_applied(ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
))
