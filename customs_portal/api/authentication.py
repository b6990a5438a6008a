"""How the API knows who calls: a token (django-rest-knox's scheme, the portal's token model) or
the browser's session; both refuse customs staff who owe their second factor.

Token: `Authorization: Token <token>`. The token's SHA-512 digest is the primary key of
ApiToken, so one indexed look-up finds it, with the user and the user's enterprise (nearly
every trader request needs the enterprise: visibility, new declarations): the selector
`customs_portal.accounts.selectors.api_token_by_digest`, compiled once (it runs on every API request). Expiry, the binding
to the password and the second factor are then checked on the row, without another query
(knox's own authentication reads every token of the user on each request to delete expired ones;
here they are purged daily, accounts.api_tokens_purge).
"""
import binascii

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.crypto import hash_token
from rest_framework import authentication, exceptions

from customs_portal.accounts.second_factor import second_factor_missing
from customs_portal.accounts.selectors import api_token_by_digest


class SecondFactorRequired(exceptions.PermissionDenied):
    """Customs staff whose login (session or token) has not passed the second factor: 403
    `{"detail": ..., "code": "second_factor_required"}` (customs_portal.api.exceptions)."""

    default_detail = _("Customs staff must confirm their login with the one-time code of their authenticator: "
                       "complete the second factor in the browser, or ask for a new token with `otp`.")
    default_code = "second_factor_required"


class TokenAuthentication(KnoxTokenAuthentication):
    def authenticate_credentials(self, token: bytes):
        try:
            digest = hash_token(token.decode())
        except (UnicodeDecodeError, TypeError, binascii.Error):
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        api_token = api_token_by_digest(digest=digest)
        if api_token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        user = api_token.user
        if api_token.is_expired(timezone.now()):
            raise exceptions.AuthenticationFailed(_("This token has expired: ask for a new one."))
        if not api_token.is_bound_to_password_of(user):
            raise exceptions.AuthenticationFailed(
                _("This token was revoked when the password changed: ask for a new one."))
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if second_factor_missing(user, verified=api_token.second_factor):
            raise SecondFactorRequired()
        return user, api_token


class SessionAuthentication(authentication.SessionAuthentication):
    """DRF's (the browser's session, with its CSRF check), refusing a session that owes the second factor."""

    def authenticate(self, request):
        authenticated = super().authenticate(request)
        if authenticated is not None:
            user = authenticated[0]
            if second_factor_missing(user, verified=user.is_verified()):
                raise SecondFactorRequired()
        return authenticated


class TokenScheme(OpenApiAuthenticationExtension):
    """The OpenAPI schema's name for the token scheme (as DRF's own token scheme was named)."""

    target_class = TokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Token")


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = SessionAuthentication
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}
