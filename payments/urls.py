from django.urls import path

from payments import views

app_name = "payments"

urlpatterns = [
    path("declarations/<int:pk>/pay/", views.payment_start_view, name="start"),
    path("declarations/<int:pk>/panel/", views.payment_panel_view, name="panel"),
    path("<int:pk>/receipt/", views.receipt_download, name="receipt"),
    path("reconciliation/", views.reconciliation_list, name="reconciliation-list"),
    path("reconciliation/<str:statement_date>/", views.reconciliation_detail, name="reconciliation-detail"),
]
