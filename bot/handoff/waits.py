"""How long the queue takes: the wait to expect at a place in it, and who waited too long.

The estimate comes from recent claims: for each, how long its visitor waited divided by the
place it arrived at, so a place in the queue is worth the median of those. With fewer than
MIN_CLAIMS recent claims there is no estimate, and the visitor is told so plainly.
"""
from __future__ import annotations

import datetime as dt
import math
import statistics
from typing import Callable, List, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.db import transaction
from bot.handoff.models import WAITING, Case, CaseEvent, utcnow
from bot.handoff.queue import CaseInfo

RECENT = dt.timedelta(hours=24)
RECENT_CLAIMS = 10
MIN_CLAIMS = 3
CALLBACK_OFFERED = "callback_offered"


class QueueWaits:
    def __init__(self, session_factory: Callable[[], Session],
                 clock: Callable[[], dt.datetime] = utcnow):
        self._session_factory = session_factory
        self._clock = clock

    def estimate_minutes(self, position: int) -> Optional[int]:
        """Whole minutes (at least 1) a visitor at `position` can expect to wait, or None."""
        return minutes_at(self.wait_per_place(), position)

    def wait_per_place(self) -> Optional[dt.timedelta]:
        since = self._clock() - RECENT
        with transaction(self._session_factory) as session:
            cases = session.execute(
                select(Case).where(Case.created_at >= since - RECENT).order_by(Case.id)
            ).scalars().all()
        claimed = sorted((c for c in cases if c.claimed_at and c.claimed_at >= since),
                         key=lambda c: c.claimed_at)[-RECENT_CLAIMS:]
        if len(claimed) < MIN_CLAIMS:
            return None
        return statistics.median(
            (case.claimed_at - case.created_at) / _place_at_arrival(case, cases) for case in claimed)

    def due_for_callback_offer(self, after: dt.timedelta) -> List[CaseInfo]:
        """Cases waiting for at least `after` that have not been offered a callback yet."""
        cutoff = self._clock() - after
        with transaction(self._session_factory) as session:
            cases = session.execute(
                select(Case).where(Case.status == WAITING, Case.created_at <= cutoff)
                .order_by(Case.id).options(selectinload(Case.events))
            ).scalars()
            return [CaseInfo.of(case) for case in cases
                    if not any(event.kind == CALLBACK_OFFERED for event in case.events)]

    def callback_offered(self, case_id: int) -> None:
        with transaction(self._session_factory) as session:
            session.add(CaseEvent(case_id=case_id, kind=CALLBACK_OFFERED, created_at=self._clock()))


def minutes_at(per_place: Optional[dt.timedelta], position: int) -> Optional[int]:
    if per_place is None or position < 1:
        return None
    return max(1, math.ceil(per_place.total_seconds() * position / 60))


def _place_at_arrival(case: Case, cases: List[Case]) -> int:
    """1 + the cases that were still waiting when `case` arrived."""
    def waiting_at(other: Case, moment: dt.datetime) -> bool:
        left = other.claimed_at or other.closed_at
        return other.created_at <= moment and (left is None or left > moment)

    return 1 + sum(1 for other in cases if other.id < case.id and waiting_at(other, case.created_at))
