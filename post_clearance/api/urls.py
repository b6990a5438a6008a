from django.urls import path

from .views import AuditCloseView, AuditDetailView, AuditFindingsView, AuditListView, AuditOpenView

urlpatterns = [
    path("post-clearance/audits/", AuditListView.as_view(), name="post-clearance-audits"),
    path("post-clearance/audits/<int:pk>/", AuditDetailView.as_view(), name="post-clearance-audit"),
    path("post-clearance/audits/<int:pk>/open/", AuditOpenView.as_view(), name="post-clearance-audit-open"),
    path("post-clearance/audits/<int:pk>/findings/", AuditFindingsView.as_view(), name="post-clearance-audit-findings"),
    path("post-clearance/audits/<int:pk>/close/", AuditCloseView.as_view(), name="post-clearance-audit-close"),
]
