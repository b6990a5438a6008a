"""Daily reconciliation: the bank's statement of a day against the payments the portal credited.

Statement format (CSV, UTF-8, comma-separated, one header line, one line per amount the bank
collected for customs on that day, booked in Asia/Ho_Chi_Minh time):

    bank_transaction_id,reference,amount,currency,booked_at
    SB2026051500012345,HQ260515A1B2C3D4E5,12345678,VND,2026-05-15T10:42:07+07:00

`amount` is a whole number of dong without separators; `currency` is VND.

Every line is looked up by its reference. A payment still pending (its callback lost, or the
bank "timed out") or failed, whose amount matches, is credited now with the statement's bank
transaction (`recovered`). Differences are stored: a reference the portal never issued
(`unknown`), an amount that differs (`amount_mismatch`), a payment the portal cannot credit
(`missing_in_portal`), a second transaction for a payment already credited (`duplicate`),
money credited that the declaration did not need (`refund_due`), and payments the portal
credited from a callback that day that the statement lacks (`missing_in_statement`).
"""
import csv
import hashlib
import io
import logging
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from payments.models import (
    CreditSource,
    DifferenceKind,
    Payment,
    PaymentStatus,
    ReconciliationDifference,
    ReconciliationReport,
    ReconciliationStatus,
)
from payments.services.payments import BankNotice, CallbackRefused, payment_credit

logger = logging.getLogger(__name__)

STATEMENT_COLUMNS = ["bank_transaction_id", "reference", "amount", "currency", "booked_at"]
ZERO = Decimal("0")
MAX_AMOUNT = Decimal(10) ** 18


class StatementInvalid(Exception):
    pass


@dataclass(frozen=True)
class StatementLine:
    line_no: int
    bank_transaction_id: str
    reference: str
    amount: Decimal
    currency: str
    booked_at: datetime


def bank_statement_parse(*, content: bytes) -> list[StatementLine]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise StatementInvalid("The statement is not UTF-8 text.") from None
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or [cell.strip() for cell in rows[0]] != STATEMENT_COLUMNS:
        raise StatementInvalid(f"The first line must be the header {','.join(STATEMENT_COLUMNS)}.")
    lines, problems = [], []
    for line_no, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(STATEMENT_COLUMNS):
            problems.append(f"line {line_no}: {len(row)} columns instead of {len(STATEMENT_COLUMNS)}")
            continue
        txn, reference, amount_text, currency, booked_text = (cell.strip() for cell in row)
        try:
            amount = Decimal(amount_text)
        except InvalidOperation:
            amount = None
        if (amount is None or not amount.is_finite() or amount != amount.to_integral_value()
                or not 0 < amount < MAX_AMOUNT):
            problems.append(f"line {line_no}: amount {amount_text!r} is not a positive whole number")
            continue
        try:
            booked_at = datetime.fromisoformat(booked_text)
        except ValueError:
            problems.append(f"line {line_no}: booked_at {booked_text!r} is not an ISO 8601 date-time")
            continue
        if not txn or not reference:
            problems.append(f"line {line_no}: bank_transaction_id and reference are required")
            continue
        if currency != "VND":
            problems.append(f"line {line_no}: currency {currency!r} is not VND")
            continue
        lines.append(StatementLine(line_no, txn, reference, amount.quantize(Decimal("1")), currency, booked_at))
    if problems:
        raise StatementInvalid("; ".join(problems[:20]))
    return lines


def _difference(kind, line: StatementLine | None = None, payment: Payment | None = None, note: str = ""):
    return ReconciliationDifference(
        kind=kind,
        reference=line.reference if line else (payment.reference if payment else ""),
        bank_transaction_id=line.bank_transaction_id if line else (payment.bank_transaction_id or "" if payment else ""),
        bank_amount=line.amount if line else None,
        portal_amount=payment.amount if payment else None,
        payment=payment,
        note=note,
    )


