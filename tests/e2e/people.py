"""The two people of a hand-off: a visitor on Rasa's socket.io channel (the benchmarks' client),
a counsellor in the console."""
from __future__ import annotations

import re
from typing import Any, Dict, List

import requests

from bench.visitor import Visitor  # noqa: F401 - the tests' visitor too


def text_containing(fragment: str):
    return lambda message: fragment in (message.get("text") or "")


def status(name: str):
    return lambda message: message.get("evejleder_handoff") == name


class Counsellor:
    """A signed-in console user, talking HTTP like a browser (cookies, CSRF fields)."""

    def __init__(self, web_url: str, name: str, password: str, ca_file=None):
        self.web_url, self.http = web_url, requests.Session()
        if ca_file:  # an https:// console with a self-signed certificate (the cluster's)
            self.http.verify, self.http.trust_env = str(ca_file), False
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
