"""Whether the visitor of an open hand-off still has a chat window connected.

The chat channel records each change as a case event ("away" when the last connection of the
conversation closes, "back" when one opens again), so every process sees it: a visitor may
reconnect to another Rasa process. A case whose visitor has been away longer than the grace
period is one the visitor has left (bot/handoff/watch.py ends it).

A case is opened present: the hand-off action records "back" when it opens a case for a message
that came over the web chat's live connection. A waiting case without any presence event past
the grace period has a visitor who was never connected (a case opened some other way): it is
unseen, and ended too, so such cases cannot fill the queue.
"""
from __future__ import annotations

import datetime as dt
from typing import Callable, Dict, List, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.db import transaction
from bot.handoff.models import OPEN_STATUSES, WAITING, Case, CaseEvent, utcnow
from bot.handoff.queue import CaseInfo

AWAY = "away"
BACK = "back"


class VisitorPresence:
    def __init__(self, session_factory: Callable[[], Session],
                 clock: Callable[[], dt.datetime] = utcnow):
        self._session_factory = session_factory
        self._clock = clock

    def away(self, conversation_id: str) -> bool:
        """The conversation's last chat connection closed. True when it has an open case."""
        return self._record(conversation_id, AWAY)

    def back(self, conversation_id: str) -> bool:
        """A chat connection of the conversation opened. True when it has an open case."""
        return self._record(conversation_id, BACK)

    def departed(self, gone_after: dt.timedelta) -> List[CaseInfo]:
        """Open cases whose visitor has been away for at least `gone_after`."""
        cutoff = self._clock() - gone_after
        with transaction(self._session_factory) as session:
            cases = session.execute(
                select(Case).where(Case.status.in_(OPEN_STATUSES)).order_by(Case.id)
                .options(selectinload(Case.events))
            ).scalars()
            return [CaseInfo.of(case) for case in cases
                    if (last := _last_presence(case)) is not None
                    and last.kind == AWAY and last.created_at <= cutoff]

    def away_since(self) -> Dict[int, dt.datetime]:
        """Open cases whose visitor has no chat window connected now: case id -> since when.
        The console shows these at once, before the watch ends them after the grace period."""
        with transaction(self._session_factory) as session:
            cases = session.execute(
                select(Case).where(Case.status.in_(OPEN_STATUSES))
                .options(selectinload(Case.events))
            ).scalars()
            return {case.id: last.created_at for case in cases
                    if (last := _last_presence(case)) is not None and last.kind == AWAY}

    def unseen(self, gone_after: dt.timedelta) -> List[CaseInfo]:
        """Waiting cases opened at least `gone_after` ago whose visitor was never seen present."""
        cutoff = self._clock() - gone_after
        with transaction(self._session_factory) as session:
            cases = session.execute(
                select(Case).where(Case.status == WAITING, Case.created_at <= cutoff).order_by(Case.id)
                .options(selectinload(Case.events))
            ).scalars()
            return [CaseInfo.of(case) for case in cases if _last_presence(case) is None]

    def _record(self, conversation_id: str, kind: str) -> bool:
        with transaction(self._session_factory) as session:
            case = session.execute(
                select(Case).where(Case.conversation_id == conversation_id,
                                   Case.status.in_(OPEN_STATUSES))
                .order_by(Case.id.desc()).limit(1)
            ).scalars().first()
            if case is None:
                return False
            last = _last_presence(case)
            # Only changes are kept (and the first report: it tells the case is seen at all).
            if last is None or last.kind != kind:
                session.add(CaseEvent(case_id=case.id, kind=kind, created_at=self._clock()))
            return True


def _last_presence(case: Case) -> Optional[CaseEvent]:
    for event in reversed(case.events):
        if event.kind in (AWAY, BACK):
            return event
    return None
