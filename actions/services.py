"""The domain services the actions use, built once per action-server process."""
from __future__ import annotations

from functools import lru_cache
from typing import Optional

from sqlalchemy.engine import Engine

from bot.config import settings
from bot.db import make_engine, make_session_factory
from bot.handoff.hours import OpeningHours
from bot.handoff.queue import HandoffQueue
from bot.knowledge.store import KnowledgeStore
from bot.tracker_records import TrackerRecords, tracker_database_url, tracker_engine


@lru_cache(maxsize=None)
def _session_factory():
    return make_session_factory(make_engine(settings().database_url))


def knowledge() -> KnowledgeStore:
    return KnowledgeStore(_session_factory())


def handoff_queue() -> HandoffQueue:
    return HandoffQueue(_session_factory())


def opening_hours() -> OpeningHours:
    # Read on every request: a changed schedule (a new holiday) applies without a restart.
    return OpeningHours.from_file(settings().opening_hours_path)


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


def tracker_records() -> TrackerRecords:
    """Rasa's stored conversations (its tracker store), to remove contact details from them."""
    return TrackerRecords(_tracker_engine())


def job_slug() -> str:
    return settings().job_slug


def reset() -> None:
    """Forget the cached database connections (tests switch databases)."""
    _session_factory.cache_clear()
    for engine in _tracker_engines.values():
        engine.dispose()
    _tracker_engines.clear()
