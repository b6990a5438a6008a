from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty

from customs_portal.accounts.models import ComplianceLevel, Enterprise
from customs_portal.api.fields import DecimalField
from declarations.lifecycle import Channel
from risk.condition_text import reason_sentence
from risk.model_explanation import model_explanation
from risk.models import (
    Assessment,
    BacktestRun,
    ReferencePrice,
    RiskChange,
    RiskRule,
    RiskRuleVersion,
    RiskSettings,
    WatchlistedPartner,
)
from risk.selectors import assessment_latest, fired_rule_name
from risk.services.changes import risk_change_outdated
from risk.services.minimums import requirement_label

NAME_HELP = "in the language of the request (Accept-Language: vi or en), or the other one if the rule has none in it"


class ConditionSerializer(serializers.Serializer):
    field = serializers.CharField()
    op = serializers.CharField()
    value = serializers.JSONField(help_text="a string, number, boolean, or a list for in/not_in")


class RuleWriteSerializer(serializers.Serializer):
    """A rule's name and description are kept in Vietnamese and English: give `name_vi` and/or
    `name_en` (a rule needs a name in at least one), or `name` for the language of the request."""

    name = serializers.CharField(max_length=200, required=False, help_text="the name in the language of the request")
    name_vi = serializers.CharField(max_length=200, required=False, allow_blank=True)
    name_en = serializers.CharField(max_length=200, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True,
                                        help_text="the description in the language of the request")
    description_vi = serializers.CharField(required=False, allow_blank=True)
    description_en = serializers.CharField(required=False, allow_blank=True)
    conditions = serializers.JSONField(help_text="list of {field, op, value}; all must hold")
    score = serializers.IntegerField(min_value=-1000, max_value=1000, default=0)
    min_channel = serializers.ChoiceField(choices=Channel.choices, required=False, allow_blank=True, allow_null=True, default="")
    active = serializers.BooleanField(
        default=False,
        help_text="A new rule is created inactive: `true` is refused (400). Activating a rule, or changing what an "
                  "active rule decides, answers 409 `preview_required`: preview it with POST /api/v1/risk/changes/, "
                  "then confirm it.")
    valid_from = serializers.DateField(required=False, allow_null=True, default=None)
    valid_to = serializers.DateField(required=False, allow_null=True, default=None)

    def validate_min_channel(self, value):
        return value or ""


class RuleChangesSerializer(RuleWriteSerializer):
    """The fields of a rule to change; those left out keep their value."""

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            field.required, field.default = False, empty
        return fields


class RuleVersionSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text=NAME_HELP)
    description = serializers.CharField(read_only=True, help_text=NAME_HELP)
    conditions = ConditionSerializer(many=True)
    created_by = serializers.CharField(source="created_by.username", allow_null=True, default=None)

    class Meta:
        model = RiskRuleVersion
        fields = ["id", "version", "name", "name_vi", "name_en", "description", "description_vi", "description_en",
                  "conditions", "score", "min_channel", "active", "valid_from", "valid_to", "created_at", "created_by",
                  "change_note"]


class RuleSerializer(serializers.ModelSerializer):
    """A rule as it is now (its current version), with the version number."""

    name = serializers.CharField(source="current.name", help_text=NAME_HELP)
    name_vi = serializers.CharField(source="current.name_vi")
    name_en = serializers.CharField(source="current.name_en")
    description = serializers.CharField(source="current.description", help_text=NAME_HELP)
    description_vi = serializers.CharField(source="current.description_vi")
    description_en = serializers.CharField(source="current.description_en")
    conditions = ConditionSerializer(many=True, source="current.conditions")
    score = serializers.IntegerField(source="current.score")
    min_channel = serializers.CharField(source="current.min_channel")
    active = serializers.BooleanField(source="current.active")
    valid_from = serializers.DateField(source="current.valid_from", allow_null=True)
    valid_to = serializers.DateField(source="current.valid_to", allow_null=True)
    version = serializers.IntegerField(source="current.version")
    updated_at = serializers.DateTimeField(source="current.created_at")

    class Meta:
        model = RiskRule
        fields = ["id", "name", "name_vi", "name_en", "description", "description_vi", "description_en", "conditions",
                  "score", "min_channel", "active", "valid_from", "valid_to", "version", "created_at", "updated_at"]


class RuleDetailSerializer(RuleSerializer):
    versions = RuleVersionSerializer(many=True)

    class Meta(RuleSerializer.Meta):
        fields = RuleSerializer.Meta.fields + ["versions"]


class RiskSettingsSerializer(serializers.ModelSerializer):
    random_yellow_rate = DecimalField(max_digits=5, decimal_places=4, min_value=Decimal("0"), max_value=Decimal("1"))
    random_red_rate = DecimalField(max_digits=5, decimal_places=4, min_value=Decimal("0"), max_value=Decimal("1"))
    yellow_threshold = serializers.IntegerField(min_value=-100000, max_value=100000)
    red_threshold = serializers.IntegerField(min_value=-100000, max_value=100000)

    class Meta:
        model = RiskSettings
        fields = ["yellow_threshold", "red_threshold", "random_yellow_rate", "random_red_rate", "version", "updated_at"]
        read_only_fields = ["version", "updated_at"]


