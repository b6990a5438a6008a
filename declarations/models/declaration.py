"""The customs declaration (tờ khai hải quan): a header and 1..50 goods items."""
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from declarations.lifecycle import Channel, Status
from declarations.live import live_sequence
from declarations.type_codes import REGIMES, TypeCode, exemption_entries
from reference.special_rates import (
    special_rule_explanation,
    special_rule_parse,
    special_rule_reference,
    special_rule_short,
)

VND = dict(max_digits=20, decimal_places=0, default=Decimal("0"))
MONEY = dict(max_digits=18, decimal_places=2)


class Direction(models.TextChoices):
    IMPORT = "import", _("Import")
    EXPORT = "export", _("Export")


class TransportMode(models.TextChoices):
    SEA = "sea", _("Sea")
    AIR = "air", _("Air")
    ROAD = "road", _("Road")
    RAIL = "rail", _("Rail")
    OTHER = "other", _("Other")


class DutyAssessment(models.TextChoices):
    """Who sets a goods item's import duty."""

    # The rate of the tariff (MFN, standard or preferential), computed automatically.
    TARIFF = "tariff", _("From the tariff")
    # The tariff sets it by a special rule (chapter 98) that the declaration's data cannot express:
    # no duty is counted yet; an officer sets it after registration (declarations.services.duty_assessment).
    TO_BE_ASSESSED = "to_be_assessed", _("To be assessed by an officer")
    # Set by an officer, with a reason (the rate or amount and who set it are in `rates`).
    OFFICER = "officer", _("Assessed by an officer")


class PaymentStatus(models.TextChoices):
    NOT_DUE = "not_due", _("Not due")
    UNPAID = "unpaid", _("Unpaid")
    PAID = "paid", _("Paid")


