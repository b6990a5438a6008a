"""Read-only views of payments for administrators: money records are changed by services only."""
from django.contrib import admin

from payments.models import LateInterest, Payment, ReconciliationReport, RejectedCallback


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("reference", "declaration", "amount", "status", "bank_transaction_id", "receipt_number", "created_at",
                    "credited_at", "refund_due")
    list_filter = ("status", "credited_via")
    search_fields = ("reference", "bank_transaction_id", "receipt_number", "declaration__number")


@admin.register(LateInterest)
class LateInterestAdmin(ReadOnlyAdmin):
    list_display = ("declaration", "due_date", "accrued_through", "charged", "paid")


@admin.register(RejectedCallback)
class RejectedCallbackAdmin(ReadOnlyAdmin):
    list_display = ("received_at", "reason", "http_status", "reference", "bank_transaction_id", "amount")
    list_filter = ("reason",)
    search_fields = ("reference", "bank_transaction_id")


@admin.register(ReconciliationReport)
class ReconciliationReportAdmin(ReadOnlyAdmin):
    list_display = ("statement_date", "status", "statement_lines", "credited_count", "matched_count", "run_at")
