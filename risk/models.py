"""Risk rules and their immutable versions, risk settings, watchlists, reference prices,
assessments with their explanations, and backtests."""
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from customs_portal.languages import bilingual
from declarations.lifecycle import Channel


class RiskRule(models.Model):
    """A rule's identity. Its content lives in versions; `current` is the one in force now."""

    current = models.OneToOneField(
        "risk.RiskRuleVersion", null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.current.name if self.current_id else f"rule #{self.pk}"


class RiskRuleVersion(models.Model):
    """One version of a rule. Never updated: a change creates the next version.

    The name and description are kept in Vietnamese and English; `name` and `description`
    read the reader's language and fall back to the other when a rule was written in one
    language only (customs_portal.languages)."""

    rule = models.ForeignKey(RiskRule, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    name_vi = models.CharField(_("name in Vietnamese"), max_length=200, blank=True)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    description_vi = models.TextField(_("description in Vietnamese"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    conditions = models.JSONField(_("conditions"), default=list)
    score = models.IntegerField(_("score"), default=0, validators=[MinValueValidator(-1000), MaxValueValidator(1000)])
    min_channel = models.CharField(_("minimum channel"), max_length=6, choices=Channel.choices, blank=True)
    # A new rule is created inactive; activating it goes through a preview of its effect
    # (risk/services/changes.py).
    active = models.BooleanField(_("active"), default=False)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    change_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["rule_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "version"], name="risk_rule_version_unique"),
            models.CheckConstraint(
                condition=models.Q(valid_from__isnull=True) | models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
                name="risk_rule_validity_ordered",
            ),
            models.CheckConstraint(condition=~models.Q(name_vi="", name_en=""), name="risk_rule_version_named"),
        ]

    name = bilingual("name")
    description = bilingual("description")

    def __str__(self):
        return f"{self.name} v{self.version}"


class RiskSettings(models.Model):
    """The thresholds and random-selection rates. One row; every change is audited by version."""

    yellow_threshold = models.IntegerField(_("yellow threshold"), default=30)
    red_threshold = models.IntegerField(_("red threshold"), default=70)
    random_yellow_rate = models.DecimalField(
        _("random green→yellow rate"), max_digits=5, decimal_places=4, default=Decimal("0.02"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    random_red_rate = models.DecimalField(
        _("random green→red rate"), max_digits=5, decimal_places=4, default=Decimal("0.01"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    # The rolling window of the caps per compliance class, in days of daily counters (ClassSelectivity).
    cap_window_days = models.PositiveSmallIntegerField(
        _("window of the caps (days)"), default=30, validators=[MinValueValidator(1), MaxValueValidator(366)],
    )
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("risk settings")
        verbose_name_plural = _("risk settings")
        constraints = [
            models.CheckConstraint(condition=models.Q(red_threshold__gt=models.F("yellow_threshold")), name="risk_thresholds_ordered"),
            models.CheckConstraint(
                condition=models.Q(random_yellow_rate__gte=0) & models.Q(random_red_rate__gte=0)
                & models.Q(random_yellow_rate__lte=1) & models.Q(random_red_rate__lte=1),
                name="risk_random_rates_in_range",
            ),
        ]


class WatchlistedPartner(models.Model):
    """A foreign partner (exporter or importer) under watch.

    `name_key` is `risk.names.partner_name_key(name)`: declarations are matched on it, and one
    key in one country is one partner ("ACME LTD" and "Acme, Ltd." cannot both be listed).
    """

    name = models.CharField(_("partner name"), max_length=255)
    name_key = models.CharField(max_length=255, editable=False)
    country = models.CharField(_("country"), max_length=2, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            # Active entries: the service reactivates an inactive entry of the same key rather than
            # adding one; inactive duplicates can only come from before the key existed (migration 0003).
            models.UniqueConstraint(fields=["name_key", "country"], condition=models.Q(active=True),
                                    name="watchlisted_partner_key_unique"),
            models.CheckConstraint(condition=~models.Q(name_key=""), name="watchlisted_partner_key_set"),
        ]
        indexes = [models.Index(fields=["name_key", "country"], name="watchlisted_partner_key")]

    def __str__(self):
        return f"{self.name} ({self.country})" if self.country else self.name


class WatchlistChange(models.Model):
    """One row per change to the watchlist of partners. The newest id names the watchlist's
    state for the in-process cache of the similarity match (risk.services.partner_match): ids come
    from a sequence, so no two states share one, even across rolled-back transactions."""

    partner = models.ForeignKey(WatchlistedPartner, on_delete=models.PROTECT, related_name="+")
    active = models.BooleanField()
    created_at = models.DateTimeField(auto_now_add=True)


class ReferencePrice(models.Model):
    """The expected unit price of goods of an HS code (prefix) in a unit, in VND, for valuation checks."""

    hs_code = models.CharField(_("HS code or prefix"), max_length=8)
    unit = models.ForeignKey("reference.Unit", on_delete=models.PROTECT, related_name="+")
    price_vnd = models.DecimalField(_("reference unit price (VND)"), max_digits=18, decimal_places=2,
                                    validators=[MinValueValidator(Decimal("0.01"))])
    note = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["hs_code", "unit"]
        constraints = [models.UniqueConstraint(fields=["hs_code", "unit"], name="reference_price_unique")]

    def __str__(self):
        return f"{self.hs_code} {self.unit_id}: {self.price_vnd}"


class Assessment(models.Model):
    """The automated decision on one version of a declaration, with its full explanation. Never changed."""

    declaration = models.ForeignKey("declarations.Declaration", on_delete=models.PROTECT, related_name="assessments")
    declaration_version = models.PositiveIntegerField()
    score = models.IntegerField()
    score_channel = models.CharField(max_length=6, choices=Channel.choices)
    channel = models.CharField(max_length=6, choices=Channel.choices)
    fired_rules = models.JSONField(default=list)
    # Minimum channels the declaration's content required, not set by rules (risk/services/minimums.py):
    # [{"code", "channel", "items": [{"line_no", "hs_code"}]}].
    required_minimums = models.JSONField(default=list, blank=True)
    thresholds = models.JSONField(default=dict)
    random_draw = models.DecimalField(max_digits=10, decimal_places=8)
    random_selection = models.BooleanField(default=False)
    rule_versions = models.ManyToManyField(RiskRuleVersion, related_name="assessments", blank=True)
    engine_micros = models.PositiveIntegerField(default=0)
    # The learned model's view (issue 16), for officers only: the active version when assessed, its
    # score in [0, 1] (the rules' `model.score`), and the features that moved it most for this
    # declaration: [{"feature", "value", "contribution"}] (risk/learned/explain.py).
    model_version = models.ForeignKey("risk.RiskModelVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="assessments")
    model_score = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    model_factors = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["declaration", "declaration_version"], name="assessment_once_per_version"),
        ]

    def __str__(self):
        return f"{self.declaration} v{self.declaration_version}: {self.channel} ({self.score})"


class BacktestRun(models.Model):
    """A candidate rule set run over past declarations (see risk.services.backtest)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Baseline(models.TextChoices):
        """What the candidate is compared with."""

        # The channel each declaration was given at the time (its stored assessment).
        DECIDED = "decided", _("The decisions taken")
        # The rules and settings in force now, run again on each declaration: the difference is
        # then the candidate's effect alone.
        RULES_IN_FORCE = "rules_in_force", _("The rules and settings in force")

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    date_from = models.DateField()
    date_to = models.DateField()
    rules = models.JSONField(help_text="the candidate rules as validated rule bodies, with their origin")
    include_current = models.BooleanField(default=False)
    baseline = models.CharField(max_length=16, choices=Baseline.choices, default=Baseline.DECIDED)
    # Thresholds and random rates the candidate side runs with (None: the settings in force), as
    # {"yellow_threshold", "red_threshold", "random_yellow_rate", "random_red_rate"} (rates as strings).
    candidate_settings = models.JSONField(null=True, blank=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=models.Q(date_to__gte=models.F("date_from")), name="backtest_dates_ordered")]


class RiskChange(models.Model):
    """A change to a rule or to the risk settings that alters which declarations are checked,
    held until a risk admin has seen its preview (a backtest over the last 30 days, `preview`)
    and confirmed it (risk/services/changes.py). Applied at most once."""

    class Kind(models.TextChoices):
        RULE = "rule", _("Rule")
        SETTINGS = "settings", _("Thresholds and random selection")

    kind = models.CharField(max_length=8, choices=Kind.choices)
    rule = models.ForeignKey(RiskRule, null=True, blank=True, on_delete=models.PROTECT, related_name="changes")
    # The rule's fields, or the settings, as they would be after the change (JSON: dates and rates as strings).
    values = models.JSONField()
    change_note = models.CharField(max_length=300, blank=True)
    # What the preview was made against: confirming is refused once either changed.
    rule_set_key = models.BigIntegerField()
    settings_version = models.PositiveIntegerField()
    preview = models.OneToOneField(BacktestRun, on_delete=models.PROTECT, related_name="change")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="rule", rule__isnull=False) | models.Q(kind="settings", rule__isnull=True)),
                name="risk_change_kind_rule",
            ),
            models.CheckConstraint(condition=models.Q(applied_at__isnull=True) | models.Q(applied_by__isnull=False),
                                   name="risk_change_applied_by"),
        ]

    def __str__(self):
        return f"{self.kind} change #{self.pk}"


# Computed compliance (issue 15): its own module.
from risk.compliance_models import ComplianceOverride, ComplianceRecord, ComplianceStatus  # noqa: E402,F401

# The learned risk model (issue 16): its own module.
from risk.learned_models import HistoryItem, HistoryParty, RiskModelVersion  # noqa: E402,F401

# Inspection caps and random selection per compliance class (issue 15): its own module.
from risk.selectivity_models import ClassSelectivity, SelectivityCounter  # noqa: E402,F401
