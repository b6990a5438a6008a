"""Request hygiene that applies to every page and API call."""
from django.http import JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _

from customs_portal.error_pages import bad_request, is_api_request


class RejectNullCharactersMiddleware:
    """A NUL character can never be stored (PostgreSQL refuses it): refuse it in the URL with a 400,
    JSON for the API and the portal's 400 page for the pages (in the reader's language: this runs
    before LocaleMiddleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any("\x00" in key or "\x00" in value
                                          for key, values in request.GET.lists() for value in values):
            with translation.override(translation.get_language_from_request(request)):
                if is_api_request(request):
                    return JsonResponse({"detail": _("The request contains a NUL character.")}, status=400)
                return bad_request(request)
        return self.get_response(request)
