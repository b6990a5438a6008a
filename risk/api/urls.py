from django.urls import include, path
from rest_framework.routers import SimpleRouter

from .views import BacktestDetailView, BacktestView, EnterpriseComplianceView, RiskRuleViewSet, RiskSettingsView

router = SimpleRouter()
router.register("risk/rules", RiskRuleViewSet, basename="risk-rule")

urlpatterns = [
    path("", include(router.urls)),
    path("risk/settings/", RiskSettingsView.as_view(), name="risk-settings"),
    path("risk/backtest/", BacktestView.as_view(), name="risk-backtest"),
    path("risk/backtest/<int:pk>/", BacktestDetailView.as_view(), name="risk-backtest-detail"),
    path("enterprises/<str:tax_code>/compliance/", EnterpriseComplianceView.as_view(), name="enterprise-compliance"),
]
