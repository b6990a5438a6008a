"""The portal's side of the bank: where a trader is sent to pay, and where the daily statement
is fetched. In development both point at the bank simulator (payments.bank_simulator)."""
from datetime import date
from urllib.parse import quote, urlencode, urlsplit
from urllib.request import Request, urlopen

from django.conf import settings
from django.utils.translation import gettext as _

from payments.models import Payment
from payments.signing import SIGNATURE_HEADER, request_signature_headers, signature_valid

STATEMENT_TIMEOUT_SECONDS = 30


class StatementUnavailable(Exception):
    """The bank did not deliver a statement we can trust (network error, HTTP error, bad signature)."""


def bank_configured() -> bool:
    return bool(settings.BANK_PAYMENT_URL)


def bank_payment_url(*, payment: Payment, return_url: str) -> str:
    """The bank's page for paying `payment`; a path (the simulator) is relative to the portal."""
    base = settings.BANK_PAYMENT_URL.format(reference=quote(payment.reference))
    query = urlencode({"amount": str(payment.amount), "currency": payment.currency, "return_url": return_url,
                       **({"bank": payment.bank} if payment.bank else {})})
    return f"{base}{'&' if '?' in base else '?'}{query}"


def _absolute(url: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + url if url.startswith("/") else url


def bank_statement_fetch(*, statement_date: date) -> tuple[bytes, str]:
    """The bank's statement CSV of `statement_date` and the URL it came from.

    The request is signed (the bank gives its statements to the portal only), and the bank signs
    the statement like its callbacks; an unsigned or badly signed statement is refused.
    """
    if not settings.BANK_STATEMENT_URL:
        raise StatementUnavailable(_("no bank statement URL is configured (BANK_STATEMENT_URL)"))
    url = _absolute(settings.BANK_STATEMENT_URL.format(date=statement_date.isoformat()))
    parts = urlsplit(url)
    signed = request_signature_headers(method="GET", path=parts.path + (f"?{parts.query}" if parts.query else ""),
                                       secret=settings.BANK_CALLBACK_SECRET)
    try:
        with urlopen(Request(url, headers={"Accept": "text/csv", **signed}), timeout=STATEMENT_TIMEOUT_SECONDS) as response:
            content = response.read()
            signature = response.headers.get(SIGNATURE_HEADER)
    except (OSError, ValueError) as exc:  # URLError, HTTPError, timeouts, refused connections; ValueError: bad URL
        raise StatementUnavailable(f"{url}: {exc}") from exc
    if not signature_valid(body=content, signature=signature, secret=settings.BANK_CALLBACK_SECRET):
        raise StatementUnavailable(_("%(url)s: the statement's signature is missing or wrong") % {"url": url})
    return content, url
