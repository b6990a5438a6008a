"""The portal's error pages: 400, 403, 404, 500 and the CSRF failure, in the portal's layout and
the reader's language, each with a way back. Under /api/ the same errors are JSON
(`{"detail": ...}`), as the API answers everything else.

Installed as the root URLconf's `handler400` … `handler500` and as `CSRF_FAILURE_VIEW`. The
500 page is a page of its own (templates/500.html) rendered without the request: no context
processor, no user, no database, so that it renders whatever failed; should even that fail, a
plain text answer in both languages is sent.
"""
import logging
from urllib.parse import urlsplit

from django.core.exceptions import DisallowedHost
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
LAST_RESORT_500 = (
    "Lỗi máy chủ: yêu cầu chưa được xử lý. Vui lòng thử lại sau ít phút.\n"
    "Server error: the request was not completed. Please try again in a few minutes.\n"
)


def is_api_request(request) -> bool:
    return request.path.startswith(API_PREFIX)


def back_url(request) -> str:
    """The page the reader came from, when it is a page of this site other than the one that failed."""
    referer = request.META.get("HTTP_REFERER", "")
    if not referer or urlsplit(referer).path == request.path:
        return ""
    try:
        host = request.get_host()
    except DisallowedHost:  # the very error being answered (a 400)
        return ""
    allowed = url_has_allowed_host_and_scheme(referer, allowed_hosts={host}, require_https=request.is_secure())
    return referer if allowed else ""


def _error(request, *, status: int, template: str, detail: str, context: dict | None = None):
    if is_api_request(request):
        return JsonResponse({"detail": detail}, status=status)
    back = back_url(request)
    # The language switch returns to the way back, not to the address that failed: an error page
    # never writes the requested address back into the page.
    return render(request, template, {"status": status, "back_url": back, "language_next": back or "/", **(context or {})},
                  status=status)


@requires_csrf_token
def bad_request(request, exception=None):
    return _error(request, status=400, template="400.html", detail=_("The request could not be understood."))


@requires_csrf_token
def permission_denied(request, exception=None):
    return _error(request, status=403, template="403.html",
                  detail=_("You do not have permission to perform this action."))


@requires_csrf_token
def page_not_found(request, exception=None):
    return _error(request, status=404, template="404.html", detail=_("Not found."))


@requires_csrf_token
def csrf_failure(request, reason=""):
    return _error(request, status=403, template="403_csrf.html",
                  detail=_("The form could not be checked (CSRF). Reload the page and send it again."))


def server_error(request):
    if is_api_request(request):
        return JsonResponse({"detail": _("A server error occurred. Please try again in a few minutes.")}, status=500)
    try:
        html = loader.get_template("500.html").render({"LANGUAGE_CODE": get_language() or "vi"})
    except Exception:  # the page of last resort must not fail in turn
        logger.exception("the 500 page could not be rendered")
        return HttpResponse(LAST_RESORT_500, status=500, content_type="text/plain; charset=utf-8")
    return HttpResponse(html, status=500)
