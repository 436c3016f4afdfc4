"""The access log: who looked at, exported or deleted a visitor's data, and when.

Every view of a case, every search, export and deletion of a data request writes one row. The log
keeps no conversation text, only what was asked for (a session id or a normalised contact detail),
and has its own retention (ACCESS_LOG_RETENTION_DAYS), applied by `python -m bot purge`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable, List, Optional

from sqlalchemy import Column, DateTime, Integer, String, Text, delete, select

from bot.db import Base, transaction

VIEW, SEARCH, EXPORT, DELETE = "view", "search", "export", "delete"


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _naive(moment: dt.datetime) -> dt.datetime:
    # Stored as naive UTC: SQLite keeps no offset, and both databases then compare alike.
    return moment.astimezone(dt.timezone.utc).replace(tzinfo=None)


class AccessLogEntry(Base):
    __tablename__ = "privacy_access_log"

    id = Column(Integer, primary_key=True)
    at = Column(DateTime, nullable=False, index=True)  # naive UTC
    actor = Column(String(100), nullable=False)  # a counsellor's login name, or "cli:<user>"
    action = Column(String(20), nullable=False)  # view | search | export | delete
    subject = Column(String(255), nullable=False)  # a case, a session id or a contact detail
    detail = Column(Text, nullable=True)


@dataclass(frozen=True)
class AccessRecord:
    at: dt.datetime
    actor: str
    action: str
    subject: str
    detail: Optional[str]


class AccessLog:
    def __init__(self, session_factory: Callable, clock: Callable[[], dt.datetime] = _utcnow):
        self._session_factory = session_factory
        self._clock = clock

    def record(self, actor: str, action: str, subject: str, detail: Optional[str] = None) -> None:
        with transaction(self._session_factory) as session:
            session.add(AccessLogEntry(at=_naive(self._clock()), actor=actor[:100], action=action,
                                       subject=subject[:255], detail=detail))

    def recent(self, limit: int = 200) -> List[AccessRecord]:
        """The newest rows first."""
        with transaction(self._session_factory) as session:
            rows = session.execute(select(AccessLogEntry)
                                   .order_by(AccessLogEntry.at.desc(), AccessLogEntry.id.desc())
                                   .limit(limit)).scalars().all()
            return [AccessRecord(row.at.replace(tzinfo=dt.timezone.utc), row.actor, row.action,
                                 row.subject, row.detail) for row in rows]

    def purge(self, older_than: dt.timedelta) -> int:
        """Delete the rows older than the log's own retention period."""
        with transaction(self._session_factory) as session:
            result = session.execute(delete(AccessLogEntry)
                                     .where(AccessLogEntry.at < _naive(self._clock() - older_than)))
            return result.rowcount or 0
