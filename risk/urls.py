from django.urls import path

from risk import backtest_views, change_views, compliance_views, views

app_name = "risk"

urlpatterns = [
    path("rules/", views.rule_list, name="rule-list"),
    path("rules/new/", views.rule_create, name="rule-create"),
    path("rules/new/backtest/", backtest_views.rule_backtest, name="rule-create-backtest"),
    path("rules/<int:pk>/", views.rule_detail, name="rule-detail"),
    path("rules/<int:pk>/edit/", views.rule_edit, name="rule-edit"),
    path("rules/<int:pk>/backtest/", backtest_views.rule_backtest, name="rule-backtest"),
    path("rules/<int:pk>/activate/", change_views.rule_activate, name="rule-activate"),
    path("rules/<int:pk>/deactivate/", views.rule_deactivate, name="rule-deactivate"),
    path("changes/<int:pk>/", change_views.change_detail, name="change"),
    path("changes/<int:pk>/confirm/", change_views.change_confirm, name="change-confirm"),
    path("settings/", views.settings_edit, name="settings"),
    path("enterprises/", views.enterprise_list, name="enterprise-list"),
    path("enterprises/<str:tax_code>/compliance/", views.enterprise_compliance, name="enterprise-compliance"),
    path("enterprises/<str:tax_code>/", compliance_views.enterprise_compliance_page, name="enterprise-detail"),
    path("enterprises/<str:tax_code>/compliance/override/", compliance_views.enterprise_compliance_override,
         name="enterprise-compliance-override"),
    path("enterprises/<str:tax_code>/compliance/override/lift/", compliance_views.enterprise_compliance_lift,
         name="enterprise-compliance-lift"),
    path("enterprises/<str:tax_code>/compliance/compute/", compliance_views.enterprise_compliance_compute,
         name="enterprise-compliance-compute"),
    path("enterprises/<str:tax_code>/compliance/priority/", compliance_views.enterprise_compliance_priority,
         name="enterprise-compliance-priority"),
    path("watchlist/", views.watchlist, name="watchlist"),
    path("watchlist/<int:pk>/deactivate/", views.watchlist_deactivate, name="watchlist-deactivate"),
    path("reference-prices/", views.reference_price_list, name="reference-price-list"),
    path("reference-prices/<int:pk>/edit/", views.reference_price_edit, name="reference-price-edit"),
    path("reference-prices/<int:pk>/delete/", views.reference_price_remove, name="reference-price-delete"),
    path("backtest/", backtest_views.backtest, name="backtest"),
    path("backtest/<int:pk>/", backtest_views.backtest_run, name="backtest-run"),
]
