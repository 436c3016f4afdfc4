"""The hand-off queue: cases waiting for a counsellor, claims, closing, callback requests.

Everything lives in the bot's SQL database, so no process restart loses a case.
Methods return frozen snapshots (CaseInfo, WaitingCase, CallbackInfo), never ORM
objects, so callers need no open session.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable, Iterable, List, Optional, Sequence, Tuple

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db import transaction, zero_freed_content
from bot.handoff.models import (
    ACTIVE,
    CANCELLED,
    CLOSED,
    FINISHED_STATUSES,
    OPEN_STATUSES,
    WAITING,
    CallbackRequest,
    Case,
    CaseEvent,
    Counsellor,
    utcnow,
)

CONTACT_KINDS = ("phone", "email")
# More waiting visitors than counsellors can take in an afternoon is a flood, not a queue:
# beyond this the visitor is offered a callback instead.
MAX_WAITING = 30
# One household or office may have a few visitors waiting; a script opening case after case
# from one address may not fill the queue.
MAX_WAITING_PER_ADDRESS = 3
# Case events of a visitor's leaving: gone (restart, "Start forfra", away past the grace period),
# or never seen connected to the chat while the case waited (bot/handoff/visitor_presence.py).
LEFT = "left"
NEVER_PRESENT = "never_present"


class HandoffError(Exception):
    """Base class of the queue's refusals."""


class CaseNotFound(HandoffError):
    pass


class CaseClosed(HandoffError):
    """The case is closed or cancelled; nothing more can happen to it."""


class CaseClaimedByOther(HandoffError):
    def __init__(self, case_id: int, claimed_by: str):
        super().__init__(f"Case {case_id} is claimed by {claimed_by}")
        self.claimed_by = claimed_by


class CaseNotClaimed(HandoffError):
    """Messages need a claimed (active) case."""


class CallbackNotFound(HandoffError):
    pass


class QueueFull(HandoffError):
    """MAX_WAITING cases are waiting already."""


class AddressQueueFull(QueueFull):
    """MAX_WAITING_PER_ADDRESS cases from the visitor's address are waiting already."""


class ConsentRequired(HandoffError):
    """A callback request without explicit consent must not be stored."""


@dataclass(frozen=True)
class CaseInfo:
    id: int
    conversation_id: str
    status: str
    topics: Tuple[str, ...]
    created_at: dt.datetime
    claimed_by: Optional[str]
    claimed_at: Optional[dt.datetime]
    closed_at: Optional[dt.datetime]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_claimed_by(self, counsellor: str) -> bool:
        """The counsellor took this open case and may write to the visitor."""
        return self.status == ACTIVE and self.claimed_by == counsellor

    def can_be_closed_by(self, counsellor: str) -> bool:
        """A waiting case may be closed by anyone, an active one by whoever took it."""
        return self.status == WAITING or self.is_claimed_by(counsellor)

    @classmethod
    def of(cls, case: Case) -> "CaseInfo":
        return cls(
            id=case.id,
            conversation_id=case.conversation_id,
            status=case.status,
            topics=tuple(case.topics or ()),
            created_at=case.created_at,
            claimed_by=case.claimed_by,
            claimed_at=case.claimed_at,
            closed_at=case.closed_at,
        )


@dataclass(frozen=True)
class WaitingCase:
    id: int
    conversation_id: str
    topics: Tuple[str, ...]
    created_at: dt.datetime
    waiting_for: dt.timedelta
    position: int  # 1-based


@dataclass(frozen=True)
class FinishedCase:
    """A closed or cancelled case as the list of finished cases shows it."""
    id: int
    status: str
    topics: Tuple[str, ...]
    created_at: dt.datetime
    closed_at: Optional[dt.datetime]
    claimed_by: Optional[str]
    notes: Tuple[str, ...]


@dataclass(frozen=True)
class FinishedPage:
    cases: List[FinishedCase]
    total: int  # matching cases on every page


@dataclass(frozen=True)
class CaseEventInfo:
    kind: str
    sender: Optional[str]
    text: Optional[str]
    created_at: dt.datetime


@dataclass(frozen=True)
class CallbackInfo:
    id: int
    conversation_id: Optional[str]
    contact: str
    kind: str
    question: str
    preferred_time: Optional[str]
    created_at: dt.datetime
    done_at: Optional[dt.datetime]
    done_by: Optional[str]

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    @classmethod
    def of(cls, row: CallbackRequest) -> "CallbackInfo":
        return cls(
            id=row.id,
            conversation_id=row.conversation_id,
            contact=row.contact,
            kind=row.kind,
            question=row.question,
            preferred_time=row.preferred_time,
            created_at=row.created_at,
            done_at=row.done_at,
            done_by=row.done_by,
        )


