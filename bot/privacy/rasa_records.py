"""Rasa's conversation records (the `events` table of its SQL tracker store), for the retention rule.

Rasa has no API to forget part of a conversation, so the bot works on the table itself, the way
Rasa's `SQLTrackerStore` writes it: one row per event, the event as JSON in `data`. Two operations:

- `redact_answers(sender_id, slot)`: after a callback is stored, the visitor's answers to the
  contact question (the user messages and the slot values), and every phone number and e-mail
  address typed anywhere else in the conversation (at the offer, in any spelling), are
  overwritten in place. Rewriting keeps
  the number of rows, which is what Rasa counts to know which events of a session it already saved.
- `purge(cutoff)`: every event older than the retention period is deleted.

Both work on SQLite (Rasa's file in `make run`) and PostgreSQL (the cluster). On SQLite, deleted and
overwritten content is zeroed (`secure_delete`), so the old text is not left in the file's free pages.
"""
from __future__ import annotations

import datetime as dt
import json
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable, Iterator, List, Optional, Set

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, delete, select, update
from sqlalchemy.engine import URL, Connection, Engine, make_url

from bot.config import REPO_ROOT, Settings
from bot.db import make_engine, zero_freed_content
from bot.privacy.detect import contact_mentions
from bot.privacy.masking import mask
from bot.language.e5 import TEXT_VECTOR

# What the console and the widget show instead of the removed text (Danish: they read it).
REDACTED = "[kontaktoplysning fjernet]"

# The callback form's contact question, and the actions after which its answers (and every contact
# detail typed in the conversation) leave the record: storing, refusing or cancelling a callback.
CONTACT_SLOT = "callback_contact"
REMOVING_ACTIONS = ("action_submit_callback", "action_cancel_callback")

EVENTS = Table(
    "events", MetaData(),
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)

# Found values shorter than this are not searched for elsewhere in the conversation (they would
# match ordinary words); the answers themselves are always removed.
MIN_SEARCHED_LENGTH = 5
# Conversations asked about per query when searching what visitors wrote (an SQL IN list).
SEARCH_CHUNK = 500


def tracker_database_url(config: Settings) -> Optional[str]:
    """The tracker store's database: TRACKER_DATABASE_URL, else the SQL `tracker_store` of Rasa's
    endpoints file (RASA_ENDPOINTS, default endpoints.yml), else None (no SQL tracker store)."""
    if config.tracker_database_url:
        return config.tracker_database_url
    return _sql_store_url(config.rasa_endpoints().get("tracker_store") or {})


def _sql_store_url(store: dict) -> Optional[str]:
    """The URL Rasa's SQLTrackerStore builds from its endpoint keys."""
    kind = str(store.get("type") or "")
    if kind != "SQL" and not kind.endswith("SQLTrackerStore"):
        return None
    host = store.get("url") or store.get("host")
    if host and "://" in str(host):
        return str(host)
    dialect = store.get("dialect") or "sqlite"
    db = str(store.get("db") or "rasa.db")
    if dialect == "sqlite":
        path = Path(db)
        return f"sqlite:///{path if path.is_absolute() else REPO_ROOT / path}"
    return URL.create(dialect, username=store.get("username"), password=store.get("password"),
                      host=host, port=store.get("port"), database=db).render_as_string(
                          hide_password=False)


