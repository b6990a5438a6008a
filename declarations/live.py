"""Live updates: tell every open page allowed to see a declaration that its status or channel changed.

Messages go through the Channels layer (Redis) to WebSocket consumers
(`declarations.consumers`). A trader's connection joins only its enterprise's group;
customs staff join the staff group. A message never carries risk details. When Redis
is down the change is still stored; pages simply miss the push and show it on reload.
"""
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)

STAFF_GROUP = "declarations.staff"


def enterprise_group(enterprise_id: int) -> str:
    return f"declarations.enterprise.{enterprise_id}"


def declaration_change_publish(*, id: int, enterprise_id: int, number: str | None, status: str, channel: str | None,
                               version: int) -> None:
    message = {
        "type": "declaration.changed",
        "declaration": {"id": id, "number": number, "status": status, "channel": channel, "version": version},
    }
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        for group in (enterprise_group(enterprise_id), STAFF_GROUP):
            async_to_sync(layer.group_send)(group, message)
    except Exception:  # the change is committed; a missed push only means a page shows it on reload
        logger.warning("live update for declaration %s not delivered", id, exc_info=True)
