"""Reference tables: the HS nomenclature, Vietnam's tariff, code lists, offices, exchange rates.

Loaded from the files under `reference/data/` by `manage.py load_reference_data`; the taxes of
tariff lines (VAT, special consumption tax, environmental tax, export duty), countries' MFN
treatment and exchange rates are maintained by admins in Django's admin (`reference/admin.py`).

These models lived in the `declarations` app until issue 14; their tables keep the names they
had there (`db_table`), so the move copied no data (migrations: reference 0001, declarations 0017).
"""
from decimal import Decimal

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from customs_portal.languages import bilingual


class HSSection(models.Model):
    number = models.CharField(max_length=5, primary_key=True)  # Roman numeral, I..XXI
    name = models.CharField(max_length=255)

    class Meta:
        db_table = "declarations_hssection"

    def __str__(self):
        return f"{self.number} {self.name}"


class HSCode(models.Model):
    """An HS 2022 chapter (2 digits), heading (4) or subheading (6)."""

    code = models.CharField(max_length=6, primary_key=True)
    description = models.TextField()
    level = models.PositiveSmallIntegerField()
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    section = models.ForeignKey(HSSection, null=True, on_delete=models.PROTECT, related_name="codes")

    class Meta:
        db_table = "declarations_hscode"

    def __str__(self):
        return f"{self.code} {self.description}"


class TariffLineManager(models.Manager):
    """Leaves out the look-up's search columns, which only the database reads (a few KB per line)."""

    SEARCH_COLUMNS = ("search_text", "search_own", "search_vector")

    def get_queryset(self):
        return super().get_queryset().defer(*self.SEARCH_COLUMNS)


