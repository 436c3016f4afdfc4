"""Rate limits: the one mechanism behind every limit on what a visitor (or a login form) can make
a server do.

`SharedLimits` counts with the `limits` library, moving windows: in Redis when a Redis URL is given
(the cluster, so every replica shares the counts) and in process memory otherwise (`make run`). Its
users: the chat guard's message limits (bot/chat/guard.py), socket.io's session requests
(bot/chat/socketio.py), the web server's visitor routes (bot/web/rate_limits.py) and the console
login (bot/web/login_limit.py).

The Redis client blocks: from async code use the `*_off_loop` methods, which run in a worker
thread with Redis (in memory the count takes microseconds and stays on the loop). When Redis cannot be reached the request is let through (and logged): a rate limit must not
take a server down with it.
"""
from __future__ import annotations

import asyncio
import logging
from functools import lru_cache
from typing import Optional

from limits import RateLimitItem, RateLimitItemPerSecond
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from redis.exceptions import RedisError

log = logging.getLogger(__name__)


def burst_limit(burst: int, per_minute: float, namespace: str) -> Optional[RateLimitItem]:
    """A moving window of `burst` hits in any burst/per_minute minutes: the whole burst at once,
    and per_minute a minute in the long run (10 and 30: 10 in any 20 seconds). None, no limit,
    when either number is 0 or less."""
    if burst <= 0 or per_minute <= 0:
        return None
    seconds = max(1, round(60 * burst / per_minute))
    return RateLimitItemPerSecond(int(burst), seconds, namespace=namespace)


class SharedLimits:
    def __init__(self, redis_url: Optional[str] = None):
        # The limiter holds its storage by a weak reference only: keep it here.
        self.storage = storage_from_string(redis_url or "memory://")
        self.limiter = MovingWindowRateLimiter(self.storage)
        self.blocks = redis_url is not None

    def allows(self, limit: Optional[RateLimitItem], key: str) -> bool:
        """Count one hit of `key` against `limit`; False (and nothing counted) beyond it.
        No limit (None) allows everything. Blocks (Redis)."""
        if limit is None:
            return True
        try:
            return self.limiter.hit(limit, key)
        except (RedisError, OSError) as exc:  # Redis is unreachable
            log.warning("Rate limit not checked: %s", type(exc).__name__)
            return True

    def forget(self, limit: RateLimitItem, key: str) -> None:
        """Drop every hit of `key` counted against `limit`. Blocks (Redis)."""
        try:
            self.limiter.clear(limit, key)
        except (RedisError, OSError) as exc:
            log.warning("Rate limit count not cleared: %s", type(exc).__name__)

    async def allows_off_loop(self, limit: Optional[RateLimitItem], key: str) -> bool:
        if not self.blocks:
            return self.allows(limit, key)
        return await asyncio.to_thread(self.allows, limit, key)

    async def forget_off_loop(self, limit: RateLimitItem, key: str) -> None:
        if not self.blocks:
            return self.forget(limit, key)
        await asyncio.to_thread(self.forget, limit, key)


@lru_cache(maxsize=None)
def channel_limits(redis_url: Optional[str]) -> SharedLimits:
    """The one SharedLimits of this Rasa process's chat channels (REST and socket.io), so they
    count an address together also without Redis (`make run`)."""
    return SharedLimits(redis_url)
