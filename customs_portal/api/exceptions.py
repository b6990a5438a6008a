"""Maps domain errors to HTTP answers so every 4xx has a JSON body that says what is wrong."""
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from customs_portal.api.authentication import SecondFactorRequired
from customs_portal.errors import DomainConflict, DomainValidationError


def exception_handler(exc, context):
    if isinstance(exc, SecondFactorRequired):
        return Response({"detail": str(exc.detail), "code": exc.default_code}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, DomainConflict):
        return Response({**exc.data, "detail": str(exc), "code": exc.code}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DomainValidationError):
        return Response(exc.errors, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    return drf_exception_handler(exc, context)
