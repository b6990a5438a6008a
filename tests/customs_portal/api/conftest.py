"""The world of the API fuzzer, built once per module (as tests/security/conftest.py builds it for the
authorization matrix): each test runs in a savepoint of it, so what one test changes is gone
before the next, and the fuzzer finds declarations in every state to act on."""
import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import override_settings

from tests.security.support import world_build


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(media)):
        with transaction.atomic():
            yield world_build()
            transaction.set_rollback(True)


@pytest.fixture
def in_test_transaction(db):
    """As Django's test client does: the request signals must not close the test's connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
