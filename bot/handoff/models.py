"""Tables of the hand-off service: counsellors, console sessions, cases, case events,
callback requests. Created by migrations/versions/0002_handoff.py and later migrations."""
from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    false,
)
from sqlalchemy.orm import relationship

from bot.db import Base

# Case statuses. A case is "open" while waiting or active.
WAITING = "waiting"
ACTIVE = "active"
CLOSED = "closed"
CANCELLED = "cancelled"
OPEN_STATUSES = (WAITING, ACTIVE)
FINISHED_STATUSES = (CLOSED, CANCELLED)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class UTCDateTime(TypeDecorator):
    """Stores naive UTC (SQLite keeps no offset) and always returns aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=dt.timezone.utc)


class JSONList(TypeDecorator):
    """A list of strings stored as JSON text (portable across SQLite and PostgreSQL)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return json.dumps(list(value or []), ensure_ascii=False)

    def process_result_value(self, value, dialect):
        return json.loads(value) if value else []


class Counsellor(Base):
    __tablename__ = "handoff_counsellors"

    id = Column(Integer, primary_key=True)
    name = Column(String(100), nullable=False, unique=True)  # the login name
    # What visitors see ("Mette"); without one they see the login name.
    display_name = Column(String(100), nullable=True)
    password_hash = Column(String(255), nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    # A paused counsellor keeps her console but is not offered to visitors.
    paused = Column(Boolean, nullable=False, default=False, server_default=false())


class ConsoleSession(Base):
    """A signed-in counsellor. Only a SHA-256 of the cookie token is stored."""

    __tablename__ = "handoff_console_sessions"

    id = Column(Integer, primary_key=True)
    token_hash = Column(String(64), nullable=False, unique=True)
    csrf_token = Column(String(64), nullable=False)
    counsellor_id = Column(
        Integer, ForeignKey("handoff_counsellors.id", ondelete="CASCADE"), nullable=False, index=True
    )
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    last_seen_at = Column(UTCDateTime, nullable=False, default=utcnow, index=True)

    counsellor = relationship(Counsellor)


class Case(Base):
    """One visitor's request for a human, from waiting to closed."""

    __tablename__ = "handoff_cases"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(255), nullable=False, index=True)
    status = Column(String(20), nullable=False, default=WAITING, index=True)
    topics = Column(JSONList, nullable=False, default=list)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    claimed_by = Column(String(100), nullable=True)
    claimed_at = Column(UTCDateTime, nullable=True)
    closed_at = Column(UTCDateTime, nullable=True)
    # A keyed hash of the visitor's network address (bot/chat/address.py), never the address:
    # enough to cap the waiting cases per address. None for loopback and REST visitors.
    visitor_address = Column(String(64), nullable=True, index=True)

    events = relationship(
        "CaseEvent",
        back_populates="case",
        cascade="all, delete-orphan",
        order_by="CaseEvent.id",
    )

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


# At most one open case per conversation, enforced by the database itself.
Index(
    "uq_handoff_cases_open_conversation",
    Case.conversation_id,
    unique=True,
    sqlite_where=Case.status.in_(OPEN_STATUSES),
    postgresql_where=Case.status.in_(OPEN_STATUSES),
)


class CaseEvent(Base):
    """What happened to a case besides the chat itself: claimed, a counsellor's
    message (for the record), a closing note, cancelled."""

    __tablename__ = "handoff_case_events"

    id = Column(Integer, primary_key=True)
    case_id = Column(
        Integer, ForeignKey("handoff_cases.id", ondelete="CASCADE"), nullable=False, index=True
    )
    # claimed | message | note | closed | cancelled | transferred (text: the colleague's name)
    # | left | away | back | callback_offered
    kind = Column(String(20), nullable=False)
    sender = Column(String(100), nullable=True)
    text = Column(Text, nullable=True)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)

    case = relationship(Case, back_populates="events")


class CallbackRequest(Base):
    """A visitor's request to be contacted outside opening hours. Only stored with consent."""

    __tablename__ = "handoff_callback_requests"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(255), nullable=True)
    contact = Column(String(255), nullable=False)
    kind = Column(String(10), nullable=False)  # phone | email
    question = Column(Text, nullable=False)
    preferred_time = Column(String(255), nullable=True)
    consent = Column(Boolean, nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow, index=True)
    done_at = Column(UTCDateTime, nullable=True)
    done_by = Column(String(100), nullable=True)


class CannedReply(Base):
    """A prepared answer the counsellors share, with placeholders such as {navn} and {job}.
    Created by migrations/versions/0006_canned_replies.py."""

    __tablename__ = "handoff_canned_replies"

    id = Column(Integer, primary_key=True)
    title = Column(String(80), nullable=False)
    text = Column(Text, nullable=False)
    updated_by = Column(String(100), nullable=False)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow)
