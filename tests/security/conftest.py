"""The world of the security tests, built once per module.

The authorization matrix runs hundreds of requests, each in its own test. Building its
declarations (registered, assessed, paid, with documents) for every one of them would take
minutes, so `world` builds them once per module inside a transaction that is rolled back at
the end; each test runs in a savepoint of it (pytest-django's usual per-test transaction), so
whatever one request changes is gone before the next.
"""
import pytest
from django.db import transaction
from django.test import override_settings

from tests.security.support import world_build


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, built once per module and rolled back after it (see the module docstring)."""
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(media)):
        with transaction.atomic():
            yield world_build()
            transaction.set_rollback(True)
