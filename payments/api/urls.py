from django.urls import path

from .views import BankCallbackView, DeclarationPaymentsView, PaymentDetailView, PaymentReceiptView

urlpatterns = [
    path("declarations/<int:pk>/payments/", DeclarationPaymentsView.as_view(), name="declaration-payments"),
    path("payments/bank-callback/", BankCallbackView.as_view(), name="payment-bank-callback"),
    path("payments/<int:pk>/", PaymentDetailView.as_view(), name="payment-detail"),
    path("payments/<int:pk>/receipt/", PaymentReceiptView.as_view(), name="payment-receipt"),
]
