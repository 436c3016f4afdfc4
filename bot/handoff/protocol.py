"""What the bot, the web server and the chat widget agree on about a hand-off.

The widget (bot/web/static/widget/widget.js) spells the same key and statuses;
tests/web/test_protocol.py reads its source and fails when the two sides differ.
"""
from __future__ import annotations

import re
from typing import Any, Dict, Optional

# Key of the status object the widget receives: {"evejleder_handoff": status, ...details}.
HANDOFF_STATUS_KEY = "evejleder_handoff"

# What the widget shows (not a case's status in the database: bot.handoff.models).
STATUS_WAITING = "waiting"  # in the queue for a counsellor; detail: position
STATUS_JOINED = "joined"  # a counsellor took the conversation; detail: counsellor (the name)
STATUS_RESUMED = "resumed"  # the counsellor closed the case: the bot answers again
# The visitor left (Afbryd, "Start forfra", /restart, a window closed too long): the case ended
# and the bot answers again. The counsellor's transcript shows it as a line of its own.
STATUS_CANCELLED = "cancelled"
STATUSES = (STATUS_WAITING, STATUS_JOINED, STATUS_RESUMED, STATUS_CANCELLED)

# Metadata of a visitor's message that was a quick-reply button: the button's title, sent by
# the widget so the transcript can show what the visitor chose, not "/intent".
CHOICE_METADATA_KEY = "evejleder_choice"

# Metadata of every visitor message the widget sends: a random ref (hex) that the widget ties the
# answer to, and that a rating of that answer names (bot/web/feedback.py, bot/insight/).
REF_METADATA_KEY = "evejleder_ref"
REF_PATTERN = re.compile(r"[0-9a-f]{8,64}")

# Metadata every chat channel adds to a visitor's message (never taken from the client: the
# channels drop this key from what a client sends): a keyed hash of the visitor's address group,
# computed from the connection, for the hand-off queue's per-address cap.
ADDRESS_METADATA_KEY = "evejleder_address"
ADDRESS_TAG_PATTERN = re.compile(r"[0-9a-f]{32}")

# Metadata of the bot's messages that answer a question from the article (actions/answers.py).
# Rasa keeps it on the `bot` event, and the socket.io output (bot/chat/socketio.py) puts it on
# each part the widget receives: the widget asks "Hjalp svaret?" under those parts only.
ANSWER_METADATA_KEY = "evejleder_answer"

# Metadata marking a bot event as a counsellor's message. Rasa keeps event metadata in the
# tracker, which is how the transcript tells counsellor from bot.
COUNSELLOR_METADATA_KEY = "evejleder_counsellor"


def status_message(status: str, **details: Any) -> Dict[str, Any]:
    """The custom payload of a bot message that carries a status to the widget.

    Rasa's socket.io output calls `emit(bot_message_evt, **custom)`, so the status object goes
    under "data": the browser then receives exactly that object as the event's argument.
    Details that are None are left out."""
    if status not in STATUSES:
        raise ValueError(f"unknown hand-off status {status!r}")
    status_object = {HANDOFF_STATUS_KEY: status}
    status_object.update({key: value for key, value in details.items() if value is not None})
    return {"data": status_object}


def status_event(status: str, **details: Any) -> Dict[str, Any]:
    """The same status as a `bot` event for Rasa's tracker-events API (it shows no text)."""
    return {"event": "bot", "data": {"custom": status_message(status, **details)}}


def status_of_event(event: Dict[str, Any]) -> Optional[str]:
    """The hand-off status a tracker event carries (a `bot` event made by status_event or by an
    action's json_message), or None."""
    if event.get("event") != "bot":
        return None
    custom = (event.get("data") or {}).get("custom")
    status_object = custom.get("data") if isinstance(custom, dict) else None
    status = status_object.get(HANDOFF_STATUS_KEY) if isinstance(status_object, dict) else None
    return status if status in STATUSES else None


# The header that carries a conversation's secret (bot/session_secret.py) to the visitor API.
SESSION_SECRET_HEADER = "X-Session-Secret"
