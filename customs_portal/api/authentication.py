"""API token authentication that loads the user and the user's enterprise in one query.

Nearly every trader request needs the enterprise (visibility, new declarations); DRF's
TokenAuthentication fetches only the user. The query runs on every API request, so its SQL
is compiled once (customs_portal.prepared).
"""
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from customs_portal.prepared import PreparedQuery

_token = PreparedQuery(lambda key: Token.objects.select_related("user", "user__enterprise").filter(key=key))


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        token = _token.first(key=key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return (token.user, token)
