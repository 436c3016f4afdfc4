"""A visitor's rights: find, export and delete everything kept about one person.

A request names the person by a session id (the conversation's id), a phone number or an e-mail
address. Each place that keeps a visitor's data is a `Holder`; privacy sits below hand-off and
insight, so their holders are handed in (bot/data_requests.py), and only Rasa's tracker store is
known here. Every search, export and deletion is written to the access log.

Messages returned to the caller are Danish: a counsellor reads them in the console.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Protocol, Sequence, Set

from sqlalchemy import delete, select
from sqlalchemy.engine import Engine

from bot.db import zero_freed_content
from bot.privacy.access_log import DELETE, EXPORT, SEARCH, AccessLog
from bot.privacy.detect import EMAIL, PHONE, mentions
from bot.privacy.rasa_records import EVENTS

SESSION = "session"
# Rasa's sender ids: the widget's session ids and REST senders; no spaces, no markup.
_SESSION_ID = re.compile(r"[A-Za-z0-9_.:@-]{1,255}")


class RequestError(ValueError):
    """Input that names no one; the message is Danish, for the counsellor."""


@dataclass(frozen=True)
class Subject:
    kind: str  # session | phone | email
    value: str  # the session id, or the normalised contact detail

    def matches(self, contact: Optional[str]) -> bool:
        """Is this normalised contact detail the subject's? Mail servers treat an address's local
        part alike in any case, and so does a visitor typing it."""
        if contact is None:
            return False
        return contact.casefold() == self.value.casefold() if self.kind == EMAIL else contact == self.value

    def describe(self) -> str:
        return {SESSION: "samtale-id", PHONE: "telefonnummer", EMAIL: "e-mail"}[self.kind] + f" {self.value}"


def parse_subject(text: Any) -> Subject:
    """A phone number or e-mail address (in any spelling detect.py knows), else a session id."""
    if not isinstance(text, str) or not text.strip():
        raise RequestError("Skriv et samtale-id, et telefonnummer eller en e-mailadresse.")
    text = text.strip()
    if len(text) > 255:
        raise RequestError("Det er for langt til at være et samtale-id, et telefonnummer eller en e-mailadresse.")
    found = mentions(text)
    if len(found) == 1 and found[0].contact and found[0].typed.strip() == text:
        return Subject(found[0].kind, found[0].contact)
    if found and any(m.kind in (PHONE, EMAIL) for m in found) and not _SESSION_ID.fullmatch(text):
        raise RequestError("Det ligner et telefonnummer eller en e-mailadresse, men jeg kan ikke læse det. "
                           "Skriv det igen, fx 20 30 40 50 eller navn@eksempel.dk.")
    if not _SESSION_ID.fullmatch(text):
        raise RequestError("Det er hverken et samtale-id, et telefonnummer eller en e-mailadresse.")
    return Subject(SESSION, text)


def mentions_contact(text: str, subject: Subject) -> bool:
    """Does a visitor's message contain the subject's phone number or e-mail address?"""
    return any(m.kind == subject.kind and subject.matches(m.contact) for m in mentions(text or ""))


class Holder(Protocol):
    """One place that keeps a visitor's data."""

    name: str  # Danish, shown to the counsellor ("Samtaler i Rasa")

    def find(self, subject: Subject) -> Set[str]:
        """The conversation ids in this place that belong to the subject."""

    def export(self, subject: Subject, conversations: Set[str]) -> List[Dict[str, Any]]:
        """Every record of the subject or the conversations, as plain JSON values."""

    def delete(self, subject: Subject, conversations: Set[str]) -> int:
        """Delete those records; returns how many went."""


