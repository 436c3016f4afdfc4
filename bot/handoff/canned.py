"""Canned replies: prepared answers the counsellors share and insert into a chat.

A reply may hold placeholders, filled when it is inserted: {navn} the counsellor's display name,
{job} the job's title. Any other {word} is refused when the reply is saved, so a typo never
reaches a visitor.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Callable, Dict, List

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db import transaction
from bot.handoff.models import CannedReply, utcnow

MAX_TITLE = 80
MAX_TEXT = 2000
PLACEHOLDERS = ("navn", "job")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


class CannedReplyNotFound(LookupError):
    pass


class InvalidCannedReply(ValueError):
    """Empty or too long title or text, or an unknown placeholder (`unknown` names them)."""

    def __init__(self, reason: str, unknown: tuple = ()):
        super().__init__(reason)
        self.reason = reason  # empty | too_long | placeholder
        self.unknown = unknown


@dataclass(frozen=True)
class CannedReplyInfo:
    id: int
    title: str
    text: str
    updated_by: str
    updated_at: dt.datetime

    def filled(self, values: Dict[str, str]) -> str:
        """The text with its placeholders replaced by `values` (keys from PLACEHOLDERS)."""
        return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), self.text)

    @classmethod
    def of(cls, row: CannedReply) -> "CannedReplyInfo":
        return cls(row.id, row.title, row.text, row.updated_by, row.updated_at)


def validate(title: str, text: str) -> tuple:
    title, text = (title or "").strip(), (text or "").strip()
    if not title or not text:
        raise InvalidCannedReply("empty")
    if len(title) > MAX_TITLE or len(text) > MAX_TEXT:
        raise InvalidCannedReply("too_long")
    unknown = tuple(sorted({name for name in _PLACEHOLDER.findall(text) if name not in PLACEHOLDERS}))
    if unknown:
        raise InvalidCannedReply("placeholder", unknown)
    return title, text


class CannedReplies:
    def __init__(self, session_factory: Callable[[], Session],
                 clock: Callable[[], dt.datetime] = utcnow):
        self._session_factory = session_factory
        self._clock = clock

    def all(self) -> List[CannedReplyInfo]:
        with transaction(self._session_factory) as session:
            rows = session.execute(select(CannedReply).order_by(CannedReply.title, CannedReply.id))
            return [CannedReplyInfo.of(row) for row in rows.scalars()]

    def get(self, reply_id: int) -> CannedReplyInfo:
        with transaction(self._session_factory) as session:
            return CannedReplyInfo.of(self._row(session, reply_id))

    def add(self, title: str, text: str, counsellor: str) -> CannedReplyInfo:
        title, text = validate(title, text)
        with transaction(self._session_factory) as session:
            row = CannedReply(title=title, text=text, updated_by=counsellor, updated_at=self._clock())
            session.add(row)
            session.flush()
            return CannedReplyInfo.of(row)

    def update(self, reply_id: int, title: str, text: str, counsellor: str) -> CannedReplyInfo:
        title, text = validate(title, text)
        with transaction(self._session_factory) as session:
            row = self._row(session, reply_id)
            row.title, row.text, row.updated_by, row.updated_at = title, text, counsellor, self._clock()
            return CannedReplyInfo.of(row)

    def delete(self, reply_id: int) -> None:
        with transaction(self._session_factory) as session:
            session.delete(self._row(session, reply_id))

    @staticmethod
    def _row(session: Session, reply_id: int) -> CannedReply:
        row = session.get(CannedReply, reply_id)
        if row is None:
            raise CannedReplyNotFound(f"No canned reply {reply_id}")
        return row
