"""The statistics' response bodies, for the OpenAPI schema: the reports' dicts
(customs_statistics/selectors/reports.py) are rendered as they are."""
from rest_framework import serializers

from customs_statistics.models import TAX_NAMES
from customs_statistics.selectors.facts import DURATIONS


class FiltersSerializer(serializers.Serializer):
    office = serializers.ListField(child=serializers.CharField(), allow_null=True,
                                   help_text="the offices counted (null: every office); an officer's own offices when not given")
    enterprise = serializers.CharField(allow_null=True, help_text="the enterprise's tax code (a trader's own, always)")
    direction = serializers.CharField(allow_null=True)
    channel = serializers.CharField(allow_null=True)
    # "class" is a keyword: the field is declared below.
    transport_mode = serializers.CharField(allow_null=True)


FiltersSerializer._declared_fields["class"] = serializers.CharField(allow_null=True, help_text="compliance class")


class CommonSerializer(serializers.Serializer):
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    as_of = serializers.DateTimeField(allow_null=True, help_text="when the figures were last brought up to date (null: never)")
    filters = FiltersSerializer()
    group_by = serializers.CharField(allow_null=True)


class DurationSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="declarations that reached this point")
    median_seconds = serializers.IntegerField(allow_null=True)
    p90_seconds = serializers.IntegerField(allow_null=True)
    median_hours = serializers.FloatField(allow_null=True)
    p90_hours = serializers.FloatField(allow_null=True)


DurationsSerializer = type("DurationsSerializer", (serializers.Serializer,), {
    name: DurationSerializer(help_text=help_text) for name, help_text in zip(DURATIONS, (
        "registration → assessment (channel assigned)", "registration → clearance",
        "time the trader held the file before clearance: documents requested, waiting for payment",
        "time customs held the file before clearance (to_clearance − trader_held)", "registration → gate release"),
        strict=True)})


class ReleaseSummarySerializer(serializers.Serializer):
    declarations = serializers.IntegerField()
    durations = DurationsSerializer()


class ReleaseGroupSerializer(ReleaseSummarySerializer):
    key = serializers.CharField()
    label = serializers.CharField()


class ReleaseComparisonSerializer(ReleaseSummarySerializer):
    scope = serializers.CharField(help_text="offices: every enterprise of the offices the trader declared at")
    offices = serializers.ListField(child=serializers.CharField())


class ReleaseTimesSerializer(CommonSerializer):
    all = ReleaseSummarySerializer()
    groups = ReleaseGroupSerializer(many=True)
    comparison = ReleaseComparisonSerializer(allow_null=True, help_text="traders only; null when fewer than 5 enterprises make it")


class ChannelCountsSerializer(serializers.Serializer):
    green = serializers.IntegerField()
    yellow = serializers.IntegerField()
    red = serializers.IntegerField()
    unassessed = serializers.IntegerField()
    total = serializers.IntegerField()


class RandomSerializer(serializers.Serializer):
    yellow = serializers.IntegerField()
    red = serializers.IntegerField()


class SharesSerializer(serializers.Serializer):
    yellow_percent = serializers.FloatField(allow_null=True, help_text="yellow / assessed")
    red_percent = serializers.FloatField(allow_null=True)
    yellow_counted_percent = serializers.FloatField(allow_null=True, help_text="yellow counted against the class's cap / assessed")
    red_counted_percent = serializers.FloatField(allow_null=True)


class CapsSerializer(serializers.Serializer):
    yellow_percent = serializers.FloatField()
    red_percent = serializers.FloatField()


class MixSerializer(serializers.Serializer):
    counts = ChannelCountsSerializer()
    random = RandomSerializer(help_text="of which selected at random")
    shares = SharesSerializer()


class MixGroupSerializer(MixSerializer):
    key = serializers.JSONField(help_text="the group's key (a string; an enterprise's id)")
    label = serializers.CharField()
    caps = CapsSerializer(allow_null=True, help_text="the class's caps (group_by=class)")


class MixComparisonSerializer(MixSerializer):
    scope = serializers.CharField()
    offices = serializers.ListField(child=serializers.CharField())


class ChannelMixSerializer(CommonSerializer, MixSerializer):
    groups = MixGroupSerializer(many=True)
    groups_truncated = serializers.BooleanField(help_text="group_by=enterprise: only the 200 largest are listed")
    comparison = MixComparisonSerializer(allow_null=True)


