"""Inspection caps and random selection per compliance class (issue 15): the settings of each class
and the daily counters the caps are measured on (risk/selectivity.py decides; docs/decisions.md,
"Inspection caps and random selection per class")."""
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from customs_portal.accounts.models import ComplianceLevel

RATE = dict(max_digits=5, decimal_places=4, validators=[MinValueValidator(0), MaxValueValidator(1)])

# level → (yellow cap, red cap, minimum random yellow, minimum random red): docs/decisions.md.
DEFAULT_CLASS_SELECTIVITY = {
    ComplianceLevel.PRIORITY: (Decimal("0.05"), Decimal("0.01"), Decimal("0"), Decimal("0")),
    ComplianceLevel.HIGH: (Decimal("0.05"), Decimal("0.01"), Decimal("0"), Decimal("0")),
    ComplianceLevel.MEDIUM: (Decimal("0.20"), Decimal("0.05"), Decimal("0"), Decimal("0")),
    ComplianceLevel.LOW: (Decimal("0.50"), Decimal("0.20"), Decimal("0.05"), Decimal("0.02")),
    ComplianceLevel.NEW: (Decimal("0.30"), Decimal("0.10"), Decimal("0.03"), Decimal("0.01")),
}


class ClassSelectivity(models.Model):
    """One compliance class: the most of its declarations sent to yellow (document checks) and to red
    (physical inspections) by their score over the window (RiskSettings.cap_window_days), and the least
    selected at random (the general random rates apply when higher). Assessments of the class lock
    this row while they read and count the window, so two at once cannot both pass a cap."""

    compliance_level = models.CharField(_("compliance level"), max_length=16, choices=ComplianceLevel.choices, unique=True)
    yellow_cap = models.DecimalField(_("most document checks (yellow)"), **RATE)
    red_cap = models.DecimalField(_("most physical inspections (red)"), **RATE)
    random_yellow_min = models.DecimalField(_("least random yellow"), default=Decimal("0"), **RATE)
    random_red_min = models.DecimalField(_("least random red"), default=Decimal("0"), **RATE)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]
        verbose_name = _("class caps and random selection")
        verbose_name_plural = _("class caps and random selection")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(yellow_cap__gte=0, yellow_cap__lte=1, red_cap__gte=0, red_cap__lte=1,
                                   random_yellow_min__gte=0, random_red_min__gte=0),
                name="class_selectivity_rates_in_range"),
            models.CheckConstraint(
                condition=models.Q(random_yellow_min__lte=models.F("yellow_cap"), random_red_min__lte=models.F("red_cap")),
                name="class_selectivity_random_within_cap"),
        ]

    def __str__(self):
        return f"{self.compliance_level}: {self.yellow_cap} / {self.red_cap}"


class SelectivityCounter(models.Model):
    """What the assessments of one class decided on one day (Vietnam's date), counted in the
    assessment's transaction: the caps are measured on the sum of the window's rows, never on the
    assessments themselves. `*_selected` count against the caps (score and random), `*_required`
    apart (minimum-channel rules and content minimums), `random_*` the random ones again."""

    compliance_level = models.CharField(max_length=16, choices=ComplianceLevel.choices)
    day = models.DateField()
    assessed = models.PositiveIntegerField(default=0)
    yellow_selected = models.PositiveIntegerField(default=0)
    red_selected = models.PositiveIntegerField(default=0)
    yellow_required = models.PositiveIntegerField(default=0)
    red_required = models.PositiveIntegerField(default=0)
    random_yellow = models.PositiveIntegerField(default=0)
    random_red = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["compliance_level", "day"], name="selectivity_counter_level_day")]

    def __str__(self):
        return f"{self.compliance_level} {self.day}: {self.assessed}"
