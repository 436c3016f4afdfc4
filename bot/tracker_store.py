"""Rasa's SQL tracker store, made strict: a database failure fails the message instead of losing it.

Rasa 3.6 wraps every tracker store in `FailSafeTrackerStore` (`Agent._create_tracker_store`). When the
database fails, its `retrieve` answers "no tracker" (the conversation starts afresh) and its `save`
falls back to an in-memory store; the channel then answers as if all were well, and the message never
reaches the database. tests/cluster/test_faults.py saw exactly that: during a PostgreSQL restart
messages were answered with HTTP 200 and were missing from the tracker store afterwards.

Rasa has no setting for this. The wrapper does call its `on_tracker_store_error` hook before falling
back, and an exception raised there stops the fallback; Rasa never sets the hook. Importing this
module (Rasa imports it for `tracker_store: type: bot.tracker_store.StrictSQLTrackerStore`, before it
builds the agent) makes the wrapper's default hook raise `TrackerStoreUnavailable`. The message then
fails where it came in: HTTP 503 with a Danish error through nginx, no acknowledgement on socket.io (the
widget sends it again after reconnecting), and nothing is answered that is not stored.
"""
from __future__ import annotations

from typing import Any, Callable, Optional

import rasa.core.agent
import sqlalchemy as sa
from rasa.core.tracker_store import FailSafeTrackerStore, SQLTrackerStore, TrackerStore, create_engine_kwargs


class TrackerStoreUnavailable(RuntimeError):
    """The tracker store failed; the message is not answered, so it is not silently lost."""


def _fail(error: Exception) -> None:
    raise TrackerStoreUnavailable(f"the tracker store failed: {error}") from error


class StrictFailSafeTrackerStore(FailSafeTrackerStore):
    def __init__(self, tracker_store: TrackerStore,
                 on_tracker_store_error: Optional[Callable[[Exception], None]] = None,
                 fallback_tracker_store: Optional[TrackerStore] = None) -> None:
        super().__init__(tracker_store, on_tracker_store_error or _fail, fallback_tracker_store)


class StrictSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore whose pooled connections are tested before use (`pool_pre_ping`), so the first
    message after a database restart does not fail on a connection the restart closed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)


rasa.core.agent.FailSafeTrackerStore = StrictFailSafeTrackerStore
