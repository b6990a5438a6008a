"""The learned model's versions through the API (docs/api-additions.md, "The learned risk model"): risk
admins list and read them, ask for a new one (trained in the background), activate one, roll back
and switch the model off. Thin over risk.services.risk_model; a version's artifact never leaves the
server."""
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from customs_portal.accounts.permissions import IsRiskAdmin
from customs_portal.errors import DomainConflict
from risk.learned_models import RiskModelVersion
from risk.selectors.model_versions import SEED_MAX, history_source_names, model_version_of, model_versions
from risk.services.risk_model import (
    RiskModelError,
    risk_model_activate,
    risk_model_deactivate,
    risk_model_rollback,
    risk_model_version_create,
)

REFUSED_CODE = "model_change_refused"
DENIED = {403: OpenApiResponse(description="Not a risk admin")}
NOT_FOUND = {404: OpenApiResponse(description="No version has this number")}
REFUSED = {409: OpenApiResponse(description=f"`{REFUSED_CODE}`: the versions' state does not allow it; `detail` says why "
                                            "(not ready, no model active, no version active before)")}


class ModelVersionSerializer(serializers.ModelSerializer):
    sources = serializers.ListField(source="include_sources", child=serializers.CharField(),
                                    help_text="imported history sources learned from, besides the portal's own declarations")
    progress = serializers.IntegerField(help_text="0–100 while pending or training; 100 once ready")
    created_by = serializers.CharField(source="created_by.username", allow_null=True, default=None)
    activated_by = serializers.CharField(source="activated_by.username", allow_null=True, default=None,
                                         help_text="who activated it last")
    precision_top_5 = serializers.SerializerMethodField(help_text="share found at fault among the 5 % most suspicious "
                                                                  "items of the evaluation window (0–1); null before ready")
    precision_top_10 = serializers.SerializerMethodField(help_text="the same among the 10 % most suspicious")
    auc = serializers.SerializerMethodField(help_text="ROC AUC on the evaluation window; null before ready")

    class Meta:
        model = RiskModelVersion
        fields = ["number", "state", "progress", "progress_note", "error", "sources", "seed", "created_at", "created_by",
                  "started_at", "finished_at", "active", "activated_at", "activated_by", "precision_top_5",
                  "precision_top_10", "auc"]

    def _top(self, version, share) -> float | None:
        return (version.metrics or {}).get("top", {}).get(share, {}).get("precision")

    def get_precision_top_5(self, version) -> float | None:
        return self._top(version, "5")

    def get_precision_top_10(self, version) -> float | None:
        return self._top(version, "10")

    def get_auc(self, version) -> float | None:
        return (version.metrics or {}).get("auc")


class ModelVersionDetailSerializer(ModelVersionSerializer):
    rows = serializers.JSONField(help_text="item counts: history, labelled, positives, training, evaluation, and per "
                                           "source {rows, labelled, positives}")
    metrics = serializers.JSONField(help_text="the evaluation on the latest window: rows, positives, base_rate, top "
                                              "{\"1\",\"2\",\"5\",\"10\": {rows, precision, recall, lift}}, auc, brier, "
                                              "calibration (10 bins {from, to, rows, mean_score, observed})")
    features = serializers.JSONField(help_text="the names of the features, in the model's order")
    parameters = serializers.JSONField(help_text="LightGBM's parameters, the seed included")
    library_versions = serializers.JSONField(help_text="lightgbm, numpy and python versions it was trained with")

    class Meta(ModelVersionSerializer.Meta):
        fields = [*ModelVersionSerializer.Meta.fields, "train_from", "train_to", "evaluation_from", "evaluation_to",
                  "rows", "metrics", "features", "parameters", "library_versions", "training_seconds"]


