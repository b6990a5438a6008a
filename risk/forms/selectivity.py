"""The form of a compliance class's caps and minimum random rates (risk/services/selectivity.py)."""
from decimal import Decimal
from typing import ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from customs_portal.form_fields import NumberField
from risk.forms.common import PortalForm


def _percent_field(label, help_text):
    return NumberField(label=label, min_value=0, max_value=100, max_digits=6, decimal_places=2, help_text=help_text)


class ClassSelectivityForm(PortalForm):
    """Rates are entered as percentages (5 %) and stored as fractions (0.05)."""

    yellow_cap_percent = _percent_field(_("Most document checks, yellow (%)"),
                                        _("The class's largest share of declarations sent to yellow by their score "
                                          "over the window; random selections count in it."))
    red_cap_percent = _percent_field(_("Most physical inspections, red (%)"),
                                     _("The class's largest share of declarations sent to red by their score over "
                                       "the window; random selections count in it."))
    random_yellow_min_percent = _percent_field(_("Least random yellow (%)"),
                                               _("Otherwise-green declarations of the class sent to yellow at random, "
                                                 "at least (the general rate applies when higher)."))
    random_red_min_percent = _percent_field(_("Least random red (%)"),
                                            _("Otherwise-green declarations of the class sent to red at random, "
                                              "at least (the general rate applies when higher)."))

    SERVICE_FIELDS: ClassVar[dict] = {"yellow_cap": "yellow_cap_percent", "red_cap": "red_cap_percent",
                                      "random_yellow_min": "random_yellow_min_percent",
                                      "random_red_min": "random_red_min_percent"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for bound in self.fields.values():
            bound.widget.attrs.update({"class": "form-control", "inputmode": "decimal"})

    @classmethod
    def for_row(cls, row) -> "ClassSelectivityForm":
        return cls(initial={field: (getattr(row, name) * 100).normalize() for name, field in cls.SERVICE_FIELDS.items()})

    def class_data(self) -> dict:
        return {name: (self.cleaned_data[field] / 100).quantize(Decimal("0.0001"))
                for name, field in self.SERVICE_FIELDS.items()}

    def set_service_errors(self, errors: dict) -> None:
        for key, messages in errors.items():
            name = self.SERVICE_FIELDS.get(key, key)
            for message in messages if isinstance(messages, list) else [messages]:
                self.add_error(name if name in self.fields else None, str(message))


class CapWindowForm(PortalForm):
    """The rolling window the caps of every class are held over, in days (risk/services/selectivity.py)."""

    days = forms.IntegerField(label=_("Window of the caps (days)"), min_value=1, max_value=365,
                              help_text=_("The shares against the caps count the declarations assessed over this many "
                                          "days, today included."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days"].widget.attrs.update({"class": "form-control", "inputmode": "numeric"})

    def set_service_errors(self, errors: dict) -> None:
        for key, messages in errors.items():
            for message in messages if isinstance(messages, list) else [messages]:
                self.add_error(key if key in self.fields else None, str(message))
