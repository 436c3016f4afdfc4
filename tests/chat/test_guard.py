"""The message guard's rules. Its limits are counted by the `limits` library's memory storage
under a hand-driven clock, and once in a real Redis shared by two guards (two Rasa replicas)."""
import asyncio
import uuid
from types import SimpleNamespace

import limits.storage.memory
import pytest

from bot.chat import texts
from bot.chat.address import client_address
from bot.chat.guard import MessageGuard
from bot.chat.settings import ADDRESS_NAMESPACE, SESSION_NAMESPACE, ChatSettings, chat_settings
from bot.launch.process import free_port
from bot.ratelimit import SharedLimits, burst_limit


@pytest.fixture
def clock(monkeypatch):
    """The memory storage's time.time(), moved by hand."""
    now = SimpleNamespace(value=1000.0)
    monkeypatch.setattr(limits.storage.memory, "time", SimpleNamespace(time=lambda: now.value))
    return now


def guard(session=(3, 60), address=(5, 60), shared=None):
    """3 messages of a session in any 3 seconds, 5 of an address in any 5 seconds."""
    settings = ChatSettings(allowed_origins=(), max_message_chars=10,
                            session_limit=burst_limit(*session, SESSION_NAMESPACE),
                            address_limit=burst_limit(*address, ADDRESS_NAMESPACE))
    return MessageGuard(settings, shared or SharedLimits())


def refusal(g, text, session, address):
    return asyncio.run(g.refusal(text, session, address))


def test_empty_blank_and_non_text_messages_are_refused_politely(clock):
    g = guard()
    assert refusal(g, "", "s", "203.0.113.1") == texts.EMPTY
    assert refusal(g, None, "s", "203.0.113.1") == texts.EMPTY
    assert refusal(g, " \n\t", "s", "203.0.113.1") == texts.EMPTY
    assert refusal(g, {"a": 1}, "s", "203.0.113.1") == texts.NOT_TEXT
    assert refusal(g, 42, "s", "203.0.113.1") == texts.NOT_TEXT
    assert g.shape_refusal(42) == texts.NOT_TEXT and g.shape_refusal("hej") is None


def test_the_length_limit_is_inclusive_and_named_in_the_answer(clock):
    g = guard()
    assert refusal(g, "x" * 10, "s", "203.0.113.1") is None
    answer = refusal(g, "x" * 11, "s", "203.0.113.1")
    assert answer == texts.TOO_LONG.format(limit=10) and "10 tegn" in answer


def test_a_session_gets_its_burst_and_the_next_once_its_window_has_moved_on(clock):
    g = guard(address=(100, 60))
    answers = [refusal(g, "hej", "s", "203.0.113.1") for _ in range(5)]
    assert answers == [None, None, None, texts.SLOW_DOWN, texts.SLOW_DOWN]
    assert refusal(g, "hej", "another", "203.0.113.2") is None  # other sessions are not affected
    clock.value += 2.9  # the burst is still inside the 3-second window
    assert refusal(g, "hej", "s", "203.0.113.1") == texts.SLOW_DOWN
    clock.value += 0.2
    # The refused messages were not counted: the whole burst is free again.
    assert [refusal(g, "hej", "s", "203.0.113.1") for _ in range(4)] == [None] * 3 + [texts.SLOW_DOWN]


def test_the_configured_numbers_become_a_window_of_the_burst_at_the_long_run_rate():
    session = chat_settings().session_limit
    assert (session.amount, session.get_expiry()) == (10, 20)  # 10 at once, 30 a minute
    address = burst_limit(60, 120, ADDRESS_NAMESPACE)
    assert (address.amount, address.get_expiry()) == (60, 30)
    assert burst_limit(5, 2, "x").get_expiry() == 150


def test_an_address_cannot_escape_its_limit_with_fresh_sessions(clock):
    g = guard()
    answers = [refusal(g, "hej", f"session-{i}", "203.0.113.7") for i in range(7)]
    assert answers == [None] * 5 + [texts.SLOW_DOWN] * 2
    assert refusal(g, "hej", "session-x", "203.0.113.8") is None


def test_loopback_has_only_session_limits(clock):
    g = guard()
    assert all(refusal(g, "hej", f"s{i}", "127.0.0.1") is None for i in range(20))
    assert all(refusal(g, "hej", f"t{i}", "::1") is None for i in range(20))
    assert [refusal(g, "hej", "u", "::1") for _ in range(4)] == [None] * 3 + [texts.SLOW_DOWN]


def test_refused_messages_are_not_counted(clock):
    g = guard(address=(100, 60))
    for _ in range(10):
        assert refusal(g, "x" * 50, "s", "203.0.113.1") is not None
    assert [refusal(g, "hej", "s", "203.0.113.1") for _ in range(4)] == [None] * 3 + [texts.SLOW_DOWN]


def test_per_minute_or_burst_zero_switches_a_limit_off(clock):
    assert burst_limit(1, 0, "x") is None and burst_limit(0, 30, "x") is None
    g = guard(session=(1, 0), address=(0, 60))
    assert all(refusal(g, "hej", "s", "203.0.113.1") is None for _ in range(100))


def test_two_replicas_share_the_counts_in_redis(redis_server):
    # Two Rasa processes: each its own guard and its own Redis connection, one Redis.
    replicas = [guard(session=(3, 1), address=(5, 1), shared=SharedLimits(redis_server.url))
                for _ in range(2)]
    session, address = uuid.uuid4().hex, f"192.0.2.{uuid.uuid4().int % 250 + 1}"
    answers = [refusal(replicas[i % 2], "hej", session, address) for i in range(4)]
    assert answers == [None] * 3 + [texts.SLOW_DOWN], "a session's messages count on every replica"
    # The address has 5: the 4 messages above counted (on both replicas), 1 is left.
    answers = [refusal(replicas[i % 2], "hej", uuid.uuid4().hex, address) for i in range(3)]
    assert answers == [None, texts.SLOW_DOWN, texts.SLOW_DOWN], "so do an address's"


