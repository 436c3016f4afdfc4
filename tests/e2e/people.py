"""The two people of a hand-off: a visitor on Rasa's socket.io channel, a counsellor in the console."""
from __future__ import annotations

import queue
import re
import time
import uuid
from typing import Any, Dict, List, Optional

import requests
import socketio


class Visitor:
    """A python-socketio client on the polling transport (Rasa's aiohttp pin breaks the websocket one)."""

    def __init__(self, rasa_url: str):
        self.session_id = uuid.uuid4().hex
        self.received: "queue.Queue[Dict[str, Any]]" = queue.Queue()
        self.client = socketio.Client(reconnection=True, reconnection_delay=0.5, reconnection_delay_max=2)
        # After every (re)connection ask for the same session: Rasa puts us back in its room.
        self.client.on("connect", lambda: self.client.emit("session_request", {"session_id": self.session_id}))
        self.client.on("bot_uttered", self.received.put)
        self.client.connect(rasa_url, transports=["polling"], wait_timeout=20)

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


def text_containing(fragment: str):
    return lambda message: fragment in (message.get("text") or "")


def status(name: str):
    return lambda message: message.get("evejleder_handoff") == name


class Counsellor:
    """A signed-in console user, talking HTTP like a browser (cookies, CSRF fields)."""

    def __init__(self, web_url: str, name: str, password: str):
        self.web_url, self.http = web_url, requests.Session()
        page = self.http.get(f"{web_url}/console/login", timeout=10)
        response = self.http.post(f"{web_url}/console/login", timeout=10, data={
            "csrf_token": self.csrf(page.text), "name": name, "password": password})
        assert response.ok and response.url.endswith("/console"), response.text[:500]
        self.page = response.text

    @staticmethod
    def csrf(html: str) -> str:
        return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)

    def queue(self) -> List[Dict[str, Any]]:
        return self.http.get(f"{self.web_url}/console/api/queue", timeout=10).json()["waiting"]

    def post(self, path: str, **form: str) -> requests.Response:
        page = self.http.get(f"{self.web_url}/console", timeout=10).text
        return self.http.post(f"{self.web_url}{path}", data={"csrf_token": self.csrf(page), **form},
                              timeout=20)

    def transcript(self, case_id: int) -> List[Dict[str, Any]]:
        response = self.http.get(f"{self.web_url}/console/api/cases/{case_id}/transcript", timeout=10)
        response.raise_for_status()
        return response.json()["lines"]
