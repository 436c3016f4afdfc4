"""How often the console login may FAIL, per address and per counsellor name from one address.

Only failures count: a counsellor who signs in correctly (again and again) spends nothing. Each
attempt holds a token while its argon2 hash is checked (so parallel guesses cannot slip past the
limit) and gets it back when the password was right. The name is limited per address, so guessing
from elsewhere cannot lock a counsellor out. Behind nginx the address is the one in
X-Forwarded-For (trusted from loopback only, see bot.chat.address).
"""
from __future__ import annotations

import time
from typing import Callable, Tuple

from bot.chat.address import address_group, client_address
from bot.ratelimit import RateLimit, TokenBuckets

PER_NAME = RateLimit(burst=5, per_minute=2)  # per name and address
PER_ADDRESS = RateLimit(burst=30, per_minute=10)


class LoginLimit:
    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.names = TokenBuckets(PER_NAME, clock)
        self.addresses = TokenBuckets(PER_ADDRESS, clock)

    @staticmethod
    def _keys(peer: str, forwarded_for: str, name: str) -> Tuple[str, str]:
        address = address_group(client_address(peer, forwarded_for))  # an IPv6 /64 counts as one
        # Names are compared as the login compares them; a missing name still counts.
        return address, f"{address} {name.strip().casefold()}"

    def allows(self, peer: str, forwarded_for: str, name: str) -> bool:
        """Take a token for an attempt; False when the address or the name is out of them."""
        address, named = self._keys(peer, forwarded_for, name)
        if not self.addresses.take(address):
            return False
        if not self.names.take(named):
            self.addresses.give_back(address)
            return False
        return True

    def succeeded(self, peer: str, forwarded_for: str, name: str) -> None:
        """The password was right: the attempt costs nothing."""
        address, named = self._keys(peer, forwarded_for, name)
        self.addresses.give_back(address)
        self.names.give_back(named)
