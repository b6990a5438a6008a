from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from customs_portal.accounts.models import ApiToken
from customs_portal.accounts.selectors import api_tokens_active
from customs_portal.accounts.services import api_token_issue, api_token_revoke, api_tokens_revoke

from .serializers import ApiTokenSerializer, TokenRequestSerializer, TokenResponseSerializer


class TokenObtainView(APIView):
    """POST: exchange a username and password (and, for customs staff, the one-time code) for a new
    API token. DELETE: revoke the token the request is made with (log out)."""

    permission_classes = [permissions.AllowAny]

    def logging_in(self) -> bool:
        return getattr(getattr(self, "request", None), "method", None) == "POST"

    def get_authenticators(self):
        # Logging in reads no credentials but the body: a stale token in the header must not stop it.
        return [] if self.logging_in() else super().get_authenticators()

    def get_permissions(self):
        return super().get_permissions() if self.logging_in() else [permissions.IsAuthenticated()]

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenResponseSerializer}, tags=["auth"],
                   description="A new token at each login, valid until `expiry` (API_TOKEN_TTL_HOURS), until it is "
                               "revoked, or until the password changes. Customs staff give `otp` when the second "
                               "factor is required.")
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        # A successful login: updates last_login and clears failed attempts (django-axes).
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        token, key = api_token_issue(user=user, second_factor=serializer.validated_data["second_factor"])
        return Response(TokenResponseSerializer({"token": key, "expiry": token.expiry}).data)

    @extend_schema(request=None, responses={204: None}, tags=["auth"],
                   description="Revoke the token sent in the Authorization header (log out).")
    def delete(self, request):
        if not isinstance(request.auth, ApiToken):
            raise ValidationError({"detail": [_(
                "Send the token to revoke in the Authorization header (Token <token>); "
                "DELETE /api/v1/auth/tokens/ revokes all of yours.")]})
        api_token_revoke(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenListView(APIView):
    """GET: your API tokens that still work (their first characters, when issued, until when).
    DELETE: revoke all of them."""

    @extend_schema(responses={200: ApiTokenSerializer(many=True)}, tags=["auth"],
                   description="Your tokens that still work, newest first.")
    def get(self, request):
        current = request.auth.digest if isinstance(request.auth, ApiToken) else None
        tokens = api_tokens_active(user=request.user)
        return Response(ApiTokenSerializer(tokens, many=True, context={"current": current}).data)

    @extend_schema(request=None, responses={204: None}, tags=["auth"], description="Revoke all of your tokens.")
    def delete(self, request):
        api_tokens_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
