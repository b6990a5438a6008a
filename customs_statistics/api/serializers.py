"""The statistics' response bodies, for the OpenAPI schema: the reports' dicts
(customs_statistics/selectors/reports.py) are rendered as they are."""
from rest_framework import serializers

from customs_statistics.models import TAX_NAMES
from customs_statistics.selectors.facts import DURATIONS


class StatisticsFiltersSerializer(serializers.Serializer):
    office = serializers.ListField(child=serializers.CharField(), allow_null=True,
                                   help_text="the offices counted (null: every office); an officer's own offices when not given")
    enterprise = serializers.CharField(allow_null=True, help_text="the enterprise's tax code (a trader's own, always)")
    direction = serializers.CharField(allow_null=True)
    channel = serializers.CharField(allow_null=True)
    # "class" is a keyword: the field is declared below.
    transport_mode = serializers.CharField(allow_null=True)


StatisticsFiltersSerializer._declared_fields["class"] = serializers.CharField(allow_null=True, help_text="compliance class")


class StatisticsCommonSerializer(serializers.Serializer):
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    as_of = serializers.DateTimeField(allow_null=True, help_text="when the figures were last brought up to date (null: never)")
    filters = StatisticsFiltersSerializer()
    group_by = serializers.CharField(allow_null=True)


class StatisticsDurationSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="declarations that reached this point")
    median_seconds = serializers.IntegerField(allow_null=True)
    p90_seconds = serializers.IntegerField(allow_null=True)
    median_hours = serializers.FloatField(allow_null=True)
    p90_hours = serializers.FloatField(allow_null=True)


StatisticsDurationsSerializer = type("StatisticsDurationsSerializer", (serializers.Serializer,), {
    name: StatisticsDurationSerializer(help_text=help_text) for name, help_text in zip(DURATIONS, (
        "registration → assessment (channel assigned)", "registration → clearance",
        "time the trader held the file before clearance: documents requested, waiting for payment",
        "time customs held the file before clearance (to_clearance − trader_held)", "registration → gate release"),
        strict=True)})


class StatisticsReleaseSummarySerializer(serializers.Serializer):
    declarations = serializers.IntegerField()
    durations = StatisticsDurationsSerializer()


class StatisticsReleaseGroupSerializer(StatisticsReleaseSummarySerializer):
    key = serializers.CharField()
    label = serializers.CharField()


class StatisticsReleaseComparisonSerializer(StatisticsReleaseSummarySerializer):
    scope = serializers.CharField(help_text="offices: every enterprise of the offices the trader declared at")
    offices = serializers.ListField(child=serializers.CharField())


class StatisticsReleaseTimesSerializer(StatisticsCommonSerializer):
    all = StatisticsReleaseSummarySerializer()
    groups = StatisticsReleaseGroupSerializer(many=True)
    comparison = StatisticsReleaseComparisonSerializer(allow_null=True, help_text="traders only; null when fewer than 5 enterprises make it")


class StatisticsChannelCountsSerializer(serializers.Serializer):
    green = serializers.IntegerField()
    yellow = serializers.IntegerField()
    red = serializers.IntegerField()
    unassessed = serializers.IntegerField()
    total = serializers.IntegerField()


class StatisticsRandomSerializer(serializers.Serializer):
    yellow = serializers.IntegerField()
    red = serializers.IntegerField()


class StatisticsSharesSerializer(serializers.Serializer):
    yellow_percent = serializers.FloatField(allow_null=True, help_text="yellow / assessed")
    red_percent = serializers.FloatField(allow_null=True)
    yellow_counted_percent = serializers.FloatField(allow_null=True, help_text="yellow counted against the class's cap / assessed")
    red_counted_percent = serializers.FloatField(allow_null=True)


class StatisticsCapsSerializer(serializers.Serializer):
    yellow_percent = serializers.FloatField()
    red_percent = serializers.FloatField()


class StatisticsMixSerializer(serializers.Serializer):
    counts = StatisticsChannelCountsSerializer()
    random = StatisticsRandomSerializer(help_text="of which selected at random")
    shares = StatisticsSharesSerializer()


class StatisticsMixGroupSerializer(StatisticsMixSerializer):
    key = serializers.JSONField(help_text="the group's key (a string; an enterprise's id)")
    label = serializers.CharField()
    caps = StatisticsCapsSerializer(allow_null=True, help_text="the class's caps (group_by=class)")


class StatisticsMixComparisonSerializer(StatisticsMixSerializer):
    scope = serializers.CharField()
    offices = serializers.ListField(child=serializers.CharField())


class StatisticsChannelMixSerializer(StatisticsCommonSerializer, StatisticsMixSerializer):
    groups = StatisticsMixGroupSerializer(many=True)
    groups_truncated = serializers.BooleanField(help_text="group_by=enterprise: only the 200 largest are listed")
    comparison = StatisticsMixComparisonSerializer(allow_null=True)


