"""Engine, session factory, declarative base and schema migration (Alembic)."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, declarative_base, sessionmaker
from sqlalchemy.pool import QueuePool

from bot.config import REPO_ROOT

# Named constraints: Alembic's SQLite batch mode can only alter constraints that have names.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Every model of the project subclasses this Base, so one Alembic history covers all tables.
Base = declarative_base(metadata=MetaData(naming_convention=NAMING_CONVENTION))


def _enable_sqlite_foreign_keys(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _ensure_sqlite_folder(url: str) -> None:
    parsed = make_url(url)
    database = parsed.database
    if parsed.get_backend_name() == "sqlite" and database and database != ":memory:" \
            and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def _pool_options(url: str) -> dict:
    """Keep SQLite file connections open between sessions, as SQLAlchemy 2.0 does by default.

    1.4 opens a new connection (and runs the foreign-keys pragma) for every session of a file
    database; a topic answer uses several sessions, and pooling takes about a third off its store
    time (`make bench`, docs/benchmarks.md). Sessions may run in other threads than the one that
    opened the connection, never two at once: that is what check_same_thread guards against."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        return {"poolclass": QueuePool, "connect_args": {"check_same_thread": False}}
    if parsed.get_backend_name() == "sqlite":
        return {}
    # A server database (PostgreSQL) may restart under us: test each pooled connection before use,
    # so the first request after a restart does not fail on a dead connection.
    return {"pool_pre_ping": True}


def make_engine(url: str, *, enforce_foreign_keys: bool = True, **options: Any) -> Engine:
    """The one way the project builds an engine (the bot's database, Rasa's tracker store, a
    PostgreSQL server's admin database); `options` go to SQLAlchemy (isolation_level)."""
    _ensure_sqlite_folder(url)
    engine = create_engine(url, future=True, **{**_pool_options(url), **options})
    if engine.dialect.name == "sqlite" and enforce_foreign_keys:
        event.listen(engine, "connect", _enable_sqlite_foreign_keys)
    return engine


def make_session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(bind=engine, future=True, expire_on_commit=False)


@contextmanager
def transaction(session_factory: Callable[[], Session]) -> Iterator[Session]:
    """A session inside one transaction: committed when the block ends, rolled back when it
    raises, closed either way."""
    with session_factory() as session, session.begin():
        yield session


def alembic_config(url: str) -> Config:
    """Alembic config from the repo's alembic.ini, usable from any working directory."""
    config = Config(str(REPO_ROOT / "alembic.ini"))
    config.attributes["database_url"] = url
    # Keep programmatic runs quiet; the alembic CLI still configures logging from alembic.ini.
    config.attributes["configure_logger"] = False
    return config


def migrate(url: str) -> None:
    """Bring the database schema to the latest revision (`alembic upgrade head`)."""
    command.upgrade(alembic_config(url), "head")


def zero_freed_content(connection) -> None:
    """On SQLite, overwrite deleted and replaced rows with zeros for the rest of this connection's
    life, so personal data that is deleted does not linger in the file's free pages."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA secure_delete = ON")
