"""The production settings pass Django's deployment checks without a single warning."""
import os
import subprocess
import sys

from django.conf import settings


def test_check_deploy_is_clean_with_the_production_settings():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "customs_portal.settings.production",
        "SECRET_KEY": "a-production-like-secret-key-of-sufficient-length-and-variety-0123456789",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",  # not connected to by the checks
        "ALLOWED_HOSTS": "customs.example.org",
        "BANK_CALLBACK_SECRET": "a-bank-secret",
        "DB_POOL": "true",
    }
    env.pop("DEBUG", None)
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