def _compare(lines: list[StatementLine], statement_date: date) -> tuple[list[ReconciliationDifference], int]:
    differences, matched = [], 0
    payments = Payment.objects.in_bulk([line.reference for line in lines], field_name="reference")
    seen_transactions = set()
    for line in lines:
        payment = payments.get(line.reference)
        if line.bank_transaction_id in seen_transactions:
            differences.append(_difference(DifferenceKind.DUPLICATE, line, payment,
                                           f"Line {line.line_no} repeats bank transaction {line.bank_transaction_id}."))
            continue
        seen_transactions.add(line.bank_transaction_id)
        if payment is None:
            differences.append(_difference(DifferenceKind.UNKNOWN, line, note=f"Line {line.line_no}."))
            continue
        if payment.status == PaymentStatus.CREDITED:
            if payment.bank_transaction_id != line.bank_transaction_id:
                differences.append(_difference(
                    DifferenceKind.DUPLICATE, line, payment,
                    f"Already credited by bank transaction {payment.bank_transaction_id}: refund this one."))
            elif payment.amount != line.amount:
                differences.append(_difference(DifferenceKind.AMOUNT_MISMATCH, line, payment))
            else:
                matched += 1
                if payment.credited_via == CreditSource.RECONCILIATION:
                    differences.append(_difference(
                        DifferenceKind.RECOVERED, line, payment,
                        f"Credited from the statement at {timezone.localtime(payment.credited_at):%d/%m/%Y %H:%M} "
                        f"(receipt {payment.receipt_number})."))
                if payment.refund_due:
                    differences.append(_difference(DifferenceKind.REFUND_DUE, line, payment,
                                                   f"{payment.refund_due} VND to refund to the trader."))
            continue
        if payment.amount != line.amount:
            differences.append(_difference(DifferenceKind.AMOUNT_MISMATCH, line, payment,
                                           f"Not credited: the payment is {payment.get_status_display().lower()}."))
            continue
        notice = BankNotice(reference=line.reference, amount=line.amount, status="success",
                            bank_transaction_id=line.bank_transaction_id)
        try:
            _, credited = payment_credit(notice=notice, via=CreditSource.RECONCILIATION)
        except CallbackRefused as refused:
            differences.append(_difference(DifferenceKind.MISSING_IN_PORTAL, line, payment, refused.detail))
            continue
        matched += 1
        note = f"Was {payment.get_status_display().lower()}; credited from the statement (receipt {credited.receipt_number})."
        if credited.refund_due:
            note += f" {credited.refund_due} VND to refund."
        differences.append(_difference(DifferenceKind.RECOVERED, line, credited, note))

    day_credits = Payment.objects.filter(
        status=PaymentStatus.CREDITED, credited_via=CreditSource.CALLBACK,
        credited_at__date=statement_date,
    ).exclude(bank_transaction_id__in=seen_transactions).order_by("credited_at")
    for payment in day_credits:
        differences.append(_difference(DifferenceKind.MISSING_IN_STATEMENT, payment=payment,
                                       note=f"Credited at {timezone.localtime(payment.credited_at):%H:%M:%S}."))
    return differences, matched


def reconciliation_run(*, statement_date: date, content: bytes | None, source: str, user=None,
                       error: str = "") -> ReconciliationReport:
    """Compare the statement `content` of `statement_date` with the portal's credits and store the report.

    `content=None` (with `error`) records that the statement could not be obtained. Running it
    again for the same date replaces the report's differences; recoveries are never repeated,
    since a payment once credited stays credited.
    """
    now = timezone.now()
    lines, differences, matched = [], [], 0
    status = ReconciliationStatus.FAILED
    if content is not None:
        try:
            lines = bank_statement_parse(content=content)
        except StatementInvalid as exc:
            error = str(exc)
        else:
            differences, matched = _compare(lines, statement_date)
            status = ReconciliationStatus.DIFFERENCES if differences else ReconciliationStatus.BALANCED
            error = ""
    credited = Payment.objects.filter(status=PaymentStatus.CREDITED, credited_at__date=statement_date)
    with transaction.atomic():
        report, _ = ReconciliationReport.objects.select_for_update().get_or_create(
            statement_date=statement_date, defaults={"status": status, "run_at": now})
        report.status = status
        report.source = source[:255]
        report.statement_sha256 = hashlib.sha256(content).hexdigest() if content is not None else ""
        report.statement_lines = len(lines)
        report.statement_total = sum((line.amount for line in lines), ZERO)
        report.credited_count = credited.count()
        report.credited_total = sum(credited.values_list("amount", flat=True), ZERO)
        report.matched_count = matched
        report.error = error
        report.runs += 1
        report.run_at = now
        report.run_by = user if getattr(user, "is_authenticated", False) else None
        report.save()
        report.differences.all().delete()
        for difference in differences:
            difference.report = report
        ReconciliationDifference.objects.bulk_create(differences)
    logger.info("reconciliation of %s: %s, %d lines, %d differences", statement_date, status, len(lines), len(differences))
    return report
