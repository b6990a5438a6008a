"""Payments API (api.md, "Payments"). Views parse, call one service or selector, render."""
from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import SAFE_METHODS, AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from customs_portal.accounts.permissions import IsTrader, IsTraderOrCustomsStaff
from declarations.selectors import declaration_get, declaration_id_visible
from payments.gateway import bank_payment_url
from payments.models import PaymentStatus
from payments.selectors import declaration_payments, payment_get
from payments.services.callbacks import bank_callback_process
from payments.services.payments import payment_start
from payments.services.receipts import payment_receipt_pdf, receipt_filename
from payments.signing import SIGNATURE_HEADER

from .serializers import (
    BankCallbackResultSerializer,
    BankCallbackSerializer,
    PaymentSerializer,
    PaymentStartedSerializer,
    PaymentStartSerializer,
)

NOT_FOUND = OpenApiResponse(description="No such declaration or payment for this user")


def _bank_url(request, payment) -> str:
    return_url = request.build_absolute_uri(reverse("declarations:detail", args=[payment.declaration_id]))
    return request.build_absolute_uri(bank_payment_url(payment=payment, return_url=return_url))


class DeclarationPaymentsView(APIView):
    def get_permissions(self):
        return [IsTraderOrCustomsStaff()] if self.request.method in SAFE_METHODS else [IsTrader()]

    @extend_schema(summary="Payments of a declaration", responses={200: PaymentSerializer(many=True), 404: NOT_FOUND})
    def get(self, request, pk):
        declaration = declaration_get(user=request.user, pk=pk)
        payments = list(declaration_payments(declaration=declaration).select_related("declaration"))
        owner = request.user.is_trader
        bank_urls = {p.pk: _bank_url(request, p) for p in payments if owner and p.status == PaymentStatus.PENDING}
        return Response(PaymentSerializer(payments, many=True, context={"request": request, "bank_urls": bank_urls}).data)

    @extend_schema(
        summary="Start paying the amount due",
        description="Creates a pending payment of the whole amount due (taxes and late interest) with a unique "
                    "reference; send the trader to `bank_url`.",
        request=PaymentStartSerializer,
        responses={201: PaymentStartedSerializer, 400: OpenApiResponse(description="Unknown bank"),
                   403: OpenApiResponse(description="Not a trader"), 404: NOT_FOUND,
                   409: OpenApiResponse(description="Nothing due, declaration not payable, or no bank configured")},
    )
    def post(self, request, pk):
        asked = PaymentStartSerializer(data=request.data)
        asked.is_valid(raise_exception=True)
        payment = payment_start(declaration_id=declaration_id_visible(user=request.user, pk=pk), user=request.user,
                                bank=asked.validated_data.get("bank", ""))
        body = {"id": payment.pk, "reference": payment.reference, "amount": payment.amount, "status": payment.status,
                "bank": payment.bank, "bank_url": _bank_url(request, payment)}
        return Response(PaymentStartedSerializer(body).data, status=status.HTTP_201_CREATED)


class PaymentDetailView(APIView):
    permission_classes = [IsTraderOrCustomsStaff]

    @extend_schema(summary="A payment and its status", responses={200: PaymentSerializer, 404: NOT_FOUND})
    def get(self, request, pk):
        payment = payment_get(user=request.user, pk=pk)
        bank_urls = {payment.pk: _bank_url(request, payment)} if (
            request.user.is_trader and payment.status == PaymentStatus.PENDING) else {}
        return Response(PaymentSerializer(payment, context={"request": request, "bank_urls": bank_urls}).data)


class PaymentReceiptView(APIView):
    permission_classes = [IsTraderOrCustomsStaff]

    @extend_schema(summary="Receipt of a credited payment (PDF)",
                   responses={(200, "application/pdf"): OpenApiTypes.BINARY, 404: NOT_FOUND,
                              409: OpenApiResponse(description="The payment is not credited")})
    def get(self, request, pk):
        payment = payment_get(user=request.user, pk=pk)
        response = HttpResponse(payment_receipt_pdf(payment=payment), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{receipt_filename(payment)}"'
        return response


class BankCallbackView(APIView):
    """The bank's confirmation. No user authentication: the HMAC signature of the raw body is the proof."""

    authentication_classes = []
    permission_classes = [AllowAny]
    # Not rate-limited like anonymous clients: a bank delivers bursts, and a forged call costs one HMAC.
    throttle_classes = []

    @extend_schema(
        summary="Bank callback (signed)",
        description=f"`{SIGNATURE_HEADER}`: hex HMAC-SHA256 of the raw body with BANK_CALLBACK_SECRET. "
                    "Bad or missing signature → 403 and nothing changes; the same callback again → 200, credited once.",
        parameters=[OpenApiParameter(SIGNATURE_HEADER, str, OpenApiParameter.HEADER, required=True)],
        request=BankCallbackSerializer,
        responses={200: BankCallbackResultSerializer, 400: BankCallbackResultSerializer,
                   403: OpenApiResponse(description="Bad or missing signature"), 404: BankCallbackResultSerializer,
                   409: BankCallbackResultSerializer},
    )
    def post(self, request):
        outcome = bank_callback_process(body=request.body, signature=request.headers.get(SIGNATURE_HEADER))
        return Response(outcome.body, status=outcome.http_status)
