"""How often the console login may be tried, per address and per counsellor name from one address.

Two moving windows of the `limits` library, counted by bot.ratelimit.SharedLimits (in Redis when
REDIS_URL is set, so every web replica shares them; in memory with `make run`):

- PER_NAME: 5 attempts on one name from one address in any 2½ minutes (on average 2 a minute).
- PER_ADDRESS: 30 attempts from one address in any 3 minutes (on average 10 a minute).

An attempt is counted before its argon2 hash is checked, so parallel guesses cannot slip past the
limit while the hashes are being checked. A right password then clears its name's count from that
address (`limits`' clear for the key): a counsellor who signs in again and again spends nothing
there, and her own typing mistakes are forgotten. The address's count keeps every attempt: a login
with one known password must not wipe out the guesses on other names; 30 in 3 minutes is far above
what counsellors signing in from one office need. The name is limited per address, so guessing
from elsewhere cannot lock a counsellor out; it is counted under a keyed hash of the typed name
(which may be a password), never the text. Behind nginx the address is the one in
X-Forwarded-For (trusted from loopback and TRUSTED_PROXIES only, see bot.chat.address).

Guesses against one name from many addresses are slowed down instead: each failure in a row makes
the next attempt on that name wait longer before its password is checked (AccountDelays, in this
process's memory). A delay, not a lock-out, so nobody can keep a counsellor from signing in.
"""
from __future__ import annotations

import hashlib
import hmac
import time
from asyncio import sleep
from collections import OrderedDict
from typing import Callable, Tuple

from limits import RateLimitItemPerMinute, RateLimitItemPerSecond

from bot.chat.address import address_group, client_address
from bot.ratelimit import SharedLimits
from bot.session_secret import session_key

PER_NAME = RateLimitItemPerSecond(5, 150, namespace="login-name")  # per name and address
PER_ADDRESS = RateLimitItemPerMinute(30, 3, namespace="login-address")

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
    def __init__(self, limits: SharedLimits, clock: Callable[[], float] = time.monotonic):
        self.limits = limits
        self.accounts = AccountDelays(clock)

    @staticmethod
    def _keys(peer: str, forwarded_for: str, name: str) -> Tuple[str, str]:
        address = address_group(client_address(peer, forwarded_for))  # an IPv6 /64 counts as one
        # A missing name still counts. The typed name may be a password: only its keyed hash is
        # stored (in Redis, in the cluster).
        tag = hmac.new(session_key(), b"login:" + _name_key(name).encode(), hashlib.sha256)
        return address, f"{address} {tag.hexdigest()[:32]}"

    async def allows(self, peer: str, forwarded_for: str, name: str) -> bool:
        """Count an attempt on the name from this address and on the address; False when either is
        out of attempts (a refused attempt is not counted against the one that refused it)."""
        address, named = self._keys(peer, forwarded_for, name)
        if not await self.limits.allows_off_loop(PER_NAME, named):
            return False
        return await self.limits.allows_off_loop(PER_ADDRESS, address)

    async def slow_down(self, name: str) -> None:
        """Wait as long as the failures in a row on this name (from any address) ask for."""
        delay = self.accounts.attempt(name)
        if delay:
            await sleep(delay)

    async def succeeded(self, peer: str, forwarded_for: str, name: str) -> None:
        """The password was right: the name's count from this address starts afresh."""
        _, named = self._keys(peer, forwarded_for, name)
        await self.limits.forget_off_loop(PER_NAME, named)
        self.accounts.succeeded(name)
