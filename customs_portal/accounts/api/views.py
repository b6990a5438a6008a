from django.contrib.auth.signals import user_logged_in
from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.views import APIView

from .serializers import TokenRequestSerializer, TokenResponseSerializer


class TokenObtainView(APIView):
    """Exchange a username and password for an API token."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenResponseSerializer}, tags=["auth"])
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        # A successful login: updates last_login and clears failed attempts (django-axes).
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
