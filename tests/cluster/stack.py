"""The cluster for tests: private PostgreSQL and Redis, the action server, two Rasa processes, the
web server and nginx in front, all on free loopback ports, configured by bot.cluster like
scripts/run-cluster. Each part can be stopped and started again by a test."""
from __future__ import annotations

import dataclasses
import json
import os
import secrets
import shutil
import subprocess
from pathlib import Path
from typing import Dict, Iterable, List, Optional

import requests
from sqlalchemy import create_engine, text

from bot.cluster import ClusterPorts, write_cluster_config
from bot.config import settings
from tests.e2e.stack import MODEL, RASA, RASA_SERVE, REPO, stop_process, wait_until
from tests.schedules import ALWAYS_OPEN
from tests.services import PrivatePostgres, PrivateRedis, free_port

PYTHON = str(REPO / ".venv" / "bin" / "python")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


class Cluster:
    def __init__(self, workdir: Path, rasa_processes: int = 2):
        self.workdir = workdir
        self.token = secrets.token_hex(16)
        self.ports = ClusterPorts(
            public_host="127.0.0.1", public_port=free_port(), internal_port=free_port(),
            rasa_ports=tuple(free_port() for _ in range(rasa_processes)),
            actions_port=free_port(), web_port=free_port())
        self.postgres = PrivatePostgres()
        self.redis = PrivateRedis()
        self.processes: Dict[str, subprocess.Popen] = {}
        self.env = dict(os.environ)

    # ---- addresses --------------------------------------------------------------------------

    @property
    def public_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.public_port}"

    def rasa_url(self, index: int) -> str:
        return f"http://127.0.0.1:{self.ports.rasa_ports[index]}"

    @property
    def tracker_url(self) -> str:
        return self.env["TRACKER_DATABASE_URL"]

    # ---- life cycle -------------------------------------------------------------------------

    def start(self, **extra_env: str) -> None:
        self.postgres.start()
        self.redis.start()
        hours = self.workdir / "opening_hours.yml"
        hours.write_text(ALWAYS_OPEN)
        public = self.public_url
        self.env.update({
            "DATABASE_URL": self.postgres.create_database("evejleder"),
            "TRACKER_DATABASE_URL": self.postgres.create_database("evejleder_tracker"),
            "REDIS_URL": self.redis.url,
            "OPENING_HOURS_PATH": str(hours),
            "RASA_URL": self.ports.internal_url, "RASA_TOKEN": self.token, "CHAT_URL": "",
            "CHAT_ALLOWED_ORIGINS": f"{public},http://localhost:{self.ports.public_port}",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            # Every simulated visitor comes from 127.0.0.1: a per-address limit would throttle
            # them all as one. The per-session limit stays on.
            "CHAT_ADDRESS_PER_MINUTE": "0",
            **extra_env,
        })
        for args in (["migrate"], ["ingest", str(REPO / "data" / "articles" / "leder.txt")]):
            subprocess.run([PYTHON, "-m", "bot", *args], cwd=REPO, env=self.env, check=True,
                           capture_output=True)
        config = dataclasses.replace(settings(), database_url=self.env["DATABASE_URL"],
                                     tracker_database_url=self.tracker_url, redis_url=self.redis.url)
        self.endpoints, self.nginx_conf = write_cluster_config(self.workdir, self.ports, config)
        self.start_nginx()
        self.start_actions(wait=False)
        for index in range(len(self.ports.rasa_ports)):
            self.start_rasa(index, wait=False)
        self.start_web()
        self.wait_actions()
        for index in range(len(self.ports.rasa_ports)):
            self.wait_rasa(index)

    def _spawn(self, name: str, args: List[str], **env: str) -> subprocess.Popen:
        log = open(self.workdir / f"{name}.log", "ab")
        process = subprocess.Popen(args, cwd=REPO, env={**self.env, **env}, stdout=log,
                                   stderr=subprocess.STDOUT)
        self.processes[name] = process
        return process

    def start_nginx(self) -> None:
        prefix = self.nginx_conf.parent
        process = self._spawn("nginx", [NGINX, "-p", str(prefix), "-c", str(self.nginx_conf),
                                        "-e", str(prefix / "error.log")])
        wait_until(lambda: requests.get(f"{self.public_url}/socket.io/", timeout=2) is not None,
                   30, "nginx", process, prefix / "error.log")

    def start_actions(self, wait: bool = True) -> None:
        # rasa_sdk's action server listens on 0.0.0.0 unless SANIC_HOST says otherwise.
        self._spawn("actions", [RASA, "run", "actions", "--port", str(self.ports.actions_port)],
                    SANIC_HOST="127.0.0.1")
        if wait:
            self.wait_actions()

    def wait_actions(self) -> None:
        wait_until(lambda: requests.get(f"http://127.0.0.1:{self.ports.actions_port}/health",
                                        timeout=2).ok,
                   120, "action server", self.processes["actions"], self.workdir / "actions.log")

    def start_rasa(self, index: int, wait: bool = True) -> None:
        self._spawn(f"rasa{index}", [
            *RASA_SERVE, "run", "--model", str(MODEL), "--port", str(self.ports.rasa_ports[index]),
            "--interface", "127.0.0.1", "--enable-api", "--auth-token", self.token,
            "--endpoints", str(self.endpoints), "--credentials", str(REPO / "credentials.yml"),
        ])
        if wait:
            self.wait_rasa(index)

    def wait_rasa(self, index: int) -> None:
        wait_until(lambda: requests.get(f"{self.rasa_url(index)}/status", params={"token": self.token},
                                        timeout=2).ok,
                   300, f"Rasa {index}", self.processes[f"rasa{index}"], self.workdir / f"rasa{index}.log")

    def start_web(self) -> None:
        process = self._spawn("web", [PYTHON, "-m", "bot", "web", "--port", str(self.ports.web_port)])
        wait_until(lambda: requests.get(f"http://127.0.0.1:{self.ports.web_port}/console/login",
                                        timeout=2).ok,
                   60, "web server", process, self.workdir / "web.log")

    def add_counsellor(self, name: str, password: str) -> None:
        subprocess.run([PYTHON, "-m", "bot", "counsellors", "add", name, "--password-stdin"],
                       input=password.encode(), cwd=REPO, env=self.env, check=True, capture_output=True)

    def kill(self, name: str) -> None:
        """Gone at once, as in a crash."""
        process = self.processes.pop(name, None)
        if process and process.poll() is None:
            process.kill()
            process.wait()

    def stop(self, name: str) -> None:
        stop_process(self.processes.pop(name, None))

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.stop(name)
        self.redis.destroy()
        self.postgres.destroy()

    # ---- talking and looking ----------------------------------------------------------------

    def say(self, sender: str, message: str, timeout: float = 60) -> requests.Response:
        """A REST message through nginx (the public entry point)."""
        return requests.post(f"{self.public_url}/webhooks/rest/webhook",
                             json={"sender": sender, "message": message}, timeout=timeout)

    def stored_user_texts(self, sender_ids: Optional[Iterable[str]] = None) -> Dict[str, List[str]]:
        return stored_user_texts(self.tracker_url, sender_ids)

    def session_get(self, path: str) -> requests.Response:
        return requests.get(f"{self.public_url}{path}", params={"token": self.token}, timeout=10)


def stored_user_texts(tracker_url: str, sender_ids: Optional[Iterable[str]] = None) -> Dict[str, List[str]]:
    """The visitors' messages in Rasa's tracker store, per conversation, in order."""
    wanted = None if sender_ids is None else set(sender_ids)
    engine = create_engine(tracker_url, future=True)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT sender_id, data FROM events WHERE type_name = 'user' ORDER BY id"))
            stored: Dict[str, List[str]] = {}
            for sender, data in rows:
                if wanted is None or sender in wanted:
                    stored.setdefault(sender, []).append(json.loads(data).get("text"))
            return stored
    finally:
        engine.dispose()