class RasaConversations:
    """Rasa's tracker store: every event of the conversations, ratings included (they are events)."""

    name = "Samtaler i Rasa"

    def __init__(self, engine: Optional[Engine]):
        self._engine = engine

    def _usable(self) -> bool:
        if self._engine is None:
            raise LookupError("Rasas samtaler kunne ikke findes (ingen SQL tracker store sat op).")
        with self._engine.connect() as connection:
            return connection.dialect.has_table(connection, EVENTS.name)

    def find(self, subject: Subject) -> Set[str]:
        if not self._usable():
            return set()
        with self._engine.connect() as connection:
            if subject.kind == SESSION:
                found = connection.execute(select(EVENTS.c.sender_id)
                                           .where(EVENTS.c.sender_id == subject.value).limit(1)).scalars()
                return set(found)
            rows = connection.execute(select(EVENTS.c.sender_id, EVENTS.c.data)
                                      .where(EVENTS.c.type_name.in_(("user", "slot")))).all()
        senders = set()
        for sender, data in rows:
            value = _load(data)
            said = value.get("text") if value.get("event") == "user" else value.get("value")
            if isinstance(said, str) and mentions_contact(said, subject):
                senders.add(sender)
        return senders

    def export(self, subject: Subject, conversations: Set[str]) -> List[Dict[str, Any]]:
        if not conversations or not self._usable():
            return []
        with self._engine.connect() as connection:
            rows = connection.execute(select(EVENTS.c.sender_id, EVENTS.c.type_name, EVENTS.c.timestamp,
                                             EVENTS.c.data)
                                      .where(EVENTS.c.sender_id.in_(sorted(conversations)))
                                      .order_by(EVENTS.c.sender_id, EVENTS.c.id)).all()
        return [_readable_event(row) for row in rows]

    def delete(self, subject: Subject, conversations: Set[str]) -> int:
        if not conversations or not self._usable():
            return 0
        with self._engine.begin() as connection:
            zero_freed_content(connection)
            result = connection.execute(delete(EVENTS).where(EVENTS.c.sender_id.in_(sorted(conversations))))
            return result.rowcount or 0


def _load(text: Optional[str]) -> Dict[str, Any]:
    try:
        value = json.loads(text or "")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _readable_event(row) -> Dict[str, Any]:
    """What a person can read of one event: who said what, when; the classifier's numbers left out."""
    data = _load(row.data)
    when = dt.datetime.fromtimestamp(row.timestamp or 0, dt.timezone.utc).isoformat(timespec="seconds")
    item: Dict[str, Any] = {"samtale": row.sender_id, "tid": when, "type": row.type_name}
    if row.type_name in ("user", "bot"):
        item["tekst"] = data.get("text")
    elif row.type_name == "slot":
        item["felt"], item["værdi"] = data.get("name"), data.get("value")
    elif data.get("name"):
        item["navn"] = data.get("name")
    return item


@dataclass
class Found:
    subject: Subject
    conversations: Set[str]
    failures: List[str] = field(default_factory=list)


@dataclass
class Deleted:
    subject: Subject
    conversations: Set[str]
    counts: Dict[str, int]
    failures: List[str]

    @property
    def complete(self) -> bool:
        return not self.failures


class DataRequests:
    def __init__(self, holders: Sequence[Holder], log: AccessLog):
        self._holders = list(holders)
        self._log = log

    def _find(self, subject: Subject) -> Found:
        found = Found(subject, set())
        for holder in self._holders:
            try:
                found.conversations |= holder.find(subject)
            except Exception as exc:  # one unreachable store must not hide the others
                found.failures.append(_failure(holder, "søges i", exc))
        return found

    def find(self, text: Any, actor: str) -> Found:
        subject = parse_subject(text)
        found = self._find(subject)
        self._log.record(actor, SEARCH, f"{subject.kind}:{subject.value}",
                         f"{len(found.conversations)} samtale(r)")
        return found

    def export(self, text: Any, actor: str) -> Dict[str, Any]:
        """Everything kept about the subject, as one JSON object a person can read."""
        found = self.find(text, actor)
        result: Dict[str, Any] = {
            "forespørgsel": found.subject.describe(),
            "udtrukket": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "samtaler": sorted(found.conversations),
        }
        failures = list(found.failures)
        for holder in self._holders:
            try:
                result[holder.name] = holder.export(found.subject, found.conversations)
            except Exception as exc:
                failures.append(_failure(holder, "læses fra", exc))
        result["fejl"] = failures
        self._log.record(actor, EXPORT, f"{found.subject.kind}:{found.subject.value}",
                         f"{len(found.conversations)} samtale(r)")
        return result

    def delete(self, text: Any, actor: str) -> Deleted:
        """Delete the subject's data everywhere; what could not be deleted is reported, not hidden."""
        found = self.find(text, actor)
        deleted = Deleted(found.subject, found.conversations, {}, list(found.failures))
        for holder in self._holders:
            try:
                deleted.counts[holder.name] = holder.delete(found.subject, found.conversations)
            except Exception as exc:
                deleted.failures.append(_failure(holder, "slettes fra", exc))
        summary = ", ".join(f"{name}: {count}" for name, count in deleted.counts.items())
        if deleted.failures:
            summary += "; fejl: " + " ".join(deleted.failures)
        self._log.record(actor, DELETE, f"{found.subject.kind}:{found.subject.value}", summary)
        return deleted


def _failure(holder: Holder, verb: str, exc: Exception) -> str:
    reason = str(exc) if isinstance(exc, LookupError) else type(exc).__name__
    return f"{holder.name} kunne ikke {verb}: {reason}"
