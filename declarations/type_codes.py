"""Customs regimes (mã loại hình) by direction."""
from django.utils.translation import gettext_lazy as _

IMPORT_TYPE_CODES = {
    "A11": _("Import for domestic consumption (trading)"),
    "A12": _("Import for production or business"),
    "E21": _("Import of materials for processing contracts"),
    "E31": _("Import of materials for export production"),
    "G11": _("Temporary import"),
}
EXPORT_TYPE_CODES = {
    "B11": _("Export (trading)"),
    "E52": _("Export of processed products"),
    "E62": _("Export of own production"),
    "G21": _("Re-export"),
}
TYPE_CODES = {"import": IMPORT_TYPE_CODES, "export": EXPORT_TYPE_CODES}
