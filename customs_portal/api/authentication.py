"""API token authentication that loads the user's enterprise in the same query.

Nearly every trader request needs the enterprise (visibility, new declarations); DRF's
TokenAuthentication fetches only the user.
"""
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        try:
            token = self.get_model().objects.select_related("user", "user__enterprise").get(key=key)
        except self.get_model().DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return (token.user, token)
