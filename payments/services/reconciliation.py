"""Daily reconciliation: the bank's statement of a day against the payments the portal credited.

Statement format (CSV, UTF-8, comma-separated, one header line, one line per amount the bank
collected for customs on that day, booked in Asia/Ho_Chi_Minh time):

    bank_transaction_id,reference,amount,currency,booked_at
    SB2026051500012345,HQ260515A1B2C3D4E5,12345678,VND,2026-05-15T10:42:07+07:00

`amount` is a whole number of dong without separators; `currency` is VND. A cell that a
spreadsheet would run as a formula (it starts with = + - @, a tab or a carriage return) is
written by the bank with an apostrophe before it, and read here without it.

Every line is looked up by its reference. A payment still pending (its callback lost, or the
bank "timed out") or failed, whose amount matches, is credited now with the statement's bank
transaction (`recovered`). Differences are stored: a reference the portal never issued
(`unknown`), an amount that differs (`amount_mismatch`), a payment the portal cannot credit
(`missing_in_portal`), a second transaction for a payment already credited (`duplicate`),
money credited that the declaration did not need (`refund_due`), and payments the portal
credited from a callback that day that the statement lacks (`missing_in_statement`).

The notes of the differences and the statement's errors are written in the language active
during the run: the officer's for a statement uploaded on the page, the portal's default
(LANGUAGE_CODE) for the nightly run.
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
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

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


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class StatementInvalid(Exception):
    pass


def statement_cell_escaped(value) -> str:
    """A statement cell as the bank writes it: never the start of a spreadsheet formula."""
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def statement_cell_read(cell: str) -> str:
    """A statement cell's value: the bank's escaping apostrophe removed, blanks around it too."""
    if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS):
        cell = cell[1:]
    return cell.strip()


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
        raise StatementInvalid(_("The statement is not UTF-8 text.")) from None
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or [cell.strip() for cell in rows[0]] != STATEMENT_COLUMNS:
        raise StatementInvalid(_("The first line must be the header %(header)s.") % {"header": ",".join(STATEMENT_COLUMNS)})
    lines, problems = [], []
    for line_no, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(STATEMENT_COLUMNS):
            problems.append(_("line %(line)d: %(found)d columns instead of %(expected)d")
                            % {"line": line_no, "found": len(row), "expected": len(STATEMENT_COLUMNS)})
            continue
        txn, reference, amount_text, currency, booked_text = (statement_cell_read(cell) for cell in row)
        try:
            amount = Decimal(amount_text)
        except InvalidOperation:
            amount = None
        if (amount is None or not amount.is_finite() or amount != amount.to_integral_value()
                or not 0 < amount < MAX_AMOUNT):
            problems.append(_("line %(line)d: amount “%(amount)s” is not a positive whole number")
                            % {"line": line_no, "amount": amount_text})
            continue
        try:
            booked_at = datetime.fromisoformat(booked_text)
        except ValueError:
            problems.append(_("line %(line)d: booked_at “%(booked_at)s” is not an ISO 8601 date-time")
                            % {"line": line_no, "booked_at": booked_text})
            continue
        if not txn or not reference:
            problems.append(_("line %(line)d: bank_transaction_id and reference are required") % {"line": line_no})
            continue
        if currency != "VND":
            problems.append(_("line %(line)d: currency “%(currency)s” is not VND") % {"line": line_no, "currency": currency})
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
                                           _("Line %(line)d repeats bank transaction %(transaction)s.")
                                           % {"line": line.line_no, "transaction": line.bank_transaction_id}))
            continue
        seen_transactions.add(line.bank_transaction_id)
        if payment is None:
            differences.append(_difference(DifferenceKind.UNKNOWN, line, note=_("Line %(line)d.") % {"line": line.line_no}))
            continue
        if payment.status == PaymentStatus.CREDITED:
            if payment.bank_transaction_id != line.bank_transaction_id:
                differences.append(_difference(
                    DifferenceKind.DUPLICATE, line, payment,
                    _("Already credited by bank transaction %(transaction)s: refund this one.")
                    % {"transaction": payment.bank_transaction_id}))
            elif payment.amount != line.amount:
                differences.append(_difference(DifferenceKind.AMOUNT_MISMATCH, line, payment))
            else:
                matched += 1
                if payment.credited_via == CreditSource.RECONCILIATION:
                    differences.append(_difference(
                        DifferenceKind.RECOVERED, line, payment,
                        _("Credited from the statement at %(when)s (receipt %(receipt)s).") % {
                            "when": date_format(timezone.localtime(payment.credited_at), "SHORT_DATETIME_FORMAT"),
                            "receipt": payment.receipt_number}))
                if payment.refund_due:
                    differences.append(_difference(DifferenceKind.REFUND_DUE, line, payment,
                                                   _("%(amount)s VND to refund to the trader.")
                                                   % {"amount": number_format(payment.refund_due, force_grouping=True)}))
            continue
        if payment.amount != line.amount:
            differences.append(_difference(DifferenceKind.AMOUNT_MISMATCH, line, payment,
                                           _("Not credited: the payment is %(status)s.")
                                           % {"status": payment.get_status_display().lower()}))
            continue
        notice = BankNotice(reference=line.reference, amount=line.amount, status="success",
                            bank_transaction_id=line.bank_transaction_id)
        try:
            _outcome, credited = payment_credit(notice=notice, via=CreditSource.RECONCILIATION)
        except CallbackRefused as refused:
            differences.append(_difference(DifferenceKind.MISSING_IN_PORTAL, line, payment, refused.detail))
            continue
        matched += 1
        note = _("Was %(status)s; credited from the statement (receipt %(receipt)s).") % {
            "status": payment.get_status_display().lower(), "receipt": credited.receipt_number}
        if credited.refund_due:
            note += " " + _("%(amount)s VND to refund.") % {"amount": number_format(credited.refund_due, force_grouping=True)}
        differences.append(_difference(DifferenceKind.RECOVERED, line, credited, note))

    day_credits = Payment.objects.filter(
        status=PaymentStatus.CREDITED, credited_via=CreditSource.CALLBACK,
        credited_at__date=statement_date,
    ).exclude(bank_transaction_id__in=seen_transactions).order_by("credited_at")
    for payment in day_credits:
        differences.append(_difference(DifferenceKind.MISSING_IN_STATEMENT, payment=payment,
                                       note=_("Credited at %(time)s.")
                                       % {"time": timezone.localtime(payment.credited_at).strftime("%H:%M:%S")}))
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
        report, _created = ReconciliationReport.objects.select_for_update().get_or_create(
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
        report.save(update_fields=["status", "source", "statement_sha256", "statement_lines", "statement_total",
                                   "credited_count", "credited_total", "matched_count", "error", "runs", "run_at", "run_by"])
        report.differences.all().delete()
        for difference in differences:
            difference.report = report
        ReconciliationDifference.objects.bulk_create(differences)
    logger.info("reconciliation of %s: %s, %d lines, %d differences", statement_date, status, len(lines), len(differences))
    return report
