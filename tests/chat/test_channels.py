"""The guarded channels on a real Rasa: length, empty, rate limits, origins, API credentials."""
import json
import time
import uuid

import pytest
import requests
import socketio

from bot.chat import texts
from bot.handoff.protocol import ANSWER_METADATA_KEY
from tests.chat.conftest import ADDRESS_BURST, ALLOWED_ORIGIN, SESSION_BURST
from tests.e2e.people import Visitor


def post(stack, body, **headers):
    return requests.post(f"{stack.rasa_url}/webhooks/rest/webhook", json=body, headers=headers,
                         timeout=30)


def texts_of(response):
    assert response.status_code == 200, response.text
    return [message.get("text", "") for message in response.json()]


def test_rest_answers_a_normal_question(chat_stack):
    answer = texts_of(post(chat_stack, {"sender": uuid.uuid4().hex, "message": "hvad laver en leder?"}))
    assert answer and all(texts.SLOW_DOWN not in text for text in answer)


def test_rest_refuses_a_5000_character_message_without_processing_it(chat_stack):
    sender = uuid.uuid4().hex
    answer = texts_of(post(chat_stack, {"sender": sender, "message": "leder " * 1000}))
    assert answer == [texts.TOO_LONG.format(limit=1000)]
    tracker = requests.get(f"{chat_stack.rasa_url}/conversations/{sender}/tracker",
                           params={"token": chat_stack.token}, timeout=10).json()
    assert not [e for e in tracker["events"] if e["event"] == "user"]


@pytest.mark.parametrize("message", ["", "   \n", None])
def test_rest_refuses_empty_messages(chat_stack, message):
    assert texts_of(post(chat_stack, {"sender": uuid.uuid4().hex, "message": message})) == [texts.EMPTY]


def test_rest_refuses_broken_json_with_a_clear_error(chat_stack):
    response = requests.post(f"{chat_stack.rasa_url}/webhooks/rest/webhook", data=b'{"sender": "a",',
                             headers={"Content-Type": "application/json"}, timeout=10)
    assert response.status_code == 400 and "JSON object" in response.json()["error"]


def test_rest_burst_from_one_session_is_slowed_down_after_its_burst(chat_stack):
    sender = uuid.uuid4().hex
    answers = [texts_of(post(chat_stack, {"sender": sender, "message": "hej"})) for _ in range(30)]
    slowed = [texts.SLOW_DOWN in answer for answer in answers]
    assert slowed == [False] * SESSION_BURST + [True] * (30 - SESSION_BURST)
    assert all(answer == [texts.SLOW_DOWN] for answer in answers[SESSION_BURST:])


def test_an_address_behind_the_local_proxy_is_limited_across_sessions(chat_stack):
    # From loopback (like nginx) X-Forwarded-For names the visitor; its last entry counts,
    # so the client's own claim in front of it changes nothing.
    answers = [texts_of(post(chat_stack, {"sender": uuid.uuid4().hex, "message": "hej"},
                             **{"X-Forwarded-For": f"10.9.9.{i}, 198.51.100.23"}))
               for i in range(ADDRESS_BURST + 3)]
    assert [texts.SLOW_DOWN in a for a in answers] == [False] * ADDRESS_BURST + [True] * 3
    other = post(chat_stack, {"sender": uuid.uuid4().hex, "message": "hej"},
                 **{"X-Forwarded-For": "198.51.100.24"})
    assert texts.SLOW_DOWN not in texts_of(other)


def connect(stack, origin=None):
    client = socketio.Client(reconnection=False)
    headers = {"Origin": origin} if origin else {}
    client.connect(stack.rasa_url, transports=["polling"], headers=headers, wait_timeout=10)
    return client


def test_socketio_refuses_a_foreign_origin_and_accepts_the_allowed_one(chat_stack):
    with pytest.raises(socketio.exceptions.ConnectionError):
        connect(chat_stack, "https://evil.example")
    with pytest.raises(socketio.exceptions.ConnectionError):
        connect(chat_stack, "http://127.0.0.1:8000")  # not in this stack's allowlist
    connect(chat_stack, ALLOWED_ORIGIN).disconnect()
    engine = requests.get(f"{chat_stack.rasa_url}/socket.io/", params={"EIO": "4", "transport": "polling"},
                          headers={"Origin": "https://evil.example"}, timeout=10)
    assert engine.status_code == 400 and "not an accepted origin" in engine.text


