"""The visitor's messages of Rasa's tracker events, each with what the bot made of it.

A message is a `user` event the visitor typed (or a button, whose title the widget sends as
metadata); payloads the widget sends by itself (/session_start) are not messages. After a
message come the actions Rasa ran for it and the bot's replies, each with the name of the domain
response it was rendered from, when it was (`metadata.utter_action`); a `slot` event `feedback` is
the visitor's rating of the answer to the message whose metadata carries the same ref
(bot/web/feedback.py). Why a message is worth a review is decided in bot/insight/reasons.py.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional

from bot.handoff.protocol import CHOICE_METADATA_KEY, REF_METADATA_KEY
from bot.insight.rasa_events import RasaEvent

FEEDBACK_SLOT = "feedback"
UP, DOWN = "up", "down"
NO_ACTIONS = frozenset({"action_listen", "action_session_start", "action_unlikely_intent"})


@dataclass
class Message:
    event_id: int
    conversation_id: str
    time: dt.datetime
    text: str
    intent: Optional[str]
    confidence: Optional[float]
    ref: Optional[str]
    actions: List[str] = field(default_factory=list)
    answer: List[str] = field(default_factory=list)
    responses: List[str] = field(default_factory=list)  # e.g. utter_answer_not_covered
    rating: Optional[str] = None
    comment: Optional[str] = None


def _visitor_text(event: RasaEvent) -> Optional[str]:
    text = (event.data.get("text") or "").strip()
    if not text:
        return None
    if text.startswith("/"):
        choice = (event.data.get("metadata") or {}).get(CHOICE_METADATA_KEY)
        return choice.strip() if isinstance(choice, str) and choice.strip() else None
    return text


def _message(event: RasaEvent, text: str) -> Message:
    parse = event.data.get("parse_data") or {}
    intent = parse.get("intent") or {}
    confidence = intent.get("confidence")
    ref = (event.data.get("metadata") or {}).get(REF_METADATA_KEY)
    return Message(
        event_id=event.id, conversation_id=event.conversation_id, time=event.time, text=text,
        intent=intent.get("name") or event.data.get("intent_name") or None,
        confidence=float(confidence) if isinstance(confidence, (int, float)) else None,
        ref=ref if isinstance(ref, str) else None,
    )


def messages(events: Iterable[RasaEvent]) -> List[Message]:
    """The visitor's messages in event order, with actions, answer and rating filled in."""
    result: List[Message] = []
    by_ref: Dict[tuple, Message] = {}
    current: Optional[Message] = None
    for event in events:
        if current is not None and event.conversation_id != current.conversation_id:
            current = None
        if event.kind == "user":
            text = _visitor_text(event)
            current = _message(event, text) if text else None
            if current is not None:
                result.append(current)
                if current.ref:
                    by_ref[(current.conversation_id, current.ref)] = current
        elif event.kind == "action" and current is not None:
            name = event.data.get("name")
            if name and name not in NO_ACTIONS:
                current.actions.append(name)
        elif event.kind == "bot" and current is not None:
            text = (event.data.get("text") or "").strip()
            if text:
                current.answer.append(text)
            response = (event.data.get("metadata") or {}).get("utter_action")
            if isinstance(response, str) and response:
                current.responses.append(response)
        elif event.kind == "slot" and event.data.get("name") == FEEDBACK_SLOT:
            _apply_feedback(by_ref, event)
    return result


def _apply_feedback(by_ref: Dict[tuple, Message], event: RasaEvent) -> None:
    value = event.data.get("value")
    if not isinstance(value, dict):
        return
    rated = by_ref.get((event.conversation_id, value.get("ref")))
    if rated is None:
        return
    if rated.rating is None and value.get("rating") in (UP, DOWN):
        rated.rating = value["rating"]  # once per answer: the first rating counts
    comment = value.get("comment")
    if isinstance(comment, str) and comment.strip():
        rated.comment = comment.strip()
