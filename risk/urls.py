from django.urls import path

from risk.views import (
    backtests,
    changes,
    compliance,
    enterprises,
    reference_prices,
    rules,
    selectivity,
    settings,
    watchlists,
)

app_name = "risk"

urlpatterns = [
    path("rules/", rules.rule_list, name="rule-list"),
    path("rules/new/", rules.rule_create, name="rule-create"),
    path("rules/new/backtest/", backtests.rule_backtest, name="rule-create-backtest"),
    path("rules/<int:pk>/", rules.rule_detail, name="rule-detail"),
    path("rules/<int:pk>/edit/", rules.rule_edit, name="rule-edit"),
    path("rules/<int:pk>/backtest/", backtests.rule_backtest, name="rule-backtest"),
    path("rules/<int:pk>/activate/", changes.rule_activate, name="rule-activate"),
    path("rules/<int:pk>/deactivate/", rules.rule_deactivate, name="rule-deactivate"),
    path("changes/<int:pk>/", changes.change_detail, name="change"),
    path("changes/<int:pk>/confirm/", changes.change_confirm, name="change-confirm"),
    path("settings/", settings.settings_edit, name="settings"),
    path("settings/cap-window/", selectivity.cap_window_edit, name="cap-window"),
    path("settings/classes/<str:level>/", selectivity.class_selectivity_edit, name="class-selectivity"),
    path("enterprises/", enterprises.enterprise_list, name="enterprise-list"),
    path("enterprises/<str:tax_code>/compliance/", enterprises.enterprise_compliance, name="enterprise-compliance"),
    path("enterprises/<str:tax_code>/", compliance.enterprise_compliance_page, name="enterprise-detail"),
    path("enterprises/<str:tax_code>/compliance/override/", compliance.enterprise_compliance_override,
         name="enterprise-compliance-override"),
    path("enterprises/<str:tax_code>/compliance/override/lift/", compliance.enterprise_compliance_lift,
         name="enterprise-compliance-lift"),
    path("enterprises/<str:tax_code>/compliance/compute/", compliance.enterprise_compliance_compute,
         name="enterprise-compliance-compute"),
    path("enterprises/<str:tax_code>/compliance/priority/", compliance.enterprise_compliance_priority,
         name="enterprise-compliance-priority"),
    path("watchlist/", watchlists.watchlist, name="watchlist"),
    path("watchlist/<int:pk>/deactivate/", watchlists.watchlist_deactivate, name="watchlist-deactivate"),
    path("reference-prices/", reference_prices.reference_price_list, name="reference-price-list"),
    path("reference-prices/<int:pk>/edit/", reference_prices.reference_price_edit, name="reference-price-edit"),
    path("reference-prices/<int:pk>/delete/", reference_prices.reference_price_remove, name="reference-price-delete"),
    path("backtest/", backtests.backtest, name="backtest"),
    path("backtest/<int:pk>/", backtests.backtest_run, name="backtest-run"),
]
