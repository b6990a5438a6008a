"""Risk administration API (api.md, "Risk administration"): risk admins only, everyone else 403."""
from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from customs_portal.accounts.models import Enterprise
from customs_portal.accounts.permissions import IsRiskAdmin
from risk.models import BacktestRun, ReferencePrice, RiskChange, WatchlistedPartner
from risk.selectors import reference_prices, risk_rules, watchlisted_partners
from risk.services.assessment import risk_settings_current
from risk.services.backtest import backtest_start
from risk.services.changes import (
    risk_change_confirm,
    risk_rule_add,
    risk_rule_change_preview,
    risk_rule_edit,
    risk_settings_change_preview,
    risk_settings_edit,
)
from risk.services.reference_prices import reference_price_delete, reference_price_set
from risk.services.rules import enterprise_compliance_update, risk_rule_deactivate
from risk.services.watchlists import (
    watchlisted_partner_add,
    watchlisted_partner_deactivate,
)

from .serializers import (
    BacktestRequestSerializer,
    BacktestRunSerializer,
    ComplianceSerializer,
    ProposedChangeSerializer,
    ReferencePriceSerializer,
    ReferencePriceWriteSerializer,
    RiskChangeSerializer,
    RiskSettingsSerializer,
    RuleDetailSerializer,
    RuleSerializer,
    RuleWriteSerializer,
    WatchlistedPartnerSerializer,
    WatchlistedPartnerWriteSerializer,
)

ERRORS = {400: OpenApiResponse(description="Validation errors by field"), 403: OpenApiResponse(description="Not a risk admin")}
PREVIEW_REQUIRED = {409: OpenApiResponse(description=(
    "`preview_required`: the change alters which declarations are checked. Preview it with POST "
    "/api/v1/risk/changes/ and confirm it with POST /api/v1/risk/changes/{id}/confirm/ once the preview is done."))}


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

    @extend_schema(request=RuleWriteSerializer, responses={201: RuleDetailSerializer, **ERRORS},
                   description="A new rule is created inactive (`active: true` is refused with a field error).")
    def create(self, request):
        body = RuleWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._render(risk_rule_add(user=request.user, data=dict(body.validated_data)), status.HTTP_201_CREATED)

    @extend_schema(request=RuleWriteSerializer(partial=True), responses={200: RuleDetailSerializer, **ERRORS, **PREVIEW_REQUIRED},
                   description="Renaming a rule, changing an inactive one or deactivating one applies at once. "
                               "Activating a rule, or changing the conditions, score, minimum channel or validity of "
                               "an active one, answers 409 `preview_required` and changes nothing: see "
                               "POST /api/v1/risk/changes/.")
    def partial_update(self, request, pk=None):
        rule = self.get_object()
        body = RuleWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        return self._render(risk_rule_edit(rule=rule, user=request.user, data=dict(body.validated_data)), status.HTTP_200_OK)

    @extend_schema(request=None, responses={200: RuleDetailSerializer, **ERRORS},
                   description="Rules are never deleted (assessments refer to their versions): this deactivates the rule in a new version.")
    def destroy(self, request, pk=None):
        return self._render(risk_rule_deactivate(rule=self.get_object(), user=request.user), status.HTTP_200_OK)


class RiskSettingsView(APIView):
    permission_classes = [IsRiskAdmin]

    @extend_schema(responses={200: RiskSettingsSerializer, **ERRORS})
    def get(self, request):
        return Response(RiskSettingsSerializer(risk_settings_current()).data)

    @extend_schema(request=RiskSettingsSerializer, responses={200: RiskSettingsSerializer, **ERRORS, **PREVIEW_REQUIRED},
                   description="Thresholds and random rates different from those in force answer 409 "
                               "`preview_required` and change nothing: preview the change with "
                               "POST /api/v1/risk/changes/ `{\"settings\": {...}}`, then confirm it. The same values "
                               "answer 200 and change nothing.")
    def put(self, request):
        body = RiskSettingsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(RiskSettingsSerializer(risk_settings_edit(user=request.user, data=body.validated_data)).data)


class RiskChangeListView(APIView):
    permission_classes = [IsRiskAdmin]

    @extend_schema(
        request=ProposedChangeSerializer, responses={202: RiskChangeSerializer, 404: OpenApiResponse(description="No such rule"), **ERRORS},
        summary="Preview a change of a rule or of the settings",
        description="Holds the change and starts its preview: a backtest of the declarations registered in the last "
                    "30 days with the rules and settings in force, without and with the change. Poll "
                    "GET /api/v1/risk/changes/{id}/ until `preview.state` is `done`, read the channel mix and the "
                    "declarations that would change, then confirm with POST /api/v1/risk/changes/{id}/confirm/. "
                    "Nothing changes until then.")
    def post(self, request):
        body = ProposedChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if "settings" in data:
            change = risk_settings_change_preview(user=request.user, data=data["settings"])
        else:
            rule = get_object_or_404(risk_rules(), pk=data["rule"])
            change = risk_rule_change_preview(rule=rule, user=request.user, data=dict(data["changes"]),
                                              change_note=data["change_note"])
        return Response(RiskChangeSerializer(change).data, status=status.HTTP_202_ACCEPTED)


