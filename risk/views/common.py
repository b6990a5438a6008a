"""What the risk administration views share."""
from django.utils.http import url_has_allowed_host_and_scheme

PAGE_SIZE = 25


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def safe_next(request, default: str) -> str:
    """The page to go back to (`next`, if it is on this site), else `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default
