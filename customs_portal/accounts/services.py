"""Writes to accounts: API tokens, the suspension of an enterprise by customs (the demonstration data set is seeded by `customs_portal.demo`).

API tokens (ApiToken, django-rest-knox): every login through the token endpoint gets a new
token, valid for API_TOKEN_TTL_HOURS; its user revokes it (or all of them) through the API or
the token page; a password change revokes them all (the binding is checked on every request,
customs_portal.api.authentication). The token itself is returned once and never stored.
"""
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from customs_portal.audit.services import audit_record
from customs_portal.errors import DomainValidationError

from .models import ApiToken, Enterprise, User


@transaction.atomic
def api_token_issue(*, user: User, second_factor: bool) -> tuple[ApiToken, str]:
    """A new token for `user`, who has just proved who they are (and gave the second factor when
    `second_factor`); returns the row and the token, which only its digest keeps afterwards.

    The user's dead tokens (expired, or issued under an earlier password) go at the same time."""
    bound = ApiToken.password_hashes_of(user)
    ApiToken.objects.filter(Q(expiry__lte=timezone.now()) | ~Q(password_hash__in=bound), user=user).delete()
    return ApiToken.objects.create(user=user, expiry=timedelta(hours=settings.API_TOKEN_TTL_HOURS),
                                   password_hash=user.get_session_auth_hash(), second_factor=second_factor)


def api_token_revoke(*, token: ApiToken) -> None:
    """Revoke one token (the API's "log out": the token the request was made with)."""
    token.delete()


def api_tokens_revoke(*, user: User, token_key: str | None = None) -> int:
    """Revoke `user`'s token of that `token_key` (its first characters, as the token page names it),
    or all of them; returns how many were revoked. Another user's tokens are never touched."""
    tokens = ApiToken.objects.filter(user=user)
    if token_key is not None:
        tokens = tokens.filter(token_key=token_key)
    deleted, _ = tokens.delete()
    return deleted


def api_tokens_purge() -> int:
    """Delete every expired token (refused anyway); returns how many. Run daily (accounts.api_tokens_purge)."""
    deleted, _ = ApiToken.objects.filter(expiry__lte=timezone.now()).delete()
    return deleted


@transaction.atomic
def enterprise_suspension_set(*, enterprise: Enterprise, actor: User, suspended: bool, reason: str = "") -> Enterprise:
    """Customs suspends an enterprise (it cannot register declarations: declarations/services/
    registration_block.py) or lifts the suspension; audited. A suspension needs a reason; setting
    what is already set changes nothing."""
    locked = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    reason = (reason or "").strip()
    if suspended and not reason:
        raise DomainValidationError({"suspended_reason": [_("A suspension needs a reason.")]})
    if suspended == (locked.suspended_at is not None) and (not suspended or reason == locked.suspended_reason):
        return locked
    before = {"suspended": locked.suspended_at is not None, "reason": locked.suspended_reason}
    if suspended:
        locked.suspended_at = locked.suspended_at or timezone.now()
        locked.suspended_reason, locked.suspended_by = reason, actor
    else:
        locked.suspended_at, locked.suspended_reason, locked.suspended_by = None, "", None
    locked.save(update_fields=["suspended_at", "suspended_reason", "suspended_by"])
    audit_record(declaration=None, actor=actor, action="enterprise_suspend" if suspended else "enterprise_suspension_lift",
                 reason=reason, data={"enterprise": locked.tax_code, "before": before})
    return locked