def _change(pk) -> RiskChange:
    return get_object_or_404(RiskChange.objects.select_related("preview", "created_by", "applied_by"), pk=pk)


class RiskChangeDetailView(APIView):
    permission_classes = [IsRiskAdmin]

    @extend_schema(responses={200: RiskChangeSerializer, 404: OpenApiResponse(description="No such change"), **ERRORS},
                   summary="A change held for confirmation, with its preview")
    def get(self, request, pk):
        return Response(RiskChangeSerializer(_change(pk)).data)


class RiskChangeConfirmView(APIView):
    permission_classes = [IsRiskAdmin]

    @extend_schema(
        request=None, summary="Apply a previewed change",
        responses={200: RiskChangeSerializer, 404: OpenApiResponse(description="No such change"), **ERRORS,
                   409: OpenApiResponse(description="`preview_running`, `preview_failed`, `preview_outdated` (a rule or "
                                                    "the settings changed since: preview again) or `already_applied`")})
    def post(self, request, pk):
        change = risk_change_confirm(change_id=_change(pk).pk, user=request.user)
        return Response(RiskChangeSerializer(_change(change.pk)).data)


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


class WatchlistedPartnerListView(generics.GenericAPIView):
    """Watchlisted foreign partners; `?active=false` or `?active=all` for the ones taken off, `?q=` by name or country."""

    permission_classes = [IsRiskAdmin]
    serializer_class = WatchlistedPartnerSerializer
    filter_backends: list = []
    ACTIVE = {"true": True, "false": False, "all": None}

    def get_queryset(self):
        active = self.ACTIVE.get(self.request.query_params.get("active", "true").lower(), True)
        return watchlisted_partners(active=active, q=self.request.query_params.get("q", "")[:100])

    @extend_schema(responses={200: WatchlistedPartnerSerializer(many=True), **ERRORS})
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(WatchlistedPartnerSerializer(page, many=True).data)

    @extend_schema(request=WatchlistedPartnerWriteSerializer, responses={201: WatchlistedPartnerSerializer, **ERRORS},
                   description="Adding a partner that was taken off the watchlist puts it back with the new reason.")
    def post(self, request):
        body = WatchlistedPartnerWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        partner = watchlisted_partner_add(user=request.user, **body.validated_data)
        return Response(WatchlistedPartnerSerializer(partner).data, status=status.HTTP_201_CREATED)


class WatchlistedPartnerDetailView(APIView):
    permission_classes = [IsRiskAdmin]

    @extend_schema(responses={200: WatchlistedPartnerSerializer, 404: OpenApiResponse(description="No such partner"), **ERRORS})
    def get(self, request, pk):
        return Response(WatchlistedPartnerSerializer(get_object_or_404(WatchlistedPartner, pk=pk)).data)

    @extend_schema(request=None, responses={200: WatchlistedPartnerSerializer, 404: OpenApiResponse(description="No such partner"),
                                            409: OpenApiResponse(description="Already taken off the watchlist"), **ERRORS},
                   description="Takes the partner off the watchlist; the entry is kept, inactive, for the record.")
    def delete(self, request, pk):
        partner = watchlisted_partner_deactivate(partner=get_object_or_404(WatchlistedPartner, pk=pk), user=request.user)
        return Response(WatchlistedPartnerSerializer(partner).data)


class ReferencePriceListView(generics.GenericAPIView):
    """Reference unit prices for the valuation check; `?q=` an HS code prefix or a unit code."""

    permission_classes = [IsRiskAdmin]
    serializer_class = ReferencePriceSerializer
    filter_backends: list = []

    def get_queryset(self):
        return reference_prices(q=self.request.query_params.get("q", "")[:20])

    @extend_schema(responses={200: ReferencePriceSerializer(many=True), **ERRORS})
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ReferencePriceSerializer(page, many=True).data)

    @extend_schema(request=ReferencePriceWriteSerializer, responses={201: ReferencePriceSerializer, **ERRORS})
    def post(self, request):
        body = ReferencePriceWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        price = reference_price_set(user=request.user, **body.validated_data)
        return Response(ReferencePriceSerializer(price).data, status=status.HTTP_201_CREATED)


class ReferencePriceDetailView(APIView):
    permission_classes = [IsRiskAdmin]
    NOT_FOUND = {404: OpenApiResponse(description="No such reference price")}

    @extend_schema(responses={200: ReferencePriceSerializer, **NOT_FOUND, **ERRORS})
    def get(self, request, pk):
        return Response(ReferencePriceSerializer(get_object_or_404(ReferencePrice, pk=pk)).data)

    @extend_schema(request=ReferencePriceWriteSerializer, responses={200: ReferencePriceSerializer, **NOT_FOUND, **ERRORS})
    def put(self, request, pk):
        price = get_object_or_404(ReferencePrice, pk=pk)
        body = ReferencePriceWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        price = reference_price_set(user=request.user, reference_price=price, **body.validated_data)
        return Response(ReferencePriceSerializer(price).data)

    @extend_schema(request=None, responses={204: None, **NOT_FOUND, **ERRORS})
    def delete(self, request, pk):
        reference_price_delete(reference_price=get_object_or_404(ReferencePrice, pk=pk), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
