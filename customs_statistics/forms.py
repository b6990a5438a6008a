"""The filters of the statistics pages and their exports: the period typed as every date of the portal
(dd/mm/yyyy), the office among those the user may see, channel, direction and compliance class. What
the form reads becomes the query string of the API (`params`), checked by the same `statistics_query`."""
from django import forms
from django.utils.translation import gettext_lazy as _

from customs_portal.accounts.models import ComplianceLevel
from customs_portal.form_fields import DayField, day_input
from customs_statistics.access import CHANNELS, offices_visible
from declarations.lifecycle import Channel
from declarations.models import Direction

FILTERS = ("from", "to", "office", "channel", "direction", "class")


def _channel_choices() -> list[tuple[str, str]]:
    return [(key, Channel(key).label if key in Channel.values else _("Not assessed")) for key in CHANNELS]


class StatisticsFilterForm(forms.Form):
    """Bound to request.GET. A trader has no office or class to choose: its own enterprise is the scope."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        select = {"class": "form-select form-select-sm"}
        everything = [("", _("All"))]
        self.fields["from"] = DayField(label=_("From"), required=False,
                                       widget=day_input({"class": "form-control form-control-sm", "id": "stat-from"}))
        self.fields["to"] = DayField(label=_("To"), required=False,
                                     widget=day_input({"class": "form-control form-control-sm", "id": "stat-to"}))
        offices = offices_visible(user)
        if offices:
            # Any code is read (not only those offered): `statistics_query` answers an unknown one with an
            # error and one outside the user's offices with 403, as the API does.
            self.fields["office"] = forms.CharField(
                label=_("Customs office"), required=False,
                widget=forms.Select(attrs=select, choices=everything + [(o.code, f"{o.code} – {o.name}") for o in offices]))
        self.fields["channel"] = forms.ChoiceField(label=_("Channel"), required=False, widget=forms.Select(attrs=select),
                                                   choices=everything + _channel_choices())
        self.fields["direction"] = forms.ChoiceField(label=_("Direction"), required=False, widget=forms.Select(attrs=select),
                                                     choices=everything + list(Direction.choices))
        if not user.is_trader:
            self.fields["class"] = forms.ChoiceField(
                label=_("Compliance class"), required=False, widget=forms.Select(attrs=select),
                choices=everything + list(ComplianceLevel.choices))

    def params(self) -> dict:
        """The valid filters as the API's query parameters (ISO dates); call after is_valid(). An `enterprise`
        (tax code) in the query string is passed on as it is: the API's access decides (a trader naming
        another enterprise gets 403)."""
        cleaned = getattr(self, "cleaned_data", {})
        params = {"enterprise": self.data["enterprise"].strip()} if (self.data.get("enterprise") or "").strip() else {}
        for name in FILTERS:
            value = cleaned.get(name)
            if value:
                params[name] = value.isoformat() if hasattr(value, "isoformat") else value
        return params

    def errors_add(self, errors: dict) -> None:
        """The API's 400 (`{"from": ["..."]}`) as errors of the form's fields (or of the form)."""
        for name, messages in errors.items():
            for message in messages:
                self.add_error(name if name in self.fields else None, str(message))

