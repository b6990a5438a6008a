"""The form of the reference price pages."""
from django import forms
from django.utils.translation import gettext_lazy as _

from customs_portal.form_fields import NumberField
from risk.forms.common import PortalForm, service_errors_set


class ReferencePriceForm(PortalForm):
    hs_code = forms.CharField(label=_("HS code or prefix"), max_length=10,
                              help_text=_("2 to 8 digits; the longest prefix with a price in the item's unit applies."),
                              widget=forms.TextInput(attrs={"class": "form-control font-monospace", "inputmode": "numeric",
                                                            "autocomplete": "off", "placeholder": "8471"}))
    unit = forms.CharField(label=_("Unit"), max_length=3,
                           widget=forms.TextInput(attrs={"class": "form-control font-monospace text-uppercase",
                                                         "list": "unit-list", "autocomplete": "off", "placeholder": "PCE"}))
    price_vnd = NumberField(label=_("Reference unit price (VND)"), max_digits=18, decimal_places=2,
                            widget=forms.TextInput(attrs={"class": "form-control text-end"}))
    note = forms.CharField(label=_("Note"), max_length=300, required=False,
                           widget=forms.TextInput(attrs={"class": "form-control"}))

    set_service_errors = service_errors_set

    def price_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("hs_code", "unit", "price_vnd", "note")}