def test_an_unreachable_redis_lets_messages_through():
    g = guard(session=(1, 1), shared=SharedLimits(f"redis://127.0.0.1:{free_port()}/0"))
    assert [refusal(g, "hej", "s", "203.0.113.1") for _ in range(3)] == [None] * 3


def test_forwarded_for_is_trusted_only_from_loopback_and_only_its_last_entry(monkeypatch):
    monkeypatch.delenv("TRUSTED_PROXIES", raising=False)
    assert client_address("127.0.0.1", "198.51.100.4") == "198.51.100.4"
    assert client_address("::1", "10.0.0.1, 198.51.100.4") == "198.51.100.4"
    assert client_address("203.0.113.9", "198.51.100.4") == "203.0.113.9"
    assert client_address("127.0.0.1", None) == "127.0.0.1"
    assert client_address("127.0.0.1", " , ") == "127.0.0.1"
    assert client_address(None, None) == "unknown"


def test_forwarded_for_is_trusted_from_the_configured_proxy_networks(monkeypatch):
    # nginx's pods in a cluster: their network is named, everyone else's header is ignored.
    monkeypatch.setenv("TRUSTED_PROXIES", "10.89.40.0/24, fd00::/64")
    assert client_address("10.89.40.7", "198.51.100.4") == "198.51.100.4"
    assert client_address("fd00::5", "203.0.113.1, 198.51.100.4") == "198.51.100.4"
    assert client_address("10.89.41.7", "198.51.100.4") == "10.89.41.7"
    assert client_address("203.0.113.9", "198.51.100.4") == "203.0.113.9"
    assert client_address("10.89.40.7", None) == "10.89.40.7"


def test_settings_defaults_allow_the_local_web_server(monkeypatch):
    for name in ("CHAT_ALLOWED_ORIGINS", "WEB_PORT", "CHAT_MAX_MESSAGE_CHARS", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = chat_settings()
    assert settings.allowed_origins == ("http://localhost:8000", "http://127.0.0.1:8000")
    assert settings.max_message_chars == 1000 and settings.redis_url is None
    monkeypatch.setenv("CHAT_ALLOWED_ORIGINS", "https://a.dk/, https://b.dk")
    assert chat_settings().allowed_origins == ("https://a.dk", "https://b.dk")


def test_only_the_widgets_own_metadata_passes_and_only_short():
    from bot.chat.guard import widget_metadata

    assert widget_metadata({"evejleder_choice": "Løn", "evejleder_counsellor": "Falsk", "x": 1}) == {
        "evejleder_choice": "Løn"}
    assert widget_metadata('{"evejleder_choice": "Løn"}') == {"evejleder_choice": "Løn"}
    for bad in ({"evejleder_choice": "x" * 201}, {"evejleder_choice": 5}, "{broken", None, [1], {},
                {"evejleder_ref": "<b>x</b>"}, {"evejleder_ref": "ab" * 40}, {"evejleder_ref": 12345678}):
        assert widget_metadata(bad) == {}
    # The widget's ref for ratings: hex only.
    assert widget_metadata({"evejleder_ref": "0f" * 16, "evejleder_choice": "Løn"}) == {
        "evejleder_ref": "0f" * 16, "evejleder_choice": "Løn"}


def test_every_channel_stores_the_widgets_keys_and_its_own_address_tag_only():
    from bot.chat.address import address_metadata
    from bot.chat.guard import message_metadata
    from bot.handoff.protocol import ADDRESS_METADATA_KEY

    sent = {"evejleder_choice": "Løn", ADDRESS_METADATA_KEY: "f" * 32, "evejleder_counsellor": "Falsk",
            "padding": "x" * 100_000}
    kept = message_metadata(sent, "203.0.113.9")
    assert kept == {"evejleder_choice": "Løn", **address_metadata("203.0.113.9")}
    assert kept[ADDRESS_METADATA_KEY] != "f" * 32, "the tag is computed, never taken from the client"
    assert message_metadata(sent, "127.0.0.1") == {"evejleder_choice": "Løn"}, "loopback: no tag"
    # Whatever a client sends, nothing crashes: nested too deep, too long, not an object.
    for odd in ("[" * 100_000 + "]" * 100_000, '{"evejleder_choice": "' + "x" * 100_000 + '"}', 12, True):
        assert message_metadata(odd, "127.0.0.1") == {}


def test_caps_and_limits_count_an_ipv6_address_per_64(clock):
    from bot.chat.address import address_group, address_metadata

    assert address_group("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64"
    assert address_metadata("2001:db8:1:2::1") == address_metadata("2001:db8:1:2:ffff:ffff:ffff:fffe")
    assert address_metadata("2001:db8:1:2::1") != address_metadata("2001:db8:1:3::1")
    assert address_group("::ffff:198.51.100.7") == "198.51.100.7" == address_group("198.51.100.7")
    assert address_group("::1") == "::1" and address_group("unknown") == "unknown"
    g = guard(session=(100, 60), address=(2, 60))
    assert refusal(g, "hej", "a", "2001:db8:1:2::1") is None
    assert refusal(g, "hej", "b", "2001:db8:1:2::2") is None
    assert refusal(g, "hej", "c", "2001:db8:1:2::3") == texts.SLOW_DOWN, "the same /64"
    assert refusal(g, "hej", "d", "2001:db8:1:3::1") is None, "another /64"