@dataclass(frozen=True)
class PurgeResult:
    cases: int
    callbacks: int


class HandoffQueue:
    def __init__(
        self,
        session_factory: Callable[[], Session],
        clock: Callable[[], dt.datetime] = utcnow,
        max_waiting: int = MAX_WAITING,
        max_waiting_per_address: int = MAX_WAITING_PER_ADDRESS,
    ):
        self._session_factory = session_factory
        self._clock = clock
        self._max_waiting = max_waiting
        self._max_waiting_per_address = max_waiting_per_address

    # ---- cases ------------------------------------------------------------------

    def open_case(self, conversation_id: str, topics: Sequence[str] = (),
                  visitor_address: Optional[str] = None) -> CaseInfo:
        """Create a waiting case, or return the conversation's open case (adding new topics).
        Raises QueueFull when max_waiting cases are waiting already, AddressQueueFull when
        max_waiting_per_address of them came from `visitor_address` (a keyed hash)."""
        if not conversation_id:
            raise ValueError("conversation_id is required")
        try:
            with transaction(self._session_factory) as session:
                case = self._open_case_row(session, conversation_id)
                if case is None:
                    waiting = session.execute(
                        select(func.count(Case.id)).where(Case.status == WAITING)).scalar_one()
                    if waiting >= self._max_waiting:
                        raise QueueFull(f"{waiting} cases are waiting")
                    self._check_address(session, visitor_address)
                    case = Case(
                        conversation_id=conversation_id,
                        status=WAITING,
                        topics=_unique(topics),
                        created_at=self._clock(),
                        visitor_address=visitor_address,
                    )
                    session.add(case)
                else:
                    case.topics = _unique(list(case.topics or []) + list(topics))
                session.flush()
                return CaseInfo.of(case)
        except IntegrityError:
            # A concurrent call created it first (unique index on open cases).
            existing = self.case_for_conversation(conversation_id)
            if existing is None:
                raise
            return existing

    def _check_address(self, session: Session, visitor_address: Optional[str]) -> None:
        if visitor_address is None:
            return
        waiting = session.execute(select(func.count(Case.id)).where(
            Case.status == WAITING, Case.visitor_address == visitor_address)).scalar_one()
        if waiting >= self._max_waiting_per_address:
            raise AddressQueueFull(f"{waiting} cases from one address are waiting")

    def get(self, case_id: int) -> CaseInfo:
        with transaction(self._session_factory) as session:
            return CaseInfo.of(self._case(session, case_id))

    def case_for_conversation(self, conversation_id: str) -> Optional[CaseInfo]:
        """The conversation's open (waiting or active) case, or None."""
        with transaction(self._session_factory) as session:
            case = self._open_case_row(session, conversation_id)
            return CaseInfo.of(case) if case else None

    def position(self, case_id: int) -> int:
        """1-based place among waiting cases; 0 once the case is no longer waiting."""
        with transaction(self._session_factory) as session:
            case = self._case(session, case_id)
            if case.status != WAITING:
                return 0
            ahead = session.execute(
                select(func.count(Case.id)).where(Case.status == WAITING, Case.id < case.id)
            ).scalar_one()
            return ahead + 1

    def waiting(self) -> List[WaitingCase]:
        """Waiting cases, first come first, with how long each has waited."""
        now = self._clock()
        with transaction(self._session_factory) as session:
            rows = session.execute(
                select(Case).where(Case.status == WAITING).order_by(Case.id)
            ).scalars()
            return [
                WaitingCase(
                    id=case.id,
                    conversation_id=case.conversation_id,
                    topics=tuple(case.topics or ()),
                    created_at=case.created_at,
                    waiting_for=max(now - case.created_at, dt.timedelta(0)),
                    position=index,
                )
                for index, case in enumerate(rows, start=1)
            ]

    def active(self, counsellor: Optional[str] = None) -> List[CaseInfo]:
        """Claimed cases still open, optionally only one counsellor's."""
        with transaction(self._session_factory) as session:
            query = select(Case).where(Case.status == ACTIVE).order_by(Case.claimed_at, Case.id)
            if counsellor is not None:
                query = query.where(Case.claimed_by == counsellor)
            return [CaseInfo.of(case) for case in session.execute(query).scalars()]

    def events(self, case_id: int) -> List[CaseEventInfo]:
        with transaction(self._session_factory) as session:
            case = self._case(session, case_id)
            return [CaseEventInfo(e.kind, e.sender, e.text, e.created_at) for e in case.events]

    def claim(self, case_id: int, counsellor: str) -> CaseInfo:
        """Take a waiting case. Claiming one's own case again is harmless."""
        now = self._clock()
        with transaction(self._session_factory) as session:
            # A conditional UPDATE so two counsellors clicking at once cannot both win.
            result = session.execute(
                update(Case)
                .where(Case.id == case_id, Case.status == WAITING)
                .values(status=ACTIVE, claimed_by=counsellor, claimed_at=now)
                .execution_options(synchronize_session=False)
            )
            case = self._case(session, case_id)
            if result.rowcount == 1:
                session.refresh(case)
                session.add(CaseEvent(case_id=case.id, kind="claimed", sender=counsellor, created_at=now))
                return CaseInfo.of(case)
            if case.status in FINISHED_STATUSES:
                raise CaseClosed(f"Case {case_id} is {case.status}")
            if case.claimed_by != counsellor:
                raise CaseClaimedByOther(case_id, case.claimed_by or "")
            return CaseInfo.of(case)

    def check_can_message(self, case_id: int, counsellor: str) -> CaseInfo:
        """The case, when `counsellor` may write to its visitor; else the refusal
        (CaseClosed, CaseNotClaimed, CaseClaimedByOther). For callers that reach the visitor
        before record_message."""
        case = self.get(case_id)
        _require_can_message(case, counsellor)
        return case

    def check_can_transfer(self, case_id: int, counsellor: str) -> CaseInfo:
        """The case, when `counsellor` may hand it to a colleague (she has it, and it is active)."""
        return self.check_can_message(case_id, counsellor)

    def transfer(self, case_id: int, counsellor: str, colleague: str) -> CaseInfo:
        """Hand an active case from `counsellor` to `colleague`, who may then write and close it."""
        if not colleague or colleague == counsellor:
            raise ValueError("the colleague must be someone else")
        now = self._clock()
        with transaction(self._session_factory) as session:
            # Conditional, like claim: only the one who has the case can give it away, once.
            result = session.execute(
                update(Case)
                .where(Case.id == case_id, Case.status == ACTIVE, Case.claimed_by == counsellor)
                .values(claimed_by=colleague, claimed_at=now)
                .execution_options(synchronize_session=False)
            )
            case = self._case(session, case_id)
            if result.rowcount != 1:
                _require_can_message(CaseInfo.of(case), counsellor)
            session.refresh(case)
            session.add(CaseEvent(case_id=case.id, kind="transferred", sender=counsellor,
                                  text=colleague, created_at=now))
            return CaseInfo.of(case)

    def check_can_close(self, case_id: int, counsellor: str) -> CaseInfo:
        """The case, when `counsellor` may close it; else the refusal (CaseClosed,
        CaseClaimedByOther). For callers that hand the visitor back to the bot before close."""
        case = self.get(case_id)
        _require_can_close(case, counsellor)
        return case

    def record_message(self, case_id: int, sender: str, text: str) -> None:
        """Keep a record of a counsellor's message sent to the visitor."""
        with transaction(self._session_factory) as session:
            case = self._case(session, case_id)
            _require_can_message(CaseInfo.of(case), sender)
            session.add(CaseEvent(case_id=case.id, kind="message", sender=sender, text=text,
                                  created_at=self._clock()))

    def close(self, case_id: int, counsellor: str, note: Optional[str] = None) -> CaseInfo:
        """Hand the conversation back to the bot. A waiting case may be closed by anyone."""
        now = self._clock()
        with transaction(self._session_factory) as session:
            case = self._case(session, case_id)
            _require_can_close(CaseInfo.of(case), counsellor)
            if note and note.strip():
                session.add(CaseEvent(case_id=case.id, kind="note", sender=counsellor,
                                      text=note.strip(), created_at=now))
            session.add(CaseEvent(case_id=case.id, kind="closed", sender=counsellor, created_at=now))
            case.status = CLOSED
            case.closed_at = now
            return CaseInfo.of(case)

    def check_can_cancel(self, conversation_id: str) -> CaseInfo:
        """The conversation's case, when the visitor may still leave the queue; else the refusal
        (CaseNotFound: no open case, CaseClaimedByOther: a counsellor took it). For callers that
        give the visitor the bot back before cancel_by_visitor."""
        case = self.case_for_conversation(conversation_id)
        if case is None:
            raise CaseNotFound(f"No open case for conversation {conversation_id}")
        _require_can_cancel(case)
        return case

    def cancel_by_visitor(self, conversation_id: str) -> Optional[CaseInfo]:
        """The visitor no longer wants a human: cancel the waiting case and return it, or None when
        there is no open case. A case a counsellor took is not cancelled (CaseClaimedByOther)."""
        now = self._clock()
        with transaction(self._session_factory) as session:
            case = self._open_case_row(session, conversation_id)
            if case is None:
                return None
            _require_can_cancel(CaseInfo.of(case))
            session.add(CaseEvent(case_id=case.id, kind="cancelled", sender=None, created_at=now))
            case.status = CANCELLED
            case.closed_at = now
            return CaseInfo.of(case)

    def visitor_left(self, conversation_id: str, kind: str = LEFT) -> Optional[CaseInfo]:
        """The visitor has gone ("Start forfra", a closed window, /restart): end the open case,
        waiting or taken, and return it; None when there is none. A counsellor cannot keep a
        visitor, so unlike cancel_by_visitor this ends a taken case too. `kind` names the case
        event: LEFT, or NEVER_PRESENT for a visitor never seen connected."""
        now = self._clock()
        with transaction(self._session_factory) as session:
            case = self._open_case_row(session, conversation_id)
            if case is None:
                return None
            session.add(CaseEvent(case_id=case.id, kind=kind, sender=None, created_at=now))
            case.status = CANCELLED
            case.closed_at = now
            return CaseInfo.of(case)

    # ---- finished cases ----------------------------------------------------------

    def finished(self, text: str = "", since: Optional[dt.datetime] = None,
                 until: Optional[dt.datetime] = None, page: int = 1,
                 per_page: int = 20, conversation_ids: Iterable[str] = ()) -> FinishedPage:
        """Closed and cancelled cases, last closed first, closed in [since, until), whose notes,
        counsellor messages or counsellor's login or display name contain `text` (ignoring case),
        or whose conversation is one of `conversation_ids` (where the visitor wrote it: the
        visitor's words are in Rasa's tracker store, see `finished_conversations`)."""
        query = select(Case).where(Case.status.in_(FINISHED_STATUSES))
        if since is not None:
            query = query.where(Case.closed_at >= since)
        if until is not None:
            query = query.where(Case.closed_at < until)
        text = (text or "").strip()
        if text:
            pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            said = select(CaseEvent.id).where(
                CaseEvent.case_id == Case.id, CaseEvent.kind.in_(("note", "message")),
                CaseEvent.text.ilike(pattern, escape="\\"))
            shown_as = select(Counsellor.id).where(
                Counsellor.name == Case.claimed_by, Counsellor.display_name.ilike(pattern, escape="\\"))
            visitor = list(conversation_ids)
            query = query.where(or_(said.exists(), Case.claimed_by.ilike(pattern, escape="\\"),
                                    shown_as.exists(),
                                    *([Case.conversation_id.in_(visitor)] if visitor else [])))
        with transaction(self._session_factory) as session:
            total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
            rows = session.execute(
                query.order_by(Case.closed_at.desc(), Case.id.desc())
                .offset((max(page, 1) - 1) * per_page).limit(per_page)
            ).scalars().all()
            cases = [
                FinishedCase(
                    id=case.id, status=case.status, topics=tuple(case.topics or ()),
                    created_at=case.created_at, closed_at=case.closed_at, claimed_by=case.claimed_by,
                    notes=tuple(e.text for e in case.events if e.kind == "note" and e.text),
                )
                for case in rows
            ]
            return FinishedPage(cases, total)

    def finished_conversations(self, since: Optional[dt.datetime] = None,
                               until: Optional[dt.datetime] = None) -> List[str]:
        """The conversation ids of the cases `finished` lists for these days."""
        query = select(Case.conversation_id).where(Case.status.in_(FINISHED_STATUSES))
        if since is not None:
            query = query.where(Case.closed_at >= since)
        if until is not None:
            query = query.where(Case.closed_at < until)
        with transaction(self._session_factory) as session:
            return [cid for cid in session.execute(query.distinct()).scalars() if cid]

    # ---- callback requests --------------------------------------------------------

    def add_callback(
        self,
        conversation_id: Optional[str],
        contact: str,
        kind: str,
        question: str,
        preferred_time: Optional[str],
        consent: bool,
    ) -> CallbackInfo:
        """Store a callback request. Without consent (exactly True) nothing is stored."""
        if consent is not True:
            raise ConsentRequired("No consent to store contact details")
        if kind not in CONTACT_KINDS:
            raise ValueError(f"kind must be one of {CONTACT_KINDS}")
        if not (contact or "").strip() or not (question or "").strip():
            raise ValueError("contact and question are required")
        with transaction(self._session_factory) as session:
            row = CallbackRequest(
                conversation_id=conversation_id,
                contact=contact.strip(),
                kind=kind,
                question=question.strip(),
                preferred_time=(preferred_time or "").strip() or None,
                consent=True,
                created_at=self._clock(),
            )
            session.add(row)
            session.flush()
            return CallbackInfo.of(row)

    def list_callbacks(self, include_done: bool = True) -> List[CallbackInfo]:
        """Open requests first (oldest first), then done ones (most recently done first)."""
        with transaction(self._session_factory) as session:
            open_rows = session.execute(
                select(CallbackRequest).where(CallbackRequest.done_at.is_(None))
                .order_by(CallbackRequest.created_at, CallbackRequest.id)
            ).scalars().all()
            done_rows = []
            if include_done:
                done_rows = session.execute(
                    select(CallbackRequest).where(CallbackRequest.done_at.is_not(None))
                    .order_by(CallbackRequest.done_at.desc(), CallbackRequest.id.desc())
                ).scalars().all()
            return [CallbackInfo.of(row) for row in list(open_rows) + list(done_rows)]

    def mark_callback_done(self, callback_id: int, counsellor: str) -> CallbackInfo:
        with transaction(self._session_factory) as session:
            row = session.get(CallbackRequest, callback_id)
            if row is None:
                raise CallbackNotFound(f"No callback request {callback_id}")
            if row.done_at is None:
                row.done_at = self._clock()
                row.done_by = counsellor
            return CallbackInfo.of(row)

    # ---- retention ----------------------------------------------------------------

    def purge(self, older_than: dt.timedelta) -> PurgeResult:
        """Retention rule: delete cases closed or cancelled more than `older_than` ago, cases
        opened more than `older_than` ago that are still open (the visitor is long gone), their
        events, and every callback request (contact data) received more than `older_than` ago,
        handled or not."""
        if older_than < dt.timedelta(0):
            raise ValueError("older_than must not be negative")
        cutoff = self._clock() - older_than
        expired = or_(and_(Case.status.in_(FINISHED_STATUSES), Case.closed_at < cutoff),
                      Case.created_at < cutoff)
        with transaction(self._session_factory) as session:
            zero_freed_content(session.connection())
            session.execute(
                delete(CaseEvent).where(CaseEvent.case_id.in_(select(Case.id).where(expired)))
                .execution_options(synchronize_session=False)
            )
            cases = session.execute(
                delete(Case).where(expired).execution_options(synchronize_session=False)
            ).rowcount
            callbacks = session.execute(
                delete(CallbackRequest).where(CallbackRequest.created_at < cutoff)
                .execution_options(synchronize_session=False)
            ).rowcount
            return PurgeResult(cases=cases, callbacks=callbacks)

    # ---- helpers ------------------------------------------------------------------

    @staticmethod
    def _case(session: Session, case_id: int) -> Case:
        case = session.get(Case, case_id)
        if case is None:
            raise CaseNotFound(f"No case {case_id}")
        return case

    @staticmethod
    def _open_case_row(session: Session, conversation_id: str) -> Optional[Case]:
        return session.execute(
            select(Case).where(Case.conversation_id == conversation_id,
                               Case.status.in_(OPEN_STATUSES))
            .order_by(Case.id.desc()).limit(1)
        ).scalars().first()


def _require_can_message(case: CaseInfo, counsellor: str) -> None:
    if not case.is_open:
        raise CaseClosed(f"Case {case.id} is {case.status}")
    if case.status != ACTIVE:
        raise CaseNotClaimed(f"Case {case.id} has not been claimed")
    if not case.is_claimed_by(counsellor):
        raise CaseClaimedByOther(case.id, case.claimed_by or "")


def _require_can_close(case: CaseInfo, counsellor: str) -> None:
    if not case.is_open:
        raise CaseClosed(f"Case {case.id} is {case.status}")
    if not case.can_be_closed_by(counsellor):
        raise CaseClaimedByOther(case.id, case.claimed_by or "")


def _require_can_cancel(case: CaseInfo) -> None:
    if case.status != WAITING:
        raise CaseClaimedByOther(case.id, case.claimed_by or "")


def _unique(items: Sequence[str]) -> List[str]:
    seen: List[str] = []
    for item in items:
        item = str(item).strip()
        if item and item not in seen:
            seen.append(item)
    return seen
