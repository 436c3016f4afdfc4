"""The message guard's rules, with a hand-driven clock."""
from bot.chat import texts
from bot.chat.address import client_address
from bot.chat.guard import MessageGuard
from bot.chat.settings import ChatSettings, chat_settings
from bot.ratelimit import MAX_TRACKED, RateLimit, TokenBuckets


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def guard(clock, session=RateLimit(3, 60), address=RateLimit(5, 60)):
    settings = ChatSettings(allowed_origins=(), max_message_chars=10,
                            session_limit=session, address_limit=address)
    return MessageGuard(settings, clock)


def test_empty_blank_and_non_text_messages_are_refused_politely():
    g = guard(Clock())
    assert g.refusal("", "s", "203.0.113.1") == texts.EMPTY
    assert g.refusal(None, "s", "203.0.113.1") == texts.EMPTY
    assert g.refusal(" \n\t", "s", "203.0.113.1") == texts.EMPTY
    assert g.refusal({"a": 1}, "s", "203.0.113.1") == texts.NOT_TEXT
    assert g.refusal(42, "s", "203.0.113.1") == texts.NOT_TEXT


def test_the_length_limit_is_inclusive_and_named_in_the_answer():
    g = guard(Clock())
    assert g.refusal("x" * 10, "s", "203.0.113.1") is None
    refusal = g.refusal("x" * 11, "s", "203.0.113.1")
    assert refusal == texts.TOO_LONG.format(limit=10) and "10 tegn" in refusal


def test_a_session_gets_its_burst_then_one_message_per_refill():
    clock = Clock()
    g = guard(clock)
    answers = [g.refusal("hej", "s", "203.0.113.1") for _ in range(5)]
    assert answers == [None, None, None, texts.SLOW_DOWN, texts.SLOW_DOWN]
    assert g.refusal("hej", "another", "203.0.113.2") is None  # other sessions are not affected
    clock.now += 1.0  # 60 per minute: one token a second
    assert g.refusal("hej", "s", "203.0.113.1") is None
    assert g.refusal("hej", "s", "203.0.113.1") == texts.SLOW_DOWN


def test_an_address_cannot_escape_its_limit_with_fresh_sessions():
    g = guard(Clock())
    answers = [g.refusal("hej", f"session-{i}", "203.0.113.7") for i in range(7)]
    assert answers.count(None) == 5 and answers[5:] == [texts.SLOW_DOWN] * 2
    assert g.refusal("hej", "session-x", "203.0.113.8") is None


def test_loopback_has_only_session_limits():
    g = guard(Clock())
    assert all(g.refusal("hej", f"s{i}", "127.0.0.1") is None for i in range(20))
    assert all(g.refusal("hej", f"t{i}", "::1") is None for i in range(20))


def test_refused_messages_do_not_spend_tokens():
    g = guard(Clock())
    for _ in range(10):
        assert g.refusal("x" * 50, "s", "203.0.113.1") is not None
    assert g.refusal("hej", "s", "203.0.113.1") is None


def test_per_minute_zero_switches_a_limit_off():
    buckets = TokenBuckets(RateLimit(burst=1, per_minute=0), Clock())
    assert all(buckets.take("k") for _ in range(100))


def test_full_buckets_are_forgotten_when_too_many_are_tracked():
    clock = Clock()
    buckets = TokenBuckets(RateLimit(burst=2, per_minute=60), clock)
    for i in range(MAX_TRACKED):
        buckets.take(f"k{i}")
    buckets.take("busy")
    buckets.take("busy")
    clock.now += 5  # every bucket but none is full again
    buckets.take("new")
    assert len(buckets._buckets) <= 2


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


def test_caps_and_limits_count_an_ipv6_address_per_64():
    from bot.chat.address import address_group, address_metadata

    assert address_group("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64"
    assert address_metadata("2001:db8:1:2::1") == address_metadata("2001:db8:1:2:ffff:ffff:ffff:fffe")
    assert address_metadata("2001:db8:1:2::1") != address_metadata("2001:db8:1:3::1")
    assert address_group("::ffff:198.51.100.7") == "198.51.100.7" == address_group("198.51.100.7")
    assert address_group("::1") == "::1" and address_group("unknown") == "unknown"
    clock = Clock()
    g = guard(clock, session=RateLimit(100, 60), address=RateLimit(2, 60))
    assert g.refusal("hej", "a", "2001:db8:1:2::1") is None
    assert g.refusal("hej", "b", "2001:db8:1:2::2") is None
    assert g.refusal("hej", "c", "2001:db8:1:2::3") == texts.SLOW_DOWN, "the same /64"
    assert g.refusal("hej", "d", "2001:db8:1:3::1") is None, "another /64"
