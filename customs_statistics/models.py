"""What the statistics are computed from: one row of facts per registered declaration, and the day
cells of release times and payments. docs/decisions.md, "Statistics at national scale".

None of this is a source of truth. `customs_statistics.services.refresh` derives every row from the
portal's own tables (declarations, assessments, audit trail, document requests, inspections,
payments, late interest) for the declarations that changed since it last ran
(declarations/models/changes.py), every minute (Celery beat), and can rebuild it all
(`manage.py statistics_refresh --rebuild`). Imported outside history (risk.HistoryItem) is never here.

Durations are whole seconds from the declaration's registration; money is whole dong (VND).
"""
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models

TAX_NAMES = ("import_duty", "export_duty", "special_consumption_tax", "environmental_tax", "vat")


class DeclarationFact(models.Model):
    declaration = models.OneToOneField("declarations.Declaration", primary_key=True, on_delete=models.CASCADE, db_constraint=False,
                                       related_name="+")
    # The local date (TIME_ZONE) of registration: the day the declaration counts on.
    registered_on = models.DateField()
    office = models.ForeignKey("reference.CustomsOffice", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    enterprise = models.ForeignKey("accounts.Enterprise", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    direction = models.CharField(max_length=6)
    transport_mode = models.CharField(max_length=5)
    status = models.CharField(max_length=20)
    # "" while not assessed.
    channel = models.CharField(max_length=6, blank=True)
    # The compliance class the assessment applied, and why it chose the channel (risk/selectivity.py
    # reasons: score, required, random, capped_*, green); "" while not assessed.
    compliance_class = models.CharField(max_length=10, blank=True)
    selection = models.CharField(max_length=24, blank=True)
    random_selection = models.BooleanField(default=False)
    # The channel counts against the class's caps (selected by score or at random, not required).
    counted_in_cap = models.BooleanField(default=False)
    # The HS chapter of the goods line of the highest taxable value (the first line on a tie).
    hs_chapter = models.CharField(max_length=2, blank=True)

    # Seconds from registration to the assessment, the clearance and the gate release; the clearance
    # time split into the time the trader held the file (documents requested and not yet supplied,
    # waiting for payment) and the rest, customs' time. Null until it happened.
    to_assessment = models.IntegerField(null=True)
    to_clearance = models.IntegerField(null=True)
    trader_held = models.IntegerField(null=True)
    customs_held = models.IntegerField(null=True)
    to_release = models.IntegerField(null=True)

    # The check (yellow or red): physical when red or an inspection was recorded; concluded and found
    # as risk/selectors/hit_rates.py defines them. The rules that selected it (fired on a yellow or red
    # assessment), the learned model's version and band of the first such assessment it scored.
    checked = models.BooleanField(default=False)
    physical = models.BooleanField(default=False)
    concluded = models.BooleanField(default=False)
    found = models.BooleanField(default=False)
    rule_ids = ArrayField(models.IntegerField(), default=list, blank=True)
    model_version = models.ForeignKey("risk.RiskModelVersion", null=True, on_delete=models.DO_NOTHING, db_constraint=False,
                                      related_name="+")
    model_band = models.CharField(max_length=6, blank=True)
    # The officer who concluded the check (cleared or rejected it), and when (local date).
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.DO_NOTHING, db_constraint=False,
                                   related_name="+")
    decided_on = models.DateField(null=True)

    # Taxes assessed on the declaration (VND), and what was paid of them and of late interest.
    import_duty = models.BigIntegerField(default=0)
    export_duty = models.BigIntegerField(default=0)
    special_consumption_tax = models.BigIntegerField(default=0)
    environmental_tax = models.BigIntegerField(default=0)
    vat = models.BigIntegerField(default=0)
    tax_total = models.BigIntegerField(default=0)
    tax_paid = models.BigIntegerField(default=0)
    interest_charged = models.BigIntegerField(default=0)
    interest_paid = models.BigIntegerField(default=0)
    # Owed now: taxes and late interest not yet paid (due on the day of registration: payments/services/balance.py).
    amount_due = models.BigIntegerField(default=0)

    class Meta:
        db_table = "statistics_declaration_fact"
        indexes = [
            models.Index(fields=["registered_on"], name="fact_registered_on"),
            # Covering what a trader's payments are found by (the ids of its facts that pass the filters).
            models.Index(fields=["enterprise", "registered_on"], name="fact_enterprise_day",
                         include=["declaration", "office", "channel", "direction", "transport_mode",
                                  "compliance_class"]),
            models.Index(fields=["office", "registered_on"], name="fact_office_day"),
            # Covering the decisions per officer and day (workload) and their filters.
            models.Index(fields=["decided_on"], name="fact_decided_on", condition=models.Q(decided_on__isnull=False),
                         include=["decided_by", "office", "channel", "direction", "transport_mode", "compliance_class",
                                  "enterprise"]),
        ]

    def __str__(self):
        return f"facts of declaration {self.declaration_id}"


class CellKeys(models.Model):
    """What a cell of declarations is keyed by: the day (or week) they were registered, their office,
    channel ("" unassessed), direction, transport mode and compliance class."""

    # A day's cell (1), or a week's from its Monday (7): the sum of that ISO week's day cells.
    days = models.SmallIntegerField(default=1)
    registered_on = models.DateField()
    office = models.ForeignKey("reference.CustomsOffice", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    channel = models.CharField(max_length=6, blank=True)
    direction = models.CharField(max_length=6)
    transport_mode = models.CharField(max_length=5)
    compliance_class = models.CharField(max_length=10, blank=True)

    class Meta:
        abstract = True


class DayCell(CellKeys):
    """The declarations of one cell (CellKeys): how many, what their selection and checks came to, what
    they owe, and their release times — each duration of DeclarationFact packed as big-endian 32-bit
    integers (one per declaration that has it, in declaration order; a week's in day order) — so that
    a report over a year reads some sixty thousand cells, not every declaration.
    customs_statistics/selectors/facts.py (DAY_CELL) defines each count and sum from the facts."""

    declarations = models.IntegerField()
    # Selection: at random; counted against the class's caps.
    random_selection = models.IntegerField(default=0)
    counted_in_cap = models.IntegerField(default=0)
    # Concluded checks (DeclarationFact.checked and .concluded) and those that found something: all,
    # physical, selected at random.
    concluded = models.IntegerField(default=0)
    found = models.IntegerField(default=0)
    physical_concluded = models.IntegerField(default=0)
    physical_found = models.IntegerField(default=0)
    random_concluded = models.IntegerField(default=0)
    random_found = models.IntegerField(default=0)
    # Revenue of the declarations whose taxes are owed (not cancelled or rejected): how many, their
    # taxes and late interest charged; those with something still owed, and how much.
    owed = models.IntegerField(default=0)
    import_duty = models.BigIntegerField(default=0)
    export_duty = models.BigIntegerField(default=0)
    special_consumption_tax = models.BigIntegerField(default=0)
    environmental_tax = models.BigIntegerField(default=0)
    vat = models.BigIntegerField(default=0)
    tax_total = models.BigIntegerField(default=0)
    interest_charged = models.BigIntegerField(default=0)
    overdue = models.IntegerField(default=0)
    overdue_amount = models.BigIntegerField(default=0)
    to_assessment = models.BinaryField()
    to_clearance = models.BinaryField()
    trader_held = models.BinaryField()
    customs_held = models.BinaryField()
    to_release = models.BinaryField()

    class Meta:
        db_table = "statistics_day_cell"
        constraints = [models.UniqueConstraint(
            fields=["registered_on", "days", "office", "channel", "direction", "transport_mode", "compliance_class"],
            name="day_cell_unique")]


class RuleCell(CellKeys):
    """The concluded checks of one cell (CellKeys) that a rule selected, and how many of them found
    something: the hit rate per rule."""

    rule = models.ForeignKey("risk.RiskRule", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    concluded = models.IntegerField()
    found = models.IntegerField()

    class Meta:
        db_table = "statistics_rule_cell"
        constraints = [models.UniqueConstraint(
            fields=["registered_on", "days", "office", "channel", "direction", "transport_mode", "compliance_class", "rule"],
            name="rule_cell_unique")]


class ModelCell(CellKeys):
    """The concluded checks of one cell (CellKeys) that the learned model scored, per model
    version and band, and how many of them found something."""

    model_version = models.ForeignKey("risk.RiskModelVersion", on_delete=models.DO_NOTHING, db_constraint=False,
                                      related_name="+")
    model_band = models.CharField(max_length=6)
    concluded = models.IntegerField()
    found = models.IntegerField()

    class Meta:
        db_table = "statistics_model_cell"
        constraints = [models.UniqueConstraint(
            fields=["registered_on", "days", "office", "channel", "direction", "transport_mode", "compliance_class",
                    "model_version", "model_band"], name="model_cell_unique")]


class PaymentCell(models.Model):
    """The payments credited on one day through one bank for declarations of one office, direction,
    transport mode, channel and compliance class: how many, and what they paid per tax, of late
    interest, and what is owed back."""

    paid_on = models.DateField()
    office = models.ForeignKey("reference.CustomsOffice", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    direction = models.CharField(max_length=6)
    transport_mode = models.CharField(max_length=5, default="")
    bank = models.CharField(max_length=11, blank=True, default="")  # Payment.bank: "" when not given
    channel = models.CharField(max_length=6, blank=True)
    compliance_class = models.CharField(max_length=10, blank=True)
    payments = models.IntegerField()
    import_duty = models.BigIntegerField()
    export_duty = models.BigIntegerField()
    special_consumption_tax = models.BigIntegerField()
    environmental_tax = models.BigIntegerField()
    vat = models.BigIntegerField()
    late_interest = models.BigIntegerField()
    refund_due = models.BigIntegerField()

    class Meta:
        db_table = "statistics_payment_cell"
        constraints = [models.UniqueConstraint(fields=["paid_on", "office", "direction", "transport_mode", "channel",
                                                       "compliance_class", "bank"], name="payment_cell_unique")]


class StatisticsState(models.Model):
    """One row: when the figures were last brought up to date, and what that took."""

    refreshed_at = models.DateTimeField(null=True)
    # Set by a migration that changes what the tables hold: the next refresh derives everything again.
    rebuild_needed = models.BooleanField(default=False)
    declarations = models.IntegerField(default=0)  # declarations recomputed by the last refresh
    milliseconds = models.IntegerField(default=0)

    class Meta:
        db_table = "statistics_state"
