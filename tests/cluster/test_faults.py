"""Faults in the container cluster: a part dies (SIGKILL from this machine, as a crash) or is
stopped; the engine (podman's restart policy) brings it back, every message through HTTPS is
answered or refused clearly, and nothing accepted is lost."""
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
from deploy.podman.cluster import podman
from tests.e2e.people import Counsellor, Visitor, status, text_containing
from tests.e2e.test_handoff import wait_for_new_case

REST_ERROR = texts.UNAVAILABLE
RASA_PORT_HEX = "138D"  # 5005 as /proc/net/tcp writes it


def answer(response) -> str:
    assert response.status_code == 200, (response.status_code, response.text[:300])
    return "\n".join(message.get("text") or "" for message in response.json())


def wait_until(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"{what}: not within {seconds} s"
        time.sleep(0.5)


def wait_until_answered(cluster, sender: str, message: str, seconds: float = 90) -> str:
    deadline = time.monotonic() + seconds
    while True:
        response = cluster.say(sender, message)
        if response.status_code == 200 or time.monotonic() > deadline:
            return answer(response)
        time.sleep(1)


class Talkers:
    """REST conversations through nginx, one message every `pause` seconds each, in threads.
    A message refused with 503 is sent once more (a visitor's retry); every outcome is recorded."""

    def __init__(self, cluster, conversations: int = 4, pause: float = 0.5, retry: bool = True):
        self.cluster, self.pause, self.retry = cluster, pause, retry
        self.senders = [f"faults-{uuid.uuid4().hex[:8]}" for _ in range(conversations)]
        self.outcomes: List[Tuple[str, str, int, str]] = []  # sender, message, status, body
        self.timeline: List[str] = []  # when each message was sent, how it went (for failures)
        self.retried = 0
        self._running = threading.Event()
        self._threads = [threading.Thread(target=self._talk, args=(sender,)) for sender in self.senders]

    def _send(self, sender: str, message: str) -> Tuple[int, str]:
        try:
            response = self.cluster.say(sender, message, timeout=60)
            return response.status_code, response.text
        except Exception as exc:  # noqa: BLE001 - a dropped connection is an unanswered message
            return 0, repr(exc)

    def _talk(self, sender: str) -> None:
        number = 0
        while self._running.is_set():
            number += 1
            message = f"hvad laver en leder {number}"
            started = time.monotonic()
            code, body = self._send(sender, message)
            first = code
            if code == 503 and self.retry:
                self.retried += 1
                time.sleep(0.5)
                code, body = self._send(sender, message)
            self.outcomes.append((sender, message, code, body))
            self.timeline.append(f"{time.strftime('%H:%M:%S')} {sender} {number}: {first} -> {code} "
                                 f"in {time.monotonic() - started:.1f} s")
            time.sleep(self.pause)

    def __enter__(self) -> "Talkers":
        self._running.set()
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._running.clear()
        for thread in self._threads:
            thread.join(120)


def contact_channels(cluster) -> List[str]:
    engine = make_engine(cluster.database_url())
    try:
        return KnowledgeStore(make_session_factory(engine)).contact_channels("leder")
    finally:
        engine.dispose()


def test_a_killed_rasa_container_is_restarted_and_every_message_is_answered(cluster):
    rasa0 = cluster.find("rasa", 0)
    restarts = cluster.restart_count(rasa0.name)
    with Talkers(cluster) as talkers:
        time.sleep(3)
        cluster.kill(rasa0.name)
        killed = time.strftime('%H:%M:%S')
        wait_until(lambda: cluster.restart_count(rasa0.name) > restarts, 30, "podman restarts the container")
        cluster.wait_ready(rasa0, 180)
        time.sleep(3)  # messages after the restart, spread over both replicas again
    unanswered = [(code, body[:200]) for _, _, code, body in talkers.outcomes if code != 200]
    if unanswered:
        logs = "\n".join(f"--- {c.name}\n{cluster.logs(c.name, 60)}" for c in cluster.replicas("rasa"))
        print(f"killed at {killed}\n" + "\n".join(talkers.timeline) + "\n" + logs)
    assert unanswered == [], f"{len(unanswered)} of {len(talkers.outcomes)} unanswered: {unanswered[:5]}"
    assert len(talkers.outcomes) >= 20, talkers.outcomes
    for _, _, _, body in talkers.outcomes:
        assert any(message.get("text") for message in json.loads(body)), body[:300]
    print(f"{len(talkers.outcomes)} messages answered, {talkers.retried} after one retry on 503")
    # The restarted replica serves again by itself (its own address, nginx not involved).
    visitor = Visitor(cluster.url_of("rasa", 0))
    try:
        visitor.say("hvad laver en leder?")
        visitor.wait_for(text_containing("Kilde: UddannelsesGuiden"))
    finally:
        visitor.close()


def test_action_server_killed_gives_an_apology_with_the_channels_then_is_restarted(cluster):
    channels = contact_channels(cluster)
    assert channels, "the article names the contact channels"
    actions = cluster.find("actions")
    restarts = cluster.restart_count(actions.name)
    sender = f"faults-actions-{uuid.uuid4().hex[:6]}"
    assert "Uddannelseszoom" in wait_until_answered(cluster, sender, "hvad tjener en leder?")

    cluster.kill(actions.name)
    # The action server needs seconds to start again: meanwhile nginx answers Rasa in its place.
    apology = answer(cluster.say(sender, "hvad laver en leder?"))
    assert "Undskyld" in apology and all(channel in apology for channel in channels), apology
    wait_until(lambda: cluster.restart_count(actions.name) > restarts, 30, "podman restarts the action server")
    cluster.wait_ready(actions, 120)
    assert "Kilde: UddannelsesGuiden" in answer(cluster.say(sender, "hvad laver en leder?"))


def test_postgres_killed_and_restarted_loses_no_accepted_message(cluster):
    postgres = cluster.find("postgres")
    restarts = cluster.restart_count(postgres.name)
    # One message every two seconds per conversation: inside the chat's per-session limit, so
    # every answer is Rasa's (or the failure's), never the limiter's. No retries: every refusal
    # is looked at.
    with Talkers(cluster, conversations=6, pause=2, retry=False) as talkers:
        time.sleep(3)
        cluster.kill(postgres.name)
        wait_until(lambda: cluster.restart_count(postgres.name) > restarts, 30, "podman restarts PostgreSQL")
        cluster.wait_ready(postgres, 60)
        time.sleep(3)
    accepted = [(s, m) for s, m, code, _ in talkers.outcomes if code == 200]
    refused = [(code, body) for _, _, code, body in talkers.outcomes if code != 200]
    assert len(accepted) >= 6, talkers.outcomes
    assert not [body for _, _, _, body in talkers.outcomes if texts.SLOW_DOWN in body], "paced below the limit"
    for code, body in refused:
        assert code == 503 and REST_ERROR in body, (code, body[:300])
    stored = cluster.stored_user_texts(talkers.senders)
    for sender, message in accepted:
        assert message in stored.get(sender, []), (sender, message)
    # And the cluster answers again without anyone's help.
    assert "Kilde: UddannelsesGuiden" in wait_until_answered(cluster, f"faults-pg-after-{uuid.uuid4().hex[:6]}",
                                                             "hvad laver en leder?")


def test_redis_down_gives_a_clear_error_and_loses_nothing_accepted(cluster):
    redis = cluster.find("redis")
    sender = f"faults-redis-{uuid.uuid4().hex[:6]}"
    assert "Kilde" in answer(cluster.say(sender, "hvad laver en leder?"))
    visitor = Visitor(cluster.public_url, cluster.ca_file)
    try:
        visitor.say("hej")
        visitor.wait_for(text_containing("leder"))
        podman("stop", "--time", "2", redis.name)  # stopped on purpose: the engine leaves it down

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
        podman("start", redis.name)
        cluster.wait_ready(redis, 60)
    assert "Uddannelseszoom" in wait_until_answered(cluster, sender, "hvad tjener en leder?")
    # socket.io replies travel through Redis: the replicas listen again within seconds.
    wait_until(lambda: socket_io_answers(cluster.url_of("rasa", 0)) and socket_io_answers(cluster.url_of("rasa", 1)),
               20, "socket.io answers again after Redis is back")


def socket_io_answers(url: str) -> bool:
    visitor = Visitor(url)
    try:
        visitor.say("hej")
        visitor.wait_for(text_containing("leder"), timeout=3)
        return True
    except AssertionError:
        return False
    finally:
        visitor.close()


def serving_replica(cluster) -> int:
    """The Rasa replica holding a socket.io long-poll from nginx: the one a lone visitor's session
    lives on (read from the replicas' /proc/net/tcp: established connections to port 5005 whose
    peer is nginx)."""
    nginx_hex = "".join(f"{int(part):02X}" for part in reversed(cluster.find("nginx").address.split(".")))
    holding = []
    for replica in cluster.replicas("rasa"):
        table = podman("exec", replica.name, "cat", "/proc/net/tcp").stdout.splitlines()[1:]
        for line in table:
            local, remote, state = line.split()[1:4]
            if local.endswith(f":{RASA_PORT_HEX}") and remote.startswith(nginx_hex) and state == "01":
                holding.append(replica.replica)
                break
    assert len(holding) == 1, f"the visitor's long-poll is on one replica, found {holding}"
    return holding[0]


def test_a_live_handoff_survives_the_loss_of_the_rasa_replica_that_served_it(cluster):
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

        served = cluster.find("rasa", serving_replica(cluster))
        restarts = cluster.restart_count(served.name)
        cluster.kill(served.name)
        # nginx moves the visitor to the other replica; the widget's socket reconnects there.
        time.sleep(2)
        wait_until(lambda: visitor.client.connected, 60, "the visitor's socket reconnects through nginx")
        time.sleep(1)  # the session_request after reconnecting puts the visitor back in its room

        case_now = HandoffQueue(make_session_factory(make_engine(cluster.database_url()))) \
            .case_for_conversation(visitor.session_id)
        assert (case_now.id, case_now.status) == (case["id"], ACTIVE)
        lines = counsellor.transcript(case["id"])
        assert "jeg vil gerne høre om diplomuddannelsen" in [l["text"] for l in lines if l["who"] == "visitor"]
        counsellor.post(f"/console/cases/{case['id']}/messages", text="Er du her stadig?")
        visitor.wait_for(text_containing("Er du her stadig?"))
        visitor.say("ja, jeg er her")
        assert visitor.silence(2) == [], "still paused: the hand-off survived the loss of its replica"
        assert "ja, jeg er her" in [l["text"] for l in counsellor.transcript(case["id"]) if l["who"] == "visitor"]
        assert counsellor.post(f"/console/cases/{case['id']}/close", note="Replika væk under samtale").ok
        visitor.wait_for(status("resumed"))
        assert cluster.restart_count(served.name) > restarts
    finally:
        visitor.close()
        cluster.wait_ready(cluster.find("rasa", 0), 180)
        cluster.wait_ready(cluster.find("rasa", 1), 180)
