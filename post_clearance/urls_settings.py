"""The risk admins' post-clearance selection settings, under /risk/post-clearance/ (customs_portal.urls)."""
from django.urls import path

from post_clearance.views import selection_settings

app_name = "post_clearance_settings"
urlpatterns = [
    path("", selection_settings.selection_settings_view, name="selection"),
    path("classes/<str:level>/", selection_settings.class_policy_edit, name="class-policy"),
    path("rules/new/", selection_settings.audit_rule_create_view, name="audit-rule-create"),
    path("rules/<int:pk>/edit/", selection_settings.audit_rule_edit_view, name="audit-rule-edit"),
    path("rules/<int:pk>/deactivate/", selection_settings.audit_rule_deactivate_view, name="audit-rule-deactivate"),
]
