"""Shared fixtures: a real, migrated database per test, on SQLite and on PostgreSQL."""
from __future__ import annotations

import os
import uuid

import pytest

from bot.db import make_engine, make_session_factory, migrate
from bot.launch.services import PostgresServer, create_database, drop_database, postgres_bindir
from tests.services import POSTGRES_URL_VARIABLE


@pytest.fixture(scope="session")
def postgres_server():
    """(admin URL, migrated template database) on the server named by EVEJLEDER_TEST_POSTGRES_URL
    (CI sets it: an unreachable server fails the run), else on a private server of this session."""
    admin_url = os.environ.get(POSTGRES_URL_VARIABLE)
    private = None
    if not admin_url:
        if postgres_bindir() is None:
            pytest.skip(f"PostgreSQL is not installed (apt-get install postgresql) and "
                        f"{POSTGRES_URL_VARIABLE} is not set: the PostgreSQL variant is skipped here; "
                        f"CI runs it")
        private = PostgresServer()
        private.start()
        admin_url = private.admin_url
    # Migrate once into a template; every test then gets a fresh copy (CREATE DATABASE ... TEMPLATE).
    template = f"evejleder_template_{uuid.uuid4().hex[:8]}"
    migrate(create_database(admin_url, template))
    try:
        yield admin_url, template
    finally:
        drop_database(admin_url, template)
        if private:
            private.destroy()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'knowledge.db'}"
        migrate(url)
        yield url
        return
    admin_url, template = request.getfixturevalue("postgres_server")
    name = f"t_{uuid.uuid4().hex[:12]}"
    url = create_database(admin_url, name, template)
    yield url
    drop_database(admin_url, name)


@pytest.fixture
def session_factory(database_url):
    engine = make_engine(database_url)
    yield make_session_factory(engine)
    engine.dispose()
