"""Caps and random selection per compliance class through the API (docs/api-additions.md): risk
admins read every class with its live window and set a class's caps and minimum random rates."""
from decimal import Decimal

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from customs_portal.accounts.models import ComplianceLevel
from customs_portal.accounts.permissions import IsRiskAdmin
from customs_portal.api.fields import DecimalField
from risk.services.assessment import risk_settings_current
from risk.services.selectivity import (
    CAP_WINDOW_DAYS_MAX,
    ClassFigures,
    cap_window_update,
    class_figures,
    class_selectivity_update,
)

RATE = dict(max_digits=5, decimal_places=4, min_value=Decimal("0"), max_value=Decimal("1"))


class WindowSerializer(serializers.Serializer):
    days = serializers.IntegerField(help_text="the window: this many days of daily counters, today included")
    assessed = serializers.IntegerField(help_text="declarations of the class assessed in the window")
    yellow_selected = serializers.IntegerField(help_text="sent to yellow by score or at random: counted against the yellow cap")
    red_selected = serializers.IntegerField(help_text="sent to red by score or at random: counted against the red cap")
    yellow_required = serializers.IntegerField(help_text="yellow required by a rule's minimum channel or the content, counted apart")
    red_required = serializers.IntegerField(help_text="red required by a rule's minimum channel or the content, counted apart")
    random_yellow = serializers.IntegerField(help_text="sent to yellow at random (also in yellow_selected)")
    random_red = serializers.IntegerField(help_text="sent to red at random (also in red_selected)")
    yellow_share = DecimalField(max_digits=5, decimal_places=4, help_text="yellow_selected ÷ assessed")
    red_share = DecimalField(max_digits=5, decimal_places=4, help_text="red_selected ÷ assessed")
    yellow_at_cap = serializers.BooleanField(help_text="a selection by score to yellow would not be made now")
    red_at_cap = serializers.BooleanField(help_text="a selection by score to red would not be made now")


class ClassSelectivitySerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=ComplianceLevel.choices)
    yellow_cap = DecimalField(**RATE, help_text="the most of the class's declarations sent to yellow over the window")
    red_cap = DecimalField(**RATE, help_text="the most of the class's declarations sent to red over the window")
    random_yellow_min = DecimalField(**RATE, help_text="the class's minimum random green→yellow rate")
    random_red_min = DecimalField(**RATE, help_text="the class's minimum random green→red rate")
    random_yellow_rate = DecimalField(**RATE, read_only=True,
                                      help_text="the rate applied: the general rate or the class's minimum, the higher")
    random_red_rate = DecimalField(**RATE, read_only=True,
                                   help_text="the rate applied: the general rate or the class's minimum, the higher")
    window = WindowSerializer(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True)


def _data(figures: ClassFigures) -> dict:
    row, counts = figures.row, figures.counts
    return {
        "level": figures.level, "yellow_cap": row.yellow_cap, "red_cap": row.red_cap,
        "random_yellow_min": row.random_yellow_min, "random_red_min": row.random_red_min,
        "random_yellow_rate": figures.random_yellow_rate, "random_red_rate": figures.random_red_rate,
        "window": {"days": figures.window_days, **counts.as_json(), "yellow_share": figures.yellow_share,
                   "red_share": figures.red_share, "yellow_at_cap": not figures.yellow_open,
                   "red_at_cap": not figures.red_open},
        "updated_at": row.updated_at,
    }


class ClassSelectivityListView(APIView):
    permission_classes = [IsRiskAdmin]

    @extend_schema(responses={200: ClassSelectivitySerializer(many=True), 403: OpenApiResponse(description="Not a risk admin")},
                   summary="Caps and random selection per compliance class, with each class's live window")
    def get(self, request):
        return Response(ClassSelectivitySerializer([_data(f) for f in class_figures()], many=True).data)


class ClassSelectivityDetailView(APIView):
    permission_classes = [IsRiskAdmin]

    @extend_schema(request=ClassSelectivitySerializer,
                   responses={200: ClassSelectivitySerializer, 400: OpenApiResponse(description="Validation errors by field"),
                              403: OpenApiResponse(description="Not a risk admin"),
                              404: OpenApiResponse(description="No such compliance level")},
                   summary="Set a compliance class's caps and minimum random rates",
                   description="Applies at once (no preview) and is audited (`class_selectivity_change`). Rates are "
                               "fractions in [0, 1] with four places; a minimum random rate cannot exceed its cap. "
                               "`level` in the body, when given, is ignored: the path names the class.")
    def put(self, request, level):
        if level not in ComplianceLevel.values:
            raise Http404
        payload = request.data if hasattr(request.data, "keys") else {}
        body = ClassSelectivitySerializer(data={**payload, "level": level})
        body.is_valid(raise_exception=True)
        data = {name: body.validated_data[name] for name in ("yellow_cap", "red_cap", "random_yellow_min", "random_red_min")}
        class_selectivity_update(user=request.user, level=level, data=data)
        figures = next(f for f in class_figures() if f.level == level)
        return Response(ClassSelectivitySerializer(_data(figures)).data)


class CapWindowSerializer(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=CAP_WINDOW_DAYS_MAX,
                                    help_text="the caps of every class are held over this many days of daily counters, today included")


class CapWindowView(APIView):
    permission_classes = [IsRiskAdmin]

    @extend_schema(responses={200: CapWindowSerializer, 403: OpenApiResponse(description="Not a risk admin")},
                   summary="The rolling window the caps per compliance class are held over")
    def get(self, request):
        return Response({"days": risk_settings_current().cap_window_days})

    @extend_schema(request=CapWindowSerializer,
                   responses={200: CapWindowSerializer, 400: OpenApiResponse(description="Validation errors by field"),
                              403: OpenApiResponse(description="Not a risk admin")},
                   summary="Set the rolling window of the caps per compliance class",
                   description="Applies at once and is audited (`cap_window_change`); it moves the risk settings' "
                               "`version`, so a change previewed before it must be confirmed again.")
    def put(self, request):
        body = CapWindowSerializer(data=request.data if hasattr(request.data, "keys") else {})
        body.is_valid(raise_exception=True)
        settings = cap_window_update(user=request.user, days=body.validated_data["days"])
        return Response({"days": settings.cap_window_days})
