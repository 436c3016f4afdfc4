"""Alembic environment: URL from bot.config (or bot.db.migrate), metadata from bot.db.Base."""
from logging.config import fileConfig

from alembic import context

from bot.config import settings
from bot.db import Base, make_engine

# Import every module that defines tables (all subclass bot.db.Base), so autogenerate sees them.
import bot.handoff.models  # noqa: F401,E402
import bot.insight.models  # noqa: F401,E402
import bot.knowledge.models  # noqa: F401,E402
import bot.privacy.access_log  # noqa: F401,E402

config = context.config
if config.config_file_name and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name)

target_metadata = Base.metadata


def _database_url() -> str:
    return config.attributes.get("database_url") or settings().database_url


def run_migrations_offline() -> None:
    url = _database_url()
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=url.startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    # Foreign keys stay off while migrating: SQLite batch mode recreates tables, and dropping a
    # parent table with enforcement on would cascade-delete its children.
    engine = make_engine(_database_url(), enforce_foreign_keys=False)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
