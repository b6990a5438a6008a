from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "customs_portal.accounts"
    label = "accounts"
    verbose_name = "Accounts"
