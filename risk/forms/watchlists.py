"""The form of the watchlist page: a partner put on the watchlist."""
from django import forms
from django.utils.translation import gettext_lazy as _

from risk.forms.common import PortalForm, service_errors_set


class WatchlistedPartnerForm(PortalForm):
    name = forms.CharField(label=_("Partner name"), max_length=255,
                           widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}))
    country = forms.CharField(label=_("Country"), max_length=2, required=False,
                              help_text=_("ISO code, e.g. CN; leave empty for any country."),
                              widget=forms.TextInput(attrs={"class": "form-control font-monospace text-uppercase",
                                                            "list": "country-list", "autocomplete": "off",
                                                            "placeholder": "CN"}))
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False,
                             widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}))

    set_service_errors = service_errors_set
