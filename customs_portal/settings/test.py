"""Settings for the test suite: a real PostgreSQL and Redis, never the development data."""
import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("BANK_CALLBACK_SECRET", "test-bank-callback-secret")
os.environ.setdefault("BANK_SIMULATOR_ENABLED", "true")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/customs_portal_test")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/9")

from .base import *  # noqa: F403
from .base import env

ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
MEDIA_ROOT = env.path("MEDIA_ROOT", default="/tmp/customs_portal_test_media")
# Tests assert English messages unless they ask for Vietnamese (Accept-Language or translation.override).
LANGUAGE_CODE = "en"
