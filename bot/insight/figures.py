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


# What a visitor's message was, for the charts. Every message is exactly one of these, decided by
# what the bot did with it (bot/insight/reasons.py) before what intent it was guessed as, so the
# summary's "not understood" and the chart's are the same count.
ANSWERED = "answered"  # a question about the job, answered from the article
NOT_COVERED_KIND = "not_covered"  # a question the bot said the article does not treat
NOT_UNDERSTOOD = "not_understood"
OUT_OF_SCOPE_KIND = "out_of_scope"
DIALOGUE = "dialogue"  # greetings, thanks, yes/no, contact details, asking for a person
QUESTION_KINDS = (ANSWERED, NOT_COVERED_KIND, NOT_UNDERSTOOD, OUT_OF_SCOPE_KIND)
# Intents that move the conversation along rather than ask about the job (domain.yml).
DIALOGUE_INTENTS = frozenset({"greet", "goodbye", "thank", "affirm", "deny", "bot_challenge",
                              "cancel", "give_contact", "request_counsellor"})
# Above this many days, the trend is drawn per week (ISO weeks) instead of per day.
WEEKLY_ABOVE_DAYS = 31


def message_kind(message: Message, reasons: Tuple[str, ...]) -> str:
    if FALLBACK in reasons:
        return NOT_UNDERSTOOD
    if OUT_OF_SCOPE in reasons:
        return OUT_OF_SCOPE_KIND
    if NOT_COVERED in reasons:
        return NOT_COVERED_KIND
    if message.intent in DIALOGUE_INTENTS:
        return DIALOGUE
    return ANSWERED


@dataclass(frozen=True)
class Period:
    """The headline figures of one period, so two periods can be compared."""
    conversations: int
    messages: int
    questions: int  # messages that are not dialogue (QUESTION_KINDS)
    answered: int  # questions answered from the article
    handed_on: int  # conversations that became a live chat or a callback request
    handoffs: int
    callbacks: int
    while_closed: int  # messages that came while the counsellors were closed

    @property
    def answered_share(self) -> float:
        return self.answered / self.questions if self.questions else 0.0

    @property
    def handed_on_share(self) -> float:
        return self.handed_on / self.conversations if self.conversations else 0.0


@dataclass(frozen=True)
class Insight:
    days: int
    since: dt.datetime
    conversations: int
    messages: int
    fallbacks: int  # not understood (off-topic messages are counted apart)
    out_of_scope: int
    not_covered: int  # replies saying the article does not treat the subject
    feedback_up: int
    feedback_down: int
    median_wait_seconds: Optional[float]
    intents: Dict[str, int]  # the guessed intent of every message, as Rasa stored it
    topics: Dict[str, int]  # intent -> questions answered from the article
    dialogue: Dict[str, int]  # intent -> the other messages that were understood
    kinds: Dict[str, int]  # QUESTION_KINDS and DIALOGUE -> messages
    per_day: List[Dict]  # {date, conversations, messages}
    trend: List[Dict]  # {label, conversations, messages}, per day or per ISO week
    feedback_by_topic: Dict[str, Dict[str, int]]  # intent -> {up, down}
    demand_by_hour: List[Dict]  # {hour, messages, while_closed}
    current: Period
    previous: Period  # the period of the same length just before
    misunderstood: List[ReviewItem]

    @property
    def fallback_rate(self) -> float:
        return self.fallbacks / self.messages if self.messages else 0.0

    @property
    def handoffs(self) -> int:
        return self.current.handoffs

    @property
    def callbacks(self) -> int:
        return self.current.callbacks


def _review_item(message: Message, reasons: Tuple[str, ...]) -> ReviewItem:
    return ReviewItem(
        id=message.event_id, conversation_id=message.conversation_id, text=mask(message.text),
        time=message.time, predicted_intent=message.intent, confidence=message.confidence,
        reasons=reasons, comment=mask(message.comment) if message.comment else None,
    )


