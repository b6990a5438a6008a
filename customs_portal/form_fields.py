"""Form fields of the HTML pages for numbers and dates typed the way people type them.

They read with customs_portal/localization.py (`1.234,56`, `4,50`, `25/03/2026`) and show
stored values the same way, so every number input of the portal reads alike; the page's
script (static/js/numbers.js) shows beside each input the number it was understood as.
"""
from decimal import Decimal
from typing import ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from customs_portal.localization import (
    DATE_DISPLAY,
    NumberUnreadable,
    date_parse,
    date_unreadable_message,
    number_input_text,
    number_parse,
    number_trimmed,
    number_unreadable_message,
)

NUMBER_ATTRS = {"inputmode": "decimal", "data-number": "", "autocomplete": "off"}


def _shown(value):
    """A value of the form as the input shows it; what was typed is left as it was."""
    if isinstance(value, (Decimal, int)) and not isinstance(value, bool):
        return number_input_text(value)
    return value


class NumberField(forms.DecimalField):
    """A decimal typed as `1.234,56`, `4,50` or `4.50` (one reading, customs_portal/localization.py)."""

    widget = forms.TextInput

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widget.attrs = {**NUMBER_ATTRS, **self.widget.attrs}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return number_trimmed(number_parse(str(value)))
        except NumberUnreadable:
            raise ValidationError(number_unreadable_message(), code="invalid") from None

    def prepare_value(self, value):
        return _shown(value)


class WholeNumberField(forms.IntegerField):
    """A whole number typed the same way (`1.000` is a thousand in Vietnamese, `1,000` in English)."""

    widget = forms.TextInput
    default_error_messages: ClassVar[dict] = {"invalid": _("Type a whole number.")}  # Django's Vietnamese for this reads badly

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widget.attrs = {**NUMBER_ATTRS, "inputmode": "numeric", **self.widget.attrs}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            number = number_parse(str(value))
        except NumberUnreadable:
            raise ValidationError(number_unreadable_message(), code="invalid") from None
        if number != number.to_integral_value():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return int(number)

    def prepare_value(self, value):
        return _shown(value)


class DayField(forms.DateField):
    """A date typed as dd/mm/yyyy, whatever the browser's language (a text input, not type=date)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", day_input())
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if hasattr(value, "year"):
            return value
        try:
            return date_parse(str(value))
        except ValueError:
            raise ValidationError(date_unreadable_message(), code="invalid") from None


def day_input(attrs: dict | None = None) -> forms.DateInput:
    return forms.DateInput(
        format=DATE_DISPLAY,
        attrs={"class": "form-control", "data-date": "", "placeholder": _("dd/mm/yyyy"), "autocomplete": "off", **(attrs or {})},
    )
