"""Round trips of one conversation at a time, through the REST webhook and through socket.io.

Every round is a fresh conversation: an opener (not measured: it also runs the session start),
then a fixed mix of topic questions, chit-chat and fallbacks. The main assistant and the
no-action baseline take turns message by message, so load from other work on the machine falls
on both alike.
"""
from __future__ import annotations

import queue
import time
import uuid
from dataclasses import dataclass, field
from typing import Dict, List, Tuple

import requests

from bench.baseline import PLAIN_ANSWER
from bench.visitor import Visitor

OPENER = "hej"
# (kind, message): two fallbacks are never adjacent, so the fallback stays "please rephrase"
# (two misunderstood messages in a row would offer a human).
SCRIPT: List[Tuple[str, str]] = [
    ("topic", "hvad laver en kontorchef"),
    ("chit-chat", "tak"),
    ("topic", "hvilke arbejdsopgaver har en leder"),
    ("fallback", "asdfgh qwerty"),
    ("topic", "hvad tjener en leder"),
    ("chit-chat", "er du en robot"),
    ("topic", "hvor kan man arbejde som leder"),
    ("fallback", "hvad bliver vejret i morgen"),
    ("topic", "hvilken uddannelse skal man have for at blive leder"),
    ("chit-chat", "hej"),
]
KINDS = ("topic", "chit-chat", "fallback")


@dataclass
class Samples:
    """Milliseconds per (server, kind), errors per server, topic answers that took the wrong route."""

    ms: Dict[Tuple[str, str], List[float]] = field(default_factory=dict)
    errors: Dict[str, int] = field(default_factory=dict)
    misrouted: Dict[str, int] = field(default_factory=dict)

    def add(self, server: str, kind: str, ms: float) -> None:
        self.ms.setdefault((server, kind), []).append(ms)

    def error(self, server: str) -> None:
        self.errors[server] = self.errors.get(server, 0) + 1


def routed_right(server: str, kind: str, texts: List[str]) -> bool:
    """A topic question must reach the store action on main and the plain response on baseline."""
    if kind != "topic":
        return True
    plain = PLAIN_ANSWER in texts
    return plain if server == "baseline" else not plain


def rest_turn(url: str, sender: str, text: str) -> Tuple[float, List[str]]:
    started = time.perf_counter()
    response = requests.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text},
                             timeout=30)
    elapsed = (time.perf_counter() - started) * 1000
    response.raise_for_status()
    return elapsed, [m.get("text", "") for m in response.json()]


def expected_replies(url: str) -> List[int]:
    """How many messages each step of the script gets back (socket.io sends them one by one)."""
    sender = f"count-{uuid.uuid4().hex}"
    return [len(rest_turn(url, sender, text)[1]) for text in [OPENER] + [t for _, t in SCRIPT]]


def socket_turn(visitor: Visitor, text: str, replies: int) -> Tuple[float, List[str]]:
    """Milliseconds from emitting the message until its last reply has arrived."""
    started = time.perf_counter()
    visitor.say(text)
    texts = [visitor.next(timeout=30).get("text", "") for _ in range(replies)]
    return (time.perf_counter() - started) * 1000, texts


def measure(urls: Dict[str, str], rounds: int, transport: str, samples: Samples) -> None:
    counts = {server: expected_replies(url) for server, url in urls.items()} \
        if transport == "socket.io" else {}
    for round_ in range(rounds):
        servers = list(urls) if round_ % 2 == 0 else list(reversed(urls))
        conversations = {server: _open(transport, urls[server], counts.get(server)) for server in servers}
        try:
            for step, (kind, text) in enumerate(SCRIPT, start=1):
                for server in servers:
                    try:
                        replies = counts[server][step] if counts else 0
                        ms, texts = _turn(transport, conversations[server], text, replies)
                    except (requests.RequestException, queue.Empty):
                        samples.error(server)
                        continue
                    if not texts:
                        samples.error(server)
                    elif not routed_right(server, kind, texts):
                        samples.misrouted[server] = samples.misrouted.get(server, 0) + 1
                    samples.add(server, kind, ms)
        finally:
            for conversation in conversations.values():
                if isinstance(conversation, Visitor):
                    conversation.close()


def _open(transport: str, url: str, counts):
    if transport == "rest":
        sender = f"bench-{uuid.uuid4().hex}"
        rest_turn(url, sender, OPENER)
        return (url, sender)
    visitor = Visitor(url)
    socket_turn(visitor, OPENER, counts[0])
    return visitor


def _turn(transport: str, conversation, text: str, replies: int) -> Tuple[float, List[str]]:
    if transport == "rest":
        url, sender = conversation
        return rest_turn(url, sender, text)
    return socket_turn(conversation, text, replies)
