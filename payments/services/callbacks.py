"""The bank's callback (api.md, "Payments"): verify the signature over the raw body, parse it,
credit or fail the payment, and keep every refused (but correctly signed) callback.

Outcomes (HTTP status, `result`):
- bad or missing signature → 403, nothing is read or written;
- not JSON, not an object → 400 `rejected` (malformed); missing or invalid field (a NUL
  character included), amount not a positive whole number → 400 `rejected` (invalid);
- unknown reference (including a payment not committed yet) → 404 `rejected`: the bank retries;
- amount different from the payment's, bank transaction of another payment, payment already
  settled by another transaction → 409 `rejected`;
- success → 200 `credited` (money not needed by the declaration is credited as refund due);
- failed → 200 `failed`;
- the same callback again → 200 `already_credited` / `already_failed`, nothing changes.
"""
import json
import logging
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings

from payments.models import RejectedCallback, RejectionReason
from payments.services.payments import BankNotice, CallbackRefused, payment_credit, payment_fail
from payments.signing import signature_valid

logger = logging.getLogger(__name__)

MAX_FIELD_LENGTH = 64
STORED_BODY_CHARACTERS = 4000
STATUSES = ("success", "failed")
MAX_AMOUNT = Decimal(10) ** 18  # far above any customs payment, within the 20 digits of the amount columns


@dataclass
class CallbackOutcome:
    http_status: int
    body: dict = field(default_factory=dict)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (str, int, Decimal)) and not isinstance(value, bool):
        return str(value)
    return json.dumps(value, default=str)


def _amount(value) -> Decimal | None:
    """A positive whole number of dong, given as a JSON number or a string of digits."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal, str)):
        return None
    try:
        amount = Decimal(value.strip()) if isinstance(value, str) else Decimal(value)
    except InvalidOperation:
        return None
    if not amount.is_finite() or not 0 < amount < MAX_AMOUNT or amount != amount.to_integral_value():
        return None
    return amount.quantize(Decimal("1"))


def bank_notice_parse(*, body: bytes) -> BankNotice:
    try:
        data = json.loads(body.decode("utf-8"), parse_float=Decimal)
    except (UnicodeDecodeError, ValueError):
        raise CallbackRefused(RejectionReason.MALFORMED, 400, "The body is not JSON.") from None
    if not isinstance(data, dict):
        raise CallbackRefused(RejectionReason.MALFORMED, 400, "The body is not a JSON object.")
    problems = []
    for name in ("reference", "bank_transaction_id"):
        value = data.get(name)
        if not isinstance(value, str) or not value.strip() or len(value) > MAX_FIELD_LENGTH:
            problems.append(f"{name}: a non-empty string of at most {MAX_FIELD_LENGTH} characters is required")
        elif "\x00" in value:
            problems.append(f"{name}: must not contain a NUL character")
    amount = _amount(data.get("amount"))
    if amount is None:
        problems.append("amount: a positive whole number of VND is required")
    if data.get("status") not in STATUSES:
        problems.append("status: 'success' or 'failed' is required")
    if problems:
        raise CallbackRefused(RejectionReason.INVALID, 400, "; ".join(problems))
    return BankNotice(reference=data["reference"].strip(), amount=amount, status=data["status"],
                      bank_transaction_id=data["bank_transaction_id"].strip())


def _storable(text: str) -> str:
    """`text` as PostgreSQL can store it: a NUL character is written as \\u0000."""
    return text.replace("\x00", "\\u0000")


def _fields_of(body: bytes) -> dict:
    """Whatever can be read of a refused body, for the record."""
    try:
        data = json.loads(body.decode("utf-8"), parse_float=Decimal)
    except (UnicodeDecodeError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {name: _storable(_text(data.get(name)))[:MAX_FIELD_LENGTH]
            for name in ("reference", "bank_transaction_id", "amount", "status")}


def rejected_callback_record(*, body: bytes, refused: CallbackRefused) -> RejectedCallback:
    return RejectedCallback.objects.create(
        reason=refused.reason,
        http_status=refused.http_status,
        detail=_storable(refused.detail),
        body=_storable(body.decode("utf-8", "replace"))[:STORED_BODY_CHARACTERS],
        payment=refused.payment,
        **_fields_of(body),
    )


def bank_callback_process(*, body: bytes, signature: str | None) -> CallbackOutcome:
    if not signature_valid(body=body, signature=signature, secret=settings.BANK_CALLBACK_SECRET):
        logger.warning("bank callback refused: bad or missing signature (%d bytes)", len(body))
        return CallbackOutcome(403, {"detail": "Bad or missing signature.", "code": "bad_signature"})
    try:
        notice = bank_notice_parse(body=body)
        if notice.status == "success":
            result, payment = payment_credit(notice=notice)
        else:
            result, payment = payment_fail(notice=notice)
    except CallbackRefused as refused:
        rejected_callback_record(body=body, refused=refused)
        logger.warning("bank callback refused (%s): %s", refused.reason, refused.detail)
        return CallbackOutcome(refused.http_status, {"result": "rejected", "code": str(refused.reason),
                                                     "detail": refused.detail})
    return CallbackOutcome(200, {
        "result": result,
        "reference": payment.reference,
        "payment_status": payment.status,
        "receipt_number": payment.receipt_number,
    })
