"""The reference tables in Django's admin: searchable, and editable only where admins maintain values.

Most columns come from the files in `reference/data/` and a re-load (`manage.py load_reference_data`)
writes them again, so the admin shows them read-only. Admins maintain what the loader never
overwrites: the taxes of a tariff line (VAT, special consumption tax, environmental tax, export
duty), a country's most-favoured-nation treatment, and the exchange rates. Every save is a write
to a reference table, which the database triggers of declarations migration 0009 turn into a new
`ReferenceDataVersion`: every process drops its copies (`reference.cache`) on its next request.
"""
from django.contrib import admin

from reference.models import Country, Currency, CustomsOffice, ExchangeRate, HSCode, HSSection, Port, TariffLine, Unit


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LoadedRowsAdmin(admin.ModelAdmin):
    """Rows come from the loader only: no adding or deleting; only `editable_fields` can be changed."""

    editable_fields: tuple[str, ...] = ()

    def get_readonly_fields(self, request, obj=None):
        return [name for name in self.get_fields(request, obj) if name not in self.editable_fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(HSSection)
class HSSectionAdmin(ReadOnlyAdmin):
    list_display = ("number", "name")
    search_fields = ("number", "name")


@admin.register(HSCode)
class HSCodeAdmin(ReadOnlyAdmin):
    list_display = ("code", "level", "description", "section")
    list_filter = ("level",)
    search_fields = ("code", "description")
    list_select_related = ("section",)


@admin.register(TariffLine)
class TariffLineAdmin(LoadedRowsAdmin):
    list_display = ("hs_code", "description_vi", "mfn_rate_raw", "vat_rate", "special_consumption_tax_rate",
                    "environmental_tax_per_unit", "export_duty_rate")
    search_fields = ("hs_code", "description_vi", "description_en")
    fields = ("hs_code", "description_vi", "description_en", "mfn_rate", "mfn_rate_raw", "mfn_rate_note",
              "standard_rate", "standard_rate_raw", "preferential", "specialised_procedures", "vat_rate",
              "special_consumption_tax_rate", "environmental_tax_per_unit", "environmental_tax_unit", "export_duty_rate")
    editable_fields = ("vat_rate", "special_consumption_tax_rate", "environmental_tax_per_unit", "environmental_tax_unit",
                       "export_duty_rate")


@admin.register(Country)
class CountryAdmin(LoadedRowsAdmin):
    list_display = ("code", "name_vi", "name_en", "mfn_treatment")
    list_filter = ("mfn_treatment",)
    search_fields = ("code", "name_vi", "name_en")
    fields = ("code", "name_vi", "name_en", "mfn_treatment")
    editable_fields = ("mfn_treatment",)


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    """Rates are added and corrected here; a rate a declaration was taxed with is kept on the declaration."""

    list_display = ("currency", "valid_on", "rate")
    search_fields = ("currency__code",)
    date_hierarchy = "valid_on"
    autocomplete_fields = ("currency",)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Currency)
class CurrencyAdmin(ReadOnlyAdmin):
    list_display = ("code", "name_vi", "name_en")
    search_fields = ("code", "name_vi", "name_en")


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ("code", "name_vi", "name_en")
    search_fields = ("code", "name_vi", "name_en")


@admin.register(Port)
class PortAdmin(ReadOnlyAdmin):
    list_display = ("locode", "name_vi", "name_en", "country", "function", "iata")
    list_filter = ("country",)
    search_fields = ("locode", "name_vi", "name_en", "iata")


@admin.register(CustomsOffice)
class CustomsOfficeAdmin(ReadOnlyAdmin):
    list_display = ("code", "name_vi", "name_en", "province", "kind")
    list_filter = ("kind",)
    search_fields = ("code", "name_vi", "name_en", "province")