def tracker_engine(url: str) -> Optional[Engine]:
    """An engine for the tracker store, or None when it is a SQLite file Rasa has not created yet
    (connecting would create an empty one)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and not Path(parsed.database or "").is_file():
        return None
    return make_engine(url, enforce_foreign_keys=False)


class RasaRecords:
    def __init__(self, engine: Optional[Engine]):
        self._engine = engine

    @contextmanager
    def _transaction(self) -> Iterator[Optional[Connection]]:
        """A transaction that zeroes what it frees; None where Rasa has not created the store."""
        if self._engine is None:
            yield None
            return
        with self._engine.begin() as connection:
            if not connection.dialect.has_table(connection, EVENTS.name):
                yield None
                return
            zero_freed_content(connection)
            yield connection

    def purge(self, cutoff: dt.datetime) -> int:
        """Delete every event recorded before `cutoff`; returns how many conversations lost events."""
        with self._transaction() as connection:
            if connection is None:
                return 0
            old = EVENTS.c.timestamp < cutoff.timestamp()
            senders = connection.execute(select(EVENTS.c.sender_id).where(old).distinct()).all()
            connection.execute(delete(EVENTS).where(old))
            return len(senders)

    def senders_saying(self, words: str, senders: Iterable[str]) -> Set[str]:
        """Which of `senders` typed `words` (ignoring case) in a message. Messages are read with
        personal data masked (bot/privacy/masking.py), so a phone number or e-mail address is
        never found."""
        needle = words.strip().casefold()
        wanted = sorted(set(senders))
        if not needle or not wanted or self._engine is None:
            return set()
        found: Set[str] = set()
        with self._engine.connect() as connection:
            if not connection.dialect.has_table(connection, EVENTS.name):
                return found
            for start in range(0, len(wanted), SEARCH_CHUNK):
                rows = connection.execute(
                    select(EVENTS.c.sender_id, EVENTS.c.data).where(
                        EVENTS.c.type_name == "user",
                        EVENTS.c.sender_id.in_(wanted[start:start + SEARCH_CHUNK]))
                ).all()
                for sender, data in rows:
                    if sender in found:
                        continue
                    typed = str((_load(data) or {}).get("text") or "")
                    if needle in mask(typed).casefold():
                        found.add(sender)
        return found

    def redact_answers(self, sender_id: str, slot: str) -> int:
        """Overwrite the visitor's answers to `slot`'s question (user messages sent while Rasa's
        `requested_slot` was `slot`), the slot's values, and any other mention of those values in
        the conversation. Returns the number of rewritten events."""
        with self._transaction() as connection:
            if connection is None:
                return 0
            rows = connection.execute(
                select(EVENTS.c.id, EVENTS.c.type_name, EVENTS.c.data)
                .where(EVENTS.c.sender_id == sender_id).order_by(EVENTS.c.id)
            ).all()
            events = [(row.id, row.type_name, _load(row.data)) for row in rows]
            found = _redact_answers(events, slot)
            searched = sorted((v for v in found if len(v) >= MIN_SEARCHED_LENGTH), key=len, reverse=True)
            changed = 0
            for (event_id, kind, data), row in zip(events, rows):
                if data is None:
                    continue
                data = _replace_in(data, searched)
                if kind == "user" and json.dumps(data) != row.data:
                    # The message's meaning vector (bot/language/e5.py) was computed from the removed text.
                    (data.get("parse_data") or {}).pop(TEXT_VECTOR, None)
                text = json.dumps(data)
                if text != row.data:
                    connection.execute(update(EVENTS).where(EVENTS.c.id == event_id).values(data=text))
                    changed += 1
            return changed


def _load(text: Optional[str]) -> Optional[dict]:
    try:
        value = json.loads(text or "")
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _redact_answers(events: List[tuple], slot: str) -> Set[str]:
    """Blank the answers in place; return the texts removed, and every contact detail the visitor
    typed elsewhere in the conversation."""
    found: Set[str] = set()
    requested = None
    for _id, kind, data in events:
        if data is None:
            continue
        if kind == "slot" and data.get("name") == "requested_slot":
            requested = data.get("value")
        elif kind == "slot" and data.get("name") == slot and isinstance(data.get("value"), str):
            found.add(data["value"].strip())
            data["value"] = REDACTED
        elif kind == "user" and requested == slot:
            found.add(str(data.get("text") or "").strip())
            data["text"] = REDACTED
            parse = data.get("parse_data")
            if isinstance(parse, dict):
                parse["text"] = REDACTED
                parse["entities"] = []
        elif kind == "session_started":
            requested = None
    found.update(_typed_contacts(events))
    found.discard("")
    found.discard(REDACTED)
    return found


def _typed_contacts(events: List[tuple]) -> Set[str]:
    """Every phone number and e-mail address in the visitor's messages, as typed (at the offer, in
    an earlier question, with other spacing or capitals than the stored value)."""
    return {typed for _id, kind, data in events if kind == "user" and data is not None
            for typed, _normalised in contact_mentions(str(data.get("text") or ""))}


def _replace_in(value: Any, searched: Iterable[str]) -> Any:
    if isinstance(value, str):
        for text in searched:
            value = value.replace(text, REDACTED)
        return value
    if isinstance(value, dict):
        return {key: _replace_in(item, searched) for key, item in value.items()}
    if isinstance(value, list):
        return [_replace_in(item, searched) for item in value]
    return value
