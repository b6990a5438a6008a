"""Notices to a trader's enterprise: created by the portal's own work (the time limits), read on
the declaration list and through `GET /api/v1/notices/`."""
from django.db import IntegrityError, transaction
from django.utils import timezone

from declarations.models import Declaration, Notice


def notice_send(*, declaration: Declaration, kind: str, params: dict | None = None) -> Notice | None:
    """The notice of `kind` about `declaration` to its enterprise, once: None when it was already sent."""
    try:
        with transaction.atomic():  # a savepoint: the caller's transaction survives a duplicate
            return Notice.objects.create(enterprise_id=declaration.enterprise_id, declaration=declaration, kind=kind,
                                         params=params or {})
    except IntegrityError:
        return None


def notice_mark_read(*, notice: Notice) -> Notice:
    """Read once: the first reading's time stays."""
    if notice.read_at is None:
        Notice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=timezone.now())
        notice.refresh_from_db(fields=["read_at"])
    return notice


def notices_mark_all_read(*, enterprise_id: int) -> int:
    return Notice.objects.filter(enterprise_id=enterprise_id, read_at__isnull=True).update(read_at=timezone.now())
