from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers

from customs_portal.accounts.lockout import lockout_message
from customs_portal.accounts.second_factor import second_factor_required, totp_verify


class Locked(exceptions.APIException):
    status_code = 429
    default_code = "account_locked"


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})
    otp = serializers.CharField(max_length=8, required=False, allow_blank=True,
                                help_text="the current TOTP code; required for customs staff when the second factor is on")

    def validate(self, attrs):
        request = self.context["request"]
        try:
            user = authenticate(getattr(request, "_request", request), username=attrs["username"], password=attrs["password"])
        except PermissionDenied:  # django-axes: the account is locked out
            raise Locked(lockout_message()) from None
        if getattr(getattr(request, "_request", request), "axes_locked_out", False):
            raise Locked(lockout_message())
        if user is None or not user.is_active:
            raise serializers.ValidationError({"non_field_errors": [_("Unable to log in with these credentials.")]})
        second_factor = bool(attrs.get("otp")) and totp_verify(user=user, token=attrs["otp"]) is not None
        if second_factor_required(user) and not second_factor:
            raise serializers.ValidationError({"otp": [_("Customs staff need the current code of their authenticator.")]})
        attrs["user"] = user
        attrs["second_factor"] = second_factor
        return attrs


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="send it as `Authorization: Token <token>`; it is shown only now")
    expiry = serializers.DateTimeField(
        help_text="when the token stops working (API_TOKEN_TTL_HOURS after it was issued)")


class ApiTokenSerializer(serializers.Serializer):
    prefix = serializers.CharField(help_text="the first characters of the token")
    token_key = serializers.CharField(help_text="what identifies the token (its first 15 characters)")
    created = serializers.DateTimeField()
    expiry = serializers.DateTimeField()
    second_factor = serializers.BooleanField(help_text="issued after the one-time code of customs staff")
    current = serializers.SerializerMethodField(help_text="the token this request was made with")

    def get_current(self, token) -> bool:
        return token.digest == self.context.get("current")
