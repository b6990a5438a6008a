"""HMAC-SHA256 signatures shared by the portal and the bank, with the setting BANK_CALLBACK_SECRET,
sent as lowercase hex in X-Bank-Signature.

- Callbacks and statements are signed over their raw bytes (the bank signs, the portal checks).
- The portal's requests to the bank's statement API are signed over the method, the path and a
  timestamp (X-Bank-Timestamp, Unix seconds), as a bank's API requires of its clients: the bank
  answers nobody else, and an overheard request is good for REQUEST_MAX_AGE_SECONDS only.
"""
import hashlib
import hmac
import time

SIGNATURE_HEADER = "X-Bank-Signature"
TIMESTAMP_HEADER = "X-Bank-Timestamp"
REQUEST_MAX_AGE_SECONDS = 300


def signature_compute(*, body: bytes, secret: str) -> str:
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def signature_valid(*, body: bytes, signature: str | None, secret: str) -> bool:
    """Constant-time check of `signature` (hex, any case). An empty secret never validates anything."""
    if not secret or not signature:
        return False
    expected = signature_compute(body=body, secret=secret).encode("ascii")
    given = signature.strip().lower().encode("utf-8", "replace")
    return hmac.compare_digest(expected, given)


def _request_text(*, method: str, path: str, timestamp: str) -> bytes:
    return f"{method.upper()}\n{path}\n{timestamp}".encode("utf-8")


def request_signature_headers(*, method: str, path: str, secret: str, now: float | None = None) -> dict[str, str]:
    """The headers that sign a request for `path` (with its query string) now."""
    timestamp = str(int(time.time() if now is None else now))
    return {TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: signature_compute(body=_request_text(method=method, path=path, timestamp=timestamp), secret=secret)}


def request_signature_valid(*, method: str, path: str, timestamp: str | None, signature: str | None, secret: str,
                            now: float | None = None) -> bool:
    """Whether a request for `path` was signed with `secret` within REQUEST_MAX_AGE_SECONDS of `now`."""
    try:
        signed_at = int(timestamp or "")
    except ValueError:
        return False
    if abs((time.time() if now is None else now) - signed_at) > REQUEST_MAX_AGE_SECONDS:
        return False
    return signature_valid(body=_request_text(method=method, path=path, timestamp=str(signed_at)), signature=signature,
                           secret=secret)
