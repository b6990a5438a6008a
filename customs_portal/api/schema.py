"""The OpenAPI schema as integrators download it: one stable document, in English.

Client generators name types and parameters after the schema's titles and descriptions. Were
the schema written in the caller's language (Accept-Language, as the pages are), a client
generated from a Vietnamese-speaking machine would have types named `…_ph_ân_lu_ồ_ng` and
break whenever the schema is fetched from another. So `/api/schema/` is the same bytes whatever
Accept-Language says, and `?lang=vi` gives the same document with only its descriptions
translated: titles, names, enums and operation ids stay those of the English schema.
"""
from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SCHEMA_KWARGS, SpectacularAPIView, SpectacularSwaggerSplitView

SCHEMA_LANGUAGE = "en"


def _resolved(value):
    """The schema with every lazy translation turned into text in the active language (rendering
    happens after the view returns, outside the language chosen here)."""
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, dict):
        return {key: _resolved(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_resolved(item) for item in value]
    return value


def descriptions_localised(english, localised):
    """`english` with each `description` replaced by the one at the same place in `localised`."""
    if isinstance(english, dict) and isinstance(localised, dict):
        merged = {}
        for key, value in english.items():
            if key == "description" and isinstance(value, str) and isinstance(localised.get(key), str):
                merged[key] = localised[key]
            elif key in localised:
                merged[key] = descriptions_localised(value, localised[key])
            else:
                merged[key] = value
        return merged
    if isinstance(english, list) and isinstance(localised, list) and len(english) == len(localised):
        return [descriptions_localised(a, b) for a, b in zip(english, localised, strict=True)]
    return english


def requested_language(request) -> str | None:
    """The language asked for with `?lang=`, if the portal speaks it and it is not English."""
    lang = request.GET.get("lang")
    return lang if lang in dict(settings.LANGUAGES) and lang != SCHEMA_LANGUAGE else None


class SchemaView(SpectacularAPIView):
    """`/api/schema/`: English whatever Accept-Language says; `?lang=vi` translates the descriptions only."""

    @extend_schema(**SCHEMA_KWARGS)
    def get(self, request, *args, **kwargs):
        with translation.override(SCHEMA_LANGUAGE):
            response = self._get_schema_response(request)
            response.data = _resolved(response.data)
        lang = requested_language(request)
        if lang:
            with translation.override(lang):
                localised = _resolved(self._get_schema_response(request).data)
            response.data = descriptions_localised(response.data, localised)
        response["Content-Language"] = lang or SCHEMA_LANGUAGE
        return response


class SchemaDocsView(SpectacularSwaggerSplitView):
    """The browsable docs read the schema with the descriptions in the reader's language."""

    def _get_schema_url(self, request):
        url = super()._get_schema_url(request)
        language = translation.get_language()
        if request.GET.get("lang") or language == SCHEMA_LANGUAGE or language not in dict(settings.LANGUAGES):
            return url
        return f"{url}{'&' if '?' in url else '?'}lang={language}"
