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
        from payments.services.later_dues import declaration_later_dues_sync

        # What is owed once what was paid counts, nothing written (declarations' tax changes).
        extensions.balance.register(functools.partial(declaration_balance_update, save=False))
        # A cleared declaration's amount due once an amendment after clearance raised a later due.
        extensions.later_dues_sync.register(declaration_later_dues_sync)
