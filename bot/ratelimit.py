"""Token buckets in process memory: the chat channels' and the console login's rate limits."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Dict


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


