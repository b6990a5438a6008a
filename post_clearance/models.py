"""Post-clearance audit (kiểm tra sau thông quan, "blue"): which released declarations are selected,
the audits, their findings per goods line, and the additional assessment they raise.

Channels stay green/yellow/red; blue is this app's flag on a declaration after its release.
"""
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from customs_portal.accounts.models import ComplianceLevel
from customs_portal.languages import bilingual
from post_clearance.lifecycle import AuditOutcome, AuditStatus

VND = dict(max_digits=20, decimal_places=0)
ZERO = Decimal("0")
RATE = dict(max_digits=5, decimal_places=4, validators=[MinValueValidator(0), MaxValueValidator(1)])


class AuditRule(models.Model):
    """A rule that selects a released declaration for audit: conditions in the risk rules' language
    (risk/conditions.py), evaluated by the risk engine. A selection stores the rule's name and
    conditions as they were, so a later change never alters an explanation."""

    name_vi = models.CharField(_("name in Vietnamese"), max_length=200, blank=True)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    conditions = models.JSONField(_("conditions"), default=list)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("post-clearance audit rule")
        verbose_name_plural = _("post-clearance audit rules")
        constraints = [models.CheckConstraint(condition=~models.Q(name_vi="", name_en=""), name="audit_rule_named")]

    name = bilingual("name")

    def __str__(self):
        return self.name


class ClassPolicy(models.Model):
    """Per compliance class: the random selection rate and the cap on the share of its released
    declarations selected for audit over the rolling window (POST_CLEARANCE_WINDOW_DAYS).
    The row is also what concurrent selections of one class lock, so the cap holds."""

    compliance_level = models.CharField(_("compliance level"), max_length=16, choices=ComplianceLevel.choices, unique=True)
    random_rate = models.DecimalField(_("random selection rate"), **RATE)
    cap_rate = models.DecimalField(_("cap (share selected)"), **RATE)

    class Meta:
        ordering = ["id"]
        verbose_name = _("post-clearance class policy")
        verbose_name_plural = _("post-clearance class policies")

    def __str__(self):
        return f"{self.compliance_level}: {self.random_rate} / {self.cap_rate}"


class SelectionReason(models.TextChoices):
    RULE = "rule", _("An audit rule fired")
    RANDOM = "random", _("Random selection")
    CAPPED = "capped", _("Drawn, but the class is at its cap")
    NONE = "none", _("Not selected")
    OUT_OF_PERIOD = "out_of_period", _("Beyond the legal period for an audit")


class Selection(models.Model):
    """The one selection decision on a released declaration, with its explanation (reproducible:
    the draw is keyed, and the rules and rates used are stored)."""

    declaration = models.OneToOneField("declarations.Declaration", on_delete=models.PROTECT, related_name="post_clearance_selection")
    decided_at = models.DateTimeField()
    compliance_level = models.CharField(max_length=16, choices=ComplianceLevel.choices)
    selected = models.BooleanField()
    reason = models.CharField(max_length=16, choices=SelectionReason.choices)
    fired_rules = models.JSONField(default=list)
    draw = models.DecimalField(max_digits=10, decimal_places=8)
    draw_key = models.CharField(max_length=16)
    explanation = models.JSONField(default=dict)

    class Meta:
        ordering = ["-decided_at", "-id"]
        indexes = [models.Index(fields=["compliance_level", "decided_at"], name="pca_selection_class_window")]

    def __str__(self):
        return f"{self.declaration_id}: {self.reason}"


class Audit(models.Model):
    """A post-clearance audit of one declaration (post_clearance/lifecycle.py)."""

    declaration = models.OneToOneField("declarations.Declaration", on_delete=models.PROTECT, related_name="post_clearance_audit")
    selection = models.OneToOneField(Selection, null=True, blank=True, on_delete=models.PROTECT, related_name="audit")
    customs_office = models.ForeignKey("reference.CustomsOffice", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=8, choices=AuditStatus.choices, default=AuditStatus.SELECTED)
    outcome = models.CharField(_("outcome"), max_length=16, choices=AuditOutcome.choices, blank=True)
    selected_at = models.DateTimeField()
    # The last day an audit may be done: five years from registration (Customs Law 2014, art. 77–79).
    deadline = models.DateField(_("audit deadline"))
    opened_at = models.DateTimeField(null=True, blank=True)
    auditor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    findings = models.TextField(_("findings"), blank=True)
    discrepancy = models.BooleanField(_("discrepancy found"), null=True, blank=True)
    findings_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["selected_at", "id"]
        indexes = [models.Index(fields=["customs_office", "status", "selected_at"], name="pca_audit_queue")]
        constraints = [
            models.CheckConstraint(condition=~models.Q(status="closed") | ~models.Q(outcome=""), name="pca_closed_has_outcome"),
        ]

    def __str__(self):
        return f"audit of {self.declaration_id} ({self.status})"


class AuditLine(models.Model):
    """A goods line the auditor corrected: the values found, and the taxes before and after."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey("declarations.GoodsItem", on_delete=models.PROTECT, related_name="+")
    # Customs value in the invoice currency (price actually paid, with its share of freight and insurance).
    customs_value = models.DecimalField(_("corrected customs value"), max_digits=20, decimal_places=4, null=True, blank=True)
    hs_code = models.CharField(_("corrected HS code"), max_length=8, blank=True)
    quantity = models.DecimalField(_("corrected quantity"), max_digits=18, decimal_places=3, null=True, blank=True)
    taxes_declared = models.JSONField(default=dict)
    taxes_corrected = models.JSONField(default=dict)

    class Meta:
        ordering = ["audit", "item__line_no"]
        constraints = [models.UniqueConstraint(fields=["audit", "item"], name="pca_audit_line_unique")]


class AdditionalAssessment(models.Model):
    """Taxes under-declared, found by an audit: owed with late interest from the declaration's
    original due date, paid through payments (payments/services/later_dues.py)."""

    audit = models.OneToOneField(Audit, on_delete=models.PROTECT, related_name="additional_assessment")
    declaration = models.ForeignKey("declarations.Declaration", on_delete=models.PROTECT, related_name="+")
    taxes = models.JSONField(help_text="the difference per tax, VND, as strings")
    tax_amount = models.DecimalField(**VND)
    due_date = models.DateField(_("original due date"))
    raised_at = models.DateTimeField()
    tax_paid = models.DecimalField(default=ZERO, **VND)
    # Interest stops when the taxes are paid: then it is fixed here.
    interest_fixed = models.DecimalField(null=True, blank=True, **VND)
    interest_paid = models.DecimalField(default=ZERO, **VND)
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(tax_amount__gt=0), name="pca_assessment_positive"),
            models.CheckConstraint(condition=models.Q(tax_paid__lte=models.F("tax_amount")), name="pca_assessment_paid_within"),
        ]

    def __str__(self):
        return f"{self.declaration_id}: {self.tax_amount} VND"
