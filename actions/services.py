"""The domain services the actions use, built once per action-server process."""
from __future__ import annotations

import logging
from functools import lru_cache

import yaml

from bot.config import settings
from bot.db import make_engine, make_session_factory
from bot.handoff.contact_details import ContactDetails
from bot.handoff.hours import OpeningHours
from bot.handoff.queue import HandoffQueue
from bot.handoff.sessions import ConsoleSessions
from bot.knowledge.store import KnowledgeStore


@lru_cache(maxsize=None)
def _session_factory():
    return make_session_factory(make_engine(settings().database_url))


def knowledge() -> KnowledgeStore:
    return KnowledgeStore(_session_factory())


def handoff_queue() -> HandoffQueue:
    return HandoffQueue(_session_factory())


def console_sessions() -> ConsoleSessions:
    return ConsoleSessions(_session_factory())


logger = logging.getLogger(__name__)
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


def job_slug() -> str:
    return settings().job_slug


def reset() -> None:
    """Forget the cached database connection (tests switch databases)."""
    _session_factory.cache_clear()
