"""Hand-off actions against a real database and real opening-hours files."""
import asyncio
import datetime as dt
from pathlib import Path

import pytest
import yaml
from rasa.core.nlg.interpolator import interpolate_text
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions import handoff, services
from bot.db import make_engine, make_session_factory
from bot.handoff import protocol
from bot.handoff.counsellors import Counsellors
from bot.handoff.models import CallbackRequest
from bot.handoff.queue import HandoffQueue
from bot.handoff.console_logins import ConsoleSessions
from bot.privacy.detect import EXAMPLE_EMAIL, EXAMPLE_PHONE, NOTHING, REASONS
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
    assert messages[0]["channels"] == "telefon, e-mail eller chat"
    assert events == []


def test_closed_hours_state_the_next_opening(run_action, hours):
    hours(open_tomorrow_only())
    messages, _ = run_action(handoff.ActionRequestCounsellor(), intent="request_counsellor",
                             channel="socketio")
    assert responses(messages) == ["utter_handoff_closed", "utter_offer_callback"]
    assert messages[0]["next_opening"] == "i morgen kl. 9.00"


def test_channels_are_offered_with_the_configured_details(run_action, hours):
    hours(ALWAYS_OPEN + 'contact:\n  phone: "70 20 30 40"\n  email: ev@example.dk\n')
    messages, _ = run_action(handoff.ActionRequestCounsellor(), intent="request_counsellor", channel="rest")
    assert messages[0]["channels"] == "telefon (70 20 30 40), e-mail (ev@example.dk) eller chat"


@pytest.mark.parametrize("schedule", ["timezone: Europe/Copenhagen\nweekly: {}\n", "", "weekly: [",
                                      "weekly:\n  monday: ['9-17']\n", "timezone: Mars/Olympus\n"])
def test_a_schedule_without_openings_or_unreadable_means_closed_and_a_callback(run_action, hours,
                                                                             counsellor_online, schedule):
    hours(schedule)
    messages, events = run_action(handoff.ActionRequestCounsellor(), intent="request_counsellor",
                                  channel="socketio")
    assert responses(messages) == ["utter_handoff_closed_for_now", "utter_offer_callback"]
    assert events == []


def test_a_missing_schedule_file_means_closed(run_action, monkeypatch, tmp_path):
    monkeypatch.setenv("OPENING_HOURS_PATH", str(tmp_path / "missing.yml"))
    messages, _ = run_action(handoff.ActionRequestCounsellor(), intent="request_counsellor", channel="rest")
    assert messages[0]["channels"] == "telefon, e-mail eller chat"
    messages, _ = run_action(handoff.ActionRequestCounsellor(), intent="request_counsellor", channel="socketio")
    assert responses(messages) == ["utter_handoff_closed_for_now", "utter_offer_callback"]


def test_open_with_a_counsellor_online_opens_a_case_and_pauses(run_action, hours, counsellor_online, db):
    hours(ALWAYS_OPEN)
    sender = "socket-visitor-1"
    earlier = [{"event": "user", "parse_data": {"intent": {"name": "ask_salary"}}}]
    messages, events = run_action(handoff.ActionRequestCounsellor(), intent="request_counsellor",
                                  channel="socketio", sender=sender, events=earlier)
    assert responses(messages) == ["utter_handoff_waiting", None]
    # The expected wait comes along once the shared database holds enough recent claims.
    status = messages[1]["custom"]["data"]
    assert (status["evejleder_handoff"], status["position"]) == ("waiting", 1)
    assert set(status) <= {"evejleder_handoff", "position", "wait_minutes"}
    assert [e["event"] for e in events] == ["pause", "action"] and events[-1]["name"] == "action_listen"
    case = HandoffQueue(db).case_for_conversation(sender)
    assert case is not None and case.topics == ("ask_salary",)


def form_slots(**slots):
    return {"requested_slot": None, **slots}


def domain_reply(message):
    """The Danish text the visitor reads for a response the action sent, as Rasa fills it in."""
    with open(Path(__file__).parents[2] / "domain.yml", encoding="utf-8") as file:
        responses = yaml.safe_load(file)["responses"]
    return interpolate_text(responses[message["response"]][0]["text"], message)


@pytest.mark.parametrize("bad, reason", [
    ("12 34 56 78", "Danske telefonnumre starter ikke med 0 eller 1."),
    ("01234567", "Danske telefonnumre starter ikke med 0 eller 1."),
    ("1234", "har 8 cifre, og der er færre"), ("12 34 56", "har 8 cifre, og der er færre"),
    ("234567890", "har 8 cifre, og der er flere"),
    ("+46 12345678", "kun ringe til danske telefonnumre"),
    ("2O345678", "Der er et bogstav i nummeret"),
    ("navn@", "mangler den del, der kommer efter @"), ("navn@eksempel", "mangler den del, der kommer efter @"),
    ("navn..x@eksempel.dk", "ser ikke rigtig ud"),
    ("ring mig op", "hverken et dansk telefonnummer"),
])
def test_a_refused_contact_is_answered_with_the_reason(bad, reason):
    dispatcher = CollectingDispatcher()
    result = handoff.ValidateCallbackForm().validate_callback_contact(bad, dispatcher, None, {})
    assert result == {"callback_contact": None}
    [message] = dispatcher.messages
    text = domain_reply(message)
    assert reason in text and EXAMPLE_PHONE in text and EXAMPLE_EMAIL in text


