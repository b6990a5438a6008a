"""The ASGI application: Django for HTTP, Channels for the live-update WebSocket."""
import asyncio
import os
from concurrent.futures import ThreadPoolExecutor

import django
from asgiref.sync import sync_to_async
from django.conf import settings
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.http import FileResponse
from django.urls import set_script_prefix

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "customs_portal.settings.local")


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
    after they are sent, in a second hand-over."""

    def __init__(self):
        super().__init__()
        self.executor = ThreadPoolExecutor(max_workers=settings.ASGI_THREADS, thread_name_prefix="asgi")

    def load_middleware(self, is_async=False):
        super().load_middleware(is_async=False)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        await self.handle(scope, receive, send)

    async def handle(self, scope, receive, send):
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
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


def get_asgi_application() -> ASGIHandler:
    django.setup(set_prefix=False)
    return OneThreadHopASGIHandler()


django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from customs_portal.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
