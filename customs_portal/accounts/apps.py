from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "customs_portal.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from django.contrib.auth.signals import user_logged_out

        from .live import logout_sockets_close

        # Django's own hook for the end of a session: it fires on every logout (the portal's
        # page, the admin's), which a view of ours alone would not see (docs/decisions.md).
        user_logged_out.connect(logout_sockets_close, dispatch_uid="accounts.logout_sockets_close")
