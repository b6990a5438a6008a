"""The simulated bank's own book of transactions (its statement is drawn from it)."""
from django.db import models


class Outcome(models.TextChoices):
    SUCCESS = "success", "Paid"
    FAILED = "failed", "Declined"


class Delivery(models.TextChoices):
    ONCE = "once", "Send the callback once"
    TWICE = "twice", "Send the same callback twice"
    NONE = "none", "Time out: never send the callback"


class SimulatedTransaction(models.Model):
    bank_transaction_id = models.CharField(max_length=32, unique=True)
    reference = models.CharField(max_length=64, db_index=True)
    amount = models.DecimalField(max_digits=20, decimal_places=0)
    currency = models.CharField(max_length=3, default="VND")
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    delivery = models.CharField(max_length=8, choices=Delivery.choices)
    callback_url = models.URLField(max_length=500)
    booked_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # One entry per callback sent: {"at", "status", "response"} (status null when the portal could not be reached).
    deliveries = models.JSONField(default=list)

    class Meta:
        ordering = ["-booked_at", "-id"]

    def __str__(self):
        return f"{self.bank_transaction_id} {self.reference} {self.amount} {self.outcome}"
