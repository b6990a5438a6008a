"""Payments of the amount due of a declaration, the late-payment interest it bears, the bank's
callbacks that were refused, and the daily reconciliation with the bank's statement.

All amounts are whole Vietnamese dong (VND) in `DecimalField`s; the currency is kept beside them.
"""
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

VND = dict(max_digits=20, decimal_places=0)
ZERO = Decimal("0")


class PaymentStatus(models.TextChoices):
    # Started by the trader; the bank has not confirmed anything yet (or its callback was lost).
    PENDING = "pending", _("Pending")
    # The bank confirmed the money; it is applied to the declaration (and any excess is owed back).
    CREDITED = "credited", _("Credited")
    # The bank reported that the payment did not go through. The trader may pay again with a new reference.
    FAILED = "failed", _("Failed")


class CreditSource(models.TextChoices):
    CALLBACK = "callback", _("Bank callback")
    RECONCILIATION = "reconciliation", _("Reconciliation with the bank statement")


class Payment(models.Model):
    """One attempt to pay a declaration's amount due through the bank, under a unique reference."""

    declaration = models.ForeignKey("declarations.Declaration", on_delete=models.PROTECT, related_name="payments")
    reference = models.CharField(_("payment reference"), max_length=24, unique=True)
    amount = models.DecimalField(_("amount"), **VND)
    currency = models.CharField(max_length=3, default="VND")
    # What the amount was made of when the payment was started: taxes outstanding and late interest.
    tax_amount = models.DecimalField(**VND)
    interest_amount = models.DecimalField(**VND)
    status = models.CharField(_("status"), max_length=8, choices=PaymentStatus.choices, default=PaymentStatus.PENDING)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # The bank the trader chose to pay through (payments/banks.py: its SWIFT/BIC code); "" when not
    # given (the API does not require it).
    bank = models.CharField(_("bank"), max_length=11, blank=True, default="")

    # Set by the bank's callback (or by reconciliation); unique: one bank transaction credits once.
    bank_transaction_id = models.CharField(_("bank transaction"), max_length=64, null=True, blank=True, unique=True)
    credited_at = models.DateTimeField(null=True, blank=True)
    credited_via = models.CharField(max_length=16, choices=CreditSource.choices, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    receipt_number = models.CharField(_("receipt number"), max_length=20, null=True, blank=True, unique=True)
    # How the credited money was used: taxes, late interest, and what is owed back to the trader
    # (a declaration cancelled or already paid in the meantime). They add up to `amount`.
    applied_tax = models.DecimalField(default=ZERO, **VND)
    applied_interest = models.DecimalField(default=ZERO, **VND)
    refund_due = models.DecimalField(default=ZERO, **VND)
    # The taxes paid by this payment, one entry per tax (import_duty, …, late_interest), for the receipt.
    breakdown = models.JSONField(default=dict)
    # The same callback delivered again (a replay): counted, never credited again.
    duplicate_callbacks = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["declaration", "-created_at"], name="payment_declaration_created"),
            models.Index(fields=["credited_at"], name="payment_credited_at"),
            models.Index(fields=["created_at"], name="payment_pending_created", condition=Q(status="pending")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(applied_tax__gte=0) & Q(applied_interest__gte=0) & Q(refund_due__gte=0),
                name="payment_applied_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(status="credited") | (
                    Q(bank_transaction_id__isnull=False) & Q(receipt_number__isnull=False) & Q(credited_at__isnull=False)
                    & Q(amount=F("applied_tax") + F("applied_interest") + F("refund_due"))
                ),
                name="payment_credited_complete",
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def applied_amount(self) -> Decimal:
        return self.applied_tax + self.applied_interest


class LateInterest(models.Model):
    """Late-payment interest (tiền chậm nộp) of a declaration: 0.03 % of the unpaid taxes per late day.

    `accrued` is exact (principal × 0.0003 has at most four decimals); `charged` is it rounded
    to whole dong, and the unpaid part (`charged - paid`) is included in the declaration's amount due.
    """

    declaration = models.OneToOneField("declarations.Declaration", on_delete=models.PROTECT, related_name="late_interest")
    due_date = models.DateField(_("due date"))
    accrued = models.DecimalField(max_digits=24, decimal_places=4, default=ZERO)
    accrued_through = models.DateField(null=True, blank=True, help_text="the last late day counted")
    charged = models.DecimalField(default=ZERO, **VND)
    paid = models.DecimalField(default=ZERO, **VND)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(paid__lte=F("charged")), name="late_interest_paid_within_charged"),
        ]

    def __str__(self):
        return f"{self.declaration}: {self.charged} VND"

    @property
    def outstanding(self) -> Decimal:
        return self.charged - self.paid


