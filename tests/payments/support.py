"""Stand-ins for the network in in-process tests: urllib's urlopen answered by Django's test client,
so the bank simulator's callbacks and the portal's statement fetch go through the real views."""
import io
from email.message import Message
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit

from django.test import Client


class _Response:
    def __init__(self, response):
        self.status = response.status_code
        self._content = response.content
        self.headers = Message()
        for name, value in response.items():
            self.headers[name] = value

    def read(self, size=-1):
        return self._content if size is None or size < 0 else self._content[:size]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class ClientUrlopen:
    """Use as `mock.patch("module.urlopen", ClientUrlopen())`; `down=True` makes the portal unreachable."""

    def __init__(self, down: bool = False):
        self.client = Client()
        self.down = down
        self.calls = []

    def __call__(self, request, timeout=None):
        if self.down:
            raise URLError("connection refused")
        url = request.full_url if hasattr(request, "full_url") else request
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        headers = {} if isinstance(request, str) else {
            f"HTTP_{name.upper().replace('-', '_')}": value for name, value in request.header_items()
            if name.lower() != "content-type"}
        if getattr(request, "data", None) is not None:
            response = self.client.post(path, data=request.data, content_type="application/json", **headers)
        else:
            response = self.client.get(path, **headers)
        self.calls.append((url, response.status_code))
        if response.status_code >= 400:
            raise HTTPError(url, response.status_code, "error", None, io.BytesIO(response.content))
        return _Response(response)
