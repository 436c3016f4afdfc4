"""The chat widget and the server spell the hand-off protocol the same way.

Read from widget.js itself: renaming a status or a key on one side only fails here."""
import re
from pathlib import Path

import pytest

from bot.handoff import protocol

WIDGET = Path(__file__).resolve().parents[2] / "bot" / "web" / "static" / "widget" / "widget.js"


@pytest.fixture(scope="module")
def widget() -> str:
    return WIDGET.read_text(encoding="utf-8")


def js_constant(source: str, name: str) -> str:
    match = re.search(rf'\bvar {name} = "([^"]*)";', source)
    assert match, f"widget.js defines no {name}"
    return match.group(1)


def compared_statuses(source: str) -> set:
    """Every string the widget compares a status with (`status === "joined"`)."""
    return set(re.findall(r'\bstatus === "([^"]*)"', source))


def test_the_widget_reads_the_status_and_choice_keys_the_server_writes(widget):
    assert js_constant(widget, "STATUS_KEY") == protocol.HANDOFF_STATUS_KEY
    assert js_constant(widget, "CHOICE_KEY") == protocol.CHOICE_METADATA_KEY
    assert js_constant(widget, "SECRET_HEADER") == protocol.SESSION_SECRET_HEADER
    assert js_constant(widget, "ANSWER_KEY") == protocol.ANSWER_METADATA_KEY


def test_the_widget_handles_exactly_the_protocol_statuses(widget):
    on_status = re.search(r"function onStatus\(data\) \{.*?\n  \}\n", widget, re.DOTALL)
    assert on_status, "widget.js has no onStatus(data) function"
    assert compared_statuses(on_status.group(0)) == set(protocol.STATUSES)
    # Elsewhere (history, queue banner) it compares with no status the server does not send.
    assert compared_statuses(widget) <= set(protocol.STATUSES)
    assert set(re.findall(r'\{ status: "([^"]*)"', widget)) <= set(protocol.STATUSES)


def test_status_messages_carry_the_key_and_leave_out_empty_details():
    message = protocol.status_message(protocol.STATUS_WAITING, position=2, counsellor=None)
    assert message == {"data": {"evejleder_handoff": "waiting", "position": 2}}
    assert protocol.status_event(protocol.STATUS_RESUMED) == {
        "event": "bot", "data": {"custom": {"data": {"evejleder_handoff": "resumed"}}}}
    with pytest.raises(ValueError):
        protocol.status_message("paused")


def test_the_widget_sends_the_ref_and_ratings_the_feedback_api_reads(widget):
    from bot.insight.conversations import DOWN, UP
    from bot.web.feedback import MAX_COMMENT

    assert js_constant(widget, "REF_KEY") == protocol.REF_METADATA_KEY
    assert f'rating: "{DOWN}"' in widget and f'["{UP}", ' in widget and f'["{DOWN}", ' in widget
    assert int(re.search(r"\bvar MAX_COMMENT = (\d+);", widget).group(1)) <= MAX_COMMENT
    # The widget's refs are newId() values: 16 random bytes as hex.
    assert protocol.REF_PATTERN.fullmatch("0f" * 16)
