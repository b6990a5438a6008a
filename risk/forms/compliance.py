"""The risk admin's override of an enterprise's computed compliance level."""
from django import forms
from django.utils.translation import gettext_lazy

from customs_portal.accounts.models import ComplianceLevel
from customs_portal.form_fields import DayField
from risk.forms.common import PortalForm
from risk.services.compliance import OVERRIDE_LEVELS


class ComplianceOverrideForm(PortalForm):
    level = forms.ChoiceField(label=gettext_lazy("Level"),
                              choices=[(v, label) for v, label in ComplianceLevel.choices if v in OVERRIDE_LEVELS],
                              widget=forms.Select(attrs={"class": "form-select"}))
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=500,
                             widget=forms.TextInput(attrs={"class": "form-control"}))
    valid_until = DayField(label=gettext_lazy("In force until (inclusive)"))
