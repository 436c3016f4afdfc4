"""The few calls the console makes to Rasa's HTTP API (server side, token auth).

Rasa must run with --enable-api and --auth-token (or a JWT secret), listening on
localhost only; the token travels as the `token` query parameter, as Rasa expects.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Dict, List, Optional
from urllib.parse import quote

import requests

from bot.handoff import protocol
from bot.handoff.protocol import CHOICE_METADATA_KEY, COUNSELLOR_METADATA_KEY
from bot.privacy.rasa_records import REDACTED

VISITOR, BOT, COUNSELLOR = "visitor", "bot", "counsellor"
# A line that is no one's message: a hand-off status the counsellor should see in the
# conversation (its text is the status, worded by the console).
STATUS = "status"
STATUSES_SHOWN = (protocol.STATUS_CANCELLED,)

# Intents that manage the conversation rather than ask something: not a visitor's "question".
NOT_QUESTIONS = frozenset({
    "greet", "goodbye", "thank", "affirm", "deny", "request_counsellor", "cancel", "give_contact",
    "bot_challenge",
})


def _loggable(url: str) -> str:
    """The URL without its query (the token) and without the conversation id."""
    return re.sub(r"/conversations/[^/]+/", "/conversations/{id}/", url.split("?")[0])


class RasaUnavailable(Exception):
    """Rasa did not answer, answered with an error, or refused the token."""


@dataclass(frozen=True)
class TranscriptLine:
    who: str  # visitor | bot | counsellor | status
    text: str
    timestamp: Optional[dt.datetime]  # aware UTC
    counsellor: Optional[str] = None  # the counsellor's name when who == counsellor


class RasaClient:
    def __init__(
        self,
        base_url: str = "http://localhost:5005",
        token: Optional[str] = None,
        timeout: float = 5.0,
        output_channel: str = "socketio",
    ):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.output_channel = output_channel
        self._http = requests.Session()

    # ---- raw calls ----------------------------------------------------------------

    def _url(self, conversation_id: str, suffix: str) -> str:
        return f"{self.base_url}/conversations/{quote(conversation_id, safe='')}/{suffix}"

    def _params(self, **extra: str) -> Dict[str, str]:
        params = dict(extra)
        if self.token:
            params["token"] = self.token
        return params

    def _request(self, method: str, url: str, **kwargs: Any) -> Any:
        try:
            response = self._http.request(method, url, timeout=self.timeout, **kwargs)
        except requests.RequestException as exc:
            raise RasaUnavailable(f"Rasa is not reachable: {type(exc).__name__}") from exc
        if response.status_code >= 400:
            raise RasaUnavailable(f"Rasa answered HTTP {response.status_code} for {method} {_loggable(url)}")
        try:
            return response.json()
        except ValueError as exc:
            raise RasaUnavailable("Rasa answered with something that is not JSON") from exc

    def tracker(self, conversation_id: str) -> List[Dict[str, Any]]:
        """All events of the conversation (every session, not only since the last restart)."""
        state = self._request(
            "GET", self._url(conversation_id, "tracker"),
            params=self._params(include_events="ALL"),
        )
        return list(state.get("events") or []) if isinstance(state, dict) else []

    def append_events(self, conversation_id: str, events: List[Dict[str, Any]],
                      side_effects: bool = True) -> None:
        params = {}
        if side_effects:
            params = {"execute_side_effects": "true", "output_channel": self.output_channel}
        self._request(
            "POST", self._url(conversation_id, "tracker/events"),
            params=self._params(**params), json=events,
        )

    # ---- what the console needs ---------------------------------------------------

    def push_bot_message(self, conversation_id: str, text: str,
                         counsellor: Optional[str] = None) -> None:
        """Show `text` in the visitor's chat window now (a `bot` event with side effects)."""
        event: Dict[str, Any] = {"event": "bot", "text": text}
        if counsellor:
            event["metadata"] = {COUNSELLOR_METADATA_KEY: counsellor}
        self.append_events(conversation_id, [event])

    def pause(self, conversation_id: str, counsellor: Optional[str] = None) -> None:
        """Silence the bot (Rasa logs the visitor's messages without answering) and send the
        widget the "joined" status with the counsellor's name, which the widget words for the
        visitor: one message per event. Pausing a paused conversation is harmless."""
        events = [{"event": "pause"}, protocol.status_event(protocol.STATUS_JOINED, counsellor=counsellor)]
        self.append_events(conversation_id, events, side_effects=True)

    def resume(self, conversation_id: str, status: str = protocol.STATUS_RESUMED) -> None:
        """End the pause (the bot answers again) and send the widget the hand-off `status`
        ("resumed" after a counsellor closed the case, "cancelled" when the visitor left
        the queue), which the widget words for the visitor."""
        # The pause cut the bot's turn short: without an action_listen the next message would be
        # read as part of that turn, and the rules (intent -> answer) would not apply.
        events = [{"event": "resume"}, {"event": "action", "name": "action_listen"},
                  protocol.status_event(status)]
        # One request, so the widget never hears of the return without the bot being back.
        self.append_events(conversation_id, events, side_effects=True)

    def execute_action(self, conversation_id: str, action: str) -> None:
        """Run `action` in the conversation now, its messages going to the visitor's window.
        Rasa runs it even while the conversation is paused (which a reminder cannot)."""
        self._request(
            "POST", self._url(conversation_id, "execute"),
            params=self._params(output_channel=self.output_channel), json={"name": action},
        )

    def transcript(self, conversation_id: str) -> List[TranscriptLine]:
        return transcript_from_events(self.tracker(conversation_id))

    def last_question(self, conversation_id: str) -> Optional[str]:
        return last_question(self.tracker(conversation_id))

    def session_transcript(self, conversation_id: str) -> List[TranscriptLine]:
        """The transcript of the conversation's current session only (what the visitor sees)."""
        return transcript_from_events(current_session(self.tracker(conversation_id)))


