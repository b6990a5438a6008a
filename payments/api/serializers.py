from django.urls import reverse
from rest_framework import serializers

from payments.banks import BANKS
from payments.models import PaymentStatus

VND = dict(max_digits=20, decimal_places=0)


class PaymentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    declaration = serializers.IntegerField(source="declaration_id")
    declaration_number = serializers.CharField(source="declaration.number")
    amount = serializers.DecimalField(**VND)
    currency = serializers.CharField()
    tax_amount = serializers.DecimalField(**VND, help_text="taxes in the amount when the payment was started")
    interest_amount = serializers.DecimalField(**VND, help_text="late interest in the amount when it was started")
    status = serializers.ChoiceField(choices=PaymentStatus.choices)
    created_at = serializers.DateTimeField()
    bank = serializers.CharField(help_text="SWIFT/BIC of the bank the trader chose; empty when none was given")
    bank_transaction_id = serializers.CharField(allow_null=True)
    credited_at = serializers.DateTimeField(allow_null=True)
    failed_at = serializers.DateTimeField(allow_null=True)
    receipt_number = serializers.CharField(allow_null=True)
    applied_tax = serializers.DecimalField(**VND)
    applied_interest = serializers.DecimalField(**VND)
    refund_due = serializers.DecimalField(**VND, help_text="received but not needed by the declaration: owed back")
    breakdown = serializers.DictField(child=serializers.CharField(), help_text="VND per tax paid, and late_interest")
    receipt_url = serializers.SerializerMethodField()
    bank_url = serializers.SerializerMethodField()

    def get_receipt_url(self, payment) -> str | None:
        request = self.context.get("request")
        if payment.status != PaymentStatus.CREDITED or request is None:
            return None
        return request.build_absolute_uri(reverse("payment-receipt", args=[payment.pk]))

    def get_bank_url(self, payment) -> str | None:
        return self.context.get("bank_urls", {}).get(payment.pk)


class PaymentStartSerializer(serializers.Serializer):
    bank = serializers.ChoiceField(choices=[(bank.bic, bank.short_name) for bank in BANKS], required=False,
                                   allow_blank=True, help_text="SWIFT/BIC of the bank the trader pays through (optional)")


class PaymentStartedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    amount = serializers.DecimalField(**VND)
    status = serializers.ChoiceField(choices=PaymentStatus.choices)
    bank = serializers.CharField(help_text="SWIFT/BIC of the bank chosen; empty when none was given")
    bank_url = serializers.URLField()


class BankCallbackSerializer(serializers.Serializer):
    """Documentation only: the view reads the raw body, whose signature it checks first."""

    reference = serializers.CharField(max_length=64)
    amount = serializers.IntegerField(min_value=1, help_text="whole VND")
    status = serializers.ChoiceField(choices=["success", "failed"])
    bank_transaction_id = serializers.CharField(max_length=64)


class BankCallbackResultSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=["credited", "already_credited", "failed", "already_failed", "rejected"])
    reference = serializers.CharField(required=False)
    payment_status = serializers.CharField(required=False)
    receipt_number = serializers.CharField(required=False, allow_null=True)
    code = serializers.CharField(required=False)
    detail = serializers.CharField(required=False)
