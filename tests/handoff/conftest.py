"""Hand-off fixtures: a controllable clock and the services on a real migrated SQLite."""
import datetime as dt

import pytest

from bot.handoff.counsellors import Counsellors
from bot.handoff.queue import HandoffQueue
from tests.handoff.support import FAST_HASHER


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


@pytest.fixture
def counsellors(session_factory):
    return Counsellors(session_factory, FAST_HASHER)
