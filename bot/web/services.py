"""What the web app's handlers use, built once by `build_services` and handed to each group of
handlers: the queue, the accounts, Rasa, the stores, and the process's own short-lived state.

`off_loop` is the one way a handler runs blocking work (the database, Rasa's HTTP API, argon2):
in a worker thread, so a slow Rasa or database never blocks the event loop.
"""
from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional, TypeVar

import jinja2
from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from bot.config import Settings
from bot.db import make_engine, make_session_factory
from bot.handoff.canned import CannedReplies
from bot.handoff.counsellors import Counsellors
from bot.handoff.models import utcnow
from bot.handoff.queue import HandoffQueue
from bot.handoff.rasa_api import RasaClient
from bot.handoff.console_logins import ConsoleSessions
from bot.handoff.visitor_presence import VisitorPresence
from bot.handoff.waits import QueueWaits
from bot.insight.ratings import AnswerRatings
from bot.insight.review import ReviewLabels
from bot.knowledge.store import KnowledgeStore
from bot.privacy.access_log import AccessLog
from bot.web import texts
from bot.web.auth import CSRF_FIELD
from bot.web.last_questions import LastQuestions

from bot.web.login_limit import LoginLimit
from bot.ratelimit import SharedLimits
from bot.web.state import Changes, TypingMarks

HERE = Path(__file__).resolve().parent
MAX_MESSAGE = 2000
MAX_NOTE = 2000

T = TypeVar("T")


async def off_loop(work: Callable[..., T], *args: Any) -> T:
    """Blocking work in a worker thread, off the event loop."""
    return await asyncio.to_thread(work, *args)


@dataclass(frozen=True)
class Services:
    settings: Settings
    session_factory: Callable[[], Session]
    clock: Callable[[], dt.datetime]
    rasa: RasaClient
    queue: HandoffQueue
    waits: QueueWaits
    presence: VisitorPresence
    counsellors: Counsellors
    sessions: ConsoleSessions
    canned_replies: CannedReplies
    review_labels: ReviewLabels
    access_log: AccessLog
    answer_ratings: AnswerRatings
    store: KnowledgeStore
    templates: jinja2.Environment
    # The rate limits every web replica shares (Redis with REDIS_URL), the login's among them (its
    # growing delay per name is this process's); this process's short-lived state: cached last
    # questions, the wake-up of the console's event streams, typing marks.
    login_limit: LoginLimit
    limits: SharedLimits
    last_questions: LastQuestions
    changes: Changes
    typing: TypingMarks


def templates(assistant_name: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(HERE / "templates")),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
    )
    env.filters["local_time"] = texts.local_time
    env.filters["waiting_text"] = texts.waiting_text
    env.filters["minutes_text"] = texts.minutes_text
    env.filters["topic_names"] = texts.topic_names
    env.globals.update(
        status_names=texts.STATUS_NAMES, who_names=texts.who_names(assistant_name),
        contact_kind_names=texts.CONTACT_KIND_NAMES, no_topics=texts.NO_TOPICS,
        claim_label=texts.claim_label, read_label=texts.read_label, line_text=texts.line_text,
        case_label=texts.case_label, claimed_text=texts.claimed_text,
        transcript_unavailable=texts.TRANSCRIPT_UNAVAILABLE,
        csrf_field=CSRF_FIELD, max_message=MAX_MESSAGE, max_note=MAX_NOTE,
    )
    return env


def build_services(settings: Settings, rasa_client: Optional[RasaClient] = None,
                   session_factory: Optional[Callable[[], Session]] = None,
                   clock: Callable[[], dt.datetime] = utcnow,
                   password_hasher: Optional[PasswordHasher] = None) -> Services:
    """Tests may pass their own RasaClient, session factory, clock and a cheaper argon2 hasher."""
    if session_factory is None:
        session_factory = make_session_factory(make_engine(settings.database_url))
    rasa = rasa_client or RasaClient(settings.rasa_url, settings.rasa_token)
    limits = SharedLimits(settings.redis_url)
    return Services(
        settings=settings, session_factory=session_factory, clock=clock, rasa=rasa,
        queue=HandoffQueue(session_factory, clock),
        waits=QueueWaits(session_factory, clock),
        presence=VisitorPresence(session_factory, clock),
        counsellors=Counsellors(session_factory, password_hasher),
        sessions=ConsoleSessions(session_factory, clock),
        canned_replies=CannedReplies(session_factory),
        review_labels=ReviewLabels(session_factory, clock),
        access_log=AccessLog(session_factory, clock),
        answer_ratings=AnswerRatings(session_factory, clock),
        store=KnowledgeStore(session_factory),
        templates=templates(settings.assistant_name),
        login_limit=LoginLimit(limits),
        limits=limits,
        last_questions=LastQuestions(rasa.last_question),
        changes=Changes(),
        typing=TypingMarks(),
    )
