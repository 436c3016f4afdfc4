"""The hand-off service's part of a data request (bot/privacy/requests.py): a visitor's cases with
their events (the counsellors' messages and notes) and callback requests."""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Set

from sqlalchemy import delete, select

from bot.db import transaction, zero_freed_content
from bot.handoff.models import CallbackRequest, Case, CaseEvent
from bot.privacy.requests import SESSION, Subject, mentions_contact


def _time(value) -> Any:
    return value.isoformat(timespec="seconds") if value is not None else None


class HandoffData:
    name = "Samtaler med vejledere og opkaldsønsker"

    def __init__(self, session_factory: Callable):
        self._session_factory = session_factory

    def _callbacks(self, session, subject: Subject, conversations: Set[str]) -> List[CallbackRequest]:
        if subject.kind == SESSION:
            return list(session.execute(select(CallbackRequest).where(
                CallbackRequest.conversation_id.in_(sorted(conversations | {subject.value})))).scalars())
        # Stored contacts are normalised the same way (detect.py); the question may name it too.
        rows = session.execute(select(CallbackRequest)).scalars()
        return [row for row in rows
                if subject.matches(row.contact) or mentions_contact(row.question, subject)
                or (row.conversation_id is not None and row.conversation_id in conversations)]

    def find(self, subject: Subject) -> Set[str]:
        with transaction(self._session_factory) as session:
            found = {row.conversation_id for row in self._callbacks(session, subject, set())
                     if row.conversation_id}
            if subject.kind == SESSION:
                found |= set(session.execute(select(Case.conversation_id)
                                             .where(Case.conversation_id == subject.value)).scalars())
            else:
                texts = session.execute(select(Case.conversation_id, CaseEvent.text)
                                        .join(CaseEvent, CaseEvent.case_id == Case.id)
                                        .where(CaseEvent.text.is_not(None))).all()
                found |= {conversation for conversation, text in texts if mentions_contact(text, subject)}
            return found

    def export(self, subject: Subject, conversations: Set[str]) -> List[Dict[str, Any]]:
        with transaction(self._session_factory) as session:
            cases = session.execute(select(Case).where(Case.conversation_id.in_(sorted(conversations)))
                                    .order_by(Case.id)).scalars().all()
            items: List[Dict[str, Any]] = [{
                "sag": case.id, "samtale": case.conversation_id, "status": case.status,
                "emner": list(case.topics), "oprettet": _time(case.created_at),
                "vejleder": case.claimed_by, "afsluttet": _time(case.closed_at),
                "hændelser": [{"type": event.kind, "afsender": event.sender, "tekst": event.text,
                               "tid": _time(event.created_at)} for event in case.events],
            } for case in cases]
            items += [{
                "opkaldsønske": row.id, "samtale": row.conversation_id, "kontakt": row.contact,
                "spørgsmål": row.question, "foretrukket tid": row.preferred_time,
                "oprettet": _time(row.created_at), "klaret": _time(row.done_at),
            } for row in self._callbacks(session, subject, conversations)]
            return items

    def delete(self, subject: Subject, conversations: Set[str]) -> int:
        with transaction(self._session_factory) as session:
            zero_freed_content(session.connection())
            callbacks = [row.id for row in self._callbacks(session, subject, conversations)]
            case_ids = select(Case.id).where(Case.conversation_id.in_(sorted(conversations)))
            events = session.execute(delete(CaseEvent).where(CaseEvent.case_id.in_(case_ids))
                                     .execution_options(synchronize_session=False)).rowcount
            cases = session.execute(delete(Case).where(Case.conversation_id.in_(sorted(conversations)))
                                    .execution_options(synchronize_session=False)).rowcount
            removed = session.execute(delete(CallbackRequest).where(CallbackRequest.id.in_(callbacks))
                                      .execution_options(synchronize_session=False)).rowcount
            return (events or 0) + (cases or 0) + (removed or 0)