class RejectionReason(models.TextChoices):
    MALFORMED = "malformed", _("Not a JSON object")
    INVALID = "invalid", _("Missing or invalid fields")
    UNKNOWN_REFERENCE = "unknown_reference", _("Unknown payment reference")
    AMOUNT_MISMATCH = "amount_mismatch", _("Amount does not match the payment")
    TRANSACTION_CONFLICT = "transaction_conflict", _("Bank transaction already used by another payment")
    ALREADY_SETTLED = "already_settled", _("Payment already settled by another bank transaction")


class RejectedCallback(models.Model):
    """A correctly signed bank callback that the portal refused, kept for reconciliation.

    Callbacks with a bad or missing signature are not stored: they change nothing at all.
    """

    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    reason = models.CharField(max_length=24, choices=RejectionReason.choices)
    http_status = models.PositiveSmallIntegerField()
    detail = models.TextField(blank=True)
    reference = models.CharField(max_length=64, blank=True)
    bank_transaction_id = models.CharField(max_length=64, blank=True)
    amount = models.CharField(max_length=40, blank=True, help_text="as sent by the bank")
    status = models.CharField(max_length=16, blank=True)
    body = models.TextField(help_text="the raw body, cut at 4,000 characters")
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="rejected_callbacks")

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self):
        return f"{self.received_at:%Y-%m-%d %H:%M:%S} {self.reason} {self.reference}"


class ReconciliationStatus(models.TextChoices):
    BALANCED = "balanced", _("Balanced")
    DIFFERENCES = "differences", _("Differences found")
    FAILED = "failed", _("Statement unavailable or unreadable")


class ReconciliationReport(models.Model):
    """The comparison of the bank's statement of one day with the payments the portal credited.

    One report per statement date; running the reconciliation again replaces its differences.
    """

    statement_date = models.DateField(_("statement date"), unique=True)
    status = models.CharField(max_length=12, choices=ReconciliationStatus.choices)
    source = models.CharField(max_length=255, blank=True, help_text="where the statement came from")
    statement_sha256 = models.CharField(max_length=64, blank=True)
    statement_lines = models.PositiveIntegerField(default=0)
    statement_total = models.DecimalField(default=ZERO, **VND)
    credited_count = models.PositiveIntegerField(default=0)
    credited_total = models.DecimalField(default=ZERO, **VND)
    matched_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    runs = models.PositiveIntegerField(default=0)
    run_at = models.DateTimeField()
    run_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-statement_date"]

    def __str__(self):
        return f"{self.statement_date}: {self.status}"


class DifferenceKind(models.TextChoices):
    # On the statement, the payment still pending or failed in the portal: credited now by the reconciliation.
    RECOVERED = "recovered", _("Missing credit, recovered")
    # On the statement, but the portal could not credit it (amount differs from the pending payment…).
    MISSING_IN_PORTAL = "missing_in_portal", _("Missing in the portal")
    # Credited in the portal on that day, absent from the bank's statement.
    MISSING_IN_STATEMENT = "missing_in_statement", _("Missing in the bank statement")
    # A reference the portal never issued.
    UNKNOWN = "unknown", _("Unknown reference")
    # The bank's amount differs from the payment's.
    AMOUNT_MISMATCH = "amount_mismatch", _("Amount mismatch")
    # A second bank transaction for a payment already credited by another one: money to give back.
    DUPLICATE = "duplicate", _("Paid twice")
    # Money received that the declaration no longer needed (cancelled, already paid): to refund.
    REFUND_DUE = "refund_due", _("Refund due")


class ReconciliationDifference(models.Model):
    report = models.ForeignKey(ReconciliationReport, on_delete=models.CASCADE, related_name="differences")
    kind = models.CharField(max_length=24, choices=DifferenceKind.choices)
    reference = models.CharField(max_length=64, blank=True)
    bank_transaction_id = models.CharField(max_length=64, blank=True)
    bank_amount = models.DecimalField(null=True, blank=True, **VND)
    portal_amount = models.DecimalField(null=True, blank=True, **VND)
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["report", "kind", "id"]

    def __str__(self):
        return f"{self.report.statement_date} {self.kind} {self.reference}"
