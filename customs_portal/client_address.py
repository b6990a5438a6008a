"""The client's address, and the proxies whose forwarded headers are believed.

A client can put anything in `X-Forwarded-For` and `X-Forwarded-Proto`. They are read only
from a connection whose peer is one of TRUSTED_PROXIES (addresses or networks; empty by
default: no header is believed, the peer of the connection is the client). The ASGI
application applies them once, for HTTP and WebSocket alike (`proxy_headers_applied`, with
uvicorn's own middleware: the client is the right-most address of `X-Forwarded-For` that is
not a trusted proxy), so `REMOTE_ADDR` and `request.scheme` are settled before Django runs.
The web server itself is started with `--no-proxy-headers`: uvicorn would otherwise believe
the headers of any connection from 127.0.0.1 on its own.

Everything that counts by address uses `client_address`: login lockout (django-axes,
AXES_CLIENT_IP_CALLABLE) and the anonymous API rate limit (customs_portal.api.throttling).
"""
import ipaddress

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware


def trusted_proxies_checked(entries: list[str]) -> list[str]:
    """The TRUSTED_PROXIES entries, each an IP address or network; "*" (trust anyone) is refused."""
    checked = []
    for entry in (entry.strip() for entry in entries):
        if not entry:
            continue
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES: {entry!r} is not an IP address or network (trusting every client's "
                "X-Forwarded-For would let it choose its own address)") from None
        checked.append(entry)
    return checked


def proxy_headers_applied(app, *, trusted_proxies: list[str] | None = None):
    """`app` reading X-Forwarded-For / X-Forwarded-Proto from the trusted proxies only; `app` itself when there are none."""
    trusted = trusted_proxies_checked(settings.TRUSTED_PROXIES if trusted_proxies is None else trusted_proxies)
    if not trusted:
        return app
    return ProxyHeadersMiddleware(app, trusted_hosts=trusted)


def client_address(request) -> str | None:
    """The address the request came from: the connection's peer, or the client a trusted proxy named.

    None when the server gave none that is an IP address (a Unix socket, a test client without one).
    """
    address = (request.META.get("REMOTE_ADDR") or "").strip()
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None
