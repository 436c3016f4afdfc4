"""One Rasa process with the action server and the web server: `make run`, the end-to-end and
browser tests, and the benchmarks."""
from __future__ import annotations

import secrets
import subprocess
from pathlib import Path
from typing import Dict, List, Optional

import requests

from bot.config import REPO_ROOT
from bot.launch import commands
from bot.launch.process import LOOPBACK, ProcessGroup, child_environment, free_port

ARTICLE = REPO_ROOT / "data" / "articles" / "leder.txt"


class Servers(ProcessGroup):
    """A ProcessGroup of eVejleder servers, with the bot's CLI on their database."""

    def run_cli(self, *args: str, stdin: Optional[bytes] = None) -> None:
        """`python -m bot ARGS` with this group's environment (its database)."""
        subprocess.run(commands.bot_cli(*args), input=stdin, cwd=REPO_ROOT, env=self.env, check=True,
                       capture_output=True)

    def prepare_database(self, article: Path = ARTICLE) -> None:
        """Migrate the bot's database and ingest the article."""
        self.run_cli("migrate")
        self.run_cli("ingest", str(article))

    def add_counsellor(self, name: str, password: str, display_name: Optional[str] = None) -> None:
        shown = ("--display-name", display_name) if display_name else ()
        self.run_cli("counsellors", "add", name, *shown, "--password-stdin", stdin=password.encode())


class Stack(Servers):
    """The servers of one assistant, logging to `workdir`/NAME.log. `endpoints` is Rasa's endpoints
    file; by default one is written into `workdir`, with the tracker store next to it."""

    def __init__(self, workdir: Path, env: Optional[Dict[str, str]] = None,
                 model: Path = commands.MODEL, endpoints: Optional[Path] = None,
                 actions_port: Optional[int] = None, rasa_port: Optional[int] = None,
                 web_port: Optional[int] = None, token: Optional[str] = None):
        super().__init__(workdir, child_environment() if env is None else env)
        self.model, self.endpoints = model, endpoints
        self.actions_port = actions_port or free_port()
        self.rasa_port = rasa_port or free_port()
        self.web_port = web_port or free_port()
        self.token = token or secrets.token_hex(16)

    @property
    def actions_url(self) -> str:
        return f"http://{LOOPBACK}:{self.actions_port}"

    @property
    def rasa_url(self) -> str:
        return f"http://{LOOPBACK}:{self.rasa_port}"

    @property
    def web_url(self) -> str:
        return f"http://{LOOPBACK}:{self.web_port}"

    def endpoints_file(self) -> Path:
        if self.endpoints is None:
            self.endpoints = self.workdir / "endpoints.yml"
            self.endpoints.write_text(
                "action_endpoint:\n"
                "  url: ${ACTION_SERVER_URL}\n"  # unquoted: Rasa substitutes plain scalars only
                "tracker_store:\n"  # removes a callback's contact details after Rasa saves
                "  type: bot.tracker_store.StrictSQLTrackerStore\n"
                '  dialect: "sqlite"\n'
                f'  db: "{self.workdir / "tracker.db"}"\n')
        return self.endpoints

    def start_actions(self) -> None:
        self.spawn("actions", commands.action_server(self.actions_port), self.actions_url)

    def start_rasa(self) -> None:
        # The widget is served by the web server on its own port: allow that origin on socket.io.
        self.env.setdefault("CHAT_ALLOWED_ORIGINS", f"{self.web_url},http://localhost:{self.web_port}")
        self.env["ACTION_SERVER_URL"] = commands.action_url(self.actions_port)
        self.spawn("rasa", commands.rasa_server(self.rasa_port, self.token, self.endpoints_file(),
                                                self.model), self.rasa_url)

    def start_web(self) -> None:
        self.env.update(RASA_URL=self.rasa_url, RASA_TOKEN=self.token)
        self.spawn("web", commands.web_server(self.web_port), self.web_url)

    def start_all(self) -> None:
        self.start_actions()
        self.start_rasa()
        self.start_web()

    def say(self, sender: str, text: str, timeout: float = 30) -> List[dict]:
        response = requests.post(f"{self.rasa_url}/webhooks/rest/webhook",
                                 json={"sender": sender, "message": text}, timeout=timeout)
        response.raise_for_status()
        return response.json()


def fresh_stack(workdir: Path) -> Stack:
    """A Stack (not yet started) on its own SQLite database in `workdir`, migrated and ingested."""
    workdir.mkdir(parents=True, exist_ok=True)
    # The tracker store of endpoints_file(): the actions and the purge work on it too.
    stack = Stack(workdir, child_environment(DATABASE_URL=f"sqlite:///{workdir / 'bot.db'}",
                                             TRACKER_DATABASE_URL=f"sqlite:///{workdir / 'tracker.db'}"))
    stack.prepare_database()
    return stack
