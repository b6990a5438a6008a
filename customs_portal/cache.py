"""Redis connections and clients for Django's cache, shared by the whole process.

Django keeps a cache backend per thread and per asynchronous context; under ASGI every
request gets its own, and with it a new Redis connection pool, so each request that
touched the cache (every API call: its rate limit) opened a new connection to Redis.
With this pool class the backends of one process share one pool per URL and options;
redis-py's pools are thread-safe and start afresh in a forked child.

Django's Redis cache also builds a new redis-py client for every operation, which costs
more than the operation (its table of reply parsers is filled each time). `RedisCache`
uses one client per shared pool instead; clients are thread-safe, connections come from
the pool.
"""
import threading

import redis
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class SharedConnectionPool(redis.ConnectionPool):
    _pools: dict[tuple, "SharedConnectionPool"] = {}
    _lock = threading.Lock()
    _client_lock = threading.Lock()

    @classmethod
    def from_url(cls, url, **kwargs):
        key = (url, tuple(sorted((name, repr(value)) for name, value in kwargs.items())))
        with cls._lock:
            pool = cls._pools.get(key)
            if pool is None:
                pool = cls._pools[key] = super().from_url(url, **kwargs)
            return pool

    def client(self) -> redis.Redis:
        """The process's one client on this pool."""
        shared = self.__dict__.get("_client")
        if shared is None:
            with SharedConnectionPool._client_lock:
                shared = self.__dict__.setdefault("_client", redis.Redis(connection_pool=self))
        return shared


class _SharedClientCacheClient(RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        if isinstance(pool, SharedConnectionPool):
            return pool.client()
        return super().get_client(key, write=write)


class RedisCache(DjangoRedisCache):
    """Django's Redis cache, with one redis-py client per shared pool (see the module's docstring)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _SharedClientCacheClient
