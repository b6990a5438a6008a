"""The verification code printed with a declaration's QR code and checked at the gate.

An HMAC of the declaration number under a key derived from SECRET_KEY: the gate can
tell a genuine printout from one whose number was altered, without a lookup table.
"""
import hashlib
import hmac

from django.conf import settings

QR_PREFIX = "VNCUSTOMS"


def verification_code(*, number: str) -> str:
    key = hashlib.sha256(f"declaration-verification:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, number.encode(), hashlib.sha256).hexdigest()[:16].upper()


def qr_payload(*, number: str) -> str:
    """What the QR code encodes: `VNCUSTOMS|<number>|<verification code>`."""
    return f"{QR_PREFIX}|{number}|{verification_code(number=number)}"


def qr_payload_parse(payload: str) -> tuple[str, str | None]:
    """(number, verification code or None) from a scanned QR payload or a typed number."""
    text = (payload or "").strip()
    parts = text.split("|")
    if len(parts) == 3 and parts[0] == QR_PREFIX:
        return parts[1].strip(), parts[2].strip().upper()
    return text, None


def verification_code_valid(*, number: str, code: str) -> bool:
    return hmac.compare_digest(verification_code(number=number), (code or "").upper())
