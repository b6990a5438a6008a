"""Production: every secret from the environment; refuses to start without them."""
from .base import *  # noqa: F403
from .base import database_settings, env

SECRET_KEY = env("SECRET_KEY")
DATABASES = {"default": database_settings(env("DATABASE_URL"))}
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
BANK_CALLBACK_SECRET = env("BANK_CALLBACK_SECRET")
# Never the development bank simulator; the real bank's pages come from the environment (empty: no online payment).
BANK_SIMULATOR_ENABLED = False
INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "payments.bank_simulator"]  # noqa: F405
BANK_PAYMENT_URL = env("BANK_PAYMENT_URL", default="")
BANK_STATEMENT_URL = env("BANK_STATEMENT_URL", default="")
DEBUG = False
STAFF_SECOND_FACTOR_REQUIRED = env.bool("STAFF_SECOND_FACTOR_REQUIRED", default=True)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# https behind a TLS-terminating proxy: its X-Forwarded-Proto sets the request's scheme when the
# proxy is one of TRUSTED_PROXIES (customs_portal.client_address). Not SECURE_PROXY_SSL_HEADER,
# which would believe the header from any client.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
