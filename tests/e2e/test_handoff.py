"""Hand-off with the real processes: a socket.io visitor, a counsellor in the console, Rasa restarts."""
import re
import time

import pytest
import requests
from sqlalchemy import select

from bot.db import make_engine, make_session_factory
from bot.handoff.models import CallbackRequest
from tests.e2e.people import Visitor, status, text_containing


@pytest.fixture
def visitor(stack):
    person = Visitor(stack.rasa_url)
    yield person
    person.close()


def wait_for_new_case(counsellor, known_ids, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        new = [c for c in counsellor.queue() if c["id"] not in known_ids]
        if new:
            return new[0]
        time.sleep(0.3)
    raise AssertionError("no new case in the queue")


def test_live_chat_with_a_counsellor_survives_a_rasa_restart(stack, counsellor, visitor):
    visitor.say("hvad tjener en leder")
    visitor.wait_for(text_containing("Uddannelseszoom"))
    known = {c["id"] for c in counsellor.queue()}

    visitor.say("jeg vil gerne tale med en rigtig vejleder")
    waiting = visitor.wait_for(text_containing("nummer"))
    assert "eVejleder" in waiting["text"]
    visitor.wait_for(status("waiting"))
    case = wait_for_new_case(counsellor, known)
    assert "løn" in case["topics"]

    # While waiting the bot is paused: the visitor's message is logged, not answered.
    visitor.say("hallo, er der nogen?")
    assert visitor.silence(3) == []

    assert counsellor.post(f"/console/cases/{case['id']}/claim").ok
    visitor.wait_for(status("joined"))
    assert visitor.silence(2) == [], "the joined status is the only message about the claim"
    lines = counsellor.transcript(case["id"])
    said = [line["text"] for line in lines if line["who"] == "visitor"]
    assert "hvad tjener en leder" in said and "hallo, er der nogen?" in said
    assert any(line["who"] == "bot" and "Uddannelseszoom" in line["text"] for line in lines)

    counsellor.post(f"/console/cases/{case['id']}/messages", text="Hej, jeg hedder Anna. Hvad kan jeg hjælpe med?")
    visitor.wait_for(text_containing("jeg hedder Anna"))
    visitor.say("jeg vil gerne høre om diplomuddannelsen")
    assert visitor.silence(2) == [], "the bot stays silent while the counsellor chats"

    # Rasa restarts in the middle of the case: the case, its messages and the pause survive.
    stack.stop("rasa")
    stack.start_rasa()
    lines = counsellor.transcript(case["id"])
    assert "jeg vil gerne høre om diplomuddannelsen" in [l["text"] for l in lines if l["who"] == "visitor"]
    assert any(l["who"] == "counsellor" and "jeg hedder Anna" in l["text"] for l in lines)
    deadline = time.monotonic() + 30
    while not visitor.client.connected and time.monotonic() < deadline:
        time.sleep(0.5)
    time.sleep(1)  # the session_request after reconnecting puts the visitor back in its room
    counsellor.post(f"/console/cases/{case['id']}/messages", text="Er du her stadig?")
    visitor.wait_for(text_containing("Er du her stadig?"))
    visitor.say("ja, jeg er her")
    assert visitor.silence(2) == []

    assert counsellor.post(f"/console/cases/{case['id']}/close", note="Talte om diplomuddannelse").ok
    visitor.wait_for(status("resumed"))
    assert visitor.silence(2) == [], "the resumed status is the only message about the close"
    visitor.say("hvad laver en kontorchef")
    visitor.wait_for(text_containing("Du leder arbejdet på et kontor"))
    assert case["id"] not in {c["id"] for c in counsellor.queue()}


def test_restart_while_waiting_ends_the_case_and_the_counsellor_sees_it(stack, counsellor, visitor):
    known = {c["id"] for c in counsellor.queue()}
    visitor.say("jeg vil gerne tale med en vejleder")
    visitor.wait_for(status("waiting"))
    case = wait_for_new_case(counsellor, known)

    visitor.say("/restart")  # the only message a paused conversation lets through
    deadline = time.monotonic() + 20
    while case["id"] in {c["id"] for c in counsellor.queue()} and time.monotonic() < deadline:
        time.sleep(0.3)
    assert case["id"] not in {c["id"] for c in counsellor.queue()}
    page = counsellor.http.get(f"{stack.web_url}/console/api/cases/{case['id']}/transcript", timeout=10).json()
    assert page["status"] == "cancelled" and "besøgende" in page["status_text"]
    said = [line["text"] for line in page["lines"]]
    assert said.count("Den besøgende har forladt samtalen.") == 1
    visitor.say("hvad laver en kontorchef")  # the bot answers again
    visitor.wait_for(text_containing("Du leder arbejdet på et kontor"))


def wait_for_case_status(stack, counsellor, case_id, wanted, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        page = counsellor.http.get(f"{stack.web_url}/console/api/cases/{case_id}/transcript", timeout=10).json()
        if page["status"] == wanted:
            return page
        time.sleep(0.5)
    raise AssertionError(f"case {case_id} is still {page['status']}")


def test_a_visitor_who_closes_the_window_has_left_and_the_counsellor_sees_it(stack, counsellor, short_waits):
    known = {c["id"] for c in counsellor.queue()}
    visitor = Visitor(stack.rasa_url)
    visitor.say("jeg vil gerne tale med en vejleder")
    visitor.wait_for(status("waiting"))
    case = wait_for_new_case(counsellor, known)
    assert counsellor.post(f"/console/cases/{case['id']}/claim").ok
    visitor.wait_for(status("joined"))

    # A reload (a new connection within the grace period) keeps the chat going.
    visitor.close()
    returning = Visitor(stack.rasa_url, session=(visitor.session_id, visitor.session_secret))
    time.sleep(6)
    assert counsellor.post(f"/console/cases/{case['id']}/messages", text="Er du der stadig?").ok
    returning.wait_for(text_containing("Er du der stadig?"))

    # The tab is closed for good. This client leaves without a word, so the server notices only
    # when its pings go unanswered (about 45 s); a browser's closed WebSocket is noticed at once.
    returning.close()
    page = wait_for_case_status(stack, counsellor, case["id"], "cancelled", timeout=120)
    said = [line["text"] for line in page["lines"]]
    assert said.count("Den besøgende har forladt samtalen.") == 1
    assert [line["text"] for line in page["lines"]].count("Den besøgende har forladt samtalen.") == 1


def test_a_queue_that_takes_too_long_offers_a_callback_and_keeps_the_place(stack, counsellor, visitor,
                                                                         short_waits):
    known = {c["id"] for c in counsellor.queue()}
    visitor.say("jeg vil gerne tale med en vejleder")
    waiting = visitor.wait_for(status("waiting"))
    assert waiting["position"] >= 1
    case = wait_for_new_case(counsellor, known)

    offer = visitor.wait_for(text_containing("beholder du din plads"), timeout=30)
    assert [b["payload"] for b in offer["quick_replies"]] == ["/affirm", "/deny"]
    assert visitor.silence(3) == [], "one offer"
    visitor.say("/deny")
    visitor.wait_for(text_containing("Så beholder du din plads i køen"))
    assert visitor.wait_for(status("waiting"))["position"] == waiting["position"]
    assert case["id"] in {c["id"] for c in counsellor.queue()}
    visitor.say("hallo?")  # the bot is paused again: the message waits for the counsellor
    assert visitor.silence(3) == []
    assert counsellor.post(f"/console/cases/{case['id']}/claim").ok
    visitor.wait_for(status("joined"))


def stored_callbacks(stack):
    factory = make_session_factory(make_engine(stack.env["DATABASE_URL"]))
    with factory() as session:
        return session.execute(select(CallbackRequest)).scalars().all()


def test_outside_opening_hours_a_callback_request_is_stored(stack, counsellor, visitor, closed_hours):
    before = len(stored_callbacks(stack))
    visitor.say("kan jeg ringe til en vejleder")
    closed = visitor.wait_for(text_containing("ikke åbent"))
    assert "i morgen kl. 9.00" in closed["text"]
    visitor.wait_for(text_containing("slettes senest efter 30 dage"))
    visitor.say("ja tak")
    visitor.wait_for(text_containing("telefonnummer eller hvilken e-mail"))
    for bad in ("1234", "navn@", "ring til mig", "12 34 56 78"):
        visitor.say(bad)
        refusal = visitor.wait_for(text_containing("Prøv igen"))
    # The example the refusal suggests is accepted as it stands.
    example = re.search(r"fx (.+?) eller", refusal["text"]).group(1)
    visitor.say(example)
    visitor.wait_for(text_containing("Hvad vil du gerne have hjælp til"))
    visitor.say("Jeg vil gerne vide, om en master i offentlig ledelse passer til mig")
    visitor.wait_for(text_containing("Hvornår passer det dig"))
    visitor.say("hverdage efter kl. 16")
    confirmation = visitor.wait_for(text_containing("den e-mail, du har givet"))
    assert "30 40 50" not in confirmation["text"]
    callbacks = stored_callbacks(stack)
    assert len(callbacks) == before + 1
    assert callbacks[-1].contact == "+45 20 30 40 50"
    assert callbacks[-1].preferred_time == "hverdage efter kl. 16"
    assert "+45 20 30 40 50" in counsellor.http.get(f"{stack.web_url}/console", timeout=10).text


def test_a_number_typed_at_the_offer_is_confirmed_and_without_consent_nothing_is_stored(
        stack, visitor, closed_hours):
    before = len(stored_callbacks(stack))
    visitor.say("jeg vil tale med et menneske")
    visitor.wait_for(text_containing("slettes senest efter 30 dage"))
    visitor.say("mit nummer er 0045 23-45-67-89")
    visitor.wait_for(text_containing("Må jeg gemme +45 23 45 67 89"))
    visitor.say("nej")
    visitor.wait_for(text_containing("ikke gemt noget"))
    assert len(stored_callbacks(stack)) == before


def test_rest_channel_gets_the_callback_path(stack):
    replies = stack.say("rest-handoff", "jeg vil gerne chatte med en vejleder")
    text = "\n".join(r.get("text", "") for r in replies)
    assert "kan en eVejleder ikke skrive til dig direkte" in text
    assert "telefon" in text


def test_one_address_cannot_fill_the_queue(stack, counsellor):
    from bot.handoff.queue import MAX_WAITING_PER_ADDRESS

    def visitor_from(address):
        return Visitor(stack.rasa_url, headers={"X-Forwarded-For": address})

    home = [visitor_from("198.51.100.7") for _ in range(MAX_WAITING_PER_ADDRESS + 1)]
    office = visitor_from("198.51.100.8")
    try:
        for person in home[:-1]:
            person.say("jeg vil gerne tale med en vejleder")
            person.wait_for(status("waiting"))
        home[-1].say("jeg vil gerne tale med en vejleder")
        home[-1].wait_for(text_containing("fra samme netværk som dit"))
        home[-1].wait_for(text_containing("ringer eller skriver til dig"))
        office.say("jeg vil gerne tale med en vejleder")
        office.wait_for(status("waiting"))
    finally:
        for person in home + [office]:
            requests.post(f"{stack.web_url}/api/visitor/{person.session_id}/cancel",
                          headers=person.secret_header, timeout=30)
            person.close()
