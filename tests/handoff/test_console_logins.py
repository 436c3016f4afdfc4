"""Console sessions and presence against a real migrated database."""
from bot.handoff.console_logins import ConsoleSessions


def test_counsellor_online_follows_console_activity(counsellors, session_factory, clock):
    sessions = ConsoleSessions(session_factory, clock=clock)
    assert not sessions.anyone_online()
    token = sessions.create(counsellors.add("anne", "en lang adgangskode"))
    assert sessions.anyone_online()
    clock.advance(seconds=89)
    assert sessions.anyone_online()
    clock.advance(seconds=2)  # the tab stopped checking in: closed
    assert not sessions.anyone_online()
    assert sessions.lookup(token).name == "anne"  # activity refreshes last_seen
    assert sessions.anyone_online()
    sessions.end(token)
    assert not sessions.anyone_online()


def test_a_paused_counsellor_is_not_available(counsellors, session_factory, clock):
    sessions = ConsoleSessions(session_factory, clock=clock)
    anne = counsellors.add("anne", "en lang adgangskode")
    token = sessions.create(anne)
    sessions.set_paused(anne, True)
    assert not sessions.anyone_online()
    assert sessions.lookup(token).paused
    bo_token = sessions.create(counsellors.add("bo", "en anden lang adgangskode"))
    assert sessions.anyone_online()
    sessions.end(bo_token)
    sessions.set_paused(anne, False)
    assert sessions.anyone_online() and not sessions.lookup(token).paused
