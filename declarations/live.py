"""Live updates: tell every open page allowed to see a declaration that its status or channel changed.

Messages go through the Channels layer (Redis, customs_portal.live) to WebSocket consumers
(`declarations.consumers`). A trader's connection joins only its enterprise's group;
customs staff join the staff group. A message never carries risk details. When Redis
is down the change is still stored; pages simply miss the push and show it on reload.

Messages from different processes (the web server, the workers) can arrive out of order. Each
carries the declaration's state whole (status and channel together) and its `seq`, the
`updated_at` of the row in microseconds: every change of a declaration is saved under its row lock,
so a later state has a greater `seq`. Pages print the same `seq` beside the badges they render
(`data-seq`), and static/js/live.js never lets an older state replace a newer one.
"""
from datetime import UTC, datetime, timedelta

from django.db import transaction

from customs_portal.live import groups_send

STAFF_GROUP = "declarations.staff"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def enterprise_group(enterprise_id: int) -> str:
    return f"declarations.enterprise.{enterprise_id}"


def live_sequence(updated_at: datetime | None) -> int:
    """The order of a declaration's states: `updated_at` in whole microseconds since 1970 (exact, and
    below 2**53 until the year 2255, so a browser compares it as a plain number)."""
    return 0 if updated_at is None else (updated_at - _EPOCH) // _MICROSECOND


def declaration_snapshot(declaration) -> dict:
    """What a live message says of a declaration: its state whole, in the order of its changes."""
    return {"id": declaration.pk, "enterprise_id": declaration.enterprise_id, "number": declaration.number,
            "status": declaration.status, "channel": declaration.channel, "version": declaration.version,
            "seq": live_sequence(declaration.updated_at)}


def declaration_change_publish(*, id: int, enterprise_id: int, number: str | None, status: str, channel: str | None,
                               version: int, seq: int) -> None:
    message = {
        "type": "declaration.changed",
        "declaration": {"id": id, "number": number, "status": status, "channel": channel, "version": version, "seq": seq},
    }
    groups_send(groups=(enterprise_group(enterprise_id), STAFF_GROUP), message=message)


def declaration_change_announce(declaration) -> None:
    """Tell the open pages the declaration's state once the caller's transaction commits. The state
    is taken now, as saved under the row lock, so that a later change cannot overtake it (`seq`)."""
    snapshot = declaration_snapshot(declaration)
    transaction.on_commit(lambda: declaration_change_publish(**snapshot))
