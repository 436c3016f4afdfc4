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

The store also removes contact details after a callback (bot/privacy/rasa_records.py). The action that
stores or cancels a callback removes them from what Rasa has saved, but the turn it runs in (the
visitor's last answer, the slots it set, the bot's confirmation) is saved by Rasa only after the action:
a phone number typed as the preferred time stayed until the purge. Redacting right after Rasa's own save
of that turn is Rasa's one place that sees every saved turn, with no extra process (an event-broker
consumer) and no waiting for a next turn that may never come.
"""
from __future__ import annotations

import logging
from typing import Any, Callable, Optional

import rasa.core.agent
import sqlalchemy as sa
from rasa.core.tracker_store import FailSafeTrackerStore, SQLTrackerStore, TrackerStore, create_engine_kwargs
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.privacy.rasa_records import CONTACT_SLOT, REMOVING_ACTIONS, RasaRecords

log = logging.getLogger(__name__)


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

    async def save(self, tracker: DialogueStateTracker) -> None:
        await super().save(tracker)
        if not removal_due(tracker):
            return
        try:
            RasaRecords(self.engine).redact_answers(tracker.sender_id, CONTACT_SLOT)
        except Exception as exc:  # noqa: BLE001 - the turn is stored; the purge removes the rest
            # Only the error's type: database errors quote the statement's parameters.
            log.error("Contact details not removed from the conversation: %s", type(exc).__name__)


def removal_due(tracker: DialogueStateTracker) -> bool:
    """Whether the latest turn (the events since the visitor's last message) stored, refused or
    cancelled a callback. Saves without a new message (a counsellor's push) run it again: harmless,
    the redaction finds nothing new."""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, ActionExecuted) and event.action_name in REMOVING_ACTIONS:
            return True
    return False


rasa.core.agent.FailSafeTrackerStore = StrictFailSafeTrackerStore
