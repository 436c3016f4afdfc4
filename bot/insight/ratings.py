"""Claims on an answer's rating: one rating per answer, and one comment after a thumbs down,
even when requests arrive at the same time (a unique key, not a read-then-write)."""
from __future__ import annotations

import datetime as dt
from typing import Callable, Sequence

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from bot.db import transaction
from bot.handoff.models import utcnow
from bot.insight.models import AnswerRating


class AnswerRatings:
    def __init__(self, session_factory: Callable, clock: Callable[[], dt.datetime] = utcnow):
        self._session_factory = session_factory
        self._clock = clock

    def claim(self, conversation_id: str, ref: str, kinds: Sequence[str]) -> bool:
        """Claim each kind (RATING, COMMENT) for the answer; False, and nothing claimed, when
        another request has claimed one of them already."""
        try:
            with transaction(self._session_factory) as session:
                session.add_all([AnswerRating(conversation_id=conversation_id, ref=ref, kind=kind,
                                              rated_at=self._clock()) for kind in kinds])
        except IntegrityError:
            return False
        return True

    def release(self, conversation_id: str, ref: str, kinds: Sequence[str]) -> None:
        """Give the claims back (the rating could not be stored in the tracker)."""
        with transaction(self._session_factory) as session:
            session.execute(delete(AnswerRating).where(
                AnswerRating.conversation_id == conversation_id, AnswerRating.ref == ref,
                AnswerRating.kind.in_(list(kinds))).execution_options(synchronize_session=False))

    def purge(self, older_than: dt.timedelta) -> int:
        """Retention rule: the claims go by the same age as the conversation's messages."""
        cutoff = self._clock() - older_than
        with transaction(self._session_factory) as session:
            return session.execute(delete(AnswerRating).where(AnswerRating.rated_at < cutoff)
                                   .execution_options(synchronize_session=False)).rowcount
