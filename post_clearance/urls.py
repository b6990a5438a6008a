from django.urls import path

from post_clearance.views import audits

app_name = "post_clearance"
urlpatterns = [
    path("audits/", audits.audit_queue_view, name="queue"),
    path("audits/<int:pk>/", audits.audit_detail_view, name="audit"),
    path("audits/<int:pk>/open/", audits.audit_open_view, name="open"),
    path("audits/<int:pk>/close/", audits.audit_close_view, name="close"),
]
