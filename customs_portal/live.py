"""Messages to WebSocket consumers (the Channels layer, Redis) from synchronous code.

Used by the live updates of declarations (declarations.live) and by the accounts, which close
the sockets of a session that logged out or of a user whose password changed
(customs_portal.accounts.live). When Redis is down the message is lost and logged: what
caused it is committed already.
"""
import asyncio
import logging
import os
import threading

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from channels_redis.core import RedisChannelLayer

logger = logging.getLogger(__name__)

PUBLISH_TIMEOUT_SECONDS = 2


def groups_send(*, groups: tuple[str, ...], message: dict) -> bool:
    """Send `message` to every group; False (and a warning) if the layer could not be reached."""
    layer = get_channel_layer()
    if layer is None:
        return False
    try:
        if isinstance(layer, RedisChannelLayer):
            _publishing_loop.run(_send_to_groups(layer, groups, message), timeout=PUBLISH_TIMEOUT_SECONDS)
        else:  # the in-memory layer of tests belongs to the caller's loop
            async_to_sync(_send_to_groups)(layer, groups, message)
    except Exception:  # the change is committed; a missed message is logged
        logger.warning("%s to %s not delivered", message.get("type"), groups, exc_info=True)
        return False
    return True


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
