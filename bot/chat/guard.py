"""Which visitor messages reach the bot: not empty, not too long, not too many too fast.

Rate limits are token buckets kept in this process's memory, one per session and one per
address. Behind nginx with `ip_hash` stickiness an address always reaches the same Rasa
process, so per-process buckets still limit each address; a session could be spread over
processes only if its visitor's address changes. Loopback addresses (rasa shell, health
checks, tests, a load generator on this machine) have no address limit, only session limits.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable, Dict, Optional

from bot.chat import texts
from bot.chat.address import is_loopback
from bot.chat.settings import ChatSettings, RateLimit

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

    def _forget_full(self, now: float) -> None:
        full = [key for key, bucket in self._buckets.items()
                if self._refilled(bucket, now) >= self.limit.burst]
        for key in full:
            del self._buckets[key]


class MessageGuard:
    def __init__(self, settings: ChatSettings, clock: Callable[[], float] = time.monotonic):
        self.max_chars = settings.max_message_chars
        self.sessions = TokenBuckets(settings.session_limit, clock)
        self.addresses = TokenBuckets(settings.address_limit, clock)

    def refusal(self, text: Any, session: str, address: str) -> Optional[str]:
        """None if the message may go to the bot, else the Danish answer to send instead."""
        if text is not None and not isinstance(text, str):
            return texts.NOT_TEXT
        if not text or not text.strip():
            return texts.EMPTY
        if len(text) > self.max_chars:
            return texts.TOO_LONG.format(limit=self.max_chars)
        # The address first: a flood of fresh session ids must not get a full bucket each.
        if not is_loopback(address) and not self.addresses.take(address):
            return texts.SLOW_DOWN
        if not self.sessions.take(session):
            return texts.SLOW_DOWN
        return None
