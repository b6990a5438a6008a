from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers

from customs_portal.accounts.lockout import lockout_message


class Locked(exceptions.APIException):
    status_code = 429
    default_code = "account_locked"


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})

    def validate(self, attrs):
        request = self.context["request"]
        try:
            user = authenticate(getattr(request, "_request", request), username=attrs["username"], password=attrs["password"])
        except PermissionDenied:  # django-axes: the account is locked out
            raise Locked(lockout_message())
        if getattr(getattr(request, "_request", request), "axes_locked_out", False):
            raise Locked(lockout_message())
        if user is None or not user.is_active:
            raise serializers.ValidationError({"non_field_errors": [_("Unable to log in with these credentials.")]})
        attrs["user"] = user
        return attrs


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
