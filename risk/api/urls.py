from django.urls import include, path
from rest_framework.routers import SimpleRouter

from .views import EnterpriseComplianceView, RiskRuleViewSet, RiskSettingsView

router = SimpleRouter()
router.register("risk/rules", RiskRuleViewSet, basename="risk-rule")

urlpatterns = [
    path("", include(router.urls)),
    path("risk/settings/", RiskSettingsView.as_view(), name="risk-settings"),
    path("enterprises/<str:tax_code>/compliance/", EnterpriseComplianceView.as_view(), name="enterprise-compliance"),
]