class ComplianceSerializer(serializers.ModelSerializer):
    compliance_level = serializers.ChoiceField(choices=ComplianceLevel.choices)
    on_watchlist = serializers.BooleanField()

    class Meta:
        model = Enterprise
        fields = ["tax_code", "name", "established_on", "compliance_level", "on_watchlist"]
        read_only_fields = ["tax_code", "name", "established_on"]


class FiredRuleSerializer(serializers.Serializer):
    rule = serializers.IntegerField()
    version = serializers.IntegerField()
    name = serializers.SerializerMethodField(help_text=NAME_HELP)
    score = serializers.IntegerField()
    min_channel = serializers.CharField(allow_null=True)
    reason = serializers.ListField(
        child=serializers.DictField(),
        help_text="one per condition: `field`, `op`, `value`, the value found (`actual`), the goods item it was found "
                  "in (`item`), and `text`, the condition and the value found in words, in the language of the request")

    def get_name(self, fired) -> str:
        return fired_rule_name(fired)

    def to_representation(self, fired):
        data = super().to_representation(fired)
        data["reason"] = [{**reason, "text": reason_sentence(reason)} for reason in data["reason"]]
        return data


class MinimumItemSerializer(serializers.Serializer):
    line_no = serializers.IntegerField()
    hs_code = serializers.CharField()


class RequiredMinimumSerializer(serializers.Serializer):
    """A minimum channel the declaration's content required, whatever the rules (risk/services/minimums.py)."""

    code = serializers.CharField(help_text='e.g. "duty_to_be_assessed": an import duty a special rule of the tariff '
                                           'leaves to an officer')
    name = serializers.SerializerMethodField(help_text="what it means, in the request's language")
    channel = serializers.CharField()
    items = MinimumItemSerializer(many=True)

    def get_name(self, minimum) -> str:
        return requirement_label(minimum.get("code", ""))


class ModelFactorSerializer(serializers.Serializer):
    text = serializers.CharField(help_text='in the request\'s language, e.g. "The importer\'s record: 3 discrepancies '
                                           'found in 12 earlier items"')
    direction = serializers.ChoiceField(choices=["raises", "lowers"], help_text="whether it raises or lowers the score")
    contribution = serializers.FloatField(help_text="its part of the score, in log-odds")


class ModelViewSerializer(serializers.Serializer):
    """The learned model's score of the declaration and what moved it most (risk/model_explanation.py)."""

    version = serializers.IntegerField(help_text="the number of the model version that scored it")
    score = serializers.DecimalField(max_digits=5, decimal_places=4, help_text="0–1, what rules on `model.score` compare with")
    line_no = serializers.IntegerField(allow_null=True, help_text="the goods item the score is that of (its most suspicious)")
    factors = ModelFactorSerializer(many=True, help_text="at most 5, the largest first")


class RiskExplanationSerializer(serializers.ModelSerializer):
    """The `risk` block of a declaration for officers and risk admins (api.md)."""

    fired_rules = FiredRuleSerializer(many=True)
    required_minimums = RequiredMinimumSerializer(many=True)
    model = serializers.SerializerMethodField(
        help_text="null, or the learned model's score of the declaration and its reasons: an input of the rules, which "
                  "decide the channel")

    class Meta:
        model = Assessment
        fields = ["score", "score_channel", "channel", "fired_rules", "required_minimums", "random_selection",
                  "random_draw", "thresholds", "declaration_version", "created_at", "model"]

    @extend_schema_field(ModelViewSerializer(allow_null=True))
    def get_model(self, assessment) -> dict | None:
        view = model_explanation(assessment)
        return ModelViewSerializer(view).data if view else None


def risk_explanation_data(*, declaration) -> dict | None:
    """The `risk` of a declaration in the API, for officers and risk admins (declarations'
    `risk_explanation_data` extension point), or None before the first assessment."""
    assessment = assessment_latest(declaration_id=declaration.pk)
    return RiskExplanationSerializer(assessment).data if assessment else None


class RiskExplanationFieldSchema(OpenApiSerializerFieldExtension):
    """The OpenAPI schema of declarations' `risk` field: a `RiskExplanation`, or null."""

    target_class = "declarations.api.serializers.RiskExplanationField"

    def map_serializer_field(self, auto_schema, direction):
        return auto_schema._map_serializer_field(RiskExplanationSerializer(allow_null=True), direction)


