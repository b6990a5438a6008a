"""Forms of the enterprises page: the search and an enterprise's compliance level and watchlist flag."""
from django import forms
from django.utils.translation import gettext_lazy as _

from customs_portal.accounts.models import ComplianceLevel
from risk.forms.common import PortalForm


class EnterpriseSearchForm(PortalForm):
    q = forms.CharField(label=_("Tax code or name"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"class": "form-control form-control-sm", "type": "search"}))
    level = forms.ChoiceField(label=_("Compliance level"), required=False,
                              choices=[("", _("Any")), *ComplianceLevel.choices],
                              widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    watchlist = forms.ChoiceField(label=_("Watchlist"), required=False,
                                  choices=[("", _("Any")), ("yes", _("On the watchlist")), ("no", _("Not on the watchlist"))],
                                  widget=forms.Select(attrs={"class": "form-select form-select-sm"}))


class ComplianceForm(PortalForm):
    compliance_level = forms.ChoiceField(label=_("Compliance level"), choices=ComplianceLevel.choices)
    on_watchlist = forms.BooleanField(label=_("On the watchlist"), required=False)