@pytest.fixture
def visitor(chat_stack):
    person = Visitor(chat_stack.rasa_url)
    yield person
    person.close()


def test_socketio_refuses_long_and_empty_messages_and_still_answers_after(visitor):
    visitor.say("x" * 5000)
    assert visitor.next()["text"] == texts.TOO_LONG.format(limit=1000)
    visitor.say("  ")
    assert visitor.next()["text"] == texts.EMPTY
    visitor.say("hvad laver en leder?")
    assert visitor.next()["text"] not in (texts.TOO_LONG.format(limit=1000), texts.EMPTY)


def test_socketio_burst_of_30_is_slowed_down_after_the_burst(visitor):
    import time
    for i in range(30):
        visitor.say(f"hej {i}")
        time.sleep(0.05)  # python-socketio's client batches emits; engine.io takes 16 per request
    # Every refusal comes, however loaded the machine; then no more than those.
    expected, slow = 30 - SESSION_BURST, []
    deadline = time.monotonic() + 60
    while len(slow) < expected and time.monotonic() < deadline:
        slow += [m for m in visitor.silence(1) if m.get("text") == texts.SLOW_DOWN]
    slow += [m for m in visitor.silence(3) if m.get("text") == texts.SLOW_DOWN]
    assert len(slow) == expected


@pytest.mark.parametrize("path", ["/status", "/conversations/x/tracker",
                                  "/model/parse", "/conversations/x/tracker/events"])
def test_rasa_api_refuses_requests_without_or_with_a_wrong_token(chat_stack, path):
    method = requests.get if path in ("/status", "/conversations/x/tracker") else requests.post
    url = f"{chat_stack.rasa_url}{path}"
    for params in ({}, {"token": "wrong"}, {"token": ""}):
        response = method(url, params=params, json={"text": "hej", "event": "bot"}, timeout=10)
        assert response.status_code == 401, (path, params, response.text)
    assert method(url, params={"token": chat_stack.token}, json={"text": "hej", "event": "bot"},
                  timeout=30).status_code == 200


def tracker_events(stack, session_id):
    response = requests.get(f"{stack.rasa_url}/conversations/{session_id}/tracker",
                            params={"token": stack.token}, timeout=10)
    response.raise_for_status()
    return response.json()["events"]


@pytest.mark.parametrize("session_id", ["../../etc", "x" * 300, "", 12345, "<b>id</b>"])
def test_socketio_refuses_a_malformed_session_id(visitor, chat_stack, session_id):
    visitor.client.emit("user_uttered", {"message": "hvad laver en leder?", "session_id": session_id})
    assert visitor.next()["text"] == texts.BAD_SESSION
    visitor.client.emit("session_request", {"session_id": session_id})
    assert visitor.next()["text"] == texts.BAD_SESSION
    visitor.say("hvad laver en leder?")  # the visitor's own, well-formed session still works
    assert visitor.next()["text"] != texts.BAD_SESSION


def test_a_conversation_id_alone_does_not_open_the_conversation(visitor, chat_stack):
    visitor.say("hvad laver en leder?")
    visitor.wait_for(lambda message: bool(message.get("text")))
    intruder = Visitor(chat_stack.rasa_url)
    try:
        for secret in (None, "0" * 64, intruder.session_secret):
            intruder.confirmed.clear()
            intruder.client.emit("session_request", {"session_id": visitor.session_id, "session_secret": secret})
            assert intruder.confirmed.wait(10)
            assert intruder.session_id != visitor.session_id, "a fresh conversation, not the visitor's"
        intruder.client.emit("user_uttered", {"message": "ring til mig på 23 45 67 89",
                                              "session_id": visitor.session_id})
        assert intruder.next()["text"] == texts.NOT_THIS_CONNECTION
        visitor.silence(2)
        visitor.say("hvad tjener en leder?")
        assert visitor.wait_for(lambda message: bool(message.get("text")))
        assert intruder.silence(3) == [], "nothing of the visitor's chat reaches the other socket"
        said = [event.get("text") for event in tracker_events(chat_stack, visitor.session_id)
                if event["event"] == "user"]
        assert "hvad tjener en leder?" in said and "ring til mig på 23 45 67 89" not in said
    finally:
        intruder.close()


