"""Counsellor sessions and presence: who is signed in to the console, and who used it lately.

The cookie holds a random token; the database keeps only its SHA-256, so a leaked
database does not hand out live sessions. Each session has its own CSRF token that
every state-changing form must send back. A session's last_seen_at is the counsellor's
presence: an open console tab checks in every few seconds, so a counsellor is available while
a tab is open and she has not paused; a closed tab drops out within ONLINE_WITHIN.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Callable, Dict, Optional

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bot.db import transaction
from bot.handoff.models import ConsoleSession, Counsellor, utcnow

IDLE_TIMEOUT = dt.timedelta(hours=2)
MAX_AGE = dt.timedelta(hours=12)
# last_seen_at is written at most this often, so the 2-second polling does not
# turn every request into a database write.
TOUCH_INTERVAL = dt.timedelta(seconds=30)
# A console tab that checked in within this time counts as open: three missed touches.
ONLINE_WITHIN = 3 * TOUCH_INTERVAL


@dataclass(frozen=True)
class SignedIn:
    counsellor_id: int
    name: str
    csrf_token: str
    paused: bool = False
    display_name: str = ""  # what visitors see; the login name when none was given


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class ConsoleSessions:
    def __init__(self, session_factory: Callable[[], Session],
                 clock: Callable[[], dt.datetime] = utcnow):
        self._session_factory = session_factory
        self._clock = clock

    def create(self, counsellor_id: int) -> str:
        """Start a session; returns the cookie token (shown once, stored hashed)."""
        token = new_token()
        now = self._clock()
        with transaction(self._session_factory) as session:
            session.add(ConsoleSession(
                token_hash=hash_token(token), csrf_token=new_token(),
                counsellor_id=counsellor_id, created_at=now, last_seen_at=now,
            ))
        return token

    def lookup(self, token: Optional[str]) -> Optional[SignedIn]:
        """The signed-in counsellor for a cookie token, or None (unknown or expired)."""
        if not token or len(token) > 200:
            return None
        now = self._clock()
        with transaction(self._session_factory) as session:
            row = session.execute(
                select(ConsoleSession).where(ConsoleSession.token_hash == hash_token(token))
            ).scalars().first()
            if row is None:
                return None
            if now - row.last_seen_at > IDLE_TIMEOUT or now - row.created_at > MAX_AGE:
                session.delete(row)
                return None
            if now - row.last_seen_at > TOUCH_INTERVAL:
                row.last_seen_at = now
            counsellor = session.get(Counsellor, row.counsellor_id)
            return SignedIn(row.counsellor_id, counsellor.name, row.csrf_token, counsellor.paused,
                            counsellor.display_name or counsellor.name)

    def end(self, token: Optional[str]) -> None:
        if not token:
            return
        with transaction(self._session_factory) as session:
            session.execute(
                delete(ConsoleSession).where(ConsoleSession.token_hash == hash_token(token))
                .execution_options(synchronize_session=False)
            )

    def purge_expired(self) -> int:
        now = self._clock()
        with transaction(self._session_factory) as session:
            return session.execute(
                delete(ConsoleSession).where(
                    (ConsoleSession.last_seen_at < now - IDLE_TIMEOUT)
                    | (ConsoleSession.created_at < now - MAX_AGE)
                ).execution_options(synchronize_session=False)
            ).rowcount

    def set_paused(self, counsellor_id: int, paused: bool) -> None:
        """Pause (not offered to visitors) or resume a counsellor, in all her tabs."""
        with transaction(self._session_factory) as session:
            session.execute(update(Counsellor).where(Counsellor.id == counsellor_id)
                            .values(paused=paused).execution_options(synchronize_session=False))

    def anyone_online(self, within: dt.timedelta = ONLINE_WITHIN) -> bool:
        """True when a counsellor who has not paused has a console tab that checked in within `within`."""
        since = self._clock() - within
        with transaction(self._session_factory) as session:
            return session.execute(
                select(ConsoleSession.id)
                .join(Counsellor, Counsellor.id == ConsoleSession.counsellor_id)
                .where(ConsoleSession.last_seen_at >= since, Counsellor.paused.is_(False))
                .limit(1)
            ).first() is not None

    def available(self, within: dt.timedelta = ONLINE_WITHIN) -> Dict[str, str]:
        """Login name -> display name of every counsellor who is available now (an open console
        tab that checked in within `within`, not paused)."""
        since = self._clock() - within
        with transaction(self._session_factory) as session:
            rows = session.execute(
                select(Counsellor.name, Counsellor.display_name)
                .join(ConsoleSession, Counsellor.id == ConsoleSession.counsellor_id)
                .where(ConsoleSession.last_seen_at >= since, Counsellor.paused.is_(False))
                .distinct()
            ).all()
            return {name: display or name for name, display in sorted(rows)}
