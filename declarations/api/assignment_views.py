"""Assignment of a declaration customs holds to an officer (declarations/services/assignment.py)."""
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from customs_portal.accounts.permissions import IsOfficer
from declarations.selectors import declaration_id_visible
from declarations.services.assignment import declaration_assign

from .serializers import AssignedOfficerSerializer


class AssignSerializer(serializers.Serializer):
    officer = serializers.IntegerField(allow_null=True, help_text="the officer's user id; null: back to the office's pool")
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class AssignmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.CharField()
    assigned_to = AssignedOfficerSerializer(allow_null=True)
    assigned_at = serializers.DateTimeField(allow_null=True)


class AssignView(APIView):
    permission_classes = [IsOfficer]

    @extend_schema(
        summary="Assign a declaration under review or inspection to an officer",
        description="A supervisor (`is_supervisor`) of the declaration's office gives it to an available officer of "
                    "the office, or back to the office's pool (`officer: null`); any officer of the office may take an "
                    "unassigned one for themselves. Audited (action `assign`). Giving it to whom it already has "
                    "changes nothing.",
        request=AssignSerializer,
        examples=[OpenApiExample("Reassign", value={"officer": 12, "reason": "Lan is in training this week"},
                                 request_only=True)],
        responses={200: AssignmentSerializer,
                   400: OpenApiResponse(description="`officer` is no officer, is not available, or does not work for the office"),
                   403: OpenApiResponse(description="Not an officer, or not a supervisor of the office"),
                   404: OpenApiResponse(description="No such declaration"),
                   409: OpenApiResponse(description="The declaration is not under review or inspection (`not_held`)")})
    def post(self, request, pk):
        declaration_id = declaration_id_visible(user=request.user, pk=pk)
        body = AssignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        declaration = declaration_assign(declaration_id=declaration_id, actor=request.user,
                                         officer_id=body.validated_data["officer"], reason=body.validated_data["reason"])
        return Response(AssignmentSerializer(declaration).data)
