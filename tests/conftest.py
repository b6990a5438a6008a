"""Fixtures shared by the whole suite.

The test database gets the full reference data (tariff, code lists, offices, rates)
once per session, so tests see the same tables as the portal. Tests run inside a
transaction that is rolled back, which keeps that data; `transaction=True` tests
would flush it, so browser tests use their own database (tests/e2e/conftest.py).
"""
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation
from rest_framework.test import APIClient

from customs_portal.accounts.services import api_token_issue
from tests.factories import gate_user_create, officer_create, risk_admin_create, trader1_create, trader2_create


def pytest_collection_modifyitems(config, items):
    """Run the browser tests last.

    Playwright's sync API keeps an asyncio loop running in the main thread while a
    browser is open, and Django refuses ORM calls from a thread with a running loop;
    ordering the e2e tests after the others keeps the two apart (and puts the slow tests last).
    """
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None or "live_portal" in item.fixturenames)
    for item in items:
        group = _xdist_group(item)
        if group:
            item.add_marker(pytest.mark.xdist_group(group))


# Fixtures that start portal processes once per session or package: under `pytest -n 2 --dist loadgroup
# --no-loadscope-reorder` every test using one runs on the same worker, which starts them once (and the
# browser tests, last in the collection, come last on their worker, as above).
SHARED_PROCESSES = ("live_portal", "portal", "fault_portal")


def _xdist_group(item) -> str | None:
    for fixture in SHARED_PROCESSES:
        if fixture in item.fixturenames:
            return fixture
    if any(item.get_closest_marker(marker) for marker in ("e2e", "integration", "faults")):
        return item.module.__name__  # module-scoped processes (tests/payments/test_concurrency.py)
    return None


def pytest_sessionstart(session):
    """WhiteNoise warns on every request handler it builds when STATIC_ROOT is missing (a fresh
    clone); some are built while the test modules are imported, before any fixture runs."""
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


@pytest.fixture(autouse=True)
def _language_of_the_settings():
    """Each test starts in the settings' language. Django's LocaleMiddleware activates the language of
    a request in the thread that served it and leaves it active, so a test client request in
    Vietnamese would otherwise leave Vietnamese active for the next test of the same thread."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, plus the full reference data, loaded once per session."""
    with django_db_blocker.unblock():
        call_command("load_reference_data", verbosity=0)


@pytest.fixture
def trader1(db):
    """The trader of Công ty TNHH Thương mại Minh Anh (0109876500), an established, compliant enterprise."""
    return trader1_create()


@pytest.fixture
def trader2(db):
    """The trader of Công ty Cổ phần Xuất nhập khẩu Sao Mai (0318765402), founded this month."""
    return trader2_create()


@pytest.fixture
def officer(db):
    """A customs officer working for every office."""
    return officer_create()


@pytest.fixture
def risk_admin(db):
    return risk_admin_create()


@pytest.fixture
def gate_user(db):
    return gate_user_create()


@pytest.fixture
def api_client_for(db):
    """`api_client_for(user)`: an APIClient authenticated with a new token of the user's (issued as after the
    second factor, unless `second_factor=False`); `None` gives an anonymous one."""

    def make(user, *, second_factor: bool = True) -> APIClient:
        client = APIClient()
        if user is not None:
            _, key = api_token_issue(user=user, second_factor=second_factor)
            client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return make
