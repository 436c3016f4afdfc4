"""HandoffQueue on a real migrated SQLite database."""
import datetime as dt

import pytest
from sqlalchemy import func, select

from bot.handoff.models import CallbackRequest, Case, CaseEvent
from bot.handoff.queue import (
    CallbackNotFound,
    CaseClaimedByOther,
    CaseClosed,
    CaseNotClaimed,
    CaseNotFound,
    ConsentRequired,
    HandoffQueue,
)


def test_open_case_is_idempotent_per_conversation(queue):
    first = queue.open_case("conv-a", ["løn"])
    again = queue.open_case("conv-a", ["uddannelse", "løn"])
    assert again.id == first.id
    assert again.status == "waiting"
    assert again.topics == ("løn", "uddannelse")
    assert queue.case_for_conversation("conv-a").id == first.id
    assert queue.case_for_conversation("conv-unknown") is None


def test_positions_follow_arrival_and_move_up(queue, clock):
    a = queue.open_case("conv-a", ["løn"])
    clock.advance(minutes=3)
    b = queue.open_case("conv-b", [])
    clock.advance(minutes=2)
    c = queue.open_case("conv-c", ["karriere"])
    assert [queue.position(x.id) for x in (a, b, c)] == [1, 2, 3]

    queue.claim(a.id, "anne")
    assert queue.position(a.id) == 0
    assert queue.position(c.id) == 2
    queue.cancel_by_visitor("conv-b")
    assert queue.position(c.id) == 1

    waiting = queue.waiting()
    assert [(w.id, w.position, w.topics) for w in waiting] == [(c.id, 1, ("karriere",))]
    assert waiting[0].waiting_for == dt.timedelta(0)
    clock.advance(minutes=7)
    assert queue.waiting()[0].waiting_for == dt.timedelta(minutes=7)


def test_waiting_reports_time_and_topics(queue, clock):
    queue.open_case("conv-a", ["løn", "opgaver"])
    clock.advance(minutes=12, seconds=5)
    [entry] = queue.waiting()
    assert entry.topics == ("løn", "opgaver")
    assert entry.waiting_for == dt.timedelta(minutes=12, seconds=5)
    assert entry.created_at.tzinfo is not None


def test_claim_once_then_refused_for_someone_else(queue):
    case = queue.open_case("conv-a", [])
    claimed = queue.claim(case.id, "anne")
    assert claimed.status == "active" and claimed.claimed_by == "anne"
    assert queue.claim(case.id, "anne").claimed_by == "anne"  # harmless repeat
    with pytest.raises(CaseClaimedByOther) as refused:
        queue.claim(case.id, "bo")
    assert refused.value.claimed_by == "anne"
    assert queue.get(case.id).claimed_by == "anne"
    assert queue.active("anne")[0].id == case.id
    assert queue.active("bo") == []


def test_claim_of_unknown_or_closed_case_fails_cleanly(queue):
    with pytest.raises(CaseNotFound):
        queue.claim(999, "anne")
    case = queue.open_case("conv-a", [])
    queue.cancel_by_visitor("conv-a")
    with pytest.raises(CaseClosed):
        queue.claim(case.id, "anne")


def test_close_with_note_and_messages_recorded(queue, session_factory):
    case = queue.open_case("conv-a", ["løn"])
    with pytest.raises(CaseNotClaimed):
        queue.record_message(case.id, "anne", "Hej")
    queue.claim(case.id, "anne")
    queue.record_message(case.id, "anne", "Hej, jeg hedder Anne.")
    with pytest.raises(CaseClaimedByOther):
        queue.record_message(case.id, "bo", "Hej")
    with pytest.raises(CaseClaimedByOther):
        queue.close(case.id, "bo")

    closed = queue.close(case.id, "anne", note="  Spurgte til løn, henvist til fagforening. ")
    assert closed.status == "closed" and closed.closed_at is not None
    assert queue.case_for_conversation("conv-a") is None
    kinds = [(e.kind, e.sender, e.text) for e in queue.events(case.id)]
    assert kinds == [
        ("claimed", "anne", None),
        ("message", "anne", "Hej, jeg hedder Anne."),
        ("note", "anne", "Spurgte til løn, henvist til fagforening."),
        ("closed", "anne", None),
    ]
    with pytest.raises(CaseClosed):
        queue.close(case.id, "anne")
    with pytest.raises(CaseClosed):
        queue.record_message(case.id, "anne", "Hej igen")
    # A new request from the same conversation is a new case.
    assert queue.open_case("conv-a", []).id != case.id


