import functools

from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = "Payments"

    def ready(self):
        # Fill the extension point declarations exposes (declarations/extensions.py): declarations
        # sits below payments and never imports it. Imported here, once the models are loaded.
        from declarations import extensions
        from payments.services.balance import declaration_balance_update

        # What is owed once what was paid counts, nothing written (declarations' tax changes).
        extensions.balance.register(functools.partial(declaration_balance_update, save=False))