class TariffLine(models.Model):
    """An 8-digit line of Vietnam's tariff with its rates.

    Rates are percentages. `*_raw` keep the source notation; the parsed preferential
    rates live in `preferential` as {agreement column: {"rate", "excluded", "country_rates",
    "alternatives", "note"}} (see `reference.tariff_notation`).

    `parents` are the headings above the line in the tariff, outermost first, as
    {"code" (4 or 6 digits, or "" for an untitled grouping), "vi", "en"}; the `search_*`
    columns are what the look-up searches (`reference.search_text`), all set by the loader.
    """

    hs_code = models.CharField(max_length=8, unique=True)
    description_vi = models.TextField()
    description_en = models.TextField(blank=True)
    standard_rate = models.DecimalField(max_digits=7, decimal_places=3, null=True, blank=True)
    standard_rate_raw = models.CharField(max_length=120, blank=True)
    mfn_rate = models.DecimalField(max_digits=7, decimal_places=3, null=True, blank=True)
    mfn_rate_raw = models.CharField(max_length=120, blank=True)
    mfn_rate_note = models.CharField(max_length=255, blank=True)
    preferential = models.JSONField(default=dict, blank=True)
    export_duty_rate = models.DecimalField(
        _("export duty rate (%)"), max_digits=7, decimal_places=3, null=True, blank=True
    )
    vat_rate = models.DecimalField(
        _("VAT rate (%)"), max_digits=5, decimal_places=2, default=Decimal("10"), validators=[MinValueValidator(0)]
    )
    special_consumption_tax_rate = models.DecimalField(
        _("special consumption tax rate (%)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    environmental_tax_per_unit = models.DecimalField(
        _("environmental tax per unit (VND)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    environmental_tax_unit = models.CharField(_("environmental tax unit"), max_length=3, blank=True)
    specialised_procedures = models.TextField(blank=True)
    parents = models.JSONField(default=list, blank=True, editable=False)
    search_text = models.TextField(blank=True, editable=False)
    search_own = models.TextField(blank=True, editable=False)
    # Words of the headings and of the line (weight B), and of the line itself again (weight A).
    search_vector = models.GeneratedField(
        expression=SearchVector("search_text", config="simple", weight="B")
        + SearchVector("search_own", config="simple", weight="A"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = TariffLineManager()

    class Meta:
        db_table = "declarations_tariffline"
        ordering = ["hs_code"]
        indexes = [
            GinIndex(name="tariff_search_vector", fields=["search_vector"]),
            GinIndex(name="tariff_search_text_trgm", fields=["search_text"], opclasses=["gin_trgm_ops"]),
        ]

    def __str__(self):
        return f"{self.hs_code} {self.description_en or self.description_vi}"

    @property
    def hs6(self) -> str:
        return self.hs_code[:6]


class Country(models.Model):
    """An ISO 3166-1 country; the Vietnamese names follow official usage (reference/data/PROVENANCE.md)."""

    code = models.CharField(max_length=2, primary_key=True)  # ISO 3166-1 alpha-2
    name_vi = models.CharField(_("name in Vietnamese"), max_length=120, blank=True)
    name_en = models.CharField(_("name in English"), max_length=120)
    mfn_treatment = models.BooleanField(
        _("most-favoured-nation treatment"),
        default=True,
        help_text=_("Goods from countries without MFN treatment pay the standard rate, one and a half times the MFN rate."),
    )

    class Meta:
        db_table = "declarations_country"
        ordering = ["code"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    name = bilingual("name")

    def __str__(self):
        return f"{self.code} {self.name}"


class Currency(models.Model):
    code = models.CharField(max_length=3, primary_key=True)  # ISO 4217
    name_vi = models.CharField(_("name in Vietnamese"), max_length=120, blank=True)
    name_en = models.CharField(_("name in English"), max_length=120)

    class Meta:
        db_table = "declarations_currency"
        ordering = ["code"]
        verbose_name = _("currency")
        verbose_name_plural = _("currencies")

    name = bilingual("name")

    def __str__(self):
        return self.code


class Unit(models.Model):
    code = models.CharField(max_length=3, primary_key=True)  # UN/ECE Recommendation 20
    name_vi = models.CharField(_("name in Vietnamese"), max_length=120, blank=True)
    name_en = models.CharField(_("name in English"), max_length=120)

    class Meta:
        db_table = "declarations_unit"
        ordering = ["code"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    name = bilingual("name")

    def __str__(self):
        return f"{self.code} {self.name}"


class Port(models.Model):
    """A UN/LOCODE location: Vietnam's full list plus the main foreign ports and airports.

    `name_en` is the UN/LOCODE name; `name_vi` the Vietnamese name of a place in Vietnam
    (with diacritics), empty for foreign places, which keep their UN/LOCODE name."""

    locode = models.CharField(max_length=5, primary_key=True)
    name_vi = models.CharField(_("name in Vietnamese"), max_length=120, blank=True)
    name_en = models.CharField(_("name in English"), max_length=120)
    country = models.CharField(max_length=2)
    subdivision = models.CharField(max_length=10, blank=True)
    function = models.CharField(max_length=8, blank=True)
    iata = models.CharField(max_length=3, blank=True)

    class Meta:
        db_table = "declarations_port"
        ordering = ["locode"]
        verbose_name = _("port")
        verbose_name_plural = _("ports")

    name = bilingual("name")

    def __str__(self):
        return f"{self.locode} {self.name}"


class CustomsOffice(models.Model):
    code = models.CharField(max_length=4, primary_key=True)
    name_vi = models.CharField(_("name in Vietnamese"), max_length=255)
    name_en = models.CharField(_("name in English"), max_length=255, blank=True)
    province = models.CharField(max_length=80, blank=True)
    kind = models.CharField(max_length=20, blank=True)  # seaport, airport, border, inland

    class Meta:
        db_table = "declarations_customsoffice"
        ordering = ["code"]
        verbose_name = _("customs office")
        verbose_name_plural = _("customs offices")

    name = bilingual("name")

    def __str__(self):
        return f"{self.code} {self.name}"


class ExchangeRate(models.Model):
    """VND per one unit of a currency, in force from `valid_on` until the next rate."""

    currency = models.ForeignKey(Currency, on_delete=models.PROTECT, related_name="rates")
    valid_on = models.DateField()
    rate = models.DecimalField(max_digits=18, decimal_places=4, validators=[MinValueValidator(Decimal("0.0001"))])

    class Meta:
        db_table = "declarations_exchangerate"
        ordering = ["currency", "-valid_on"]
        constraints = [
            models.UniqueConstraint(fields=["currency", "valid_on"], name="exchange_rate_unique_per_day"),
            models.CheckConstraint(condition=models.Q(rate__gt=0), name="exchange_rate_positive"),
        ]

    def __str__(self):
        return f"{self.currency_id} {self.valid_on}: {self.rate}"


class ReferenceDataVersion(models.Model):
    """One row whose `version` changes with every statement that writes a code list, the tariff or
    the exchange rates (database triggers, declarations migration 0009). Processes keep copies of those
    tables (`reference.cache`) and drop them when it moves. The value comes from a
    sequence, so a rolled-back change never hands out a version number twice."""

    version = models.BigIntegerField()

    class Meta:
        db_table = "declarations_referencedataversion"

    def __str__(self):
        return f"reference data version {self.version}"
