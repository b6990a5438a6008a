"""The ASGI application: Django for HTTP, Channels for the live-update WebSocket."""
import os

import django
from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "customs_portal.settings.local")


class OneThreadHopASGIHandler(ASGIHandler):
    """Django's ASGI handler with the middleware chain run as under WSGI: synchronously, in one
    call to the request's worker thread.

    The portal's views and most of its middleware are synchronous. Django's own ASGI handler
    builds the chain in async mode, and then every middleware that can run both ways hands its
    process_request and process_response to a thread and back, and every one that cannot adds
    two more hand-overs: about ten per request, a fifth of the web server's CPU time under load
    (bench/cpu_cost.py). Here the whole chain, views included, costs one."""

    def load_middleware(self, is_async=False):
        super().load_middleware(is_async=False)
        self._middleware_chain = sync_to_async(self._middleware_chain, thread_sensitive=True)


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
