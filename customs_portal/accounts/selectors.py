"""Reads of accounts.

As in every app, the reads compiled once (`customs_portal.prepared`) and raw SQL live here only, each
as a named selector; tests/accounts/test_selectors_against_orm.py compares them with the ORM.
"""
from django.utils import timezone

from customs_portal.prepared import PreparedQuery

from .models import ApiToken, User

# Read on every API request that carries a token: compiled once.
_token_by_digest = PreparedQuery(lambda digest: ApiToken.objects.select_related("user", "user__enterprise").filter(digest=digest))


def api_token_by_digest(*, digest: str) -> ApiToken | None:
    """The token whose SHA-512 digest is `digest` (its primary key), with its user and the user's
    enterprise, in one query; None when there is none. Expired or revoked tokens are found too."""
    return _token_by_digest.first(digest=digest)


def api_tokens_active(*, user: User) -> list[ApiToken]:
    """`user`'s tokens that still work: not expired, issued under the current password; newest first."""
    return list(ApiToken.objects.filter(user=user, expiry__gt=timezone.now(),
                                        password_hash__in=ApiToken.password_hashes_of(user)).order_by("-created"))