def current_session(events: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The events of the latest session. Rasa logs a session start as the action
    `action_session_start`, the welcome (bot events), then `session_started`."""
    starts = [index for index, event in enumerate(events) if event.get("event") == "session_started"]
    if not starts:
        return events
    start = starts[-1]
    while start > 0 and events[start - 1].get("event") == "bot":
        start -= 1
    previous = events[start - 1] if start > 0 else {}
    if previous.get("event") == "action" and previous.get("name") == "action_session_start":
        start -= 1
    return events[start:]


def transcript_from_events(events: List[Dict[str, Any]]) -> List[TranscriptLine]:
    """Visitor and bot/counsellor lines, and the statuses of STATUSES_SHOWN, in order; other
    events are left out."""
    lines = []
    for event in events:
        kind = event.get("event")
        if kind not in ("user", "bot"):
            continue
        timestamp = event.get("timestamp")
        when = (
            dt.datetime.fromtimestamp(timestamp, tz=dt.timezone.utc)
            if isinstance(timestamp, (int, float)) else None
        )
        status = protocol.status_of_event(event)
        if status in STATUSES_SHOWN:
            lines.append(TranscriptLine(STATUS, status, when))
            continue
        text = (event.get("text") or "").strip()
        if not text:
            continue
        if kind == "user":
            if text.startswith("/"):
                # A button payload such as /request_counsellor: not typed by the visitor.
                # The widget sends the button's title along; show that when present.
                choice = (event.get("metadata") or {}).get(CHOICE_METADATA_KEY)
                if not isinstance(choice, str) or not choice.strip():
                    continue
                text = choice.strip()
            lines.append(TranscriptLine(VISITOR, text, when))
            continue
        counsellor = (event.get("metadata") or {}).get(COUNSELLOR_METADATA_KEY)
        if counsellor:
            lines.append(TranscriptLine(COUNSELLOR, text, when, str(counsellor)))
        else:
            lines.append(TranscriptLine(BOT, text, when))
    return lines


def last_question(events: List[Dict[str, Any]]) -> Optional[str]:
    """What the visitor typed last that asks something (not "ja", not the request for a person,
    not a button, not a message whose only content was contact details since removed), or None."""
    for event in reversed(events):
        if event.get("event") != "user":
            continue
        text = (event.get("text") or "").strip()
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if _has_content(text) and not text.startswith("/") and intent not in NOT_QUESTIONS:
            return text
    return None


def _has_content(text: str) -> bool:
    """Whether anything but removed contact details (and punctuation) is left of `text`."""
    return any(char.isalnum() for char in text.replace(REDACTED, ""))
