from django.urls import path

from payments.bank_simulator import views

app_name = "bank_simulator"

urlpatterns = [
    path("pay/<str:reference>/", views.pay, name="pay"),
    path("statements/<str:day>.csv", views.statement, name="statement"),
]
