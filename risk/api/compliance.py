"""The computed compliance of an enterprise through the API (issue 15; README "Compliance levels"):
officers and risk admins read it, risk admins override, lift and compute."""
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from customs_portal.accounts.models import ComplianceLevel, Enterprise
from customs_portal.accounts.permissions import IsCustomsStaff, IsRiskAdmin
from risk.compliance import Figures, Reason, Source, figures_text
from risk.compliance_models import ComplianceOverride
from risk.compliance_selectors import compliance_history, compliance_override_in_force, compliance_status_of
from risk.services.compliance import (
    OVERRIDE_LEVELS,
    compliance_compute,
    compliance_override_lift,
    compliance_override_set,
)


class FiguresSerializer(serializers.Serializer):
    age_days = serializers.IntegerField()
    declarations = serializers.IntegerField(help_text="registered in the last 365 days")
    discrepancies = serializers.IntegerField(help_text="declarations of the window whose inspection found a discrepancy")
    rejections = serializers.IntegerField()
    late_payments = serializers.IntegerField(help_text="declarations of the window that bore late-payment interest")
    overdue_tax = serializers.IntegerField(help_text="declarations with tax unpaid more than 90 days after the due date")
    post_clearance_findings = serializers.IntegerField(help_text="always 0 until post-clearance audit exists")
    violations = serializers.IntegerField()
    violation_rate = serializers.DecimalField(max_digits=6, decimal_places=4)


class OverrideSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username", read_only=True)

    class Meta:
        model = ComplianceOverride
        fields = ["id", "level", "reason", "valid_until", "created_by", "created_at"]


class OverrideWriteSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=[(v, v) for v in OVERRIDE_LEVELS])
    reason = serializers.CharField(max_length=500)
    valid_until = serializers.DateField(help_text="the last day the override is in force")


class HistoryEntrySerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=ComplianceLevel.choices)
    previous_level = serializers.CharField()
    source = serializers.ChoiceField(choices=Source.choices)
    reason = serializers.CharField(help_text="of a computed level: " + ", ".join(Reason.values))
    note = serializers.CharField(help_text="the override's reason, or what a risk admin did")
    figures = serializers.DictField(help_text="the figures the level was computed from, when it was")
    override = serializers.IntegerField(source="override_id", allow_null=True)
    recorded_at = serializers.DateTimeField()
    recorded_by = serializers.CharField(source="recorded_by.username", allow_null=True, default=None)


class ComputedSerializer(serializers.Serializer):
    level = serializers.CharField()
    reason = serializers.CharField()
    reason_text = serializers.CharField(help_text="why, in the request's language")
    figures = FiguresSerializer()
    computed_at = serializers.DateTimeField()


class EnterpriseComplianceStateSerializer(serializers.Serializer):
    tax_code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.ChoiceField(choices=ComplianceLevel.choices, help_text="the level in force, as the rules read it")
    source = serializers.ChoiceField(choices=Source.choices, allow_blank=True,
                                     help_text="computed, override (a risk admin's, until its expiry) or granted "
                                               "(priority/AEO); empty before the first computation")
    since = serializers.DateTimeField(allow_null=True)
    priority_granted = serializers.BooleanField()
    computed = ComputedSerializer(allow_null=True)
    override = OverrideSerializer(allow_null=True, help_text="the override in force")
    history = HistoryEntrySerializer(many=True, help_text="every change of the level, newest first (the last 50)")


def compliance_state(enterprise: Enterprise) -> dict:
    status_row = compliance_status_of(enterprise)
    computed = None
    if status_row is not None and status_row.computed_level:
        figures = Figures.from_data(status_row.figures)
        computed = {"level": status_row.computed_level, "reason": status_row.reason,
                    "reason_text": f"{Reason(status_row.reason).label}: {figures_text(figures)}",
                    "figures": figures.as_data(), "computed_at": status_row.computed_at}
    return {
        "tax_code": enterprise.tax_code, "name": enterprise.name, "level": enterprise.compliance_level,
        "source": status_row.source if status_row else "", "since": status_row.since if status_row else None,
        "priority_granted": bool(status_row and status_row.priority_granted), "computed": computed,
        "override": compliance_override_in_force(enterprise=enterprise),
        "history": list(compliance_history(enterprise=enterprise)),
    }


def _enterprise(tax_code) -> Enterprise:
    return get_object_or_404(Enterprise, tax_code=tax_code)


def _answer(enterprise, code=status.HTTP_200_OK) -> Response:
    enterprise.refresh_from_db()
    return Response(EnterpriseComplianceStateSerializer(compliance_state(enterprise)).data, status=code)


NOT_FOUND = {404: OpenApiResponse(description="Unknown tax code")}
FORBIDDEN = {403: OpenApiResponse(description="Not a risk admin")}


class EnterpriseComplianceStateView(APIView):
    permission_classes = [IsCustomsStaff]

    @extend_schema(responses={200: EnterpriseComplianceStateSerializer, **NOT_FOUND,
                              403: OpenApiResponse(description="Not customs staff")},
                   summary="An enterprise's compliance level, where it comes from, its figures and history")
    def get(self, request, tax_code):
        return _answer(_enterprise(tax_code))


class EnterpriseComplianceOverrideView(APIView):
    permission_classes = [IsRiskAdmin]

    @extend_schema(request=OverrideWriteSerializer,
                   responses={201: EnterpriseComplianceStateSerializer, 400: OpenApiResponse(description="Validation errors by field"),
                              **NOT_FOUND, **FORBIDDEN},
                   summary="Override the level until a date, with a reason (replaces an open override)")
    def post(self, request, tax_code):
        enterprise = _enterprise(tax_code)
        body = OverrideWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        compliance_override_set(enterprise=enterprise, user=request.user, **body.validated_data)
        return _answer(enterprise, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: EnterpriseComplianceStateSerializer, **NOT_FOUND, **FORBIDDEN,
                                            409: OpenApiResponse(description="`no_override`: none is in force")},
                   summary="Lift the override in force before its expiry")
    def delete(self, request, tax_code):
        compliance_override_lift(enterprise=_enterprise(tax_code), user=request.user)
        return _answer(_enterprise(tax_code))


class EnterpriseComplianceComputeView(APIView):
    permission_classes = [IsRiskAdmin]

    @extend_schema(request=None, responses={200: EnterpriseComplianceStateSerializer, **NOT_FOUND, **FORBIDDEN},
                   summary="Compute the enterprise's level now from its record (as the nightly run does)")
    def post(self, request, tax_code):
        enterprise = _enterprise(tax_code)
        compliance_compute(enterprise_ids=[enterprise.pk], on=timezone.localdate(), user=request.user)
        return _answer(enterprise)
