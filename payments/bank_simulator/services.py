"""What the simulated bank does: book a transaction, send its signed callback, draw its statement."""
import csv
import io
import json
import logging
import secrets
from datetime import date
from decimal import Decimal
from urllib.error import HTTPError
from urllib.request import Request, urlopen

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from payments.bank_simulator.models import Delivery, Outcome, SimulatedTransaction
from payments.services.reconciliation import statement_cell_escaped
from payments.signing import SIGNATURE_HEADER, signature_compute

logger = logging.getLogger(__name__)

STATEMENT_COLUMNS = ["bank_transaction_id", "reference", "amount", "currency", "booked_at"]
CALLBACK_TIMEOUT_SECONDS = 15


class PortalUnreachable(Exception):
    """No answer, or a 5xx: worth trying again later."""


def transaction_book(*, reference: str, amount: Decimal, outcome: str, delivery: str, callback_url: str) -> SimulatedTransaction:
    """Book the trader's payment (or its refusal) and queue the callback(s) once committed."""
    from payments.bank_simulator.tasks import callback_deliver_enqueue

    now = timezone.localtime()
    with transaction.atomic():
        booked = SimulatedTransaction.objects.create(
            bank_transaction_id=f"SB{now:%Y%m%d}{secrets.randbelow(10**10):010d}",
            reference=reference, amount=amount, outcome=outcome, delivery=delivery, callback_url=callback_url,
        )
        if delivery != Delivery.NONE:
            transaction.on_commit(lambda: callback_deliver_enqueue(transaction_id=booked.pk))
    logger.info("bank simulator: %s %s %s VND (%s), callback %s", booked.bank_transaction_id, reference, amount,
                outcome, delivery)
    return booked


def callback_body(booked: SimulatedTransaction) -> bytes:
    return json.dumps({
        "reference": booked.reference,
        "amount": int(booked.amount),
        "status": booked.outcome,
        "bank_transaction_id": booked.bank_transaction_id,
    }, separators=(",", ":")).encode("utf-8")


def callback_send(booked: SimulatedTransaction) -> int:
    """POST the signed callback once; returns the portal's HTTP status (4xx included: the portal decided)."""
    body = callback_body(booked)
    request = Request(booked.callback_url, data=body, method="POST", headers={
        "Content-Type": "application/json",
        SIGNATURE_HEADER: signature_compute(body=body, secret=settings.BANK_CALLBACK_SECRET),
    })
    try:
        with urlopen(request, timeout=CALLBACK_TIMEOUT_SECONDS) as response:
            status, answer = response.status, response.read(2000)
    except HTTPError as exc:
        status, answer = exc.code, exc.read(2000)
    except OSError as exc:
        booked.deliveries = [*booked.deliveries, {"at": timezone.now().isoformat(), "status": None, "response": str(exc)}]
        booked.save(update_fields=["deliveries"])
        raise PortalUnreachable(str(exc)) from exc
    booked.deliveries = [*booked.deliveries, {"at": timezone.now().isoformat(), "status": status,
                                              "response": answer.decode("utf-8", "replace")}]
    booked.save(update_fields=["deliveries"])
    if status >= 500:
        raise PortalUnreachable(f"HTTP {status}")
    return status


def callbacks_deliver(*, transaction_id: int) -> int:
    """Send what is still to be sent of a transaction's callbacks (once, or twice); returns how many were sent now."""
    booked = SimulatedTransaction.objects.filter(pk=transaction_id).first()
    if booked is None:
        logger.warning("bank simulator: transaction %s does not exist", transaction_id)
        return 0
    wanted = {Delivery.ONCE: 1, Delivery.TWICE: 2}.get(booked.delivery, 0)
    answered = sum(1 for entry in booked.deliveries if entry.get("status") is not None and entry["status"] < 500)
    sent = 0
    for _ in range(wanted - answered):
        callback_send(booked)
        sent += 1
    return sent


def statement_csv(*, day: date) -> bytes:
    """The statement of `day`: every amount collected (successful transactions, callback sent or not).

    No cell starts a spreadsheet formula (payments.services.reconciliation: the statement format)."""
    rows = SimulatedTransaction.objects.filter(outcome=Outcome.SUCCESS, booked_at__date=day).order_by("booked_at", "id")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(STATEMENT_COLUMNS)
    for row in rows:
        writer.writerow([statement_cell_escaped(cell) for cell in (
            row.bank_transaction_id, row.reference, int(row.amount), row.currency,
            timezone.localtime(row.booked_at).isoformat(timespec="seconds"))])
    return out.getvalue().encode("utf-8")