class Declaration(models.Model):
    number = models.CharField(_("number"), max_length=12, unique=True, null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    direction = models.CharField(_("direction"), max_length=6, choices=Direction.choices)
    type_code = models.CharField(_("type code"), max_length=3)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    channel = models.CharField(_("channel"), max_length=6, choices=Channel.choices, null=True, blank=True)

    enterprise = models.ForeignKey(
        "accounts.Enterprise", on_delete=models.PROTECT, related_name="declarations", verbose_name=_("enterprise")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    customs_office = models.ForeignKey(
        "reference.CustomsOffice", on_delete=models.PROTECT, related_name="declarations"
    )

    partner_name = models.CharField(_("partner name"), max_length=255)
    partner_address = models.CharField(_("partner address"), max_length=500, blank=True)
    partner_country = models.ForeignKey("reference.Country", on_delete=models.PROTECT, related_name="+")

    transport_mode = models.CharField(_("transport mode"), max_length=5, choices=TransportMode.choices)
    bill_of_lading = models.CharField(_("bill of lading / airway bill"), max_length=35, blank=True)
    vessel_flight = models.CharField(_("vessel / flight"), max_length=100, blank=True)
    port_of_loading = models.ForeignKey("reference.Port", on_delete=models.PROTECT, related_name="+")
    port_of_discharge = models.ForeignKey("reference.Port", on_delete=models.PROTECT, related_name="+")
    arrival_date = models.DateField(_("arrival date"), null=True, blank=True)
    departure_date = models.DateField(_("departure date"), null=True, blank=True)
    packages = models.PositiveIntegerField(_("packages"))
    # ISO 6346 numbers, normalised (declarations/containers.py); empty for goods not in containers, or
    # not listed. Where listed, the gate releases the goods only with the same containers.
    container_numbers = models.JSONField(_("container numbers"), default=list, blank=True)
    gross_weight_kg = models.DecimalField(_("gross weight (kg)"), max_digits=14, decimal_places=3)

    invoice_number = models.CharField(_("invoice number"), max_length=50)
    invoice_date = models.DateField(_("invoice date"))
    invoice_currency = models.ForeignKey("reference.Currency", on_delete=models.PROTECT, related_name="+")
    incoterm = models.CharField(_("Incoterm"), max_length=3)
    invoice_total = models.DecimalField(_("invoice total"), **MONEY)
    freight = models.DecimalField(_("freight"), default=Decimal("0"), **MONEY)
    insurance = models.DecimalField(_("insurance"), default=Decimal("0"), **MONEY)

    # VND per unit of the invoice currency: the rate in force on the registration date
    # (for a draft, the rate in force today, used for the preview).
    exchange_rate = models.DecimalField(_("exchange rate"), max_digits=18, decimal_places=4, null=True, blank=True)
    exchange_rate_date = models.DateField(null=True, blank=True)
    # The date whose rules and rates the content was last validated and taxed with, and the
    # reference data it was checked against (ReferenceDataVersion): a draft submitted on that
    # day with the same reference data would come out the same, so registration skips it.
    taxed_on = models.DateField(null=True, blank=True, editable=False)
    taxed_with_reference_version = models.BigIntegerField(null=True, blank=True, editable=False)

    import_duty = models.DecimalField(**VND)
    export_duty = models.DecimalField(**VND)
    special_consumption_tax = models.DecimalField(**VND)
    environmental_tax = models.DecimalField(**VND)
    vat = models.DecimalField(**VND)
    tax_total = models.DecimalField(**VND)
    amount_due = models.DecimalField(**VND)
    payment_status = models.CharField(max_length=8, choices=PaymentStatus.choices, default=PaymentStatus.NOT_DUE)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    registered_at = models.DateTimeField(null=True, blank=True)
    assessed_at = models.DateTimeField(null=True, blank=True)
    cleared_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    # The trader's latest amendment request (pending or decided), shown with the declaration; the
    # requests themselves are `amendment_requests` (declarations/amendments.py).
    amendment_request = models.ForeignKey(
        "declarations.AmendmentRequest", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The officer who checks it while customs holds it (declarations/services/assignment.py); kept
    # afterwards as who handled it. Null: in the office's pool, visible to all its officers.
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="assigned_declarations",
        verbose_name=_("assigned to"),
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    # Linked branch declarations (tờ khai nhánh, declarations/services/branches.py): more than 50 goods
    # lines are filed as a group of drafts of at most 50 lines each. Every member, the first included,
    # points at the group's first declaration (branch 1), whose number is the group's first number
    # (số tờ khai đầu tiên); all three are null for a declaration that is not part of a group.
    branch_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="branches", verbose_name=_("first declaration"),
    )
    branch_index = models.PositiveSmallIntegerField(_("branch"), null=True, blank=True)
    branch_count = models.PositiveSmallIntegerField(_("branches in the group"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The lists, newest first: a trader's enterprise's, and everyone's for customs staff.
            models.Index(fields=["enterprise", "-created_at", "-id"], name="decl_enterprise_newest"),
            models.Index(fields=["-created_at", "-id"], name="decl_newest"),
            models.Index(fields=["status", "registered_at"], name="decl_status_registered"),
            models.Index(fields=["registered_at"], name="decl_registered_at"),
            models.Index(
                fields=["assessed_at", "id"], name="decl_review_queue",
                condition=models.Q(status__in=["under_review", "under_inspection"]),
            ),
            models.Index(
                fields=["customs_office", "assessed_at", "id"], name="decl_review_queue_office",
                condition=models.Q(status__in=["under_review", "under_inspection"]),
            ),
            # Each officer's open work and when they were last given some (the assignment's choice).
            models.Index(fields=["assigned_to", "assigned_at"], name="decl_assigned_to"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(invoice_total__gt=0), name="decl_invoice_total_positive"),
            models.CheckConstraint(
                condition=models.Q(freight__gte=0) & models.Q(insurance__gte=0), name="decl_costs_not_negative"
            ),
            # Registration numbers the declaration. A draft has no number, and neither has a draft
            # the trader withdrew (cancelled before it was ever registered) or that expired: it never
            # reached customs.
            models.CheckConstraint(
                condition=models.Q(number__isnull=False) | models.Q(status="draft")
                | models.Q(status="cancelled", registered_at__isnull=True)
                | models.Q(status="expired", registered_at__isnull=True),
                name="decl_numbered_once_registered",
            ),
            models.UniqueConstraint(fields=["branch_of", "branch_index"], name="decl_branch_index_unique"),
            models.CheckConstraint(
                condition=(models.Q(branch_of__isnull=True, branch_index__isnull=True, branch_count__isnull=True)
                           | models.Q(branch_of__isnull=False, branch_index__gte=1, branch_count__gte=2,
                                      branch_index__lte=models.F("branch_count"))),
                name="decl_branch_fields_together",
            ),
        ]

    @property
    def regime(self) -> TypeCode | None:
        """The customs regime of the type code (declarations.type_codes), with its tax treatment."""
        return REGIMES.get(self.type_code)

    def __str__(self):
        return self.number or f"draft #{self.pk}"

    @property
    def is_branch(self) -> bool:
        return self.branch_of_id is not None

    @property
    def first_number(self) -> str | None:
        """The group's first declaration number (số tờ khai đầu tiên): branch 1's, once registered."""
        if self.branch_of_id is None:
            return None
        return self.number if self.branch_of_id == self.pk else self.branch_of.number

    @property
    def live_seq(self) -> int:
        """The order of this state among the declaration's changes, as live updates carry it (declarations/live.py)."""
        return live_sequence(self.updated_at)

    def items_set_loaded(self, items: list["GoodsItem"]) -> None:
        """Let `self.items.all()` return `items` (rows just written, in line order) without a query,
        as `prefetch_related("items")` would: a service hands back what it wrote and the response is
        rendered from it."""
        queryset = self.items.all()
        queryset._result_cache = list(items)
        queryset._prefetch_done = True
        self._prefetched_objects_cache = {**getattr(self, "_prefetched_objects_cache", {}), "items": queryset}


class GoodsItem(models.Model):
    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="items")
    line_no = models.PositiveSmallIntegerField()
    hs_code = models.CharField(_("HS code"), max_length=8)
    tariff_line = models.ForeignKey("reference.TariffLine", on_delete=models.PROTECT, related_name="+")
    description = models.CharField(_("description"), max_length=500)
    origin_country = models.ForeignKey("reference.Country", on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(_("quantity"), max_digits=18, decimal_places=3)
    unit = models.ForeignKey("reference.Unit", on_delete=models.PROTECT, related_name="+")
    unit_price = models.DecimalField(_("unit price"), max_digits=18, decimal_places=4)
    line_value = models.DecimalField(_("line value"), **MONEY)
    preference = models.CharField(_("preference"), max_length=8, default="MFN")
    certificate_of_origin = models.CharField(_("certificate of origin number"), max_length=50, blank=True)
    # The permits, licences and inspection results of specialised management that the national single
    # window issued for the goods: [{"kind", "number", "agency", "date" (ISO)}], in the order given,
    # validated by declarations/permits.py. A list on the item, so that copies, versions and amendments
    # carry it with the rest of the line.
    permits = models.JSONField(_("permits"), default=list, blank=True)

    # Computed by declarations.services.taxes (customs value in invoice currency, the rest in VND).
    customs_value = models.DecimalField(max_digits=20, decimal_places=4, default=Decimal("0"))
    taxable_value = models.DecimalField(**VND)
    import_duty = models.DecimalField(**VND)
    export_duty = models.DecimalField(**VND)
    special_consumption_tax = models.DecimalField(**VND)
    environmental_tax = models.DecimalField(**VND)
    vat = models.DecimalField(**VND)
    rates = models.JSONField(default=dict)
    # The taxes the declaration's regime (type code) relieves on this item, each with its exemption code,
    # legal basis (Vietnamese, English) and the amount it would have been: {tax: {"code", "kind",
    # "basis_vi", "basis_en", "amount"}} (declarations.type_codes; the relieved taxes are 0).
    exemptions = models.JSONField(_("tax exemptions"), default=dict, blank=True)
    duty_assessment = models.CharField(
        _("import duty set"), max_length=16, choices=DutyAssessment.choices, default=DutyAssessment.TARIFF
    )

    class Meta:
        ordering = ["declaration", "line_no"]
        constraints = [
            models.UniqueConstraint(fields=["declaration", "line_no"], name="goods_item_line_unique"),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="goods_item_quantity_positive"),
            models.CheckConstraint(condition=models.Q(unit_price__gte=0), name="goods_item_price_not_negative"),
        ]

    def __str__(self):
        return f"{self.declaration} #{self.line_no} {self.hs_code}"

    @property
    def tax_total(self) -> Decimal:
        return self.import_duty + self.export_duty + self.special_consumption_tax + self.environmental_tax + self.vat

    @property
    def permit_entries(self) -> list[dict]:
        """The permits as pages and the PDF list them: the kind's label and the date as a date."""
        from declarations.permits import PermitKind, permits_parsed

        labels = dict(PermitKind.choices)
        return [{**permit, "kind_label": labels.get(permit.get("kind"), permit.get("kind"))}
                for permit in permits_parsed(self.permits)]

    @property
    def exemption_entries(self) -> list[dict]:
        """The taxes the regime relieves on this item, as pages and the PDF list them."""
        return exemption_entries(self.exemptions)

    @property
    def duty_to_be_assessed(self) -> bool:
        return self.duty_assessment == DutyAssessment.TO_BE_ASSESSED

    def duty_rule_texts(self) -> dict | None:
        """The special rule that sets this item's duty, in the current language: {"reference",
        "short", "explanation"}; None when the duty follows a rate of the tariff."""
        if self.duty_assessment == DutyAssessment.TARIFF:
            return None
        rule = special_rule_parse((self.rates or {}).get("import_duty", {}).get("rule", ""))
        return {"reference": special_rule_reference(rule), "short": special_rule_short(rule),
                "explanation": special_rule_explanation(rule)}


class DeclarationVersion(models.Model):
    """A declaration as it was before an amendment: its content, taxes, channel and status, readable forever."""

    declaration = models.ForeignKey(Declaration, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices)
    channel = models.CharField(max_length=6, choices=Channel.choices, null=True, blank=True)
    content = models.JSONField(help_text="the declaration body of api.md, with each item's taxes and rates")
    taxes = models.JSONField()
    exchange_rate = models.DecimalField(max_digits=18, decimal_places=4, null=True)
    registered_at = models.DateTimeField(null=True)
    assessed_at = models.DateTimeField(null=True)
    superseded_at = models.DateTimeField(auto_now_add=True)
    superseded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["declaration", "version"]
        constraints = [models.UniqueConstraint(fields=["declaration", "version"], name="declaration_version_unique")]

    def __str__(self):
        return f"{self.declaration} v{self.version}"
