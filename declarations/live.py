"""Live updates: tell every open page allowed to see a declaration that its status or channel changed.

Messages go through the Channels layer (Redis) to WebSocket consumers
(`declarations.consumers`). A trader's connection joins only its enterprise's group;
customs staff join the staff group. A message never carries risk details. When Redis
is down the change is still stored; pages simply miss the push and show it on reload.
"""
import asyncio
import logging
import os
import threading

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from channels_redis.core import RedisChannelLayer

logger = logging.getLogger(__name__)

STAFF_GROUP = "declarations.staff"
PUBLISH_TIMEOUT_SECONDS = 2


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
    groups = (enterprise_group(enterprise_id), STAFF_GROUP)
    try:
        if isinstance(layer, RedisChannelLayer):
            _publishing_loop.run(_send_to_groups(layer, groups, message), timeout=PUBLISH_TIMEOUT_SECONDS)
        else:  # the in-memory layer of tests belongs to the caller's loop
            async_to_sync(_send_to_groups)(layer, groups, message)
    except Exception:  # the change is committed; a missed push only means a page shows it on reload
        logger.warning("live update for declaration %s not delivered", id, exc_info=True)


async def _send_to_groups(layer, groups, message) -> None:
    await asyncio.gather(*(layer.group_send(group, message) for group in groups))


class _PublishingLoop:
    """An event loop in a daemon thread, one per process, that publishes for synchronous code.

    `async_to_sync` outside an ASGI server (in Celery workers, commands) makes a new event loop
    per call, and the Redis channel layer opens new connections per loop: each publish cost
    about 10 ms. This loop, and the layer's connections in it, live as long as the process
    (a forked child makes its own).
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pid: int | None = None

    def run(self, coroutine, *, timeout: float):
        with self._lock:
            if self._loop is None or self._pid != os.getpid():
                self._loop = asyncio.new_event_loop()
                self._pid = os.getpid()
                threading.Thread(target=self._loop.run_forever, name="live-updates", daemon=True).start()
            loop = self._loop
        return asyncio.run_coroutine_threadsafe(coroutine, loop).result(timeout)


_publishing_loop = _PublishingLoop()