class RateSerializer(serializers.Serializer):
    checked = serializers.IntegerField(help_text="checks with a result")
    found = serializers.IntegerField(help_text="of those, checks that found a discrepancy")
    hit_rate = serializers.DecimalField(max_digits=5, decimal_places=4, allow_null=True)


class RuleRateSerializer(RateSerializer):
    rule = serializers.IntegerField()
    name = serializers.CharField()


class BandsSerializer(serializers.Serializer):
    high = RateSerializer()
    medium = RateSerializer()
    low = RateSerializer()


class ModelRateSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    bands = BandsSerializer()
    all = RateSerializer()


class HitRatesSerializer(CommonSerializer):
    source = serializers.CharField()
    all = RateSerializer()
    physical = RateSerializer(help_text="red, or an inspection recorded")
    documentary = RateSerializer(help_text="yellow without an inspection")
    random_selection = RateSerializer()
    rules = RuleRateSerializer(many=True)
    models = ModelRateSerializer(many=True)
    history = RateSerializer(allow_null=True, help_text="the imported outside history (source=history or all)")


AssessedSerializer = type("AssessedSerializer", (serializers.Serializer,), {
    **{name: serializers.IntegerField() for name in TAX_NAMES}, "total": serializers.IntegerField(),
    "declarations": serializers.IntegerField()})
PaidSerializer = type("PaidSerializer", (serializers.Serializer,), {
    **{name: serializers.IntegerField() for name in TAX_NAMES}, "late_interest": serializers.IntegerField(),
    "total": serializers.IntegerField(), "payments": serializers.IntegerField()})


class OverdueSerializer(serializers.Serializer):
    declarations = serializers.IntegerField()
    amount = serializers.IntegerField()


class LateInterestSerializer(serializers.Serializer):
    charged = serializers.IntegerField(help_text="on the declarations registered in the period")
    paid = serializers.IntegerField(help_text="credited in the period")


class RevenueGroupSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    assessed = AssessedSerializer()
    paid = PaidSerializer()


class RevenueSerializer(CommonSerializer):
    assessed = AssessedSerializer(help_text="taxes of the declarations registered in the period (VND), not cancelled or rejected")
    paid = PaidSerializer(help_text="credited in the period (VND)")
    overdue = OverdueSerializer(help_text="still owed now by declarations registered in the period before today")
    late_interest = LateInterestSerializer()
    groups = RevenueGroupSerializer(many=True)


AGE_FIELDS = ("under_1_day", "1_to_3_days", "3_to_7_days", "over_7_days")
AgeSerializer = type("AgeSerializer", (serializers.Serializer,), {name: serializers.IntegerField() for name in AGE_FIELDS})


class OpenSerializer(serializers.Serializer):
    under_review = serializers.IntegerField()
    under_inspection = serializers.IntegerField()
    total = serializers.IntegerField()
    age = AgeSerializer(help_text="since the assessment")


class OfficeOpenSerializer(OpenSerializer):
    key = serializers.CharField()
    label = serializers.CharField()
    oldest_hours = serializers.FloatField(allow_null=True)


class OfficerWorkSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="username")
    label = serializers.CharField()
    open = serializers.IntegerField()
    oldest_hours = serializers.FloatField(allow_null=True)
    decisions = serializers.IntegerField(help_text="checks concluded (cleared or rejected) in the period")
    days_with_decisions = serializers.IntegerField()
    decisions_per_day = serializers.FloatField(allow_null=True, help_text="per day with decisions")


class DayDecisionsSerializer(serializers.Serializer):
    key = serializers.DateField()
    decisions = serializers.IntegerField()


class WorkloadSerializer(CommonSerializer):
    open = OpenSerializer(help_text="under review or inspection now")
    offices = OfficeOpenSerializer(many=True)
    officers = OfficerWorkSerializer(many=True)
    decisions_by_day = DayDecisionsSerializer(many=True)


RESPONSES = {"release-times": ReleaseTimesSerializer, "channel-mix": ChannelMixSerializer, "hit-rates": HitRatesSerializer,
             "revenue": RevenueSerializer, "workload": WorkloadSerializer}
