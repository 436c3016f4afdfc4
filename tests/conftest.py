"""Shared fixtures: a real, migrated SQLite database per test."""
from __future__ import annotations

import pytest

from bot.db import make_engine, make_session_factory, migrate


@pytest.fixture
def database_url(tmp_path):
    url = f"sqlite:///{tmp_path / 'knowledge.db'}"
    migrate(url)
    return url


@pytest.fixture
def session_factory(database_url):
    engine = make_engine(database_url)
    yield make_session_factory(engine)
    engine.dispose()
