"""Read-only access to Rasa's SQL tracker store: the conversations themselves are the source of
every figure, so no action writes analytics of its own.

Rasa (`rasa.core.tracker_store.SQLTrackerStore`) keeps one row per event in a table named
`events` (bot/privacy/rasa_records.py): sender_id, type_name, timestamp (UNIX seconds) and the whole
event as JSON in `data`. Where the tracker store is: `bot.privacy.rasa_records.tracker_database_url`.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Dict, Iterator, Optional

from sqlalchemy import inspect, select
from sqlalchemy.engine import Engine

from bot.privacy.rasa_records import EVENTS


@dataclass(frozen=True)
class RasaEvent:
    id: int
    conversation_id: str
    kind: str  # user | bot | action | slot | session_started | pause | resume | ...
    time: dt.datetime  # aware UTC
    data: Dict[str, Any]


def read_events(engine: Optional[Engine], since: Optional[dt.datetime] = None) -> Iterator[RasaEvent]:
    """Every event since `since`, conversation by conversation, in the order Rasa stored them.
    A tracker store Rasa has not created yet (engine None, or no table) has no events."""
    if engine is None or not inspect(engine).has_table(EVENTS.name):
        return
    query = select(EVENTS.c.id, EVENTS.c.sender_id, EVENTS.c.type_name, EVENTS.c.timestamp,
                   EVENTS.c.data).order_by(EVENTS.c.sender_id, EVENTS.c.id)
    if since is not None:
        query = query.where(EVENTS.c.timestamp >= since.timestamp())
    with engine.connect() as connection:
        for row in connection.execute(query):
            try:
                data = json.loads(row.data or "{}")
            except ValueError:
                data = {}
            yield RasaEvent(
                id=row.id, conversation_id=row.sender_id, kind=row.type_name,
                time=dt.datetime.fromtimestamp(row.timestamp or 0, tz=dt.timezone.utc),
                data=data if isinstance(data, dict) else {},
            )
