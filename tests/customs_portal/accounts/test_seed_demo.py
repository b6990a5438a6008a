from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.utils import timezone

from customs_portal.accounts.models import ComplianceLevel, Enterprise, Role, User
from customs_portal.demo import services
from reference.models import CustomsOffice

pytestmark = pytest.mark.django_db

DEMO_USERNAMES = ["admin", "gate1", "officer1", "riskadmin", "trader1", "trader2"]


@pytest.fixture
def debug_on(settings):
    settings.DEBUG = True


@pytest.fixture
def offices():
    """At least two offices, whether or not the reference data is loaded."""
    CustomsOffice.objects.get_or_create(code="ZZ01", defaults={"name": "Chi cục thử nghiệm 1"})
    CustomsOffice.objects.get_or_create(code="ZZ02", defaults={"name": "Chi cục thử nghiệm 2"})
    return set(CustomsOffice.objects.all())


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_seed_demo_creates_the_demo_enterprises(debug_on):
    seed()

    minh_anh = Enterprise.objects.get(tax_code="0109876500")
    assert minh_anh.name == "Công ty TNHH Thương mại Minh Anh"
    assert "Hà Nội" in minh_anh.address
    assert minh_anh.established_on == date(2015, 3, 12)
    assert minh_anh.compliance_level == ComplianceLevel.HIGH
    sao_mai = Enterprise.objects.get(tax_code="0318765402")
    assert sao_mai.name == "Công ty Cổ phần Xuất nhập khẩu Sao Mai"
    assert "Hồ Chí Minh" in sao_mai.address
    assert sao_mai.established_on == timezone.localdate().replace(day=1)
    assert sao_mai.compliance_level == ComplianceLevel.NEW


def test_seed_demo_creates_the_demo_accounts_with_their_roles(debug_on, offices):
    seed()

    users = {user.username: user for user in User.objects.filter(username__in=DEMO_USERNAMES)}
    assert sorted(users) == DEMO_USERNAMES
    assert (users["trader1"].role, users["trader1"].enterprise.tax_code) == (Role.TRADER, "0109876500")
    assert (users["trader2"].role, users["trader2"].enterprise.tax_code) == (Role.TRADER, "0318765402")
    assert (users["officer1"].role, users["officer1"].all_offices) == (Role.OFFICER, True)
    assert set(users["officer1"].offices.all()) == offices
    assert users["riskadmin"].role == Role.RISK_ADMIN
    assert users["gate1"].role == Role.GATE
    admin = users["admin"]
    assert (admin.role, admin.is_staff, admin.is_superuser) == ("", True, True)
    for username in ["trader1", "trader2", "officer1", "riskadmin", "gate1"]:
        user = users[username]
        assert (user.is_staff, user.is_superuser, user.is_active) == (False, False, True)
    for username in ["officer1", "riskadmin", "gate1", "admin"]:
        assert users[username].enterprise is None


def test_seed_demo_passwords_work(debug_on):
    seed()

    for username in DEMO_USERNAMES:
        assert authenticate(RequestFactory().post("/accounts/login/"), username=username, password="demo12345") is not None, username


def test_seed_demo_prints_the_password(debug_on):
    output = seed()

    assert "demo12345" in output
    for username in DEMO_USERNAMES:
        assert username in output


def test_seed_demo_is_idempotent_and_resets_the_demo_state(debug_on, offices):
    seed()
    ids = dict(User.objects.filter(username__in=DEMO_USERNAMES).values_list("username", "id"))
    enterprise_ids = set(Enterprise.objects.values_list("id", flat=True))
    trader1 = User.objects.get(username="trader1")
    trader1.set_password("something-else-1")
    trader1.save(update_fields=["password"])
    Enterprise.objects.filter(tax_code="0318765402").update(compliance_level=ComplianceLevel.LOW)
    User.objects.filter(username="officer1").get().offices.clear()

    seed()

    assert dict(User.objects.filter(username__in=DEMO_USERNAMES).values_list("username", "id")) == ids
    assert User.objects.count() == len(DEMO_USERNAMES)
    assert set(Enterprise.objects.values_list("id", flat=True)) == enterprise_ids
    assert authenticate(RequestFactory().post("/accounts/login/"), username="trader1", password="demo12345") is not None
    assert authenticate(RequestFactory().post("/accounts/login/"), username="trader1", password="something-else-1") is None
    assert Enterprise.objects.get(tax_code="0318765402").compliance_level == ComplianceLevel.NEW
    assert set(User.objects.get(username="officer1").offices.all()) == offices


def test_seed_demo_refuses_without_debug(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG is off"):
        seed()

    assert not User.objects.filter(username__in=DEMO_USERNAMES).exists()
    assert not Enterprise.objects.filter(tax_code__in=["0109876500", "0318765402"]).exists()


def test_seed_demo_force_seeds_without_debug(settings):
    settings.DEBUG = False

    seed("--force")

    assert User.objects.filter(username__in=DEMO_USERNAMES).count() == len(DEMO_USERNAMES)


def test_demo_data_seed_runs_the_extra_seeders(monkeypatch):
    calls = []
    monkeypatch.setattr(services, "DEMO_DATA_EXTRAS", [lambda *, stdout: calls.append(stdout)])
    out = StringIO()

    users = services.demo_data_seed(stdout=out)

    assert [user.username for user in users] == ["trader1", "trader2", "officer1", "riskadmin", "gate1", "admin"]
    assert calls == [out]