class BacktestRequestSerializer(serializers.Serializer):
    rules = serializers.ListField(child=serializers.JSONField(), min_length=1, max_length=2000,
                                  help_text="rule ids (their current version) or inline rules {name, conditions, score, min_channel}")
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    include_current = serializers.BooleanField(default=False, help_text="add the candidate rules to the rules in force")
    baseline = serializers.ChoiceField(
        choices=BacktestRun.Baseline.choices, default=BacktestRun.Baseline.DECIDED,
        help_text="compare with the channels decided at the time (`decided`) or with the rules and settings in force "
                  "run again (`rules_in_force`): \"current rules\" against \"current rules + a rule on model.score\" "
                  "is include_current with that rule and baseline `rules_in_force`")

    def to_internal_value(self, data):
        # api.md names the range `from` / `to`.
        if isinstance(data, dict):
            data = {**data}
            for short, long in (("from", "date_from"), ("to", "date_to")):
                if short in data and long not in data:
                    data[long] = data.pop(short)
        return super().to_internal_value(data)


class BacktestRunSerializer(serializers.ModelSerializer):
    baseline = serializers.ChoiceField(
        choices=BacktestRun.Baseline.choices,
        help_text="what `channel_mix_now` is: the channels decided at the time, or the rules and settings in force run again")
    result = serializers.JSONField(
        allow_null=True, read_only=True,
        help_text="once done: `channel_mix_now`, `channel_mix_candidate`, `moves`, `changed`, `changed_total`, `fired`, "
                  "discrepancy counts; `hit_rates` ({candidate, baseline}: per rule and for the random selection, past "
                  "physical inspections and document checks with `checked`, `found`, `hit_rate`) and `classes` "
                  "({window_days, fallback, seeded, candidate, baseline}: per compliance level, selections against the "
                  "caps, required ones apart, random ones, and those the cap turned down); `model` when a rule tests "
                  "`model.score` (null otherwise): {active, version, version_id, sources, in_sample_until, in_sample, "
                  "scored}, the learned model's version that scored each declaration from what was known before its "
                  "day, and how many declarations were registered up to the end of its training data. "
                  "docs/api-additions.md")

    class Meta:
        model = BacktestRun
        fields = ["id", "state", "date_from", "date_to", "include_current", "baseline", "candidate_settings", "rules",
                  "total", "processed", "result", "error", "created_at", "finished_at"]


class ProposedChangeSerializer(serializers.Serializer):
    """A change to preview: `rule` and `changes` (the rule's fields to change, as in PATCH), or `settings` (all four)."""

    rule = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1, help_text="the id of the rule to change")
    changes = RuleChangesSerializer(required=False, help_text="the fields of the rule to change, e.g. {\"active\": true}")
    change_note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    settings = RiskSettingsSerializer(required=False, help_text="the thresholds and rates after the change")

    def validate(self, data):
        if ("settings" in data) == ("rule" in data or "changes" in data):
            raise serializers.ValidationError(_("Give either rule and changes, or settings."))
        if "settings" not in data and not ("rule" in data and "changes" in data):
            raise serializers.ValidationError(_("A change of a rule needs both rule and changes."))
        return data


class RiskChangeSerializer(serializers.ModelSerializer):
    """A change held until its preview is confirmed (risk/services/changes.py)."""

    kind = serializers.ChoiceField(choices=RiskChange.Kind.choices)
    rule = serializers.IntegerField(source="rule_id", allow_null=True)
    values = serializers.JSONField(help_text="the rule's fields, or the settings, after the change")
    created_by = serializers.CharField(source="created_by.username", allow_null=True, default=None)
    applied_by = serializers.CharField(source="applied_by.username", allow_null=True, default=None)
    outdated = serializers.SerializerMethodField(
        help_text="a rule or the settings changed since the preview was made: it cannot be confirmed; preview it again")
    preview = BacktestRunSerializer(
        help_text="the backtest of the last 30 days: `result.channel_mix_now` (rules and settings in force), "
                  "`result.channel_mix_candidate` (with the change), `result.changed` (declarations whose channel "
                  "would change: id, number, from, to; at most 500) and `result.changed_total`")

    class Meta:
        model = RiskChange
        fields = ["id", "kind", "rule", "values", "change_note", "created_at", "created_by", "outdated", "applied_at",
                  "applied_by", "preview"]

    def get_outdated(self, change) -> bool:
        return change.applied_at is None and risk_change_outdated(change)


class WatchlistedPartnerSerializer(serializers.ModelSerializer):
    class Meta:
        model = WatchlistedPartner
        fields = ["id", "name", "country", "reason", "active", "created_at"]


class WatchlistedPartnerWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255)
    country = serializers.CharField(max_length=2, required=False, allow_blank=True, default="",
                                    help_text="ISO 3166 alpha-2 code; empty means in any country")
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ReferencePriceSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit_id")

    class Meta:
        model = ReferencePrice
        fields = ["id", "hs_code", "unit", "price_vnd", "note", "updated_at"]


class ReferencePriceWriteSerializer(serializers.Serializer):
    hs_code = serializers.CharField(max_length=10, help_text="an HS code or prefix of 2 to 8 digits that starts some tariff line")
    unit = serializers.CharField(max_length=3, help_text="a unit code (UN/ECE Recommendation 20), e.g. PCE, KGM")
    price_vnd = DecimalField(max_digits=18, decimal_places=2, help_text="reference unit price in VND, above 0")
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
