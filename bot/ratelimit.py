"""Rate limits: the one mechanism behind every limit on what a visitor (or a login form) can make
a server do.

`SharedLimits` counts with the `limits` library, moving windows: in Redis when a Redis URL is given
(the cluster, so every replica shares the counts) and in process memory otherwise (`make run`). Its
users: the chat guard's message limits (bot/chat/guard.py), socket.io's session requests
(bot/chat/socketio.py) and the web server's visitor routes (bot/web/rate_limits.py).
`TokenBuckets`, token buckets in process memory, still count the console login.

The Redis client blocks: from async code use the `*_off_loop` methods, which run in a worker
thread. When Redis cannot be reached the request is let through (and logged): a rate limit must not
take a server down with it.
"""
from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Dict, Optional

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
        return await asyncio.to_thread(self.allows, limit, key)

    async def forget_off_loop(self, limit: RateLimitItem, key: str) -> None:
        await asyncio.to_thread(self.forget, limit, key)


@lru_cache(maxsize=None)
def channel_limits(redis_url: Optional[str]) -> SharedLimits:
    """The one SharedLimits of this Rasa process's chat channels (REST and socket.io), so they
    count an address together also without Redis (`make run`)."""
    return SharedLimits(redis_url)


@dataclass(frozen=True)
class RateLimit:
    """A token bucket: `burst` messages at once, refilled at `per_minute`. per_minute 0 = off."""

    burst: int
    per_minute: float

    @property
    def enabled(self) -> bool:
        return self.per_minute > 0 and self.burst > 0


# Buckets that have refilled completely are forgotten once there are this many.
MAX_TRACKED = 10_000


@dataclass
class _Bucket:
    tokens: float
    updated: float


class TokenBuckets:
    """One token bucket per key, all with the same limit."""

    def __init__(self, limit: RateLimit, clock: Callable[[], float] = time.monotonic):
        self.limit = limit
        self._clock = clock
        self._buckets: Dict[str, _Bucket] = {}

    def _refilled(self, bucket: _Bucket, now: float) -> float:
        rate = self.limit.per_minute / 60.0
        return min(float(self.limit.burst), bucket.tokens + (now - bucket.updated) * rate)

    def take(self, key: str) -> bool:
        """Spend one token for `key`; False (and nothing spent) when its bucket is empty."""
        if not self.limit.enabled:
            return True
        now = self._clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= MAX_TRACKED:
                self._forget_full(now)
            bucket = self._buckets[key] = _Bucket(float(self.limit.burst), now)
        bucket.tokens = self._refilled(bucket, now)
        bucket.updated = now
        if bucket.tokens < 1.0:
            return False
        bucket.tokens -= 1.0
        return True

    def give_back(self, key: str) -> None:
        """Return a token taken for `key` (the attempt turned out not to count)."""
        bucket = self._buckets.get(key)
        if bucket is not None:
            bucket.tokens = min(float(self.limit.burst), bucket.tokens + 1.0)

    def _forget_full(self, now: float) -> None:
        full = [key for key, bucket in self._buckets.items()
                if self._refilled(bucket, now) >= self.limit.burst]
        for key in full:
            del self._buckets[key]


