"""Live updates: tell every open page allowed to see a declaration that its status or channel changed.

Messages go through the Channels layer (Redis, customs_portal.live) to WebSocket consumers
(`declarations.consumers`). A trader's connection joins only its enterprise's group;
customs staff join the staff group. A message never carries risk details. When Redis
is down the change is still stored; pages simply miss the push and show it on reload.
"""
from customs_portal.live import groups_send

STAFF_GROUP = "declarations.staff"


def enterprise_group(enterprise_id: int) -> str:
    return f"declarations.enterprise.{enterprise_id}"


def declaration_change_publish(*, id: int, enterprise_id: int, number: str | None, status: str, channel: str | None,
                               version: int) -> None:
    message = {
        "type": "declaration.changed",
        "declaration": {"id": id, "number": number, "status": status, "channel": channel, "version": version},
    }
    groups_send(groups=(enterprise_group(enterprise_id), STAFF_GROUP), message=message)
