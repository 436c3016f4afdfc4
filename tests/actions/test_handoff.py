"""Hand-off actions against a real database and real opening-hours files."""
import datetime as dt

import pytest
from sqlalchemy import select

from actions import handoff, services
from bot.db import make_engine, make_session_factory
from bot.handoff.counsellors import Counsellors
from bot.handoff.models import CallbackRequest
from bot.handoff.queue import HandoffQueue
from bot.handoff.sessions import ConsoleSessions
from tests.handoff.support import FAST_HASHER
from tests.schedules import ALWAYS_OPEN, open_tomorrow_only


@pytest.fixture
def hours(tmp_path, monkeypatch):
    def use(text):
        path = tmp_path / "hours.yml"
        path.write_text(text)
        monkeypatch.setenv("OPENING_HOURS_PATH", str(path))
        services.reset()
    return use


@pytest.fixture
def db(article_db):
    return make_session_factory(make_engine(article_db))


@pytest.fixture
def counsellor_online(db):
    name = f"anna-{dt.datetime.now().timestamp()}"
    counsellor_id = Counsellors(db, FAST_HASHER).add(name, "a-long-password")
    ConsoleSessions(db).create(counsellor_id)


def responses(messages):
    return [m.get("response") for m in messages]


def test_rest_channel_cannot_get_a_live_chat_and_is_offered_a_callback(run_action, hours, counsellor_online):
    hours(ALWAYS_OPEN)
    messages, events = run_action(handoff.ActionRequestCounsellor(), intent="request_counsellor",
                                  channel="rest")
    assert responses(messages) == ["utter_handoff_no_live_channel", "utter_offer_callback"]
    assert messages[0]["channels"] == "telefon, mail eller chat"
    assert events == []


def test_closed_hours_state_the_next_opening(run_action, hours):
    hours(open_tomorrow_only())
    messages, _ = run_action(handoff.ActionRequestCounsellor(), intent="request_counsellor",
                             channel="socketio")
    assert responses(messages) == ["utter_handoff_closed", "utter_offer_callback"]
    assert messages[0]["next_opening"] == "i morgen kl. 09:00"


def test_open_with_a_counsellor_online_opens_a_case_and_pauses(run_action, hours, counsellor_online, db):
    hours(ALWAYS_OPEN)
    sender = "socket-visitor-1"
    earlier = [{"event": "user", "parse_data": {"intent": {"name": "ask_salary"}}}]
    messages, events = run_action(handoff.ActionRequestCounsellor(), intent="request_counsellor",
                                  channel="socketio", sender=sender, events=earlier)
    assert responses(messages) == ["utter_handoff_waiting", None]
    assert messages[1]["custom"] == {"data": {"evejleder_handoff": "waiting", "position": 1}}
    assert [e["event"] for e in events] == ["pause", "action"] and events[-1]["name"] == "action_listen"
    case = HandoffQueue(db).case_for_conversation(sender)
    assert case is not None and case.topics == ("ask_salary",)


def form_slots(**slots):
    return {"requested_slot": None, **slots}


def test_contact_validation_reasks_on_bad_input():
    validator = handoff.ValidateCallbackForm()
    from rasa_sdk.executor import CollectingDispatcher
    for bad in ("1234", "12 34 56", "+46 12345678", "01234567", "navn@", "navn@eksempel", "ring mig op"):
        dispatcher = CollectingDispatcher()
        assert validator.validate_callback_contact(bad, dispatcher, None, {}) == {"callback_contact": None}
        assert dispatcher.messages[0]["response"] == "utter_invalid_contact"
    for good, normalised in (("23456789", "+45 23 45 67 89"), ("+45 23 45 67 89", "+45 23 45 67 89"),
                             ("Navn@Eksempel.DK", "Navn@eksempel.dk")):
        dispatcher = CollectingDispatcher()
        assert validator.validate_callback_contact(good, dispatcher, None, {}) == {"callback_contact": normalised}
        assert dispatcher.messages == []


def callbacks(db):
    with db() as session:
        return session.execute(select(CallbackRequest)).scalars().all()


def test_a_callback_with_consent_is_stored_and_the_slots_are_forgotten(run_action, db):
    before = len(callbacks(db))
    slots = {"callback_consent": True, "callback_contact": "+45 23 45 67 89",
             "callback_question": "Hvilken lederuddannelse passer til mig?", "callback_time": "efter kl. 16"}
    messages, events = run_action(handoff.ActionSubmitCallback(), slots=slots, sender="cb-visitor")
    assert responses(messages) == ["utter_callback_stored"]
    assert "+45 23 45 67 89" not in str(messages), "the confirmation does not repeat the contact"
    stored = callbacks(db)
    assert len(stored) == before + 1
    assert stored[-1].contact == "+45 23 45 67 89" and stored[-1].kind == "phone"
    assert {e["name"]: e["value"] for e in events} == {
        "callback_consent": None, "callback_contact": None, "callback_question": None,
        "callback_time": None}


def test_without_consent_nothing_is_stored(run_action, db):
    before = len(callbacks(db))
    messages, _ = run_action(handoff.ActionSubmitCallback(), slots={"callback_consent": False,
                                                                    "callback_contact": "+45 23 45 67 89"})
    assert responses(messages) == ["utter_callback_not_stored"]
    assert len(callbacks(db)) == before


def test_without_consent_the_form_asks_for_nothing_more():
    import asyncio
    from rasa_sdk import Tracker
    validator = handoff.ValidateCallbackForm()
    tracker = Tracker("x", {"callback_consent": False}, {}, [], False, None, {}, None)
    assert asyncio.run(validator.required_slots([], None, tracker, {})) == ["callback_consent"]


def test_restart_during_a_hand_off_ends_the_case(run_action, db):
    from bot.handoff.queue import HandoffQueue

    queue = HandoffQueue(db)
    case = queue.open_case("restarting-visitor", ["ask_salary"])
    messages, events = run_action(handoff.ActionRestart(), text="/restart", intent="restart",
                                  sender="restarting-visitor")
    assert [event["event"] for event in events] == ["restart"]
    assert messages[-1]["custom"] == {"data": {"evejleder_handoff": "cancelled"}}
    assert queue.get(case.id).status == "cancelled"
    assert queue.case_for_conversation("restarting-visitor") is None
    # Without a case it is Rasa's plain restart.
    assert run_action(handoff.ActionRestart(), text="/restart", intent="restart")[1][0]["event"] == "restart"


def test_a_full_queue_offers_a_callback(run_action, hours, counsellor_online, db, monkeypatch):
    from bot.handoff.queue import HandoffQueue
    from tests.schedules import ALWAYS_OPEN

    hours(ALWAYS_OPEN)
    monkeypatch.setattr(handoff, "handoff_queue", lambda: HandoffQueue(db, max_waiting=0))
    messages, events = run_action(handoff.ActionRequestCounsellor(), channel="socketio", sender="flooder")
    assert responses(messages) == ["utter_handoff_nobody_online", "utter_offer_callback"]
    assert events == []
