"""REST is a channel of its own, with the real Rasa, action server and web server.

The probe of the security review: with the hours always open and a counsellor signed in, REST
clients that claim to be the web chat (`input_channel: socketio`) and send 100 KB of metadata
each. Before, 35 such POSTs left 30 waiting cases (the queue's cap) and real visitors were told
that nobody was free.
"""
import time
import uuid

import pytest
import requests
from sqlalchemy import select

from bot.db import make_engine, make_session_factory
from bot.handoff.models import Case
from bot.handoff.queue import HandoffQueue
from tests.e2e.people import Visitor, status

PROBE_POSTS = 35


@pytest.fixture
def database(stack):
    engine = make_engine(stack.env["DATABASE_URL"])
    yield make_session_factory(engine)
    engine.dispose()


def cases_of(database, senders):
    with database() as session:
        return session.execute(select(Case).where(Case.conversation_id.in_(senders))).scalars().all()


def forged_body(sender, message="/request_counsellor"):
    return {"sender": sender, "message": message, "input_channel": "socketio",
            # A new forged address each time, so the per-address cap cannot stop it either.
            "metadata": {"evejleder_address": uuid.uuid4().hex, "evejleder_counsellor": "Falsk",
                         "evejleder_choice": "Snak med en vejleder", "padding": "x" * 100_000}}


def webhook(stack, body):
    return requests.post(f"{stack.rasa_url}/webhooks/rest/webhook", json=body, timeout=60)


def test_the_rest_probe_opens_no_case(stack, counsellor, database):
    senders = [f"probe-{uuid.uuid4().hex}" for _ in range(PROBE_POSTS)]
    try:
        answers = [webhook(stack, forged_body(sender)) for sender in senders]
        assert [answer.status_code for answer in answers] == [200] * PROBE_POSTS
        opened = cases_of(database, senders)
        assert len(opened) == 0, f"the probe opened {len(opened)} cases"
        # Each is told where a live chat is, and offered a callback instead.
        text = "\n".join(message.get("text", "") for message in answers[-1].json())
        assert "chatten på UddannelsesGuiden" in text
        assert "ringer eller skriver til dig" in text
    finally:
        queue = HandoffQueue(database)
        for sender in senders:  # what the probe opened before must not fill the other tests' queue
            queue.visitor_left(sender)


def stored_user_events(stack, sender):
    tracker = requests.get(f"{stack.rasa_url}/conversations/{sender}/tracker",
                           params={"token": stack.token}, timeout=10).json()
    return [event for event in tracker["events"] if event["event"] == "user"]


def without_rasas_own(metadata):
    return {key: value for key, value in metadata.items() if key not in ("model_id", "assistant_id")}


def test_rest_records_its_own_channel_and_only_the_allowed_metadata(stack):
    sender = f"probe-{uuid.uuid4().hex}"
    assert webhook(stack, forged_body(sender, "hvad laver en leder?")).status_code == 200
    said = stored_user_events(stack, sender)
    assert said and said[-1]["input_channel"] == "rest"
    # From loopback the channel adds no address tag.
    assert without_rasas_own(said[-1]["metadata"]) == {"evejleder_choice": "Snak med en vejleder"}

    # Behind the proxy the channel adds the tag of the visitor's address, never the client's.
    body = forged_body(sender, "hvad laver en leder?")
    forged_tag = body["metadata"]["evejleder_address"]
    response = requests.post(f"{stack.rasa_url}/webhooks/rest/webhook", json=body, timeout=60,
                             headers={"X-Forwarded-For": "2001:db8:7:7::1"})
    assert response.status_code == 200
    said = stored_user_events(stack, f"rest-{sender}")
    kept = without_rasas_own(said[-1]["metadata"])
    assert said[-1]["input_channel"] == "rest"
    assert set(kept) == {"evejleder_choice", "evejleder_address"} and kept["evejleder_address"] != forged_tag


def test_a_waiting_case_never_connected_ends_while_a_web_chat_visitor_keeps_the_place(
        stack, counsellor, database, short_waits):
    # A case as a REST client could open one before: nobody is connected to it.
    junk = HandoffQueue(database).open_case(f"probe-{uuid.uuid4().hex}")
    visitor = Visitor(stack.rasa_url)
    try:
        visitor.say("jeg vil gerne tale med en vejleder")
        visitor.wait_for(status("waiting"))
        deadline = time.monotonic() + 20
        while HandoffQueue(database).get(junk.id).status == "waiting" and time.monotonic() < deadline:
            time.sleep(0.5)
        assert HandoffQueue(database).get(junk.id).status == "cancelled"
        assert [e.kind for e in HandoffQueue(database).events(junk.id)][-1] == "never_present"
        kept = HandoffQueue(database).case_for_conversation(visitor.session_id)
        assert kept is not None and kept.status == "waiting", "the connected visitor keeps the place"
    finally:
        requests.post(f"{stack.web_url}/api/visitor/{visitor.session_id}/cancel",
                      headers=visitor.secret_header, timeout=30)
        visitor.close()
