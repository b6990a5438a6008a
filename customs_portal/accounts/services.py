"""Writes to accounts: API tokens, and the demonstration data set.

API tokens (ApiToken, django-rest-knox): every login through the token endpoint gets a new
token, valid for API_TOKEN_TTL_HOURS; its user revokes it (or all of them) through the API or
the token page; a password change revokes them all (the binding is checked on every request,
customs_portal.api.authentication). The token itself is returned once and never stored.

The demo accounts let a person try every role of the portal on a development machine
(`make run`) and give the browser tests known users. Seeding is idempotent: it
creates what is missing and resets what exists (passwords, roles, enterprise
attributes) to the demo values, so re-running it after playing with the demo
brings it back to a known state.
"""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TextIO

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from reference.models import CustomsOffice
from risk.services.defaults import risk_defaults_seed

from .models import ApiToken, ComplianceLevel, Enterprise, Role, User

DEMO_PASSWORD = "demo12345"


@transaction.atomic
def api_token_issue(*, user: User, second_factor: bool) -> tuple[ApiToken, str]:
    """A new token for `user`, who has just proved who they are (and gave the second factor when
    `second_factor`); returns the row and the token, which only its digest keeps afterwards.

    The user's dead tokens (expired, or issued under an earlier password) go at the same time."""
    bound = ApiToken.password_hashes_of(user)
    ApiToken.objects.filter(Q(expiry__lte=timezone.now()) | ~Q(password_hash__in=bound), user=user).delete()
    return ApiToken.objects.create(user=user, expiry=timedelta(hours=settings.API_TOKEN_TTL_HOURS),
                                   password_hash=user.get_session_auth_hash(), second_factor=second_factor)


def api_token_revoke(*, token: ApiToken) -> None:
    """Revoke one token (the API's "log out": the token the request was made with)."""
    token.delete()


def api_tokens_revoke(*, user: User, token_key: str | None = None) -> int:
    """Revoke `user`'s token of that `token_key` (its first characters, as the token page names it),
    or all of them; returns how many were revoked. Another user's tokens are never touched."""
    tokens = ApiToken.objects.filter(user=user)
    if token_key is not None:
        tokens = tokens.filter(token_key=token_key)
    deleted, _ = tokens.delete()
    return deleted


def api_tokens_purge() -> int:
    """Delete every expired token (refused anyway); returns how many. Run daily (accounts.api_tokens_purge)."""
    deleted, _ = ApiToken.objects.filter(expiry__lte=timezone.now()).delete()
    return deleted


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
