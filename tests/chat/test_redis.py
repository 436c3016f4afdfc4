"""socket.io through Redis: replies and pushes travel over the queue, and Redis going down
is said out loud (to the visitor and to the API caller), never a silent loss."""
import asyncio
import json
import os
import pickle
import time

import pytest
import redis
import requests

from bot.chat import texts
from bot.chat.redis_manager import CHANNEL, ChatQueueUnavailable, CheckedRedisManager
from bot.config import without_password
from bot.launch.process import free_port
from tests.e2e.people import Visitor, text_containing


@pytest.fixture
def visitor(chat_stack):
    person = Visitor(chat_stack.rasa_url)
    yield person
    person.close()


def push(stack, session_id, text):
    return requests.post(
        f"{stack.rasa_url}/conversations/{session_id}/tracker/events",
        params={"token": stack.token, "execute_side_effects": "true", "output_channel": "socketio"},
        json={"event": "bot", "text": text}, timeout=30)


def test_bot_replies_travel_over_the_redis_queue(chat_stack, redis_server, visitor):
    listener = redis.Redis(port=redis_server.port).pubsub(ignore_subscribe_messages=True)
    listener.subscribe(CHANNEL)
    visitor.say("hvad laver en leder?")
    reply = visitor.next()
    published = []
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not published:
        message = listener.get_message(timeout=1)
        if message:
            data = json.loads(message["data"])  # JSON, never a pickle
            if data["event"] == "bot_uttered":
                published.append(data)
    listener.close()
    assert published, "no bot_uttered went through Redis"
    assert published[0]["room"] == visitor.session_id and published[0]["data"] == reply


def test_a_message_emitted_by_another_process_reaches_the_visitor(redis_server, visitor):
    # What a second Rasa process does when a counsellor's message is pushed through it.
    other_process = CheckedRedisManager(redis_server.url)
    visitor.say("hej")
    visitor.next()
    asyncio.run(other_process.emit("bot_uttered", {"text": "Hej, det er Anna fra den anden proces."},
                                   room=visitor.session_id))
    assert visitor.wait_for(text_containing("den anden proces"))


class RunsOnUnpickling:
    """A pickle that, when loaded, creates a file (what an attacker's pickle would do instead)."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (os.makedirs, (self.marker,))


def emit_message(room, text):
    """python-socketio's queue message for an emit to `room`."""
    return {"method": "emit", "event": "bot_uttered", "data": {"text": text}, "namespace": "/",
            "room": room, "skip_sid": None, "callback": None, "host_id": "another-process"}


def test_rasa_never_unpickles_what_it_reads_from_redis(chat_stack, redis_server, visitor, tmp_path):
    marker = tmp_path / "unpickled"
    visitor.say("hej")
    visitor.next()
    writer = redis.Redis(port=redis_server.port)
    try:
        # python-socketio's own format: a pickle, here one that runs code, and one that would
        # reach the visitor if it were loaded.
        assert writer.publish(CHANNEL, pickle.dumps(RunsOnUnpickling(marker))) >= 1
        assert writer.publish(CHANNEL, pickle.dumps(emit_message(visitor.session_id, "fra en pickle"))) >= 1
        assert writer.publish(CHANNEL, b"\x80 not json") >= 1
        assert writer.publish(CHANNEL, json.dumps(emit_message(visitor.session_id, "fra JSON"))) >= 1
    finally:
        writer.close()
    # Redis delivers in order: once the JSON message is here, the ones before it were read.
    seen = []
    assert visitor.wait_for(lambda message: seen.append(message) or "fra JSON" in (message.get("text") or ""))
    assert not marker.exists(), "a pickle from Redis was loaded"
    assert [m for m in seen if "fra en pickle" in (m.get("text") or "")] == []


def test_redis_down_is_a_clear_error_and_redis_back_means_normal_answers(chat_stack, redis_server,
                                                                         visitor):
    visitor.say("hej")
    visitor.next()
    redis_server.stop()
    try:
        visitor.say("hvad tjener en leder")
        assert visitor.wait_for(lambda m: m.get("text") == texts.UNAVAILABLE, timeout=30)
        pushed = push(chat_stack, visitor.session_id, "Hej fra Anna")
        assert pushed.status_code == 500 and "Redis" in pushed.json()["message"]
    finally:
        redis_server.start()
    # The listener subscribes again within a second or two (CheckedRedisManager); Rasa's own
    # connections come back with the next message.
    deadline = time.monotonic() + 30
    while True:
        visitor.say("hvad laver en leder?")
        try:
            reply = visitor.next(timeout=10)
        except Exception:  # noqa: BLE001 - the queue's Empty: nothing yet
            reply = {}
        if reply.get("text") and reply["text"] not in (texts.UNAVAILABLE, texts.SLOW_DOWN):
            break
        assert time.monotonic() < deadline, "no normal answer after Redis came back"
        time.sleep(5)
    assert push(chat_stack, visitor.session_id, "Hej igen fra Anna").ok
    assert visitor.wait_for(text_containing("Hej igen fra Anna"))


def test_an_unreachable_redis_is_reported_without_its_password():
    manager = CheckedRedisManager(f"redis://:s3cret-pw@127.0.0.1:{free_port()}/0")
    with pytest.raises(ChatQueueUnavailable) as error:
        asyncio.run(manager.ping())
    assert "s3cret-pw" not in str(error.value) and "127.0.0.1" in str(error.value)
    assert without_password("redis://:s3cret-pw@host:6380/0") == "redis://:***@host:6380/0"
