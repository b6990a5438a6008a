"""Request body parsers of the API."""
from rest_framework import parsers
from rest_framework.exceptions import ValidationError

from customs_portal.middleware import nul_character_errors


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing a NUL character anywhere in the body with a 400 field error.

    PostgreSQL stores no NUL in text or jsonb. Serializers' CharFields refuse it already
    (ProhibitNullCharactersValidator), but JSON fields, dictionaries and lists of free values do
    not: checked here once for every endpoint.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        errors = nul_character_errors(data)
        if errors is not None:
            raise ValidationError(errors if isinstance(errors, dict) else {"non_field_errors": errors})
        return data
