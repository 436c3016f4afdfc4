"""The domain services the actions use, built once per action-server process."""
from __future__ import annotations

import logging
from functools import lru_cache
from typing import Optional

import yaml
from sqlalchemy.engine import Engine

from bot.config import REPO_ROOT, settings
from bot.danish import enumerate_da
from bot.db import make_engine, make_session_factory
from bot.handoff.contact_details import ContactDetails
from bot.handoff.hours import OpeningHours
from bot.handoff.queue import HandoffQueue
from bot.handoff.console_logins import ConsoleSessions
from bot.handoff.visitor_presence import VisitorPresence
from bot.handoff.waits import QueueWaits
from bot.knowledge.answering import Answerer
from bot.knowledge.store import KnowledgeStore
from bot.language.lemmas import LemmaTable
from bot.privacy.rasa_records import RasaRecords, tracker_database_url, tracker_engine

logger = logging.getLogger(__name__)
SPACY_PIPELINE = REPO_ROOT / "var" / "spacy_da"


@lru_cache(maxsize=None)
def _session_factory():
    return make_session_factory(make_engine(settings().database_url))


@lru_cache(maxsize=None)
def knowledge() -> KnowledgeStore:
    """One store per process: it keeps the article it read until the article is re-ingested."""
    return KnowledgeStore(_session_factory())


@lru_cache(maxsize=1)
def _lemmas() -> LemmaTable:
    try:
        return LemmaTable.from_pipeline(SPACY_PIPELINE)
    except OSError:
        logger.warning("no Danish spaCy pipeline in %s (make spacy): passages are ranked without lemmas",
                       SPACY_PIPELINE)
        return LemmaTable({})


@lru_cache(maxsize=4)
def _answerer(slug: str, version: str, database_url: str) -> Answerer:
    return Answerer.for_article(knowledge().article(slug), _lemmas())


def answerer(slug: str) -> Answerer:
    """The passage index of the ingested article, built once per process and article version."""
    return _answerer(slug, knowledge().version(slug), settings().database_url)


def handoff_queue() -> HandoffQueue:
    return HandoffQueue(_session_factory())


def visitor_presence() -> VisitorPresence:
    return VisitorPresence(_session_factory())


def queue_waits() -> QueueWaits:
    return QueueWaits(_session_factory())


def console_sessions() -> ConsoleSessions:
    return ConsoleSessions(_session_factory())


# What a missing or broken configuration file gives: always closed, channels without details.
UNREADABLE = (OSError, ValueError, KeyError, yaml.YAMLError)


def opening_hours() -> OpeningHours:
    # Read on every request: a changed schedule (a new holiday) applies without a restart.
    try:
        return OpeningHours.from_file(settings().opening_hours_path)
    except UNREADABLE as error:
        logger.error("Opening hours unreadable, the eVejledning counts as closed: %s", error)
        return OpeningHours.from_dict({})


def contact_details() -> ContactDetails:
    try:
        return ContactDetails.from_file(settings().opening_hours_path)
    except UNREADABLE as error:
        logger.error("Contact details unreadable, channels are named without them: %s", error)
        return ContactDetails()


def contact_channels(store: Optional[KnowledgeStore] = None, slug: Optional[str] = None,
                     chat: bool = True) -> str:
    """The article's channels with the configured number, address and link: 'telefon (70 20 30 40), ...'.
    chat=False leaves the chat out, for a visitor just told that no eVejleder is free in it."""
    store, slug = store or knowledge(), slug or job_slug()
    channels = [c for c in store.contact_channels(slug) if chat or c.lower() != "chat"]
    return enumerate_da(contact_details().labels(channels), "eller")


_tracker_engines: dict = {}


def _tracker_engine() -> Optional[Engine]:
    # Not cached while the store does not exist yet: Rasa creates its SQLite file on first use.
    url = tracker_database_url(settings())
    if url and url not in _tracker_engines:
        engine = tracker_engine(url)
        if engine is None:
            return None
        _tracker_engines[url] = engine
    return _tracker_engines.get(url) if url else None


def rasa_records() -> RasaRecords:
    """Rasa's stored conversations (its tracker store), to remove contact details from them."""
    return RasaRecords(_tracker_engine())


def job_slug() -> str:
    return settings().job_slug


def reset() -> None:
    """Forget the cached database connections (tests switch databases)."""
    _session_factory.cache_clear()
    knowledge.cache_clear()
    _answerer.cache_clear()
    for engine in _tracker_engines.values():
        engine.dispose()
    _tracker_engines.clear()