def test_contact_validation_reasks_on_bad_input_with_examples_that_pass():
    validator = handoff.ValidateCallbackForm()
    for bad in ("1234", "12 34 56", "+46 12345678", "01234567", "navn@", "navn@eksempel", "ring mig op"):
        dispatcher = CollectingDispatcher()
        assert validator.validate_callback_contact(bad, dispatcher, None, {}) == {"callback_contact": None}
        message = dispatcher.messages[0]
        assert message["response"].startswith("utter_invalid_contact")
        for example in (message["phone_example"], message["email_example"]):
            dispatcher = CollectingDispatcher()
            assert validator.validate_callback_contact(example, dispatcher, None, {})["callback_contact"]
            assert dispatcher.messages == []
    for good, normalised in (("23456789", "+45 23 45 67 89"), ("+45 23 45 67 89", "+45 23 45 67 89"),
                             ("0045 23-45-67-89", "+45 23 45 67 89"), ("mit nummer er 2345 6789", "+45 23 45 67 89"),
                             ("Navn@Eksempel.DK", "Navn@eksempel.dk")):
        dispatcher = CollectingDispatcher()
        assert validator.validate_callback_contact(good, dispatcher, None, {}) == {"callback_contact": normalised}
        assert dispatcher.messages == []


FORM_DOMAIN = {"forms": {"callback_form": {"required_slots": list(handoff.CALLBACK_SLOTS)}}}


def run_form_validation(text, intent, slots=None, active=True):
    """The slots the validation action sets, as Rasa's form calls it after a visitor's message.

    Rasa then asks for the first form slot still empty (consent, contact, question, time).
    """
    slots = {"requested_slot": None, **dict.fromkeys(handoff.CALLBACK_SLOTS), **(slots or {})}
    tracker = Tracker("form-visitor", slots, {"text": text, "intent": {"name": intent}},
                      [{"event": "action", "name": "action_listen"}], False, None,
                      {"name": "callback_form"} if active else {}, "action_listen")
    dispatcher = CollectingDispatcher()
    events = asyncio.run(handoff.ValidateCallbackForm().run(dispatcher, tracker, FORM_DOMAIN))
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}, dispatcher.messages


def test_accepting_the_offer_is_the_consent_and_the_contact_is_asked_next():
    slots, _ = run_form_validation("ja tak", "affirm", active=False)
    assert slots == {"callback_consent": True}


def test_contact_details_given_at_the_offer_are_kept_and_consent_is_asked_for_them():
    for text, intent in (("ring på 23 45 67 89", "give_contact"), ("ja, 23456789", "affirm")):
        slots, _ = run_form_validation(text, intent, active=False)
        assert slots == {"callback_contact": "+45 23 45 67 89"}


def test_contact_details_at_the_consent_question_replace_the_earlier_ones_without_a_loop():
    slots, _ = run_form_validation("nej, brug anne@example.dk", "give_contact",
                                   {"requested_slot": "callback_consent",
                                    "callback_contact": "+45 23 45 67 89"})
    assert slots == {"callback_contact": "anne@example.dk"}


def test_a_number_inside_the_question_is_left_in_the_question():
    slots, _ = run_form_validation("ring hellere på 23 45 67 89", "give_contact",
                                   {"requested_slot": "callback_question", "callback_consent": True,
                                    "callback_contact": "anne@example.dk",
                                    "callback_question": "ring hellere på 23 45 67 89"})
    assert "callback_contact" not in slots


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
    # The callback was offered because no eVejleder was free in the chat: not the chat again.
    assert "chat" not in messages[0]["channels"] and "telefon" in messages[0]["channels"]


def test_a_declined_callback_offers_the_ways_besides_the_chat(run_action):
    messages, _ = run_action(handoff.ActionDeclineCallback(), intent="deny")
    assert responses(messages) == ["utter_contact_channels"]
    assert "chat" not in messages[0]["channels"] and "telefon" in messages[0]["channels"]


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


def test_one_address_gets_a_polite_refusal_past_its_waiting_cases(run_action, hours, counsellor_online, db):
    from bot.handoff.queue import MAX_WAITING_PER_ADDRESS, HandoffQueue
    from tests.schedules import ALWAYS_OPEN

    hours(ALWAYS_OPEN)
    home = {protocol.ADDRESS_METADATA_KEY: "a1" * 16}
    for i in range(MAX_WAITING_PER_ADDRESS):
        messages, _ = run_action(handoff.ActionRequestCounsellor(), channel="socketio", sender=f"home-{i}",
                                 metadata=home)
        assert responses(messages)[0] == "utter_handoff_waiting"
    messages, events = run_action(handoff.ActionRequestCounsellor(), channel="socketio", sender="home-x",
                                  metadata=home)
    assert responses(messages) == ["utter_handoff_too_many_from_address", "utter_offer_callback"]
    assert events == [] and HandoffQueue(db).case_for_conversation("home-x") is None
    messages, _ = run_action(handoff.ActionRequestCounsellor(), channel="socketio", sender="office",
                             metadata={protocol.ADDRESS_METADATA_KEY: "b2" * 16})
    assert responses(messages)[0] == "utter_handoff_waiting"