def compute(tracker_engine: Optional[Engine], session_factory: Callable, hours: OpeningHours, days: int,
            now: dt.datetime) -> Insight:
    since = now - dt.timedelta(days=days)
    before = since - dt.timedelta(days=days)
    every = messages(read_events(tracker_engine, before))
    earlier = [m for m in every if m.time < since]
    visitor_messages = [m for m in every if m.time >= since]
    tz = hours.timezone
    per_day: Dict[dt.date, Dict] = {}
    by_hour = {hour: {"hour": hour, "messages": 0, "while_closed": 0} for hour in range(24)}
    by_topic: Dict[str, Dict[str, int]] = {}
    review: List[ReviewItem] = []
    # Counted over every message of the period, so the figures agree with the (capped) list.
    reason_counts: Counter = Counter()
    kinds: Counter = Counter()
    topics: Counter = Counter()
    dialogue: Counter = Counter()
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
        kind = message_kind(message, reasons)
        kinds[kind] += 1
        if kind == ANSWERED:
            topics[message.intent or "?"] += 1
        elif kind == DIALOGUE:
            dialogue[message.intent or "?"] += 1
        if reasons:
            reason_counts.update(reasons)
            review.append(_review_item(message, reasons))
    with transaction(session_factory) as session:
        cases = session.execute(select(Case.created_at, Case.claimed_at, Case.conversation_id)
                                .where(Case.created_at >= before)).all()
        callbacks = session.execute(select(CallbackRequest.created_at, CallbackRequest.conversation_id)
                                    .where(CallbackRequest.created_at >= before)).all()
    cases_now = [case for case in cases if case.created_at >= since]
    waits = [(case.claimed_at - case.created_at).total_seconds() for case in cases_now if case.claimed_at]
    return Insight(
        days=days, since=since,
        conversations=len({m.conversation_id for m in visitor_messages}),
        messages=len(visitor_messages),
        fallbacks=reason_counts[FALLBACK], out_of_scope=reason_counts[OUT_OF_SCOPE],
        not_covered=reason_counts[NOT_COVERED],
        feedback_up=sum(1 for m in visitor_messages if m.rating == UP),
        feedback_down=sum(1 for m in visitor_messages if m.rating == DOWN),
        median_wait_seconds=statistics.median(waits) if waits else None,
        intents=dict(Counter(m.intent or "?" for m in visitor_messages).most_common()),
        topics=dict(topics.most_common()), dialogue=dict(dialogue.most_common()),
        kinds={kind: kinds[kind] for kind in QUESTION_KINDS + (DIALOGUE,)},
        per_day=[{"date": day.isoformat(), "conversations": len(v["conversations"]),
                  "messages": v["messages"]} for day, v in sorted(per_day.items())],
        trend=_trend(visitor_messages, tz, since, now, weekly=days > WEEKLY_ABOVE_DAYS),
        feedback_by_topic=dict(sorted(by_topic.items())),
        demand_by_hour=list(by_hour.values()),
        current=_period(visitor_messages, cases, callbacks, hours, since, now),
        previous=_period(earlier, cases, callbacks, hours, before, since),
        misunderstood=sorted(review, key=lambda item: item.time, reverse=True)[:MAX_REVIEW_ITEMS],
    )


def _period(period_messages: List[Message], cases, callbacks, hours: OpeningHours,
            start: dt.datetime, end: dt.datetime) -> Period:
    def within(when: dt.datetime) -> bool:
        return start <= when < end

    kinds = Counter(message_kind(m, review_reasons(m)) for m in period_messages)
    period_cases = [case for case in cases if within(case.created_at)]
    period_callbacks = [callback for callback in callbacks if within(callback.created_at)]
    handed_on = ({case.conversation_id for case in period_cases}
                 | {callback.conversation_id for callback in period_callbacks if callback.conversation_id})
    return Period(
        conversations=len({m.conversation_id for m in period_messages}),
        messages=len(period_messages),
        questions=sum(kinds[kind] for kind in QUESTION_KINDS),
        answered=kinds[ANSWERED],
        handed_on=len(handed_on),
        handoffs=len(period_cases), callbacks=len(period_callbacks),
        while_closed=sum(1 for m in period_messages if not hours.is_open(m.time)),
    )


def _trend(period_messages: List[Message], tz, since: dt.datetime, now: dt.datetime,
           weekly: bool) -> List[Dict]:
    """Conversations and messages per day (or ISO week) of the period, every day or week present,
    the quiet ones with 0, so the bars are a time line."""
    def bucket(when: dt.datetime):
        local = when.astimezone(tz).date()
        return local - dt.timedelta(days=local.weekday()) if weekly else local

    buckets: Dict[dt.date, Dict] = {}
    day, last = bucket(since), bucket(now)
    while day <= last:
        buckets[day] = {"conversations": set(), "messages": 0}
        day += dt.timedelta(days=7 if weekly else 1)
    for message in period_messages:
        entry = buckets.setdefault(bucket(message.time), {"conversations": set(), "messages": 0})
        entry["conversations"].add(message.conversation_id)
        entry["messages"] += 1
    return [{"label": (f"uge {day.isocalendar()[1]}" if weekly else f"{day.day}.{day.month}."),
             "start": day.isoformat(), "conversations": len(v["conversations"]),
             "messages": v["messages"]} for day, v in sorted(buckets.items())]
