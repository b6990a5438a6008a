"""Officers' decisions and review queue, cancellation, and the gate (api.md)."""
from django.utils import timezone
from django.utils.functional import cached_property
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from customs_portal.accounts.permissions import IsGate, IsOfficer, IsTraderOrOfficer
from declarations.selectors import (
    declaration_get_with_item_codes,
    declaration_get_with_items,
    declaration_id_visible,
    review_queue,
)
from declarations.services.gate import gate_release
from declarations.services.review import declaration_cancel, declaration_decide

from . import examples
from .serializers import (
    AuditEventSerializer,
    CancelSerializer,
    DecisionResultSerializer,
    DecisionSerializer,
    DeclarationSerializer,
    DeclarationStaffSerializer,
    GateReleaseResultSerializer,
    GateReleaseSerializer,
    ReviewQueueEntrySerializer,
    ReviewQueueFilterSerializer,
    declaration_representation,
)

CONFLICT = OpenApiResponse(description="Not allowed in the declaration's current state (or already decided); the body says why")


class DecisionView(APIView):
    permission_classes = [IsOfficer]

    @extend_schema(summary="Record an officer's decision",
                   description="`accept_amendment` makes the trader's pending amendment request the next version "
                               "(taxes at the registration date's rate, payments made still count; the rules run again "
                               "and may only make the channel stricter: red sends a declaration under review to "
                               "inspection). `refuse_amendment` needs a `note` and changes nothing else. `release` "
                               "waits until a pending amendment request is decided (409).",
                   request=DecisionSerializer, examples=examples.DECIDE,
                   responses={201: DecisionResultSerializer, 400: OpenApiResponse(description="Missing note, reason or findings"),
                              403: OpenApiResponse(description="Not an officer"), 404: OpenApiResponse(description="No such declaration"),
                              409: CONFLICT})
    def post(self, request, pk):
        declaration_id = declaration_id_visible(user=request.user, pk=pk)
        body = DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        event = declaration_decide(declaration_id=declaration_id, officer=request.user, **body.validated_data)
        fresh = declaration_get_with_items(user=request.user, pk=pk)
        return Response({"event": AuditEventSerializer(event).data, "declaration": DeclarationStaffSerializer(fresh).data},
                        status=status.HTTP_201_CREATED)


class CancelView(APIView):
    permission_classes = [IsTraderOrOfficer]

    @extend_schema(summary="Cancel a declaration before clearance",
                   description="A registered declaration keeps its number, which is never reused. A draft is withdrawn "
                               "the same way: it becomes `cancelled` with `number` null (it never reached customs), "
                               "stays readable and listed, and can no longer be edited or submitted; it is not "
                               "deleted. Only its trader may withdraw a draft (customs: 409 `not_lodged`). Customs "
                               "officers cancelling a registered declaration must give a `reason`.",
                   request=CancelSerializer, examples=examples.CANCEL,
                   responses={200: DeclarationSerializer, 403: OpenApiResponse(description="Not the trader or an officer"),
                              404: OpenApiResponse(description="No such declaration"), 409: CONFLICT})
    def post(self, request, pk):
        declaration_id = declaration_id_visible(user=request.user, pk=pk)
        body = CancelSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        declaration_cancel(declaration_id=declaration_id, user=request.user, reason=body.validated_data["reason"])
        fresh = declaration_get_with_item_codes(user=request.user, pk=pk)
        return Response(declaration_representation(fresh, staff=request.user.is_customs_staff))


class ReviewQueueView(generics.ListAPIView):
    permission_classes = [IsOfficer]
    serializer_class = ReviewQueueEntrySerializer
    filter_backends: list = []

    @extend_schema(summary="Yellow and red declarations awaiting an officer, oldest first",
                   parameters=[ReviewQueueFilterSerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        filters = ReviewQueueFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return review_queue(officer=self.request.user, now=self.now, **filters.validated_data)

    @cached_property
    def now(self):
        """One moment for the selector's and the serializer's waiting times."""
        return timezone.now()

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": self.now}


class GateReleaseView(APIView):
    permission_classes = [IsGate]

    @extend_schema(summary="Release the goods of a cleared declaration at the gate", request=GateReleaseSerializer,
                   responses={200: GateReleaseResultSerializer, 400: OpenApiResponse(description="Malformed number or container numbers"),
                              403: OpenApiResponse(description="Not the gate"),
                              409: OpenApiResponse(description="The goods may not leave: `unknown`, `tampered`, `not_cleared`, "
                                                               "`already_released` (the body says when and through whom) or "
                                                               "`containers_mismatch` (the declaration lists other containers: "
                                                               "the body names those that differ)")})
    def post(self, request):
        body = GateReleaseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        declaration = gate_release(user=request.user, scanned=body.validated_data["declaration_number"],
                                   container_numbers=body.validated_data["container_numbers"])
        return Response({
            "number": declaration.number, "status": declaration.status, "released_at": declaration.released_at,
            "container_numbers": declaration.gate_release.container_numbers,
        })
