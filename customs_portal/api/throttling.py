"""API rate limits per token (per user) and per address for anonymous requests.

Each limit is a counter per client and fixed window (a minute for "6000/min") in Redis:
one round trip (INCR and EXPIRE, pipelined) per request whatever the rate, where DRF's
default keeps every request's timestamp and rewrites the whole list each time. A client
may therefore make up to twice its rate across the boundary of two windows.

If Redis cannot be reached, requests are let through and the failure is logged: rate
limiting must not take the portal down with Redis.

Anonymous clients are counted by `client_address`: the connection's peer, or the client a
trusted proxy named. DRF's own `get_ident` believes any X-Forwarded-For, which would let a
client pick a new address, and a fresh budget, for every request.
"""
import logging

from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from customs_portal.client_address import client_address

logger = logging.getLogger(__name__)


class _WindowCounter:
    def get_ident(self, request):
        return client_address(request) or "unknown"

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        window = int(self.timer() // self.duration)
        self.window_ends = (window + 1) * self.duration
        key = self.cache.make_and_validate_key(f"{self.key}:{window}")
        try:
            client = self.cache._cache.get_client(key, write=True)  # Django's RedisCache: a redis-py client
            with client.pipeline(transaction=False) as pipe:
                pipe.incr(key)
                pipe.expire(key, self.duration + 1)
                count, _ = pipe.execute()
        except Exception:  # Redis is unreachable
            logger.warning("rate limit not checked: cache unavailable", exc_info=True)
            return True
        return count <= self.num_requests

    def wait(self):
        return max(self.window_ends - self.timer(), 0)


class TokenRateThrottle(_WindowCounter, UserRateThrottle):
    scope = "token"


class AnonymousRateThrottle(_WindowCounter, AnonRateThrottle):
    scope = "anonymous"
