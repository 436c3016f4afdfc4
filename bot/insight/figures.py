"""The Indsigt figures for a period: from Rasa's tracker store (messages, intents, the review
list and its counts, ratings) and the hand-off tables (hand-offs, callbacks, waits)."""
from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Tuple

from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.db import transaction
from bot.handoff.hours import OpeningHours
from bot.handoff.models import CallbackRequest, Case
from bot.insight.conversations import DOWN, UP, Message, messages
from bot.privacy.masking import mask
from bot.insight.reasons import FALLBACK, NOT_COVERED, OUT_OF_SCOPE, review_reasons
from bot.insight.rasa_events import read_events

MAX_REVIEW_ITEMS = 200


@dataclass(frozen=True)
class ReviewItem:
    id: int  # the tracker event of the visitor's message
    conversation_id: str
    text: str  # masked
    time: dt.datetime
    predicted_intent: Optional[str]
    confidence: Optional[float]
    reasons: Tuple[str, ...]  # bot.insight.reasons.REASONS, at least one
    comment: Optional[str]  # masked


@dataclass(frozen=True)
class Insight:
    days: int
    since: dt.datetime
    conversations: int
    messages: int
    fallbacks: int  # not understood (off-topic messages are counted apart)
    out_of_scope: int
    not_covered: int  # replies saying the article does not treat the subject
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


def _review_item(message: Message, reasons: Tuple[str, ...]) -> ReviewItem:
    return ReviewItem(
        id=message.event_id, conversation_id=message.conversation_id, text=mask(message.text),
        time=message.time, predicted_intent=message.intent, confidence=message.confidence,
        reasons=reasons, comment=mask(message.comment) if message.comment else None,
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
    # Counted over every message of the period, so the figures agree with the (capped) list.
    reason_counts: Counter = Counter()
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
        reasons = review_reasons(message)
        if reasons:
            reason_counts.update(reasons)
            review.append(_review_item(message, reasons))
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
        fallbacks=reason_counts[FALLBACK], out_of_scope=reason_counts[OUT_OF_SCOPE],
        not_covered=reason_counts[NOT_COVERED],
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
