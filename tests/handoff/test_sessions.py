"""Console sessions and presence against a real migrated database."""
from bot.handoff.sessions import ConsoleSessions


def test_counsellor_online_follows_console_activity(counsellors, session_factory, clock):
    sessions = ConsoleSessions(session_factory, clock=clock)
    assert not sessions.anyone_online()
    token = sessions.create(counsellors.add("anne", "en lang adgangskode"))
    assert sessions.anyone_online()
    clock.advance(minutes=11)
    assert not sessions.anyone_online()
    assert sessions.lookup(token).name == "anne"  # activity refreshes last_seen
    assert sessions.anyone_online()
    sessions.end(token)
    assert not sessions.anyone_online()
