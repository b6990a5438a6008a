"""The demonstration data set: the demo enterprises and accounts, and what later work seeds with them.

The demo accounts let a person try every role of the portal on a development machine
(`make run`) and give the browser tests known users. Seeding is idempotent: it
creates what is missing and resets what exists (passwords, roles, enterprise
attributes) to the demo values, so re-running it after playing with the demo
brings it back to a known state.

This module is wiring, above every app (docs/architecture.md): it may seed any of them.
"""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from customs_portal.accounts.models import ComplianceLevel, Enterprise, Role, User
from reference.models import CustomsOffice
from risk.services.defaults import risk_defaults_seed

DEMO_PASSWORD = "demo12345"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    enterprise_tax_code: str | None = None
    is_superuser: bool = False


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("trader1", Role.TRADER, enterprise_tax_code="0109876500"),
    DemoAccount("trader2", Role.TRADER, enterprise_tax_code="0318765402"),
    DemoAccount("officer1", Role.OFFICER),
    DemoAccount("riskadmin", Role.RISK_ADMIN),
    DemoAccount("gate1", Role.GATE),
    DemoAccount("admin", "", is_superuser=True),
)


def _demo_enterprises(*, today: date) -> dict[str, dict]:
    """The two demo enterprises: an established, compliant one and one founded this month."""
    return {
        "0109876500": {
            "name": "Công ty TNHH Thương mại Minh Anh",
            "address": "Số 18 phố Láng Hạ, phường Thành Công, quận Ba Đình, Hà Nội",
            "established_on": date(2015, 3, 12),
            "compliance_level": ComplianceLevel.HIGH,
        },
        "0318765402": {
            "name": "Công ty Cổ phần Xuất nhập khẩu Sao Mai",
            "address": "Số 45 đường Nguyễn Thị Minh Khai, phường Bến Nghé, quận 1, TP. Hồ Chí Minh",
            # A brand-new enterprise: its age drives the "new enterprise" risk rules.
            "established_on": today.replace(day=1),
            "compliance_level": ComplianceLevel.NEW,
        },
    }


# Demo data that later work adds (demo risk rules, ...) is seeded by the functions in
# this list, each called as `seed(stdout=stdout)` after the accounts exist, inside the
# same transaction. Add a function here rather than writing a second seeding command.
DEMO_DATA_EXTRAS: list[Callable[..., None]] = [risk_defaults_seed]


def _write(stdout: TextIO | None, line: str) -> None:
    if stdout is not None:
        stdout.write(line + "\n")


def demo_enterprise_upsert(*, tax_code: str, today: date) -> Enterprise:
    enterprise, _ = Enterprise.objects.update_or_create(
        tax_code=tax_code, defaults=_demo_enterprises(today=today)[tax_code]
    )
    return enterprise


def demo_account_upsert(*, account: DemoAccount, enterprise: Enterprise | None) -> tuple[User, bool]:
    user, created = User.objects.update_or_create(
        username=account.username,
        defaults={
            "role": account.role,
            "enterprise": enterprise,
            "all_offices": account.role == Role.OFFICER,
            "is_active": True,
            "is_staff": account.is_superuser,
            "is_superuser": account.is_superuser,
        },
    )
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
    if account.role == Role.OFFICER:
        user.offices.set(CustomsOffice.objects.all())
    return user, created


@transaction.atomic
def demo_data_seed(*, stdout: TextIO | None = None) -> list[User]:
    """Create or reset the demo enterprises and accounts; return the accounts in DEMO_ACCOUNTS order."""
    today = timezone.localdate()
    enterprises = {
        tax_code: demo_enterprise_upsert(tax_code=tax_code, today=today) for tax_code in _demo_enterprises(today=today)
    }
    users = []
    for account in DEMO_ACCOUNTS:
        enterprise = enterprises[account.enterprise_tax_code] if account.enterprise_tax_code else None
        user, created = demo_account_upsert(account=account, enterprise=enterprise)
        _write(stdout, f"{'Created' if created else 'Reset'} {account.username}")
        users.append(user)

    for seed in DEMO_DATA_EXTRAS:
        seed(stdout=stdout)
    return users
