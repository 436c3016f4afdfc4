"""Faults in the cluster: a part goes away during conversations; nothing accepted is lost, and the
visitor is told clearly when something cannot be done."""
from __future__ import annotations

import json
import secrets
import threading
import time
import uuid
from typing import List, Tuple

from bot.chat import texts
from bot.db import make_engine, make_session_factory
from bot.handoff.models import ACTIVE
from bot.handoff.queue import HandoffQueue
from bot.knowledge.store import KnowledgeStore
from tests.e2e.people import Counsellor, Visitor, status, text_containing
from tests.e2e.test_handoff import wait_for_new_case

REST_ERROR = texts.UNAVAILABLE


def answer(response) -> str:
    assert response.status_code == 200, (response.status_code, response.text[:300])
    return "\n".join(message.get("text") or "" for message in response.json())


def contact_channels(cluster) -> List[str]:
    engine = make_engine(cluster.env["DATABASE_URL"])
    try:
        return KnowledgeStore(make_session_factory(engine)).contact_channels("leder")
    finally:
        engine.dispose()


def wait_until_answered(cluster, sender: str, message: str, seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    while True:
        response = cluster.say(sender, message)
        if response.status_code == 200 or time.monotonic() > deadline:
            return answer(response)
        time.sleep(1)


def test_action_server_down_gives_an_apology_with_the_contact_channels(cluster):
    channels = contact_channels(cluster)
    assert channels, "the article names the contact channels"
    visitor = Visitor(cluster.public_url, cluster.ca_file)
    try:
        visitor.say("hvad tjener en leder?")
        visitor.wait_for(text_containing("Uddannelseszoom"))

        cluster.kill("actions")
        visitor.say("hvad laver en leder?")
        apology = visitor.wait_for(text_containing("Undskyld"))
        assert "Prøv igen om lidt" in apology["text"]
        listed = visitor.wait_for(text_containing("eVejledere via"))
        assert all(channel in listed["text"] for channel in channels), listed
        # REST visitors get the same.
        rest = answer(cluster.say("faults-actions-rest", "hvad laver en leder?"))
        assert "Undskyld" in rest and all(channel in rest for channel in channels)

        cluster.start_actions()
        visitor.say("hvad laver en leder?")
        visitor.wait_for(text_containing("Kilde: UddannelsesGuiden"))
    finally:
        visitor.close()
        if "actions" not in cluster.processes:
            cluster.start_actions()


def test_rasa_restart_during_a_handoff_keeps_case_messages_and_session(cluster):
    password = secrets.token_urlsafe(12)
    cluster.add_counsellor("mette", password)
    counsellor = Counsellor(cluster.public_url, "mette", password, cluster.ca_file)
    visitor = Visitor(cluster.public_url, cluster.ca_file)
    try:
        known = {case["id"] for case in counsellor.queue()}
        visitor.say("jeg vil gerne tale med en rigtig vejleder")
        visitor.wait_for(status("waiting"))
        case = wait_for_new_case(counsellor, known)
        assert counsellor.post(f"/console/cases/{case['id']}/claim").ok
        visitor.wait_for(status("joined"))
        counsellor.post(f"/console/cases/{case['id']}/messages", text="Hej, jeg hedder Mette.")
        visitor.wait_for(text_containing("jeg hedder Mette"))
        visitor.say("jeg vil gerne høre om diplomuddannelsen")
        assert visitor.silence(2) == [], "the bot stays silent while the counsellor chats"

        # Both Rasa processes restart: the visitor's connection drops wherever it was.
        for index in range(len(cluster.ports.rasa_ports)):
            cluster.stop(f"rasa{index}")
        for index in range(len(cluster.ports.rasa_ports)):
            cluster.start_rasa(index, wait=False)
        for index in range(len(cluster.ports.rasa_ports)):
            cluster.wait_rasa(index)

        case_now = HandoffQueue(make_session_factory(make_engine(cluster.env["DATABASE_URL"]))) \
            .case_for_conversation(visitor.session_id)
        assert (case_now.id, case_now.status) == (case["id"], ACTIVE)
        lines = counsellor.transcript(case["id"])
        assert "jeg vil gerne høre om diplomuddannelsen" in [l["text"] for l in lines if l["who"] == "visitor"]
        assert any(l["who"] == "counsellor" and "jeg hedder Mette" in l["text"] for l in lines)

        deadline = time.monotonic() + 60
        while not visitor.client.connected and time.monotonic() < deadline:
            time.sleep(0.5)
        assert visitor.client.connected, "the widget's socket reconnects through nginx"
        time.sleep(1)  # the session_request after reconnecting puts the visitor back in its room
        counsellor.post(f"/console/cases/{case['id']}/messages", text="Er du her stadig?")
        visitor.wait_for(text_containing("Er du her stadig?"))
        visitor.say("ja, jeg er her")
        assert visitor.silence(2) == [], "still paused: the hand-off survived the restart"
        assert counsellor.post(f"/console/cases/{case['id']}/close", note="Genstart under samtale").ok
        visitor.wait_for(status("resumed"))
    finally:
        visitor.close()


def test_postgres_restart_loses_no_accepted_message(cluster):
    # Six conversations, one message every two seconds each: inside the chat's per-session rate
    # limit, so every answer is Rasa's (or the failure's), never the limiter's.
    senders = [f"faults-pg-{n}-{uuid.uuid4().hex[:6]}" for n in range(6)]
    results: List[Tuple[str, str, int, str]] = []
    running = threading.Event()
    running.set()

    def talk(sender: str) -> None:
        number = 0
        while running.is_set():
            number += 1
            message = f"hvad laver en leder {number}"
            try:
                response = cluster.say(sender, message, timeout=60)
                results.append((sender, message, response.status_code, json.dumps(
                    response.json(), ensure_ascii=False)))
            except Exception as exc:  # noqa: BLE001 - a dropped connection counts as an error answer
                results.append((sender, message, 0, repr(exc)))
            time.sleep(2)

    threads = [threading.Thread(target=talk, args=(sender,)) for sender in senders]
    for thread in threads:
        thread.start()
    time.sleep(3)
    cluster.postgres.restart()
    time.sleep(5)
    running.clear()
    for thread in threads:
        thread.join(90)

    accepted = [(s, m) for s, m, code, _ in results if code == 200]
    refused = [(code, body) for _, _, code, body in results if code != 200]
    assert len(accepted) >= 6, results
    assert not [body for _, _, _, body in results if texts.SLOW_DOWN in body], "paced below the limit"
    for code, body in refused:
        assert code == 503 and REST_ERROR in body, (code, body[:300])
    stored = cluster.stored_user_texts(senders)
    for sender, message in accepted:
        assert message in stored.get(sender, []), (sender, message)
    # And the cluster works again without anyone's help.
    assert "Kilde: UddannelsesGuiden" in wait_until_answered(cluster, f"faults-pg-after-{uuid.uuid4().hex[:6]}",
                                                             "hvad laver en leder?")


def test_redis_down_gives_a_clear_error_and_loses_nothing_accepted(cluster):
    sender = f"faults-redis-{uuid.uuid4().hex[:6]}"
    assert "Kilde" in answer(cluster.say(sender, "hvad laver en leder?"))
    visitor = Visitor(cluster.public_url, cluster.ca_file)
    try:
        visitor.say("hej")
        visitor.wait_for(text_containing("leder"))
        cluster.redis.stop()

        response = cluster.say(sender, "hvad tjener en leder?")
        assert response.status_code == 503 and REST_ERROR in response.json()["error"]
        # The widget is told too (or its message stays unacknowledged, to be sent again).
        try:
            acknowledged = visitor.client.call(
                "user_uttered", {"message": "hvad tjener en leder?", "session_id": visitor.session_id},
                timeout=15) is None
        except Exception:  # noqa: BLE001 - socketio.exceptions.TimeoutError: not acknowledged
            acknowledged = False
        told = [m.get("text") or "" for m in visitor.silence(3)]
        assert any(text.startswith(("Undskyld", "Beklager")) for text in told) or not acknowledged, told
        if acknowledged:
            assert "hvad tjener en leder?" in cluster.stored_user_texts([visitor.session_id]).get(
                visitor.session_id, [])
    finally:
        visitor.close()
        cluster.redis.start()
    assert "Uddannelseszoom" in wait_until_answered(cluster, sender, "hvad tjener en leder?")
