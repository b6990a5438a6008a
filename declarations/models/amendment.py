"""A trader's amendment of a declaration that customs holds, waiting for the officer's decision
(declarations/amendments.py)."""
from django.conf import settings
from django.db import models

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
