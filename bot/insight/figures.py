"""The Indsigt figures for a period: from Rasa's tracker store (messages, intents, fallbacks,
ratings) and the hand-off tables (hand-offs, callbacks, waits)."""
from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional

from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.db import transaction
from bot.handoff.hours import OpeningHours
from bot.handoff.models import CallbackRequest, Case
from bot.insight.conversations import DOWN, UP, Message, messages
from bot.insight.masking import mask
from bot.insight.tracker_events import read_events

LOW_CONFIDENCE = 0.6
MAX_REVIEW_ITEMS = 200


@dataclass(frozen=True)
class ReviewItem:
    id: int  # the tracker event of the visitor's message
    conversation_id: str
    text: str  # masked
    time: dt.datetime
    predicted_intent: Optional[str]
    confidence: Optional[float]
    reason: str  # fallback | low_confidence | rated_down
    comment: Optional[str]  # masked


@dataclass(frozen=True)
class Insight:
    days: int
    since: dt.datetime
    conversations: int
    messages: int
    fallbacks: int
    handoffs: int
    callbacks: int
    feedback_up: int
    feedback_down: int
    median_wait_seconds: Optional[float]
    intents: Dict[str, int]
    per_day: List[Dict]  # {date, conversations, messages}
    feedback_by_topic: Dict[str, Dict[str, int]]  # intent -> {up, down}
    demand_by_hour: List[Dict]  # {hour, messages, while_closed}
    misunderstood: List[ReviewItem]

    @property
    def fallback_rate(self) -> float:
        return self.fallbacks / self.messages if self.messages else 0.0


def _reason(message: Message) -> Optional[str]:
    if message.fell_back:
        return "fallback"
    if message.rating == DOWN:
        return "rated_down"
    if message.confidence is not None and message.confidence < LOW_CONFIDENCE:
        return "low_confidence"
    return None


def _review_item(message: Message, reason: str) -> ReviewItem:
    return ReviewItem(
        id=message.event_id, conversation_id=message.conversation_id, text=mask(message.text),
        time=message.time, predicted_intent=message.intent, confidence=message.confidence,
        reason=reason, comment=mask(message.comment) if message.comment else None,
    )


def compute(tracker_engine: Optional[Engine], session_factory: Callable, hours: OpeningHours, days: int,
            now: dt.datetime) -> Insight:
    since = now - dt.timedelta(days=days)
    visitor_messages = messages(read_events(tracker_engine, since))
    tz = hours.timezone
    per_day: Dict[dt.date, Dict] = {}
    by_hour = {hour: {"hour": hour, "messages": 0, "while_closed": 0} for hour in range(24)}
    by_topic: Dict[str, Dict[str, int]] = {}
    review: List[ReviewItem] = []
    for message in visitor_messages:
        local = message.time.astimezone(tz)
        day = per_day.setdefault(local.date(), {"conversations": set(), "messages": 0})
        day["conversations"].add(message.conversation_id)
        day["messages"] += 1
        by_hour[local.hour]["messages"] += 1
        if not hours.is_open(message.time):
            by_hour[local.hour]["while_closed"] += 1
        if message.rating:
            counts = by_topic.setdefault(message.intent or "?", {UP: 0, DOWN: 0})
            counts[message.rating] += 1
        reason = _reason(message)
        if reason:
            review.append(_review_item(message, reason))
    with transaction(session_factory) as session:
        cases = session.execute(select(Case.created_at, Case.claimed_at)
                                .where(Case.created_at >= since)).all()
        callbacks = len(session.execute(select(CallbackRequest.id)
                                        .where(CallbackRequest.created_at >= since)).all())
    waits = [(claimed - created).total_seconds() for created, claimed in cases if claimed]
    return Insight(
        days=days, since=since,
        conversations=len({m.conversation_id for m in visitor_messages}),
        messages=len(visitor_messages),
        fallbacks=sum(1 for m in visitor_messages if m.fell_back),
        handoffs=len(cases), callbacks=callbacks,
        feedback_up=sum(1 for m in visitor_messages if m.rating == UP),
        feedback_down=sum(1 for m in visitor_messages if m.rating == DOWN),
        median_wait_seconds=statistics.median(waits) if waits else None,
        intents=dict(Counter(m.intent or "?" for m in visitor_messages).most_common()),
        per_day=[{"date": day.isoformat(), "conversations": len(v["conversations"]),
                  "messages": v["messages"]} for day, v in sorted(per_day.items())],
        feedback_by_topic=dict(sorted(by_topic.items())),
        demand_by_hour=list(by_hour.values()),
        misunderstood=sorted(review, key=lambda item: item.time, reverse=True)[:MAX_REVIEW_ITEMS],
    )
