"""The domain services the actions use, built once per action-server process."""
from __future__ import annotations

from functools import lru_cache

from bot.config import settings
from bot.db import make_engine, make_session_factory
from bot.knowledge.store import KnowledgeStore


@lru_cache(maxsize=None)
def knowledge() -> KnowledgeStore:
    return KnowledgeStore(make_session_factory(make_engine(settings().database_url)))


def job_slug() -> str:
    return settings().job_slug
