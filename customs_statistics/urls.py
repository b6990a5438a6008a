from django.urls import path

from customs_statistics.views import dashboard, exports

app_name = "statistics"

urlpatterns = [
    path("", dashboard.statistics_dashboard, name="dashboard"),
    path("<slug:report>.csv", exports.statistics_export, {"extension": "csv"}, name="export-csv"),
    path("<slug:report>.xlsx", exports.statistics_export, {"extension": "xlsx"}, name="export-xlsx"),
]
