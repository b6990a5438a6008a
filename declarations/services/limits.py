"""The law's time limits before clearance (issue 18; docs/decisions.md, "Time limits").

- A draft untouched (`updated_at`: every edit or import of lines touches it) for 7 days expires: it
  is kept, read-only, and may be copied. Its trader is warned once, when it has been untouched 6 days.
- A declaration registered 15 days ago or more that customs has not decided and does not hold
  (registered, or assessed and awaiting payment) is cancelled, unless an amendment request awaits the
  officer or a payment was credited on it (Law on Customs 54/2014/QH13 art. 29(2); Circular 38/2015
  art. 22 as amended by Circular 39/2018).
- An enterprise with a debt overdue for more than 90 days, or suspended by customs, cannot register
  (declarations/services/registration_block.py).

The sweeps run from a beat task (declarations/tasks.py) with `now` from the clock; each declaration
changes in its own short transaction on its locked row, and is checked again under the lock, so that
running a sweep twice, or beside a trader's edit, changes nothing more.
"""
import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from declarations import extensions
from declarations.lifecycle import Action, Status
from declarations.models import Declaration, NoticeKind, PaymentStatus
from declarations.services.amendments import amendment_pending_of
from declarations.services.lifecycle import declaration_lock, declaration_transition
from declarations.services.notices import notice_send

logger = logging.getLogger(__name__)

DRAFT_LIFETIME = timedelta(days=7)
DRAFT_WARNING_AFTER = timedelta(days=6)
REGISTRATION_VALIDITY = timedelta(days=15)
# Not decided by customs and not held by it: the statuses the 15-day limit cancels.
LAPSING_STATUSES = (Status.REGISTERED, Status.ASSESSED)
BATCH_SIZE = 200


def drafts_expiry_warn(*, now: datetime, batch_size: int = BATCH_SIZE) -> int:
    """Warn the enterprises of drafts untouched for 6 days (and not yet 7); once per draft."""
    drafts = (Declaration.objects.filter(status=Status.DRAFT, updated_at__lte=now - DRAFT_WARNING_AFTER,
                                         updated_at__gt=now - DRAFT_LIFETIME)
              .exclude(notices__kind=NoticeKind.DRAFT_EXPIRING).order_by("updated_at", "id")[:batch_size])
    sent = 0
    for draft in drafts:
        expires_at = timezone.localtime(draft.updated_at + DRAFT_LIFETIME)
        if notice_send(declaration=draft, kind=NoticeKind.DRAFT_EXPIRING,
                       params={"pk": draft.pk, "expires_at": expires_at.isoformat()}):
            sent += 1
    return sent


def draft_expire(*, declaration_id: int, now: datetime) -> bool:
    """Expire the draft if it is still a draft untouched for 7 days at `now` (under its lock)."""
    with transaction.atomic():
        locked = declaration_lock(declaration_id=declaration_id)
        if locked.status != Status.DRAFT or locked.updated_at > now - DRAFT_LIFETIME:
            return False  # submitted, withdrawn or edited since it was found
        untouched_since = locked.updated_at
        declaration_transition(
            declaration=locked, action=Action.EXPIRE, to_status=Status.EXPIRED, actor=None,
            reason="Draft untouched for 7 days",
            data={"untouched_since": untouched_since.isoformat(), "limit_days": DRAFT_LIFETIME.days},
        )
        notice_send(declaration=locked, kind=NoticeKind.DRAFT_EXPIRED,
                    params={"pk": locked.pk, "untouched_since": untouched_since.isoformat()})
    return True


def drafts_expire(*, now: datetime, batch_size: int = BATCH_SIZE) -> int:
    ids = list(Declaration.objects.filter(status=Status.DRAFT, updated_at__lte=now - DRAFT_LIFETIME)
               .order_by("updated_at", "id").values_list("pk", flat=True)[:batch_size])
    return sum(draft_expire(declaration_id=pk, now=now) for pk in ids)


def registration_lapse(*, declaration_id: int, now: datetime) -> bool:
    """Cancel the declaration if, under its lock, it is still registered (or awaiting payment) since
    15 days or more at `now`, with no amendment request pending and no payment credited. The
    cancellation is the trader's and customs' one (Action.CANCEL): the unpaid taxes are no longer owed
    and stop bearing interest (payments.services.balance accrues on uncleared declarations only)."""
    with transaction.atomic():
        locked = declaration_lock(declaration_id=declaration_id)
        if locked.status not in LAPSING_STATUSES or locked.registered_at > now - REGISTRATION_VALIDITY:
            return False
        if amendment_pending_of(locked) is not None:
            return False
        if locked.payment_status == PaymentStatus.PAID or extensions.balance.handler(declaration=locked).tax_paid > 0:
            return False  # part-paid: customs' business, not the clock's
        declaration_transition(
            declaration=locked, action=Action.CANCEL, to_status=Status.CANCELLED, actor=None,
            reason="Registered 15 days ago and not decided by customs (Law on Customs art. 29(2))",
            data={"registered_at": locked.registered_at.isoformat(), "limit_days": REGISTRATION_VALIDITY.days,
                  "automatic": True},
        )
        notice_send(declaration=locked, kind=NoticeKind.REGISTRATION_LAPSED,
                    params={"pk": locked.pk, "number": locked.number, "registered_at": locked.registered_at.isoformat()})
    return True


def registrations_lapse(*, now: datetime, batch_size: int = BATCH_SIZE) -> int:
    ids = list(Declaration.objects.filter(status__in=LAPSING_STATUSES, registered_at__lte=now - REGISTRATION_VALIDITY)
               .order_by("registered_at", "id").values_list("pk", flat=True)[:batch_size])
    return sum(registration_lapse(declaration_id=pk, now=now) for pk in ids)


def time_limits_enforce(*, now: datetime | None = None) -> dict:
    """One run of the beat: warn, expire, cancel (each a batch; the next run takes the rest)."""
    now = now or timezone.now()
    return {"warned": drafts_expiry_warn(now=now), "expired": drafts_expire(now=now),
            "lapsed": registrations_lapse(now=now)}
