"""Hand-off fixtures: a controllable clock and the services on a real migrated SQLite."""
import datetime as dt

import pytest
from argon2 import PasswordHasher

from bot.handoff.counsellors import Counsellors
from bot.handoff.queue import HandoffQueue


class Clock:
    """Time the test moves by hand; the database underneath stays real."""

    def __init__(self, start: dt.datetime):
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **kwargs) -> None:
        self.now += dt.timedelta(**kwargs)


@pytest.fixture
def clock():
    return Clock(dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.timezone.utc))


@pytest.fixture
def queue(session_factory, clock):
    return HandoffQueue(session_factory, clock=clock)


# Real argon2id, with cheap parameters so the suite stays fast; the production
# parameters are checked once in test_queue.py.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture
def counsellors(session_factory):
    return Counsellors(session_factory, FAST_HASHER)
