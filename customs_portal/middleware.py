"""Request hygiene that applies to every page and API call."""
from django.http import JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _

from customs_portal.error_pages import bad_request, is_api_request


class RejectNullCharactersMiddleware:
    """A NUL character can never be stored (PostgreSQL refuses it): refuse it in the URL with a 400,
    JSON for the API and the portal's 400 page for the pages (in the reader's language: this runs
    before LocaleMiddleware); and in a page's posted form fields with a 400 that names them.

    Forms posted to the API are left to its parsers (customs_portal.api.parsers), which check
    every body, JSON included: reading a multipart body here would leave nothing for a view that
    reads the raw body (the bank callback). Pages read their forms through request.POST anyway.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any("\x00" in key or "\x00" in value
                                          for key, values in request.GET.lists() for value in values):
            with translation.override(translation.get_language_from_request(request)):
                if is_api_request(request):
                    return JsonResponse({"detail": _("The request contains a NUL character.")}, status=400)
                return bad_request(request)
        if request.method == "POST" and not request.path.startswith("/api/") and request.content_type in (
                "application/x-www-form-urlencoded", "multipart/form-data"):
            fields = form_nul_character_errors(request.POST)
            if fields:
                return JsonResponse(fields, status=400)
        return self.get_response(request)


def form_nul_character_errors(form) -> dict[str, list[str]]:
    """{field: [error]} for every field of a posted form (a QueryDict) with a NUL character in its name or a value."""
    return {key.replace("\x00", "\\u0000"): [_("Null characters are not allowed.")]
            for key, values in form.lists() if "\x00" in key or any("\x00" in value for value in values)}


def nul_character_errors(value):
    """Field errors, shaped like DRF's, for every string of `value` (keys included) that holds a NUL
    character; None when there is none."""
    if isinstance(value, str):
        return [_("Null characters are not allowed.")] if "\x00" in value else None
    if isinstance(value, dict):
        errors = {}
        for key, entry in value.items():
            if isinstance(key, str) and "\x00" in key:
                errors[key.replace("\x00", "\\u0000")] = [_("Null characters are not allowed.")]
            elif (found := nul_character_errors(entry)) is not None:
                errors[key] = found
        return errors or None
    if isinstance(value, list):
        errors = {index: found for index, entry in enumerate(value) if (found := nul_character_errors(entry)) is not None}
        return errors or None
    return None
