"""Risk administration API (api.md, "Risk administration"): risk admins only, everyone else 403."""
from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from customs_portal.accounts.models import Enterprise
from customs_portal.accounts.permissions import IsRiskAdmin
from risk.models import BacktestRun
from risk.services.backtest import backtest_start
from risk.selectors import risk_rules
from risk.services.assessment import risk_settings_current
from risk.services.rules import (
    enterprise_compliance_update,
    risk_rule_create,
    risk_rule_deactivate,
    risk_rule_update,
    risk_settings_update,
)

from .serializers import (
    BacktestRequestSerializer,
    BacktestRunSerializer,
    ComplianceSerializer,
    RiskSettingsSerializer,
    RuleDetailSerializer,
    RuleSerializer,
    RuleWriteSerializer,
)

ERRORS = {400: OpenApiResponse(description="Validation errors by field"), 403: OpenApiResponse(description="Not a risk admin")}


class RiskRuleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsRiskAdmin]
    serializer_class = RuleSerializer
    filter_backends: list = []

    def get_queryset(self):
        return risk_rules(with_versions=self.action == "retrieve")

    def get_serializer_class(self):
        return RuleDetailSerializer if self.action == "retrieve" else RuleSerializer

    def _render(self, rule, code):
        rule = risk_rules(with_versions=True).get(pk=rule.pk)
        return Response(RuleDetailSerializer(rule).data, status=code)

    @extend_schema(request=RuleWriteSerializer, responses={201: RuleDetailSerializer, **ERRORS})
    def create(self, request):
        body = RuleWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._render(risk_rule_create(user=request.user, data=dict(body.validated_data)), status.HTTP_201_CREATED)

    @extend_schema(request=RuleWriteSerializer(partial=True), responses={200: RuleDetailSerializer, **ERRORS})
    def partial_update(self, request, pk=None):
        rule = self.get_object()
        body = RuleWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        return self._render(risk_rule_update(rule=rule, user=request.user, data=dict(body.validated_data)), status.HTTP_200_OK)

    @extend_schema(request=None, responses={200: RuleDetailSerializer, **ERRORS},
                   description="Rules are never deleted (assessments refer to their versions): this deactivates the rule in a new version.")
    def destroy(self, request, pk=None):
        return self._render(risk_rule_deactivate(rule=self.get_object(), user=request.user), status.HTTP_200_OK)


class RiskSettingsView(APIView):
    permission_classes = [IsRiskAdmin]

    @extend_schema(responses={200: RiskSettingsSerializer, **ERRORS})
    def get(self, request):
        return Response(RiskSettingsSerializer(risk_settings_current()).data)

    @extend_schema(request=RiskSettingsSerializer, responses={200: RiskSettingsSerializer, **ERRORS})
    def put(self, request):
        body = RiskSettingsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(RiskSettingsSerializer(risk_settings_update(user=request.user, data=body.validated_data)).data)


class EnterpriseComplianceView(APIView):
    permission_classes = [IsRiskAdmin]

    @extend_schema(responses={200: ComplianceSerializer, 404: OpenApiResponse(description="Unknown tax code"), **ERRORS})
    def get(self, request, tax_code):
        return Response(ComplianceSerializer(get_object_or_404(Enterprise, tax_code=tax_code)).data)

    @extend_schema(request=ComplianceSerializer, responses={200: ComplianceSerializer, 404: OpenApiResponse(description="Unknown tax code"), **ERRORS})
    def put(self, request, tax_code):
        enterprise = get_object_or_404(Enterprise, tax_code=tax_code)
        body = ComplianceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with transaction.atomic():
            enterprise = enterprise_compliance_update(enterprise=enterprise, user=request.user, **body.validated_data)
        return Response(ComplianceSerializer(enterprise).data)


class BacktestView(APIView):
    permission_classes = [IsRiskAdmin]

    @extend_schema(request=BacktestRequestSerializer, responses={202: BacktestRunSerializer, **ERRORS},
                   description="Runs as a background task; poll GET /api/v1/risk/backtest/{id}/ for progress and the result.")
    def post(self, request):
        body = BacktestRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        run = backtest_start(user=request.user, **body.validated_data)
        return Response(BacktestRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class BacktestDetailView(APIView):
    permission_classes = [IsRiskAdmin]

    @extend_schema(responses={200: BacktestRunSerializer, 404: OpenApiResponse(description="No such backtest"), **ERRORS})
    def get(self, request, pk):
        return Response(BacktestRunSerializer(get_object_or_404(BacktestRun, pk=pk)).data)
