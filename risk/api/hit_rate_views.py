"""`GET /api/v1/risk/rules/hit-rates/`: each rule's and the random selection's hit rate (risk/hit_rates.py)."""
from datetime import timedelta

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from customs_portal.accounts.permissions import IsRiskAdmin
from customs_portal.languages import in_active_language
from risk.selectors import risk_rules
from risk.selectors.hit_rates import default_period, hit_rates

MAX_PERIOD_DAYS = 3 * 366


def period_parse(values) -> tuple:
    """(from, to) of a query string (`from`, `to`, ISO dates; default: the last 90 days); a bad one
    raises serializers.ValidationError with the field's message (HTTP 400). The rule list page shares it."""
    default_from, default_to = default_period()
    parsed = {}
    for name, default in (("from", default_from), ("to", default_to)):
        raw = (values.get(name) or "").strip()
        if not raw:
            parsed[name] = default
            continue
        try:
            parsed[name] = serializers.DateField().to_internal_value(raw)
        except serializers.ValidationError:
            raise serializers.ValidationError({name: [_("Give a date as YYYY-MM-DD.")]}) from None
    if parsed["from"] > parsed["to"]:
        raise serializers.ValidationError({"to": [_("The end of the period is before its start.")]})
    if parsed["to"] - parsed["from"] > timedelta(days=MAX_PERIOD_DAYS):
        raise serializers.ValidationError({"from": [_("The period is at most three years.")]})
    return parsed["from"], parsed["to"]


class HitRateSerializer(serializers.Serializer):
    checked = serializers.IntegerField(help_text="checks selected in the period that have a result")
    found = serializers.IntegerField(help_text="of those, the checks that found a discrepancy")
    hit_rate = serializers.DecimalField(max_digits=5, decimal_places=4, allow_null=True, source="rate",
                                        help_text="found / checked (null without checks)")


class RuleHitRateSerializer(HitRateSerializer):
    rule = serializers.IntegerField()
    name = serializers.CharField()
    active = serializers.BooleanField()


class ModelBandsSerializer(serializers.Serializer):
    high = HitRateSerializer(help_text="score ≥ 0.8")
    medium = HitRateSerializer(help_text="0.5 ≤ score < 0.8")
    low = HitRateSerializer(help_text="score < 0.5")


class ModelVersionHitRatesSerializer(serializers.Serializer):
    version = serializers.IntegerField(source="number", help_text="the model version's number")
    bands = ModelBandsSerializer(help_text="the checks the version scored, by band of its score")
    all = HitRateSerializer(source="total", help_text="every check the version scored")


class ModelHitRatesSerializer(serializers.Serializer):
    versions = ModelVersionHitRatesSerializer(many=True, help_text="each version that scored checks, newest first")
    rules_on_score = HitRateSerializer(help_text="the checks any rule with a condition on model.score selected")


class HitRatesSerializer(serializers.Serializer):
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    random_selection = HitRateSerializer()
    rules = RuleHitRateSerializer(many=True)
    models = ModelHitRatesSerializer(help_text="the learned model's: per version by band of its score, and its rules")


class HitRatesView(APIView):
    permission_classes = [IsRiskAdmin]

    @extend_schema(
        summary="Hit rates of the risk rules and of the random selection",
        description="For the assessments made in the period (`from`, `to`: dates, both included; default the last "
                    "90 days): per rule, the yellow and red checks it selected that have a result (`checked`: an "
                    "inspection result recorded, or the declaration cleared or rejected) and those that found a "
                    "discrepancy (`found`: an inspection with a discrepancy, or a rejection), and their ratio. "
                    "Every rule is listed, in id order; `random_selection` is the same for the random draw. "
                    "`models`: for each learned model version, the checks whose assessment (the first in the period "
                    "that sent the declaration to yellow or red) it scored, by band of that score, and the checks "
                    "selected by any rule on `model.score` (each also listed under `rules`).",
        parameters=[OpenApiParameter("from", str, description="YYYY-MM-DD"), OpenApiParameter("to", str, description="YYYY-MM-DD")],
        responses={200: HitRatesSerializer, 400: OpenApiResponse(description="A malformed date or period"),
                   403: OpenApiResponse(description="Not a risk administrator")})
    def get(self, request):
        date_from, date_to = period_parse(request.query_params)
        rates = hit_rates(date_from=date_from, date_to=date_to)
        rules = []
        for rule in risk_rules():
            rate = rates.of_rule(rule.pk)
            rules.append({"rule": rule.pk, "name": in_active_language(rule.current.name_vi, rule.current.name_en),
                          "active": rule.current.active, "checked": rate.checked, "found": rate.found, "rate": rate.rate})
        models = {"versions": rates.models, "rules_on_score": rates.model_rules}
        return Response(HitRatesSerializer({"date_from": date_from, "date_to": date_to,
                                            "random_selection": rates.random_selection, "rules": rules,
                                            "models": models}).data)
