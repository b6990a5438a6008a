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


def enterprises_overdue_debts(*, on: date, enterprise_ids=None) -> dict[int, list[OverdueDebt]]:
    """Each enterprise's debts overdue for more than 90 days on `on` (of `enterprise_ids`, or of all
    enterprises when None), by enterprise id: declarations not cleared whose taxes (and late interest)
    are unpaid since their registration date, and debts raised after clearance (post-clearance
    additional assessments, additional tax of amendments after clearance) unpaid since they were
    raised. The one definition of "tax overdue" (the registration block, risk's compliance figures)."""
    due_by = overdue_due_by(on)
    latest_registration = timezone.make_aware(datetime.combine(due_by + timedelta(days=1), datetime.min.time()))
    rows = Declaration.objects.filter(status__in=UNCLEARED, payment_status=PaymentStatus.UNPAID, amount_due__gt=0,
                                      registered_at__lt=latest_registration)
    if enterprise_ids is not None:
        rows = rows.filter(enterprise_id__in=list(enterprise_ids))
    debts: dict[int, list[OverdueDebt]] = {}
    for d in rows.order_by("registered_at", "id").only("pk", "enterprise_id", "number", "amount_due", "registered_at"):
        debts.setdefault(d.enterprise_id, []).append(
            OverdueDebt(kind="declaration", declaration_id=d.pk, number=d.number, amount=d.amount_due,
                        due_date=timezone.localdate(d.registered_at)))
    later = extensions.overdue_later_dues.handler(enterprise_ids=enterprise_ids, due_by=due_by, on=on)
    for enterprise_id, found in later.items():
        debts.setdefault(enterprise_id, []).extend(found)
    return debts


def enterprise_overdue_debts(*, enterprise_id: int, on: date) -> list[OverdueDebt]:
    """The enterprise's debts overdue for more than 90 days on `on` (`enterprises_overdue_debts`)."""
    return enterprises_overdue_debts(on=on, enterprise_ids=[enterprise_id]).get(enterprise_id, [])


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
