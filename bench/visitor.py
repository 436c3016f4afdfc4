"""A visitor on Rasa's socket.io channel, as the widget talks to it (used by the benchmarks and tests)."""
from __future__ import annotations

import queue
import threading
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import requests
import socketio

from bot.handoff.protocol import SESSION_SECRET_HEADER


class Visitor:
    """A python-socketio client on the polling transport (Rasa's aiohttp pin breaks the websocket one)."""

    def __init__(self, rasa_url: str, ca_file: Optional[Path] = None,
                 headers: Optional[Dict[str, str]] = None,
                 session: Optional[Tuple[str, str]] = None):
        """`ca_file`: the certificate to trust for an https:// URL (the cluster's self-signed one);
        `headers`: extra HTTP headers (X-Forwarded-For, as a proxy on this machine would add it);
        `session`: (id, secret) of a conversation to return to (a reload), else a new one."""
        # The server issues the conversation id and its secret (bot/session_secret.py).
        self.session_id: Optional[str] = session[0] if session else None
        self.session_secret: Optional[str] = session[1] if session else None
        self.confirmed = threading.Event()
        self.received: "queue.Queue[Dict[str, Any]]" = queue.Queue()
        http = requests.Session()
        if ca_file:  # and not REQUESTS_CA_BUNDLE, which requests would prefer
            http.verify, http.trust_env = str(ca_file), False
        self.client = socketio.Client(reconnection=True, reconnection_delay=0.5, reconnection_delay_max=2,
                                      http_session=http)
        # After every (re)connection ask for the same conversation, with its secret: the channel
        # puts us back in its room.
        self.client.on("connect", self.request_session)
        self.client.on("session_confirm", self.on_confirm)
        self.client.on("bot_uttered", self.received.put)
        self.client.connect(rasa_url, transports=["polling"], headers=headers or {}, wait_timeout=20)
        if not self.confirmed.wait(20):
            raise AssertionError("the chat did not confirm a conversation within 20 s")

    def request_session(self) -> None:
        self.client.emit("session_request", {"session_id": self.session_id,
                                             "session_secret": self.session_secret})

    def on_confirm(self, confirmation: Dict[str, str]) -> None:
        self.session_id = confirmation["session_id"]
        self.session_secret = confirmation["session_secret"]
        self.confirmed.set()

    @property
    def secret_header(self) -> Dict[str, str]:
        """What the visitor API (/api/visitor/*) asks for, as the widget sends it."""
        return {SESSION_SECRET_HEADER: self.session_secret or ""}

    def say(self, text: str, metadata: Optional[Dict[str, Any]] = None) -> None:
        data: Dict[str, Any] = {"message": text, "session_id": self.session_id}
        if metadata:
            data["metadata"] = metadata  # as the widget sends it (Rasa's metadata_key)
        self.client.emit("user_uttered", data)

    def next(self, timeout: float = 30) -> Dict[str, Any]:
        return self.received.get(timeout=timeout)

    def wait_for(self, predicate, timeout: float = 30) -> Dict[str, Any]:
        deadline = time.monotonic() + timeout
        seen: List[Dict[str, Any]] = []
        while time.monotonic() < deadline:
            try:
                message = self.received.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                break
            seen.append(message)
            if predicate(message):
                return message
        raise AssertionError(f"no matching message within {timeout} s; got {seen}")

    def silence(self, seconds: float) -> List[Dict[str, Any]]:
        """Everything that arrives within `seconds` (expected: nothing)."""
        got, deadline = [], time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                got.append(self.received.get(timeout=0.2))
            except queue.Empty:
                pass
        return got

    def close(self) -> None:
        self.client.disconnect()
