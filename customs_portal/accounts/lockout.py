"""What a locked-out user is told (django-axes calls `locked_out`)."""
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def cooloff_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_message() -> str:
    return _("Too many failed login attempts: this account is locked for %(minutes)d minutes.") % {
        "minutes": cooloff_minutes()}


def locked_out(request, original_response=None, credentials=None):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": lockout_message(), "code": "account_locked"}, status=429)
    return render(request, "accounts/locked_out.html", {"cooloff_minutes": cooloff_minutes()}, status=429)
