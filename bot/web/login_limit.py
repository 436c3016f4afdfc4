"""How often the console login may FAIL, per address and per counsellor name from one address.

Only failures count: a counsellor who signs in correctly (again and again) spends nothing. Each
attempt holds a token while its argon2 hash is checked (so parallel guesses cannot slip past the
limit) and gets it back when the password was right. The name is limited per address, so guessing
from elsewhere cannot lock a counsellor out. Behind nginx the address is the one in
X-Forwarded-For (trusted from loopback only, see bot.chat.address).

Guesses against one name from many addresses are slowed down instead: each failure in a row makes
the next attempt on that name wait longer before its password is checked (AccountDelays). A delay,
not a lock-out, so nobody can keep a counsellor from signing in.
"""
from __future__ import annotations

import time
from asyncio import sleep
from collections import OrderedDict
from typing import Callable, Tuple

from bot.chat.address import address_group, client_address
from bot.ratelimit import RateLimit, TokenBuckets

PER_NAME = RateLimit(burst=5, per_minute=2)  # per name and address
PER_ADDRESS = RateLimit(burst=30, per_minute=10)

FREE_FAILURES = 3  # failures in a row on one name before its attempts wait
FIRST_DELAY = 1.0  # seconds; doubled with each further failure
MAX_DELAY = 30.0
FORGET_AFTER = 15 * 60  # seconds without an attempt: the name's failures are forgotten
MAX_NAMES = 10_000  # names tracked at most; the least recently tried is forgotten first


def _name_key(name: str) -> str:
    return name.strip().casefold()  # names are compared as the login compares them


class AccountDelays:
    """Failures in a row per counsellor name, from any address, and the delay they cost."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._failures: "OrderedDict[str, Tuple[int, float]]" = OrderedDict()

    def attempt(self, name: str) -> float:
        """Count the attempt as a failure in advance (so parallel guesses wait in turn) and
        return the seconds it waits before its password is checked."""
        key, now = _name_key(name), self._clock()
        count, last = self._failures.pop(key, (0, now))
        if now - last > FORGET_AFTER:
            count = 0
        self._failures[key] = (count + 1, now)
        while len(self._failures) > MAX_NAMES:
            self._failures.popitem(last=False)
        if count < FREE_FAILURES:
            return 0.0
        return min(MAX_DELAY, FIRST_DELAY * 2 ** (count - FREE_FAILURES))

    def succeeded(self, name: str) -> None:
        self._failures.pop(_name_key(name), None)


class LoginLimit:
    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.names = TokenBuckets(PER_NAME, clock)
        self.addresses = TokenBuckets(PER_ADDRESS, clock)
        self.accounts = AccountDelays(clock)

    @staticmethod
    def _keys(peer: str, forwarded_for: str, name: str) -> Tuple[str, str]:
        address = address_group(client_address(peer, forwarded_for))  # an IPv6 /64 counts as one
        # A missing name still counts.
        return address, f"{address} {_name_key(name)}"

    def allows(self, peer: str, forwarded_for: str, name: str) -> bool:
        """Take a token for an attempt; False when the address or the name is out of them."""
        address, named = self._keys(peer, forwarded_for, name)
        if not self.addresses.take(address):
            return False
        if not self.names.take(named):
            self.addresses.give_back(address)
            return False
        return True

    async def slow_down(self, name: str) -> None:
        """Wait as long as the failures in a row on this name (from any address) ask for."""
        delay = self.accounts.attempt(name)
        if delay:
            await sleep(delay)

    def succeeded(self, peer: str, forwarded_for: str, name: str) -> None:
        """The password was right: the attempt costs nothing."""
        address, named = self._keys(peer, forwarded_for, name)
        self.addresses.give_back(address)
        self.names.give_back(named)
        self.accounts.succeeded(name)
