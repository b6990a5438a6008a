"""Notices to a trader's enterprise: what the portal did or is about to do on its own (a draft about
to expire, a draft expired, a registration lapsed after 15 days). The message is stored as a kind
and its parameters, and rendered in the reader's language when shown (declarations/notices.py)."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeKind(models.TextChoices):
    DRAFT_EXPIRING = "draft_expiring", _("Draft about to expire")
    DRAFT_EXPIRED = "draft_expired", _("Draft expired")
    REGISTRATION_LAPSED = "registration_lapsed", _("Declaration cancelled after 15 days")


class Notice(models.Model):
    enterprise = models.ForeignKey("accounts.Enterprise", on_delete=models.CASCADE, related_name="notices")
    declaration = models.ForeignKey("declarations.Declaration", null=True, blank=True, on_delete=models.CASCADE,
                                    related_name="notices")
    kind = models.CharField(max_length=32, choices=NoticeKind.choices)
    params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["enterprise", "-created_at", "-id"], name="notice_enterprise_newest")]
        constraints = [
            # Sent once: a beat task that runs twice finds the notice already there.
            models.UniqueConstraint(fields=["declaration", "kind"], condition=models.Q(declaration__isnull=False),
                                    name="notice_once_per_declaration_kind"),
        ]

    def __str__(self):
        return f"{self.enterprise_id} {self.kind} {self.declaration_id}"