def test_a_rest_client_beyond_loopback_cannot_write_into_a_visitors_chat(visitor, chat_stack):
    visitor.say("hvad laver en leder?")
    visitor.wait_for(lambda message: bool(message.get("text")))
    visitor.silence(2)  # the rest of the answer
    answer = texts_of(post(chat_stack, {"sender": visitor.session_id, "message": "ring til mig på 23 45 67 89"},
                           **{"X-Forwarded-For": "198.51.100.40"}))
    assert answer, "the REST client is answered, in a conversation of its own"
    said = [event.get("text") for event in tracker_events(chat_stack, visitor.session_id)
            if event["event"] == "user"]
    assert "hvad laver en leder?" in said and "ring til mig på 23 45 67 89" not in said
    assert visitor.silence(2) == [], "nothing reaches the visitor's window"


def test_the_conversation_reopens_with_its_secret_after_a_reload(visitor, chat_stack):
    reloaded = Visitor(chat_stack.rasa_url)
    try:
        reloaded.session_id, reloaded.session_secret = visitor.session_id, visitor.session_secret
        reloaded.confirmed.clear()
        reloaded.request_session()
        assert reloaded.confirmed.wait(10) and reloaded.session_id == visitor.session_id
        reloaded.say("hvad laver en leder?")
        answer = reloaded.wait_for(lambda message: bool(message.get("text")))
        assert visitor.wait_for(lambda message: message.get("text") == answer["text"]), \
            "both windows of the conversation are in its room"
    finally:
        reloaded.close()


def test_socketio_keeps_only_the_widgets_metadata(visitor, chat_stack):
    for metadata in ({"evejleder_choice": "Arbejdsopgaver", "evejleder_counsellor": "Falsk",
                      "note": "<script>alert(1)</script>"},
                     {"evejleder_choice": "x" * 5000},
                     "{broken json"):
        visitor.client.emit("user_uttered", {"message": "/ask_tasks", "session_id": visitor.session_id,
                                             "metadata": metadata})
        visitor.next()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        # Rasa adds its own model_id and assistant_id.
        stored = [{key: value for key, value in event.get("metadata", {}).items()
                   if key not in ("model_id", "assistant_id")}
                  for event in tracker_events(chat_stack, visitor.session_id)
                  if event["event"] == "user" and event.get("text") == "/ask_tasks"]
        if len(stored) == 3:
            break
        time.sleep(0.5)
    assert stored == [{"evejleder_choice": "Arbejdsopgaver"}, {}, {}]


def test_socketio_announces_and_enforces_a_16_kb_packet_limit(chat_stack):
    # engine.io tells the client its limit in the handshake (its default: 1,000,000 bytes) and
    # refuses longer packets before they reach the channel.
    handshake = requests.get(f"{chat_stack.rasa_url}/socket.io/", params={"EIO": "4", "transport": "polling"},
                             timeout=10)
    assert json.loads(handshake.text[1:])["maxPayload"] == 16 * 1024


def test_socketio_flags_each_part_of_an_answer_and_nothing_else(visitor):
    # The widget asks "Hjalp svaret?" under flagged parts only.
    visitor.say("/ask_tasks")
    task = visitor.wait_for(lambda message: "Rapporterer til" in (message.get("text") or ""))
    assert task.get(ANSWER_METADATA_KEY) is True
    visitor.say("tak")
    thanks = visitor.wait_for(lambda message: (message.get("text") or "").startswith("Selv tak"))
    assert ANSWER_METADATA_KEY not in thanks


def test_session_requests_from_one_socket_are_limited(visitor, chat_stack):
    from bot.chat.socketio import SESSION_REQUESTS

    confirmed = []
    visitor.client.on("session_confirm", confirmed.append)
    for _ in range(SESSION_REQUESTS.amount):  # the fixture's connection made one already
        visitor.client.emit("session_request", {}, callback=None)
    visitor.silence(5)
    assert len(confirmed) == SESSION_REQUESTS.amount - 1, "the last request is refused"
