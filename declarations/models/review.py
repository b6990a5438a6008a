"""What officers and traders exchange during review: document requests, documents,
inspection results; and the gate's record that the goods left."""
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    INVOICE = "invoice", _("Commercial invoice")
    PACKING_LIST = "packing_list", _("Packing list")
    CONTRACT = "contract", _("Sales contract")
    BILL_OF_LADING = "bill_of_lading", _("Bill of lading / airway bill")
    CERTIFICATE_OF_ORIGIN = "certificate_of_origin", _("Certificate of origin (C/O)")
    LICENCE = "licence", _("Licence or permit")
    OTHER = "other", _("Other")


class DocumentRequest(models.Model):
    """An officer asks the trader for documents; the trader answers by uploading them."""

    declaration = models.ForeignKey("declarations.Declaration", on_delete=models.PROTECT, related_name="document_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("documents requested"))
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["created_at", "id"]


def document_upload_to(instance, filename):
    """Stored under a random name per declaration; the sanitised original name is kept in the row."""
    return f"declarations/{instance.declaration_id}/{uuid.uuid4().hex}{instance.extension}"


class Document(models.Model):
    declaration = models.ForeignKey("declarations.Declaration", on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("kind"), max_length=24, choices=DocumentKind.choices)
    file = models.FileField(upload_to=document_upload_to, max_length=255)
    original_name = models.CharField(max_length=255)
    extension = models.CharField(max_length=8)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    answers = models.ForeignKey(DocumentRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="documents")

    class Meta:
        ordering = ["uploaded_at", "id"]


class InspectionResult(models.Model):
    """The outcome of a physical inspection of one version of a declaration."""

    declaration = models.ForeignKey("declarations.Declaration", on_delete=models.PROTECT, related_name="inspections")
    declaration_version = models.PositiveIntegerField()
    inspected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    discrepancy = models.BooleanField()
    findings = models.TextField(blank=True)
    tax_total_before = models.DecimalField(max_digits=20, decimal_places=0)
    tax_total_after = models.DecimalField(max_digits=20, decimal_places=0)
    goods_before = models.JSONField(null=True, blank=True, help_text="the goods as declared, when the inspection changed them")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class GateRelease(models.Model):
    """The goods of a cleared declaration left the customs-controlled area."""

    declaration = models.OneToOneField("declarations.Declaration", on_delete=models.PROTECT, related_name="gate_release")
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    container_numbers = models.JSONField(default=list)
    released_at = models.DateTimeField(auto_now_add=True)
