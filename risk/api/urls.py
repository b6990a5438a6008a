from django.urls import include, path
from rest_framework.routers import SimpleRouter

from .compliance import (
    EnterpriseComplianceComputeView,
    EnterpriseComplianceOverrideView,
    EnterpriseComplianceStateView,
)
from .hit_rate_views import HitRatesView
from .model_versions import (
    ModelDeactivateView,
    ModelRollbackView,
    ModelVersionActivateView,
    ModelVersionDetailView,
    ModelVersionListView,
)
from .selectivity import CapWindowView, ClassSelectivityDetailView, ClassSelectivityListView
from .views import (
    BacktestDetailView,
    BacktestView,
    EnterpriseComplianceView,
    ReferencePriceDetailView,
    ReferencePriceListView,
    RiskChangeConfirmView,
    RiskChangeDetailView,
    RiskChangeListView,
    RiskRuleViewSet,
    RiskSettingsView,
    WatchlistedPartnerDetailView,
    WatchlistedPartnerListView,
)

router = SimpleRouter()
router.register("risk/rules", RiskRuleViewSet, basename="risk-rule")

urlpatterns = [
    path("risk/rules/hit-rates/", HitRatesView.as_view(), name="risk-rule-hit-rates"),  # before the router's rules/<pk>/
    path("", include(router.urls)),
    path("risk/settings/", RiskSettingsView.as_view(), name="risk-settings"),
    path("risk/classes/", ClassSelectivityListView.as_view(), name="risk-classes"),
    path("risk/cap-window/", CapWindowView.as_view(), name="risk-cap-window"),
    path("risk/classes/<str:level>/", ClassSelectivityDetailView.as_view(), name="risk-class"),
    path("risk/changes/", RiskChangeListView.as_view(), name="risk-changes"),
    path("risk/changes/<int:pk>/", RiskChangeDetailView.as_view(), name="risk-change"),
    path("risk/changes/<int:pk>/confirm/", RiskChangeConfirmView.as_view(), name="risk-change-confirm"),
    path("risk/backtest/", BacktestView.as_view(), name="risk-backtest"),
    path("risk/backtest/<int:pk>/", BacktestDetailView.as_view(), name="risk-backtest-detail"),
    path("risk/model/versions/", ModelVersionListView.as_view(), name="risk-model-versions"),
    path("risk/model/versions/<int:number>/", ModelVersionDetailView.as_view(), name="risk-model-version"),
    path("risk/model/versions/<int:number>/activate/", ModelVersionActivateView.as_view(),
         name="risk-model-version-activate"),
    path("risk/model/rollback/", ModelRollbackView.as_view(), name="risk-model-rollback"),
    path("risk/model/deactivate/", ModelDeactivateView.as_view(), name="risk-model-deactivate"),
    path("risk/watchlist/partners/", WatchlistedPartnerListView.as_view(), name="risk-watchlist-partners"),
    path("risk/watchlist/partners/<int:pk>/", WatchlistedPartnerDetailView.as_view(), name="risk-watchlist-partner"),
    path("risk/reference-prices/", ReferencePriceListView.as_view(), name="risk-reference-prices"),
    path("risk/reference-prices/<int:pk>/", ReferencePriceDetailView.as_view(), name="risk-reference-price"),
    path("risk/enterprises/<str:tax_code>/compliance/", EnterpriseComplianceStateView.as_view(),
         name="risk-enterprise-compliance"),
    path("risk/enterprises/<str:tax_code>/compliance/override/", EnterpriseComplianceOverrideView.as_view(),
         name="risk-enterprise-compliance-override"),
    path("risk/enterprises/<str:tax_code>/compliance/compute/", EnterpriseComplianceComputeView.as_view(),
         name="risk-enterprise-compliance-compute"),
    path("enterprises/<str:tax_code>/compliance/", EnterpriseComplianceView.as_view(), name="enterprise-compliance"),
]
