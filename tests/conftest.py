"""Fixtures shared by the whole suite.

The test database gets the full reference data (tariff, code lists, offices, rates)
once per session, so tests see the same tables as the portal. Tests run inside a
transaction that is rolled back, which keeps that data; `transaction=True` tests
would flush it, so browser tests use their own database (tests/e2e/conftest.py).
"""
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from customs_portal.accounts.models import ComplianceLevel, Role
from declarations.models import CustomsOffice
from tests.factories import EnterpriseFactory, UserFactory


def pytest_collection_modifyitems(config, items):
    """Run the browser tests last.

    Playwright's sync API keeps an asyncio loop running in the main thread while a
    browser is open, and Django refuses ORM calls from a thread with a running loop;
    ordering the e2e tests after the others keeps the two apart (and puts the slow tests last).
    """
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)


@pytest.fixture(scope="session", autouse=True)
def static_root_exists():
    """WhiteNoise warns on every request handler it builds when STATIC_ROOT is missing (a fresh clone)."""
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, plus the full reference data, loaded once per session."""
    with django_db_blocker.unblock():
        call_command("load_reference_data", verbosity=0)


@pytest.fixture
def trader1(db):
    """The trader of Công ty TNHH Thương mại Minh Anh (0109876500), an established, compliant enterprise."""
    enterprise = EnterpriseFactory(
        tax_code="0109876500",
        name="Công ty TNHH Thương mại Minh Anh",
        address="Số 18 phố Láng Hạ, phường Thành Công, quận Ba Đình, Hà Nội",
        established_on=date(2015, 3, 12),
        compliance_level=ComplianceLevel.HIGH,
    )
    return UserFactory(username="trader1", role=Role.TRADER, enterprise=enterprise)


@pytest.fixture
def trader2(db):
    """The trader of Công ty Cổ phần Xuất nhập khẩu Sao Mai (0318765402), founded this month."""
    enterprise = EnterpriseFactory(
        tax_code="0318765402",
        name="Công ty Cổ phần Xuất nhập khẩu Sao Mai",
        address="Số 45 đường Nguyễn Thị Minh Khai, phường Bến Nghé, quận 1, TP. Hồ Chí Minh",
        established_on=timezone.localdate().replace(day=1),
        compliance_level=ComplianceLevel.NEW,
    )
    return UserFactory(username="trader2", role=Role.TRADER, enterprise=enterprise)


@pytest.fixture
def officer(db):
    """A customs officer working for every office."""
    return UserFactory(
        username="officer1", role=Role.OFFICER, all_offices=True, offices=list(CustomsOffice.objects.all())
    )


@pytest.fixture
def risk_admin(db):
    return UserFactory(username="riskadmin", role=Role.RISK_ADMIN)


@pytest.fixture
def gate_user(db):
    return UserFactory(username="gate1", role=Role.GATE)


@pytest.fixture
def api_client_for(db):
    """`api_client_for(user)`: an APIClient authenticated with the user's token; `None` gives an anonymous one."""

    def make(user) -> APIClient:
        client = APIClient()
        if user is not None:
            token, _ = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make
