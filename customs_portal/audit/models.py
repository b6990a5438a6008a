"""The audit trail: who did what, when, from which status to which, and why.

The table is still the one `declarations` created (`declarations_auditevent`, with its append-only
trigger from declarations migration 0007): the model moved here without moving data (issue 14).
The declaration is named by its label, not imported: the audit trail sits below every app.
"""
from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    declaration = models.ForeignKey(
        "declarations.Declaration", null=True, blank=True, on_delete=models.PROTECT, related_name="audit_events"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        db_table = "declarations_auditevent"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["declaration", "created_at"], name="audit_declaration_time")]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.action} {self.from_status}->{self.to_status}"
