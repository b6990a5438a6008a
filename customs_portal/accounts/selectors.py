"""Reads of accounts."""
from django.utils import timezone

from .models import ApiToken, User


def api_tokens_active(*, user: User) -> list[ApiToken]:
    """`user`'s tokens that still work: not expired, issued under the current password; newest first."""
    tokens = ApiToken.objects.filter(user=user, expiry__gt=timezone.now()).order_by("-created")
    return [token for token in tokens if token.is_bound_to_password_of(user)]
