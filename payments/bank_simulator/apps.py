from django.apps import AppConfig


class BankSimulatorConfig(AppConfig):
    name = "payments.bank_simulator"
    label = "bank_simulator"
    verbose_name = "Bank simulator (development only)"
