"""Login lockout (django-axes): per username and per client address, and what a locked-out user is told.

A username is locked after AXES_FAILURE_LIMIT failed logins from any mix of addresses (changing
address does not help against one account); an address is locked after
LOGIN_ADDRESS_FAILURE_LIMIT failed logins across any usernames (password spraying: a few
guesses at each of many accounts). Both for AXES_COOLOFF_TIME. The address is
`customs_portal.client_address.client_address`: what the connection or a trusted proxy gives,
never a header the client wrote itself.
"""
from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
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


def _failures(attempts) -> int:
    return attempts.aggregate(failures=Sum("failures_since_start"))["failures"] or 0


class UsernameAndAddressLockout(AxesDatabaseHandler):
    """django-axes' database handler with a limit per username and a (higher) limit per address.

    axes compares one number with AXES_FAILURE_LIMIT: `get_failures` gives the username's
    failures, or the limit itself once the address has passed its own limit. A successful
    login clears the failures of its username only: an attacker's own account must not wipe
    the count of the address it sprays from.
    """

    def get_failures(self, request, credentials=None) -> int:
        recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))
        username = get_client_username(request, credentials)
        by_username = _failures(recent.filter(username=username)) if username is not None else 0
        address = request.axes_ip_address
        if address is not None and _failures(recent.filter(ip_address=address)) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            return max(by_username, get_failure_limit(request, credentials))
        return by_username

    def reset_user_attempts(self, request, credentials=None) -> int:
        username = get_client_username(request, credentials)
        if username is None:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count
