"""Before registration: an enterprise with tax overdue for more than 90 days, or suspended by
customs, cannot register a declaration (issue 18; docs/decisions.md, "Time limits"). Its drafts can
still be edited. The refusal says why and what to pay."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from customs_portal.errors import DomainConflict
from customs_portal.localization import amount_text, date_text
from declarations import extensions
from declarations.extensions import OverdueDebt
from declarations.lifecycle import UNCLEARED
from declarations.models import Declaration, PaymentStatus

OVERDUE_DAYS_ALLOWED = 90


@dataclass(frozen=True)
class RegistrationBlock:
    suspended: bool
    suspended_reason: str
    debts: list[OverdueDebt]

    @property
    def total(self) -> Decimal:
        return sum((debt.amount for debt in self.debts), Decimal("0"))


def overdue_due_by(on: date) -> date:
    """The latest due date of a debt that is overdue for more than 90 days on `on`: a debt due on
    D (local date) is overdue for (on - D) days; it blocks from D + 91 days."""
    return on - timedelta(days=OVERDUE_DAYS_ALLOWED + 1)


def enterprise_overdue_debts(*, enterprise_id: int, on: date) -> list[OverdueDebt]:
    """The enterprise's debts overdue for more than 90 days on `on`: declarations not cleared whose
    taxes (and late interest) are unpaid since their registration date, and debts raised after
    clearance (post-clearance additional assessments) unpaid since they were raised."""
    due_by = overdue_due_by(on)
    latest_registration = timezone.make_aware(datetime.combine(due_by + timedelta(days=1), datetime.min.time()))
    debts = [
        OverdueDebt(kind="declaration", declaration_id=d.pk, number=d.number, amount=d.amount_due,
                    due_date=timezone.localdate(d.registered_at))
        for d in Declaration.objects.filter(enterprise_id=enterprise_id, status__in=UNCLEARED,
                                            payment_status=PaymentStatus.UNPAID, amount_due__gt=0,
                                            registered_at__lt=latest_registration).order_by("registered_at", "id")
    ]
    debts += extensions.overdue_later_dues.handler(enterprise_id=enterprise_id, due_by=due_by, on=on)
    return debts


def registration_block_of(*, enterprise, on: date | None = None) -> RegistrationBlock | None:
    """Why the enterprise cannot register a declaration on `on`, or None when it can."""
    on = on or timezone.localdate()
    debts = enterprise_overdue_debts(enterprise_id=enterprise.pk, on=on)
    suspended = enterprise.suspended_at is not None
    if not suspended and not debts:
        return None
    return RegistrationBlock(suspended=suspended, suspended_reason=enterprise.suspended_reason, debts=debts)


def _debt_wording(kind: str) -> str:
    if kind == "declaration":
        return _("declaration %(number)s: %(amount)s VND due since %(date)s")
    if kind == "amendment_difference":
        return _("additional tax of the amendment after clearance of declaration %(number)s: %(amount)s VND due since %(date)s")
    return _("additional assessment on declaration %(number)s: %(amount)s VND due since %(date)s")


def registration_block_message(block: RegistrationBlock) -> str:
    parts = []
    if block.suspended:
        parts.append(_("Your enterprise is suspended by customs: %(reason)s.") % {"reason": block.suspended_reason or "—"})
    if block.debts:
        lines = "; ".join(
            _debt_wording(debt.kind) % {"number": debt.number, "amount": amount_text(debt.amount, places=0), "date": date_text(debt.due_date)}
            for debt in block.debts)
        parts.append(_("Your enterprise has tax overdue for more than %(days)d days. Pay %(total)s VND to register "
                       "again: %(lines)s.") % {"days": OVERDUE_DAYS_ALLOWED, "total": amount_text(block.total, places=0), "lines": lines})
    return " ".join(parts)


def registration_allowed_check(*, enterprise, on: date | None = None) -> None:
    """Raise DomainConflict "registration_blocked" naming why and what to pay."""
    block = registration_block_of(enterprise=enterprise, on=on)
    if block is None:
        return
    raise DomainConflict(registration_block_message(block), code="registration_blocked", data={
        "suspended": block.suspended,
        "debts": [{"kind": debt.kind, "declaration": debt.declaration_id, "number": debt.number,
                   "amount": str(debt.amount), "due_date": debt.due_date.isoformat()} for debt in block.debts],
        "total": str(block.total),
    })