def test_a_full_queue_offers_a_callback(run_action, hours, counsellor_online, db, monkeypatch):
    from bot.handoff.queue import HandoffQueue
    from tests.schedules import ALWAYS_OPEN

    hours(ALWAYS_OPEN)
    monkeypatch.setattr(handoff, "handoff_queue", lambda: HandoffQueue(db, max_waiting=0))
    messages, events = run_action(handoff.ActionRequestCounsellor(), channel="socketio", sender="flooder")
    assert responses(messages) == ["utter_handoff_nobody_online", "utter_offer_callback"]
    assert events == []


def test_restart_during_a_live_chat_ends_the_taken_case_too(run_action, db):
    queue = HandoffQueue(db)
    case = queue.claim(queue.open_case("chatting-visitor").id, "anne")
    messages, _ = run_action(handoff.ActionRestart(), text="/restart", intent="restart", sender="chatting-visitor")
    assert messages[-1]["custom"] == {"data": {"evejleder_handoff": "cancelled"}}
    assert queue.get(case.id).status == "cancelled"


def test_the_callback_offered_in_the_queue_keeps_the_place_when_declined(run_action, db):
    queue = HandoffQueue(db)
    case = queue.open_case("long-waiter")
    messages, events = run_action(handoff.ActionOfferCallbackInQueue(), sender="long-waiter")
    assert responses(messages) == ["utter_queue_offer_callback"]
    assert [e["event"] for e in events] == ["resume", "action"], "the bot wakes to hear the answer"

    messages, events = run_action(handoff.ActionKeepPlaceInQueue(), intent="deny", sender="long-waiter")
    assert responses(messages) == ["utter_queue_place_kept", None]
    status = messages[1]["custom"]["data"]
    assert (status["evejleder_handoff"], status["position"]) == ("waiting", queue.position(case.id))
    assert [e["event"] for e in events] == ["pause", "action"]
    assert queue.get(case.id).status == "waiting"

    queue.claim(case.id, "anne")
    assert run_action(handoff.ActionOfferCallbackInQueue(), sender="long-waiter") == ([], []), \
        "a case taken in the meantime gets no offer"


def test_a_callback_stored_from_the_queue_gives_up_the_place(run_action, db):
    queue = HandoffQueue(db)
    case = queue.open_case("cb-waiter")
    slots = {"callback_consent": True, "callback_contact": "+45 23 45 67 89",
             "callback_question": "Hvilken lederuddannelse passer til mig?", "callback_time": "i morgen"}
    messages, _ = run_action(handoff.ActionSubmitCallback(), slots=slots, sender="cb-waiter")
    assert responses(messages) == ["utter_callback_stored", None]
    assert messages[1]["custom"] == {"data": {"evejleder_handoff": "cancelled"}}
    assert queue.get(case.id).status == "cancelled"


def test_a_case_opened_from_the_web_chat_starts_present_and_rest_opens_none(run_action, hours,
                                                                           counsellor_online, db):
    hours(ALWAYS_OPEN)
    messages, _ = run_action(handoff.ActionRequestCounsellor(), channel="socketio", sender="present-visitor",
                             metadata={protocol.ADDRESS_METADATA_KEY: "c3" * 16})
    assert responses(messages)[0] == "utter_handoff_waiting"
    case = HandoffQueue(db).case_for_conversation("present-visitor")
    assert [e.kind for e in HandoffQueue(db).events(case.id)] == ["back"], "seen on opening"
    assert address_of(db, "present-visitor") == "c3" * 16
    # Only a tag in the channel's own form counts as an address.
    run_action(handoff.ActionRequestCounsellor(), channel="socketio", sender="odd-tag",
               metadata={protocol.ADDRESS_METADATA_KEY: {"x": 1}})
    assert address_of(db, "odd-tag") is None
    messages, events = run_action(handoff.ActionRequestCounsellor(), channel="rest", sender="rest-visitor",
                                  metadata={protocol.ADDRESS_METADATA_KEY: "d4" * 16})
    assert responses(messages) == ["utter_handoff_no_live_channel", "utter_offer_callback"]
    assert events == [] and HandoffQueue(db).case_for_conversation("rest-visitor") is None


def address_of(db, conversation):
    from bot.handoff.models import Case

    with db() as session:
        return session.execute(select(Case.visitor_address).where(Case.conversation_id == conversation)).scalar_one()


def test_every_reason_the_detector_gives_has_a_danish_reply():
    with open(Path(__file__).parents[2] / "domain.yml", encoding="utf-8") as file:
        responses = yaml.safe_load(file)["responses"]
    for reason in REASONS:
        name = "utter_invalid_contact" if reason == NOTHING else f"utter_invalid_contact_{reason}"
        assert "{phone_example}" in responses[name][0]["text"]
