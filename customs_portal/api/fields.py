"""Serializer fields shared by the JSON API."""
from typing import ClassVar

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class DecimalField(serializers.DecimalField):
    """A decimal in a request body: a JSON number or a string with a dot ("1234.56").

    The pages read `1.234,56` the way people type it (customs_portal/localization.py); the API
    stays strict, so that what software sends has one meaning. A comma gets its own field error
    rather than DRF's bare "A valid number is required."
    """

    default_error_messages: ClassVar[dict] = {
        "comma": _("Use a dot as the decimal separator and no thousands separators, for example 1234.56: "
                   "the API does not accept a comma."),
    }

    def to_internal_value(self, data):
        if isinstance(data, str) and "," in data:
            self.fail("comma")
        return super().to_internal_value(data)
