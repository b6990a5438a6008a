"""A trader's amendment of a declaration that customs holds, waiting for the officer's decision
(declarations/amendments.py)."""
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from declarations.amendments import AmendmentStatus


class AmendmentRequest(models.Model):
    declaration = models.ForeignKey("declarations.Declaration", on_delete=models.PROTECT, related_name="amendment_requests")
    base_version = models.PositiveIntegerField(help_text="the version of the declaration the request amends")
    status = models.CharField(max_length=8, choices=AmendmentStatus.choices, default=AmendmentStatus.PENDING)
    content = models.JSONField(help_text="the requested declaration body (api.md), as it would be registered")
    taxes = models.JSONField(default=dict, help_text="the taxes the requested content owes at the registration date's rate")
    changes = models.JSONField(default=list, help_text="what the request changes, field by field and line by line")
    reason = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    result_version = models.PositiveIntegerField(null=True, blank=True, help_text="accepted: the version it became")

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["declaration"], condition=models.Q(status="pending"),
                                    name="amendment_request_one_pending"),
        ]

    def __str__(self):
        return f"{self.declaration} amendment #{self.pk} ({self.status})"

    @property
    def pending(self) -> bool:
        return self.status == AmendmentStatus.PENDING


class RefundStatus(models.TextChoices):
    # The amendment lowers no tax.
    NONE = "", _("No refund")
    # Customs owes the trader the taxes the amendment lowered. The bank transfer itself is out of the
    # portal's scope (issue 18): the record is what the finance office works from.
    TO_BE_REFUNDED = "to_be_refunded", _("To be refunded")


VND = dict(max_digits=20, decimal_places=0)


class AmendmentDifference(models.Model):
    """An amendment accepted after clearance: the difference in taxes between the version it amended
    and the version it became, per tax. What it adds is a later due with late interest from the
    ORIGINAL due date (paid like a post-clearance audit's: payments/services/later_dues.py; the
    field names are the ones post_clearance.services.additional reads); what it lowers is owed to
    the trader ("to be refunded")."""

    amendment = models.OneToOneField(AmendmentRequest, on_delete=models.PROTECT, related_name="difference")
    declaration = models.ForeignKey("declarations.Declaration", on_delete=models.PROTECT, related_name="amendment_differences")
    taxes = models.JSONField(default=dict, help_text="the additional tax per tax, VND, as strings")
    tax_amount = models.DecimalField(_("additional tax"), **VND)
    refunds = models.JSONField(default=dict, help_text="the tax to refund per tax, VND, as strings")
    refund_amount = models.DecimalField(_("tax to refund"), **VND)
    refund_status = models.CharField(_("refund"), max_length=16, choices=RefundStatus.choices, blank=True)
    due_date = models.DateField(_("original due date"))
    raised_at = models.DateTimeField()
    tax_paid = models.DecimalField(default=Decimal("0"), **VND)
    # Interest stops when the additional tax is paid: then it is fixed here.
    interest_fixed = models.DecimalField(null=True, blank=True, **VND)
    interest_paid = models.DecimalField(default=Decimal("0"), **VND)
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["raised_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(tax_amount__gte=0, refund_amount__gte=0), name="amendment_difference_not_negative"),
            models.CheckConstraint(condition=models.Q(tax_paid__lte=models.F("tax_amount")), name="amendment_difference_paid_within"),
        ]

    def __str__(self):
        return f"{self.declaration_id}: +{self.tax_amount} / -{self.refund_amount} VND"
