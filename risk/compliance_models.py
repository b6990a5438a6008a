"""Computed compliance: each enterprise's state, the risk admins' overrides, and the history of levels
(risk/compliance.py holds the criteria; risk/services/compliance.py the changes).

`Enterprise.compliance_level` stays the field the engine reads; the service keeps it equal to the
level in force: the override in force, else priority when granted, else the computed level.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from customs_portal.accounts.models import ComplianceLevel
from risk.compliance import Reason, Source


class ComplianceStatus(models.Model):
    """The last computation of an enterprise's level, and its granted priority (AEO) status."""

    enterprise = models.OneToOneField("accounts.Enterprise", on_delete=models.CASCADE, related_name="compliance_status")
    computed_level = models.CharField(_("computed level"), max_length=16, choices=ComplianceLevel.choices, blank=True)
    reason = models.CharField(max_length=20, choices=Reason.choices, blank=True)
    figures = models.JSONField(default=dict)
    computed_at = models.DateTimeField(null=True, blank=True)
    priority_granted = models.BooleanField(_("priority (AEO) granted"), default=False)
    # The level in force (= Enterprise.compliance_level), where it comes from and since when.
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.COMPUTED)
    since = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("compliance status")
        verbose_name_plural = _("compliance statuses")


class ComplianceOverride(models.Model):
    """A risk admin's level for an enterprise, with a reason, in force until `valid_until` (inclusive)
    unless lifted before. One open (unlifted) override per enterprise: a new one lifts the previous."""

    enterprise = models.ForeignKey("accounts.Enterprise", on_delete=models.CASCADE, related_name="compliance_overrides")
    level = models.CharField(_("level"), max_length=16, choices=ComplianceLevel.choices)
    reason = models.CharField(_("reason"), max_length=500)
    valid_until = models.DateField(_("valid until"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise"], condition=models.Q(lifted_at__isnull=True),
                                    name="compliance_override_one_open"),
            models.CheckConstraint(condition=~models.Q(reason=""), name="compliance_override_reasoned"),
        ]

    def in_force(self, on) -> bool:
        return self.lifted_at is None and self.valid_until >= on


class ComplianceRecord(models.Model):
    """One change of an enterprise's level in force (computed, overridden, granted): never updated."""

    enterprise = models.ForeignKey("accounts.Enterprise", on_delete=models.CASCADE, related_name="compliance_records")
    level = models.CharField(max_length=16, choices=ComplianceLevel.choices)
    previous_level = models.CharField(max_length=16, choices=ComplianceLevel.choices, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    reason = models.CharField(max_length=20, choices=Reason.choices, blank=True)  # of a computed level
    note = models.CharField(max_length=500, blank=True)  # the override's reason, or what the risk admin did
    figures = models.JSONField(default=dict)
    override = models.ForeignKey(ComplianceOverride, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["enterprise", "-recorded_at", "-id"], name="compliance_record_newest")]
