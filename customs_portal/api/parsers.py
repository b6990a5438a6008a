"""Request body parsers of the API: DRF's, refusing a NUL character anywhere in the body.

PostgreSQL stores no NUL in text or jsonb. Serializers' CharFields refuse it already
(ProhibitNullCharactersValidator), but JSON fields, dictionaries and lists of free values do not:
every body is checked here once, whatever the endpoint, with a 400 that names the field.
"""
from rest_framework import parsers
from rest_framework.exceptions import ValidationError

from customs_portal.middleware import form_nul_character_errors, nul_character_errors


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        errors = nul_character_errors(data)
        if errors is not None:
            raise ValidationError(errors if isinstance(errors, dict) else {"non_field_errors": errors})
        return data


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if errors := form_nul_character_errors(data):
            raise ValidationError(errors)
        return data


class MultiPartParser(parsers.MultiPartParser):
    """File names are not checked here: the services that store files clean them."""

    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        if errors := form_nul_character_errors(parsed.data):
            raise ValidationError(errors)
        return parsed
