"""Development on localhost: safe defaults so `make run` works with no configuration."""
import os

os.environ.setdefault("SECRET_KEY", "dev-only-insecure-secret-key-change-me")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("BANK_CALLBACK_SECRET", "dev-bank-callback-secret")
os.environ.setdefault("BANK_SIMULATOR_ENABLED", "true")

from .base import *  # noqa: F403
from .base import env

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