def test_waiting_case_can_be_closed_without_claim(queue):
    case = queue.open_case("conv-a", [])
    assert queue.close(case.id, "bo").status == "closed"


def test_checks_before_reaching_the_visitor_follow_the_same_rules(queue):
    case = queue.open_case("conv-a", [])
    with pytest.raises(CaseNotClaimed):
        queue.check_can_message(case.id, "anne")
    assert queue.check_can_close(case.id, "bo").status == "waiting"
    queue.claim(case.id, "anne")
    assert queue.check_can_message(case.id, "anne").is_claimed_by("anne")
    for check in (queue.check_can_message, queue.check_can_close):
        with pytest.raises(CaseClaimedByOther):
            check(case.id, "bo")
    assert queue.get(case.id).can_be_closed_by("anne") and not queue.get(case.id).can_be_closed_by("bo")
    queue.close(case.id, "anne")
    for check in (queue.check_can_message, queue.check_can_close):
        with pytest.raises(CaseClosed):
            check(case.id, "anne")
    assert [e.kind for e in queue.events(case.id)] == ["claimed", "closed"]


def test_cancel_by_visitor(queue):
    assert queue.cancel_by_visitor("conv-a") is None
    case = queue.open_case("conv-a", [])
    cancelled = queue.cancel_by_visitor("conv-a")
    assert cancelled.id == case.id and cancelled.status == "cancelled"
    assert queue.waiting() == []
    assert queue.cancel_by_visitor("conv-a") is None
    with pytest.raises(CaseNotFound):
        queue.check_can_cancel("conv-a")


def test_a_visitor_cannot_cancel_a_case_a_counsellor_took(queue):
    case = queue.open_case("conv-a", [])
    assert queue.check_can_cancel("conv-a").id == case.id
    queue.claim(case.id, "anne")
    with pytest.raises(CaseClaimedByOther):
        queue.check_can_cancel("conv-a")
    with pytest.raises(CaseClaimedByOther):
        queue.cancel_by_visitor("conv-a")
    assert queue.get(case.id).status == "active"


def test_cases_survive_a_new_queue_instance(queue, session_factory, clock):
    case = queue.open_case("conv-a", ["løn"])
    queue.claim(case.id, "anne")
    restarted = HandoffQueue(session_factory, clock=clock)
    assert restarted.case_for_conversation("conv-a").claimed_by == "anne"


def test_callback_without_consent_stores_nothing(queue, session_factory):
    for consent in (False, None, "ja"):
        with pytest.raises(ConsentRequired):
            queue.add_callback("conv-a", "+45 23 45 67 89", "phone", "Løn?", "i morgen", consent)
    with session_factory() as session:
        assert session.execute(select(func.count(CallbackRequest.id))).scalar_one() == 0
    assert queue.list_callbacks() == []


def test_callbacks_listed_and_marked_done(queue, clock):
    first = queue.add_callback("conv-a", "+45 23 45 67 89", "phone", "Hvad tjener en leder?",
                               "formiddag", True)
    clock.advance(minutes=1)
    second = queue.add_callback(None, "a@example.dk", "email", "Diplom i ledelse?", "", True)
    assert second.preferred_time is None
    assert [c.id for c in queue.list_callbacks()] == [first.id, second.id]

    done = queue.mark_callback_done(first.id, "anne")
    assert done.is_done and done.done_by == "anne"
    assert queue.mark_callback_done(first.id, "bo").done_by == "anne"  # stays with the first
    assert [c.id for c in queue.list_callbacks()] == [second.id, first.id]
    assert [c.id for c in queue.list_callbacks(include_done=False)] == [second.id]
    with pytest.raises(CallbackNotFound):
        queue.mark_callback_done(999, "anne")


def test_callback_input_is_checked(queue):
    with pytest.raises(ValueError):
        queue.add_callback("c", "23456789", "fax", "?", None, True)
    with pytest.raises(ValueError):
        queue.add_callback("c", " ", "phone", "?", None, True)


