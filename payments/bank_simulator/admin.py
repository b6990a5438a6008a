from django.contrib import admin

from payments.bank_simulator.models import SimulatedTransaction


@admin.register(SimulatedTransaction)
class SimulatedTransactionAdmin(admin.ModelAdmin):
    list_display = ("bank_transaction_id", "reference", "amount", "outcome", "delivery", "booked_at")
    list_filter = ("outcome", "delivery")
    search_fields = ("bank_transaction_id", "reference")
