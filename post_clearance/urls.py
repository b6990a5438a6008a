from django.urls import path

from . import views

app_name = "post_clearance"
urlpatterns = [
    path("audits/", views.audit_queue_view, name="queue"),
    path("audits/<int:pk>/", views.audit_detail_view, name="audit"),
    path("audits/<int:pk>/open/", views.audit_open_view, name="open"),
    path("audits/<int:pk>/close/", views.audit_close_view, name="close"),
]
