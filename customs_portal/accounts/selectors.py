"""Reads of accounts."""
from django.utils import timezone

from .models import ApiToken, User


def api_tokens_active(*, user: User) -> list[ApiToken]:
    """`user`'s tokens that still work: not expired, issued under the current password; newest first."""
    return list(ApiToken.objects.filter(user=user, expiry__gt=timezone.now(),
                                        password_hash__in=ApiToken.password_hashes_of(user)).order_by("-created"))
