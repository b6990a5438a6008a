"""Request hygiene that applies to every page and API call."""
from django.http import JsonResponse
from django.utils.translation import gettext as _


class RejectNullCharactersMiddleware:
    """A NUL character can never be stored (PostgreSQL refuses it): refuse it in the URL with a 400."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any("\x00" in key or "\x00" in value
                                          for key, values in request.GET.lists() for value in values):
            return JsonResponse({"detail": _("The request contains a NUL character.")}, status=400)
        return self.get_response(request)