def test_purge_deletes_old_cases_open_or_not_and_callback_contacts(queue, clock, session_factory):
    old_closed = queue.open_case("conv-old", ["løn"])
    queue.claim(old_closed.id, "anne")
    queue.record_message(old_closed.id, "anne", "Hej")
    queue.close(old_closed.id, "anne", note="note")
    old_cancelled = queue.open_case("conv-cancel", [])
    queue.cancel_by_visitor("conv-cancel")
    old_waiting = queue.open_case("conv-waiting", [])
    queue.add_callback("conv-old", "+45 23 45 67 89", "phone", "?", None, True)

    clock.advance(days=31)
    recent = queue.open_case("conv-recent", [])
    queue.close(recent.id, "anne")
    recent_callback = queue.add_callback(None, "b@example.dk", "email", "?", None, True)
    recent_waiting = queue.open_case("conv-recent-waiting", [])

    result = queue.purge(dt.timedelta(days=30))
    assert (result.cases, result.callbacks) == (3, 1)
    with pytest.raises(CaseNotFound):
        queue.get(old_closed.id)
    with pytest.raises(CaseNotFound):
        queue.get(old_cancelled.id)
    with pytest.raises(CaseNotFound):
        queue.get(old_waiting.id)  # its visitor is long gone
    assert queue.get(recent_waiting.id).status == "waiting"
    assert queue.get(recent.id).status == "closed"
    assert [c.id for c in queue.list_callbacks()] == [recent_callback.id]
    with session_factory() as session:
        case_ids = set(session.execute(select(CaseEvent.case_id)).scalars())
        assert old_closed.id not in case_ids
        assert session.execute(select(func.count(Case.id))).scalar_one() == 2  # the recent ones
    assert queue.purge(dt.timedelta(days=30)) == result.__class__(0, 0)


def test_counsellor_accounts(counsellors):
    anne = counsellors.add("anne", "en lang adgangskode")
    assert counsellors.verify("anne", "en lang adgangskode") == anne
    assert counsellors.verify("anne", "forkert adgangskode") is None
    assert counsellors.verify("ukendt", "en lang adgangskode") is None
    with pytest.raises(ValueError):
        counsellors.add("anne", "en anden lang kode")
    with pytest.raises(ValueError):
        counsellors.add("bo", "kort")
    with pytest.raises(ValueError):
        counsellors.add("   ", "en lang adgangskode")
    assert counsellors.names() == ["anne"]


def test_passwords_are_stored_as_argon2id_hashes_with_default_cost(session_factory):
    from bot.handoff.counsellors import Counsellors
    from bot.handoff.models import Counsellor

    Counsellors(session_factory).add("anne", "en lang adgangskode")
    with session_factory() as session:
        stored = session.execute(select(Counsellor.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert "en lang adgangskode" not in stored


def test_a_disabled_counsellor_cannot_sign_in_and_is_signed_out(counsellors, session_factory, database_url,
                                                                 monkeypatch, capsys):
    from bot.__main__ import main
    from bot.handoff.console_logins import ConsoleSessions

    sessions = ConsoleSessions(session_factory)
    anne = counsellors.add("anne", "en lang adgangskode")
    token = sessions.create(anne)
    counsellors.add("bo", "en anden lang kode")

    monkeypatch.setenv("DATABASE_URL", database_url)
    assert main(["counsellors", "disable", "anne"]) == 0
    assert "disabled" in capsys.readouterr().out
    assert counsellors.verify("anne", "en lang adgangskode") is None
    assert sessions.lookup(token) is None
    assert counsellors.verify("bo", "en anden lang kode") is not None
    assert counsellors.disable("anne") is True  # twice is harmless
    assert counsellors.verify("anne", "en lang adgangskode") is None
    assert main(["counsellors", "disable", "ukendt"]) == 1


def test_one_address_has_at_most_max_waiting_per_address_cases_waiting(session_factory, clock):
    from bot.handoff.queue import AddressQueueFull, HandoffQueue

    queue = HandoffQueue(session_factory, clock, max_waiting_per_address=2)
    cases = [queue.open_case(f"home-{i}", visitor_address="a1") for i in range(2)]
    with pytest.raises(AddressQueueFull):
        queue.open_case("home-2", visitor_address="a1")
    assert queue.open_case("home-1", visitor_address="a1").id == cases[1].id  # not a new case
    assert queue.open_case("office-0", visitor_address="b2").status == "waiting"
    assert queue.open_case("unknown-0").status == "waiting"  # no address: only the overall cap
    queue.claim(cases[0].id, "anne")  # taken: that address has room again
    assert queue.open_case("home-2", visitor_address="a1").status == "waiting"


def test_the_queue_takes_at_most_max_waiting_cases(session_factory, clock):
    from bot.handoff.queue import HandoffQueue, QueueFull

    queue = HandoffQueue(session_factory, clock, max_waiting=3)
    cases = [queue.open_case(f"flood-{i}") for i in range(3)]
    with pytest.raises(QueueFull):
        queue.open_case("flood-3")
    assert queue.open_case("flood-1").id == cases[1].id  # asking again is not a new case
    queue.claim(cases[0].id, "anne")  # taken: no longer waiting, so there is room
    assert queue.open_case("flood-3").status == "waiting"