class ModelTrainRequestSerializer(serializers.Serializer):
    sources = serializers.ListField(child=serializers.CharField(max_length=32), required=False, default=list,
                                    help_text="imported history sources to learn from besides the portal's own "
                                              "declarations (see manage.py import_history), e.g. [\"kcs\"]")
    seed = serializers.IntegerField(min_value=0, max_value=SEED_MAX, required=False, default=7,
                                    help_text="the same history and seed train the same model")

    def validate_sources(self, sources):
        known = set(history_source_names())
        unknown = sorted(set(sources) - known)
        if unknown:
            raise serializers.ValidationError(
                _("No history is imported from: %(unknown)s. Imported sources: %(known)s.")
                % {"unknown": ", ".join(unknown), "known": ", ".join(sorted(known)) or "—"})
        return sorted(set(sources))


def _version(number: int) -> RiskModelVersion:
    version = model_version_of(number=number)
    if version is None:
        raise Http404
    return version


def _refused(error: RiskModelError) -> DomainConflict:
    return DomainConflict(str(error), code=REFUSED_CODE)


class ModelVersionListView(generics.GenericAPIView):
    permission_classes = [IsRiskAdmin]
    serializer_class = ModelVersionSerializer
    filter_backends: list = []

    def get_queryset(self):
        return model_versions()

    @extend_schema(responses={200: ModelVersionSerializer(many=True), **DENIED},
                   summary="The learned model's versions, newest first")
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ModelVersionSerializer(page, many=True).data)

    @extend_schema(request=ModelTrainRequestSerializer,
                   responses={202: ModelVersionSerializer, 400: OpenApiResponse(description="Validation errors by field"),
                              **DENIED},
                   summary="Train a new version",
                   description="Creates a pending version, trained by the batch worker; poll "
                               "GET /api/v1/risk/model/versions/{number}/ for its progress and evaluation. Audited "
                               "(`risk_model_train`). It is not activated.")
    def post(self, request):
        body = ModelTrainRequestSerializer(data=request.data if hasattr(request.data, "keys") else {})
        body.is_valid(raise_exception=True)
        version = risk_model_version_create(user=request.user, **body.validated_data)
        return Response(ModelVersionSerializer(_version(version.number)).data, status=status.HTTP_202_ACCEPTED)


class ModelVersionDetailView(APIView):
    permission_classes = [IsRiskAdmin]

    @extend_schema(responses={200: ModelVersionDetailSerializer, **NOT_FOUND, **DENIED},
                   summary="A version of the learned model, with its window and evaluation")
    def get(self, request, number):
        return Response(ModelVersionDetailSerializer(_version(number)).data)


class ModelVersionActivateView(APIView):
    permission_classes = [IsRiskAdmin]

    @extend_schema(request=None, responses={200: ModelVersionSerializer, **NOT_FOUND, **REFUSED, **DENIED},
                   summary="Make a ready version the active model",
                   description="Declarations assessed from now on are scored by it (`model.score`). Audited "
                               "(`risk_model_activate`, from and to). Activating the active version changes nothing.")
    def post(self, request, number):
        version = _version(number)
        try:
            risk_model_activate(version_id=version.pk, user=request.user)
        except RiskModelError as error:
            raise _refused(error) from error
        return Response(ModelVersionSerializer(_version(number)).data)


class ModelRollbackView(APIView):
    permission_classes = [IsRiskAdmin]

    @extend_schema(request=None, responses={200: ModelVersionSerializer, **REFUSED, **DENIED},
                   summary="Activate again the version active before the current one",
                   description="Answers the version now active. Audited (`risk_model_rollback`, from and to).")
    def post(self, request):
        try:
            version = risk_model_rollback(user=request.user)
        except RiskModelError as error:
            raise _refused(error) from error
        return Response(ModelVersionSerializer(_version(version.number)).data)


class ModelDeactivateView(APIView):
    permission_classes = [IsRiskAdmin]

    @extend_schema(request=None, responses={204: None, **REFUSED, **DENIED},
                   summary="Switch the learned model off",
                   description="Declarations are then assessed by the rules alone; conditions on `model.score` hold "
                               "for none. Audited (`risk_model_deactivate`).")
    def post(self, request):
        try:
            risk_model_deactivate(user=request.user)
        except RiskModelError as error:
            raise _refused(error) from error
        return Response(status=status.HTTP_204_NO_CONTENT)
