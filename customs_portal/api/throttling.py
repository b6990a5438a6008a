"""API rate limits per token (per user) and per address for anonymous requests.

The counters live in the cache (Redis). If the cache cannot be reached, requests are let
through and the failure is logged: rate limiting must not take the portal down with Redis.
"""
import logging

from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

logger = logging.getLogger(__name__)


class _FailOpen:
    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception:  # the cache (Redis) is unreachable
            logger.warning("rate limit not checked: cache unavailable", exc_info=True)
            return True


class TokenRateThrottle(_FailOpen, UserRateThrottle):
    scope = "token"


class AnonymousRateThrottle(_FailOpen, AnonRateThrottle):
    scope = "anonymous"
