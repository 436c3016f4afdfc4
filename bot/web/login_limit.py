"""How often the console login may be tried, per address and per counsellor name.

Every attempt counts, not only failures: each one costs an argon2 hash, so the limit also
keeps a password-guessing flood from eating the CPU. Behind nginx the address is the one in
X-Forwarded-For (trusted from loopback only, see bot.chat.address).
"""
from __future__ import annotations

import time
from typing import Callable

from bot.chat.address import client_address
from bot.ratelimit import RateLimit, TokenBuckets

PER_NAME = RateLimit(burst=5, per_minute=2)
PER_ADDRESS = RateLimit(burst=30, per_minute=10)


class LoginLimit:
    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.names = TokenBuckets(PER_NAME, clock)
        self.addresses = TokenBuckets(PER_ADDRESS, clock)

    def allows(self, peer: str, forwarded_for: str, name: str) -> bool:
        address_ok = self.addresses.take(client_address(peer, forwarded_for))
        # Names are compared as the login compares them; a missing name still counts.
        return address_ok and self.names.take(name.strip().casefold())
