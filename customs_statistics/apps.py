from django.apps import AppConfig


class CustomsStatisticsConfig(AppConfig):
    """The figures customs steers by (issue 17): release times, channel mix, hit rates, revenue and
    workload. The top app: it reads declarations, risk, payments; nothing imports it."""

    name = "customs_statistics"
    verbose_name = "Statistics"
