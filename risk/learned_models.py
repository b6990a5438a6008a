"""The learned risk model (issue 16): the history it learns from and the versions it produces.

`HistoryItem` holds the goods items of declarations from an outside source (`manage.py
import_history`, the labelled data set in risk/history_data/), each with its source; the portal's own
declarations are read where they are (risk/selectors/model_history.py). `RiskModelVersion` is one
trained model with everything needed to tell how it was made and to score with it; one at most is
active (docs/decisions.md, "The learned risk model").
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

PORTAL_SOURCE = "portal"


class HistoryParty(models.Model):
    """An importer, declarant, seller or courier as an outside source names it (its own ID)."""

    class Role(models.TextChoices):
        IMPORTER = "importer", _("Importer")
        DECLARANT = "declarant", _("Declarant")
        SELLER = "seller", _("Seller")
        COURIER = "courier", _("Courier")

    source = models.CharField(_("source"), max_length=32)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    external_id = models.CharField(_("ID at the source"), max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "role", "external_id"], name="history_party_once")]

    def __str__(self):
        return f"{self.source}:{self.role}:{self.external_id}"


class HistoryItem(models.Model):
    """One goods item of a past declaration from an outside source, with what checks found.

    Kept apart from the portal's declarations: traders' lists, officers' queues and statistics never
    read it; only the model's training and backtests do, and statistics when asked for a source.
    """

    source = models.CharField(_("source"), max_length=32, db_index=True)
    source_file = models.CharField(_("file"), max_length=255)
    source_line = models.PositiveIntegerField(_("line in the file"))
    external_id = models.CharField(_("declaration ID at the source"), max_length=64)
    declared_on = models.DateField(_("declaration date"), db_index=True)
    office = models.CharField(_("customs office"), max_length=16)
    process_type = models.CharField(max_length=8, blank=True)
    import_type = models.CharField(max_length=8, blank=True)
    import_use = models.CharField(max_length=8, blank=True)
    payment_type = models.CharField(max_length=8, blank=True)
    # The portal's transport mode (declarations.models.TransportMode), mapped from the source's code,
    # which is kept beside it.
    transport_mode = models.CharField(_("transport mode"), max_length=5)
    transport_code = models.CharField(max_length=8, blank=True)
    importer = models.ForeignKey(HistoryParty, on_delete=models.PROTECT, related_name="+")
    declarant = models.ForeignKey(HistoryParty, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    seller = models.ForeignKey(HistoryParty, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    courier = models.ForeignKey(HistoryParty, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    hs6 = models.CharField(_("HS code (6 digits)"), max_length=6)
    departure_country = models.CharField(_("country of departure"), max_length=2, blank=True)
    origin_country = models.CharField(_("country of origin"), max_length=2, blank=True)
    tax_rate = models.DecimalField(_("tax rate (%)"), max_digits=9, decimal_places=3)
    tax_type = models.CharField(_("tax type"), max_length=8, blank=True)
    origin_indicator = models.CharField(max_length=4, blank=True)
    net_mass = models.DecimalField(_("net mass (kg)"), max_digits=18, decimal_places=3)
    item_price = models.DecimalField(_("item price"), max_digits=22, decimal_places=3)
    currency = models.CharField(_("currency"), max_length=3)
    # What a check found: True a discrepancy (the source's `Fraud` = 1), False none, None not checked.
    fraud = models.BooleanField(_("discrepancy found"), null=True)
    critical = models.BooleanField(_("critical discrepancy"), null=True)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "external_id"], name="history_item_once")]
        indexes = [models.Index(fields=["source", "declared_on"], name="history_item_source_date")]

    def __str__(self):
        return f"{self.source}:{self.external_id}"


class RiskModelVersion(models.Model):
    """One trained model: its window, features, parameters, library versions, evaluation and the
    artifact the worker scores with. Created pending, trained by a Celery task that reports its
    progress, then ready (or failed). A risk admin activates one at a time (audited)."""

    class State(models.TextChoices):
        PENDING = "pending", pgettext_lazy("model version state", "Waiting")
        TRAINING = "training", _("Training")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    number = models.PositiveIntegerField(_("version"), unique=True)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.PENDING)
    progress = models.PositiveSmallIntegerField(default=0, help_text="0–100")
    progress_note = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    seed = models.PositiveIntegerField(default=7)
    include_sources = models.JSONField(default=list, blank=True, help_text="history sources learned from, besides the portal's own")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The window: trained on labelled rows of [train_from, train_to], evaluated on those of
    # [evaluation_from, evaluation_to] by a model that had not seen them, then refitted on both.
    train_from = models.DateField(null=True, blank=True)
    train_to = models.DateField(null=True, blank=True)
    evaluation_from = models.DateField(null=True, blank=True)
    evaluation_to = models.DateField(null=True, blank=True)
    rows = models.JSONField(default=dict, blank=True, help_text="counts: history, labelled, positives, per source")
    features = models.JSONField(default=list, blank=True)
    parameters = models.JSONField(default=dict, blank=True)
    library_versions = models.JSONField(default=dict, blank=True)
    metrics = models.JSONField(default=dict, blank=True)
    artifact = models.BinaryField(null=True, blank=True, editable=False)
    training_seconds = models.FloatField(null=True, blank=True)
    active = models.BooleanField(default=False)
    activated_at = models.DateTimeField(null=True, blank=True)
    activated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["active"], condition=models.Q(active=True), name="risk_model_one_active"),
            models.CheckConstraint(condition=models.Q(active=False) | models.Q(state="ready"), name="risk_model_active_is_ready"),
        ]

    def __str__(self):
        return f"model v{self.number} ({self.state}{', active' if self.active else ''})"
