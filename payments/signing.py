"""HMAC-SHA256 signatures shared by the portal and the bank: callbacks and statements are signed
over their raw bytes with the setting BANK_CALLBACK_SECRET, sent as lowercase hex."""
import hashlib
import hmac

SIGNATURE_HEADER = "X-Bank-Signature"


def signature_compute(*, body: bytes, secret: str) -> str:
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def signature_valid(*, body: bytes, signature: str | None, secret: str) -> bool:
    """Constant-time check of `signature` (hex, any case). An empty secret never validates anything."""
    if not secret or not signature:
        return False
    expected = signature_compute(body=body, secret=secret).encode("ascii")
    given = signature.strip().lower().encode("utf-8", "replace")
    return hmac.compare_digest(expected, given)
