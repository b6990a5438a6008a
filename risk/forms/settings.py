"""The form of the risk settings: the thresholds and the random rates."""
from decimal import Decimal
from typing import ClassVar

from django.utils.translation import gettext_lazy as _

from customs_portal.form_fields import NumberField, WholeNumberField
from risk.forms.common import PortalForm


class RiskSettingsForm(PortalForm):
    """Rates are entered as percentages (2 %) and stored as fractions (0.02)."""

    yellow_threshold = WholeNumberField(label=_("Yellow threshold"), min_value=-100000, max_value=100000,
                                        help_text=_("A score at or above this goes to the yellow channel (document check)."))
    red_threshold = WholeNumberField(label=_("Red threshold"), min_value=-100000, max_value=100000,
                                     help_text=_("A score at or above this goes to the red channel (physical inspection)."))
    random_yellow_percent = NumberField(label=_("Random green → yellow (%)"), min_value=0, max_value=100,
                                        max_digits=5, decimal_places=2,
                                        help_text=_("Share of otherwise-green declarations sent to yellow at random."))
    random_red_percent = NumberField(label=_("Random green → red (%)"), min_value=0, max_value=100,
                                     max_digits=5, decimal_places=2,
                                     help_text=_("Share of otherwise-green declarations sent to red at random."))

    SERVICE_FIELDS: ClassVar[dict] = {"random_yellow_rate": "random_yellow_percent", "random_red_rate": "random_red_percent"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for bound in self.fields.values():
            bound.widget.attrs.update({"class": "form-control", "inputmode": "decimal"})

    @classmethod
    def for_settings(cls, settings) -> "RiskSettingsForm":
        return cls(initial={
            "yellow_threshold": settings.yellow_threshold,
            "red_threshold": settings.red_threshold,
            "random_yellow_percent": (settings.random_yellow_rate * 100).normalize(),
            "random_red_percent": (settings.random_red_rate * 100).normalize(),
        })

    def settings_data(self) -> dict:
        data = self.cleaned_data
        return {
            "yellow_threshold": data["yellow_threshold"],
            "red_threshold": data["red_threshold"],
            "random_yellow_rate": (data["random_yellow_percent"] / 100).quantize(Decimal("0.0001")),
            "random_red_rate": (data["random_red_percent"] / 100).quantize(Decimal("0.0001")),
        }

    def set_service_errors(self, errors: dict) -> None:
        for key, messages in errors.items():
            name = self.SERVICE_FIELDS.get(key, key)
            for message in messages if isinstance(messages, list) else [messages]:
                self.add_error(name if name in self.fields else None, str(message))
