"""Whether a hand-off's visitor is still there: away and back, the grace period, leaving."""
import asyncio
import datetime as dt

import pytest

from bot.chat.presence import ConnectionPresence
from bot.config import settings
from bot.handoff.timing import HandoffTiming, handoff_timing
from bot.handoff.visitor_presence import VisitorPresence

GRACE = dt.timedelta(seconds=120)


@pytest.fixture
def presence(session_factory, clock):
    return VisitorPresence(session_factory, clock)


def test_a_visitor_away_past_the_grace_period_has_departed(queue, presence, clock):
    case = queue.open_case("conv-a", [])
    assert presence.away("conv-a")
    clock.advance(seconds=119)
    assert presence.departed(GRACE) == []
    clock.advance(seconds=1)
    assert [c.id for c in presence.departed(GRACE)] == [case.id]


def test_coming_back_within_the_grace_period_keeps_the_case(queue, presence, clock):
    queue.open_case("conv-a", [])
    presence.away("conv-a")
    clock.advance(seconds=30)
    presence.back("conv-a")
    clock.advance(minutes=10)
    assert presence.departed(GRACE) == []
    presence.away("conv-a")
    presence.away("conv-a")  # only the first of repeated reports counts
    clock.advance(seconds=120)
    assert len(presence.departed(GRACE)) == 1


def test_only_open_cases_are_watched(queue, presence, clock):
    assert not presence.away("no-case")
    case = queue.open_case("conv-a", [])
    queue.claim(case.id, "anne")
    presence.away("conv-a")
    clock.advance(minutes=5)
    assert [c.status for c in presence.departed(GRACE)] == ["active"], "a taken case too"
    assert queue.visitor_left("conv-a").status == "cancelled"
    assert presence.departed(GRACE) == []
    assert not presence.back("conv-a")
    assert [e.kind for e in queue.events(case.id)] == ["claimed", "away", "left"]


def test_visitor_left_ends_waiting_and_taken_cases(queue):
    assert queue.visitor_left("conv-a") is None
    waiting = queue.open_case("conv-a", [])
    assert queue.visitor_left("conv-a").id == waiting.id
    taken = queue.open_case("conv-b", [])
    queue.claim(taken.id, "anne")
    left = queue.visitor_left("conv-b")
    assert left.status == "cancelled" and left.closed_at is not None
    assert queue.waiting() == [] and queue.active() == []


def test_a_second_tab_keeps_the_visitor_present(queue, presence, clock):
    queue.open_case("conv-a", [])
    connections = ConnectionPresence(lambda: presence)

    async def scenario():
        await connections.connected("sid-1", "conv-a")
        await connections.connected("sid-2", "conv-a")
        await connections.disconnected("sid-1")
        await connections.disconnected("sid-unknown")

    asyncio.run(scenario())
    clock.advance(minutes=5)
    assert presence.departed(GRACE) == []
    asyncio.run(connections.disconnected("sid-2"))
    clock.advance(minutes=5)
    assert len(presence.departed(GRACE)) == 1


def test_a_broken_database_does_not_break_the_connection():
    def broken():
        raise RuntimeError("no database")

    connections = ConnectionPresence(broken)
    asyncio.run(connections.connected("sid-1", "conv-a"))
    asyncio.run(connections.disconnected("sid-1"))


def test_timing_file_defaults_and_refusals(tmp_path, monkeypatch):
    path = tmp_path / "handoff.yml"
    path.write_text("offer_callback_after_minutes: 0.5\nvisitor_gone_after_seconds: 3\n")
    assert HandoffTiming.from_file(path) == HandoffTiming(dt.timedelta(seconds=30), dt.timedelta(seconds=3))
    path.write_text("visitor_gone_after_seconds: 10\n")
    assert HandoffTiming.from_file(path).offer_callback_after == dt.timedelta(minutes=5)
    monkeypatch.setenv("HANDOFF_CONFIG_PATH", str(path))
    for bad in ("offer_callback_after_minutes: -1\n", "visitor_gone_after_seconds: soon\n", "[1, 2]\n", "{{{"):
        path.write_text(bad)
        assert handoff_timing(settings()) == HandoffTiming(), bad
    monkeypatch.setenv("HANDOFF_CONFIG_PATH", str(tmp_path / "missing.yml"))
    assert handoff_timing(settings()) == HandoffTiming()


def test_the_shipped_timing_file_reads():
    assert HandoffTiming.from_file("config/handoff.yml") == HandoffTiming()


def test_a_waiting_case_never_seen_present_is_unseen_after_the_grace_period(queue, presence, clock):
    unseen = queue.open_case("never-connected", [])  # as a REST client could open one before
    seen = queue.open_case("web-chat", [])
    presence.back("web-chat")  # the hand-off action records it on opening the case
    assert [e.kind for e in queue.events(seen.id)] == ["back"], "the first report is kept"
    taken = queue.open_case("taken", [])
    queue.claim(taken.id, "anne")
    clock.advance(seconds=119)
    assert presence.unseen(GRACE) == []
    clock.advance(seconds=1)
    assert [c.id for c in presence.unseen(GRACE)] == [unseen.id], "waiting cases only"
    assert presence.departed(GRACE) == []


def test_away_since_tells_the_open_cases_without_a_connection(queue, presence, clock):
    case = queue.open_case("conv-a", [])
    queue.open_case("conv-b", [])
    presence.back("conv-b")
    assert presence.away_since() == {}
    presence.away("conv-a")
    since = clock()
    clock.advance(seconds=5)
    assert presence.away_since() == {case.id: since}
    presence.back("conv-a")
    assert presence.away_since() == {}
    presence.away("conv-a")
    queue.visitor_left("conv-a")
    assert presence.away_since() == {}, "an ended case is no longer watched"


def test_the_grace_period_is_one_for_a_reload():
    """Long enough to reload the page, short enough that nobody writes to an empty chair."""
    assert HandoffTiming().visitor_gone_after == dt.timedelta(seconds=20)