class StatisticsRateSerializer(serializers.Serializer):
    checked = serializers.IntegerField(help_text="checks with a result")
    found = serializers.IntegerField(help_text="of those, checks that found a discrepancy")
    hit_rate = serializers.DecimalField(max_digits=5, decimal_places=4, allow_null=True)


class StatisticsRuleRateSerializer(StatisticsRateSerializer):
    rule = serializers.IntegerField()
    name = serializers.CharField()


class StatisticsBandsSerializer(serializers.Serializer):
    high = StatisticsRateSerializer()
    medium = StatisticsRateSerializer()
    low = StatisticsRateSerializer()


class StatisticsModelRateSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    bands = StatisticsBandsSerializer()
    all = StatisticsRateSerializer()


class StatisticsHitRatesSerializer(StatisticsCommonSerializer):
    source = serializers.CharField()
    all = StatisticsRateSerializer()
    physical = StatisticsRateSerializer(help_text="red, or an inspection recorded")
    documentary = StatisticsRateSerializer(help_text="yellow without an inspection")
    random_selection = StatisticsRateSerializer()
    rules = StatisticsRuleRateSerializer(many=True)
    models = StatisticsModelRateSerializer(many=True)
    history = StatisticsRateSerializer(allow_null=True, help_text="the imported outside history (source=history or all)")


StatisticsAssessedSerializer = type("StatisticsAssessedSerializer", (serializers.Serializer,), {
    **{name: serializers.IntegerField() for name in TAX_NAMES}, "total": serializers.IntegerField(),
    "declarations": serializers.IntegerField()})
StatisticsPaidSerializer = type("StatisticsPaidSerializer", (serializers.Serializer,), {
    **{name: serializers.IntegerField() for name in TAX_NAMES}, "late_interest": serializers.IntegerField(),
    "total": serializers.IntegerField(), "payments": serializers.IntegerField()})


class StatisticsOverdueSerializer(serializers.Serializer):
    declarations = serializers.IntegerField()
    amount = serializers.IntegerField()


class StatisticsLateInterestSerializer(serializers.Serializer):
    charged = serializers.IntegerField(help_text="on the declarations registered in the period")
    paid = serializers.IntegerField(help_text="credited in the period")


class StatisticsRevenueGroupSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    assessed = StatisticsAssessedSerializer()
    paid = StatisticsPaidSerializer()


class StatisticsBankPaidSerializer(StatisticsPaidSerializer):
    key = serializers.CharField(help_text="SWIFT/BIC of the bank; empty: not stated when the payment was started")
    label = serializers.CharField()


class StatisticsRevenueSerializer(StatisticsCommonSerializer):
    assessed = StatisticsAssessedSerializer(help_text="taxes of the declarations registered in the period (VND), not cancelled or rejected")
    paid = StatisticsPaidSerializer(help_text="credited in the period (VND)")
    overdue = StatisticsOverdueSerializer(help_text="still owed now by declarations registered in the period before today")
    late_interest = StatisticsLateInterestSerializer()
    paid_by_bank = StatisticsBankPaidSerializer(many=True, help_text="credited in the period, per bank the traders paid through")
    groups = StatisticsRevenueGroupSerializer(many=True)


AGE_FIELDS = ("under_1_day", "1_to_3_days", "3_to_7_days", "over_7_days")
StatisticsAgeSerializer = type("StatisticsAgeSerializer", (serializers.Serializer,), {name: serializers.IntegerField() for name in AGE_FIELDS})


class StatisticsOpenSerializer(serializers.Serializer):
    under_review = serializers.IntegerField()
    under_inspection = serializers.IntegerField()
    total = serializers.IntegerField()
    age = StatisticsAgeSerializer(help_text="since the assessment")


class StatisticsOfficeOpenSerializer(StatisticsOpenSerializer):
    key = serializers.CharField()
    label = serializers.CharField()
    oldest_hours = serializers.FloatField(allow_null=True)


class StatisticsOfficerWorkSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="username")
    label = serializers.CharField()
    open = serializers.IntegerField()
    oldest_hours = serializers.FloatField(allow_null=True)
    decisions = serializers.IntegerField(help_text="checks concluded (cleared or rejected) in the period")
    days_with_decisions = serializers.IntegerField()
    decisions_per_day = serializers.FloatField(allow_null=True, help_text="per day with decisions")


class StatisticsDayDecisionsSerializer(serializers.Serializer):
    key = serializers.DateField()
    decisions = serializers.IntegerField()


class StatisticsWorkloadSerializer(StatisticsCommonSerializer):
    open = StatisticsOpenSerializer(help_text="under review or inspection now")
    offices = StatisticsOfficeOpenSerializer(many=True)
    officers = StatisticsOfficerWorkSerializer(many=True)
    decisions_by_day = StatisticsDayDecisionsSerializer(many=True)


RESPONSES = {"release-times": StatisticsReleaseTimesSerializer, "channel-mix": StatisticsChannelMixSerializer, "hit-rates": StatisticsHitRatesSerializer,
             "revenue": StatisticsRevenueSerializer, "workload": StatisticsWorkloadSerializer}
