"""Rate limits.

- `SharedLimits`: counts every replica shares, with the `limits` library (moving window): in Redis
  when a Redis URL is given (the cluster), in process memory otherwise (`make run`). Its Redis
  client blocks: call `allows` from a worker thread. When Redis cannot be reached the request is
  let through (and logged): a rate limit must not take a server down with it.
- `TokenBuckets`: token buckets in process memory, for the chat guard's message limits and the
  console login.
"""
from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Callable, Dict, Optional

from limits import RateLimitItem
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from redis.exceptions import RedisError

log = logging.getLogger(__name__)


class SharedLimits:
    def __init__(self, redis_url: Optional[str] = None):
        # The limiter holds its storage by a weak reference only: keep it here.
        self.storage = storage_from_string(redis_url or "memory://")
        self.limiter = MovingWindowRateLimiter(self.storage)

    def allows(self, limit: RateLimitItem, key: str) -> bool:
        """Count one hit of `key` against `limit`; False beyond it. Blocks (Redis)."""
        try:
            return self.limiter.hit(limit, key)
        except (RedisError, OSError) as exc:  # Redis is unreachable
            log.warning("Rate limit not checked: %s", type(exc).__name__)
            return True

    async def allows_off_loop(self, limit: RateLimitItem, key: str) -> bool:
        return await asyncio.to_thread(self.allows, limit, key)


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


