"""Start the real action server and Rasa server for end-to-end tests, on free local ports."""
from __future__ import annotations

import os
import secrets
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import requests

REPO = Path(__file__).resolve().parents[2]
RASA = str(REPO / ".venv" / "bin" / "rasa")
# Rasa with the faster model load of `make run` (why: scripts/rasa).
RASA_SERVE = (str(REPO / ".venv" / "bin" / "python"), str(REPO / "scripts" / "rasa"))
MODEL = REPO / "models" / "evejleder.tar.gz"


def stop_process(process: Optional[subprocess.Popen]) -> None:
    """Terminate politely, then kill after 20 s."""
    if process and process.poll() is None:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(check, seconds: float, what: str, process: Optional[subprocess.Popen] = None,
               log: Optional[Path] = None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            break
        try:
            if check():
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
    raise RuntimeError(f"{what} did not become ready in {seconds:.0f} s\n{tail}")


@dataclass
class Stack:
    """The action server and Rasa, sharing a bot database and a tracker-store database in `workdir`."""

    workdir: Path
    env: Dict[str, str]
    model: Path = MODEL
    actions_port: int = field(default_factory=free_port)
    rasa_port: int = field(default_factory=free_port)
    web_port: int = field(default_factory=free_port)
    token: str = field(default_factory=lambda: secrets.token_hex(16))
    processes: Dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def write_endpoints(self) -> Path:
        path = self.workdir / "endpoints.yml"
        path.write_text(
            "action_endpoint:\n"
            f'  url: "http://127.0.0.1:{self.actions_port}/webhook"\n'
            "tracker_store:\n"
            "  type: SQL\n"
            '  dialect: "sqlite"\n'
            f'  db: "{self.workdir / "tracker.db"}"\n'
        )
        return path

    def _spawn(self, name: str, args: List[str]) -> subprocess.Popen:
        log = open(self.workdir / f"{name}.log", "ab")
        process = subprocess.Popen(args, cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        self.processes[name] = process
        return process

    def start_actions(self) -> None:
        process = self._spawn("actions", [RASA, "run", "actions", "--port", str(self.actions_port)])
        wait_until(lambda: requests.get(f"http://127.0.0.1:{self.actions_port}/health", timeout=2).ok,
                   90, "action server", process, self.workdir / "actions.log")

    def start_rasa(self, command: Sequence[str] = RASA_SERVE) -> None:
        # The widget is served by the web server on its free port: allow that origin on socket.io.
        self.env.setdefault("CHAT_ALLOWED_ORIGINS",
                            f"{self.web_url},http://localhost:{self.web_port}")
        process = self._spawn("rasa", [
            *command, "run", "--model", str(self.model), "--port", str(self.rasa_port),
            "--interface", "127.0.0.1", "--enable-api", "--auth-token", self.token,
            "--endpoints", str(self.write_endpoints()), "--credentials", str(REPO / "credentials.yml"),
        ])
        wait_until(lambda: requests.get(f"{self.rasa_url}/status", params={"token": self.token},
                                        timeout=2).ok,
                   180, "Rasa", process, self.workdir / "rasa.log")

    def start_web(self) -> None:
        self.env.update(RASA_URL=self.rasa_url, RASA_TOKEN=self.token)
        process = self._spawn("web", [str(REPO / ".venv" / "bin" / "python"), "-m", "bot", "web",
                                      "--port", str(self.web_port)])
        wait_until(lambda: requests.get(f"{self.web_url}/console/login", timeout=2).ok,
                   60, "web server", process, self.workdir / "web.log")

    def add_counsellor(self, name: str, password: str) -> None:
        subprocess.run([str(REPO / ".venv" / "bin" / "python"), "-m", "bot", "counsellors", "add", name,
                        "--password-stdin"], input=password.encode(), cwd=REPO, env=self.env,
                       check=True, capture_output=True)

    def stop(self, name: str) -> None:
        stop_process(self.processes.pop(name, None))

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.stop(name)

    def say(self, sender: str, text: str, timeout: float = 30) -> List[dict]:
        response = requests.post(f"{self.rasa_url}/webhooks/rest/webhook",
                                  json={"sender": sender, "message": text}, timeout=timeout)
        response.raise_for_status()
        return response.json()


def prepare_database(workdir: Path) -> Dict[str, str]:
    """A migrated, ingested bot database in `workdir`, and the environment that points to it."""
    env = dict(os.environ)
    env["DATABASE_URL"] = f"sqlite:///{workdir / 'bot.db'}"
    # Rasa's tracker store (Stack.write_endpoints): the actions and the purge work on it too.
    env["TRACKER_DATABASE_URL"] = f"sqlite:///{workdir / 'tracker.db'}"
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    python = str(REPO / ".venv" / "bin" / "python")
    for args in (["migrate"], ["ingest", str(REPO / "data" / "articles" / "leder.txt")]):
        subprocess.run([python, "-m", "bot", *args], cwd=REPO, env=env, check=True,
                       capture_output=True)
    return env


def prepared_stack(workdir: Path) -> Stack:
    """A Stack (not yet started) on a fresh database, with opening hours that are always open.

    The hours file (`workdir/opening_hours.yml`) is re-read on every hand-off request, so a
    test may rewrite it to close."""
    from tests.schedules import ALWAYS_OPEN

    env = prepare_database(workdir)
    hours = workdir / "opening_hours.yml"
    hours.write_text(ALWAYS_OPEN)
    env["OPENING_HOURS_PATH"] = str(hours)
    return Stack(workdir=workdir, env=env)
