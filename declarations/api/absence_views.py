"""Officers' availability (declarations/services/absence.py): absent officers get no work, and
their open work goes to the others of the office or back to its pool at once."""
from django.http import Http404
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from customs_portal.accounts.models import User
from customs_portal.accounts.permissions import IsOfficer
from declarations.services.absence import officer_availability_set


class AvailabilitySerializer(serializers.Serializer):
    available = serializers.BooleanField(help_text="false: absent (on leave); true: back, given work again")
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class OfficerAvailabilitySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.SerializerMethodField()
    available = serializers.BooleanField()
    released = serializers.IntegerField(help_text="open declarations of the officer given to others or to the pool now")
    assigned = serializers.IntegerField(help_text="declarations of the offices' pool given to officers now")

    def get_name(self, officer) -> str:
        return officer.get_full_name() or officer.username


class OfficerAvailabilityView(APIView):
    permission_classes = [IsOfficer]

    @extend_schema(
        summary="Mark an officer absent or available",
        description="The officer themself, or a supervisor (`is_supervisor`) of one of the officer's offices. An absent "
                    "officer gets no new work, and their open work (declarations under review or inspection) is given at "
                    "once to the available officers of the office with the least open work, or back to the office's "
                    "pool, where every officer of the office sees it. An officer back from absence takes work from the "
                    "pool of their offices. Audited (action `officer_availability`). Setting what is already set "
                    "changes nothing.",
        request=AvailabilitySerializer,
        examples=[OpenApiExample("Absent", value={"available": False, "reason": "Annual leave until 12/05"},
                                 request_only=True)],
        responses={200: OfficerAvailabilitySerializer,
                   400: OpenApiResponse(description="`available` missing or not a boolean"),
                   403: OpenApiResponse(description="Not an officer, or neither the officer nor a supervisor of their office"),
                   404: OpenApiResponse(description="No officer has this id")})
    def post(self, request, pk):
        body = AvailabilitySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            officer, moved = officer_availability_set(officer_id=pk, actor=request.user,
                                                      available=body.validated_data["available"],
                                                      reason=body.validated_data["reason"])
        except User.DoesNotExist:
            raise Http404 from None
        officer.released, officer.assigned = moved["released"], moved["assigned"]
        return Response(OfficerAvailabilitySerializer(officer).data)
