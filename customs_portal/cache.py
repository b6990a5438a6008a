"""Redis connections for Django's cache, shared by the whole process.

Django keeps a cache backend per thread and per asynchronous context; under ASGI every
request gets its own, and with it a new Redis connection pool, so each request that
touched the cache (every API call: its rate limit) opened a new connection to Redis.
With this pool class the backends of one process share one pool per URL and options;
redis-py's pools are thread-safe and start afresh in a forked child.
"""
import threading

import redis


class SharedConnectionPool(redis.ConnectionPool):
    _pools: dict[tuple, "SharedConnectionPool"] = {}
    _lock = threading.Lock()

    @classmethod
    def from_url(cls, url, **kwargs):
        key = (url, tuple(sorted((name, repr(value)) for name, value in kwargs.items())))
        with cls._lock:
            pool = cls._pools.get(key)
            if pool is None:
                pool = cls._pools[key] = super().from_url(url, **kwargs)
            return pool
