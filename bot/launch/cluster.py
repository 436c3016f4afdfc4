"""Several Rasa processes behind nginx, on PostgreSQL and Redis: `make run-cluster`, the cluster
tests and `make bench-load`. Configured by bot.cluster (endpoints.yml and nginx.conf)."""
from __future__ import annotations

import dataclasses
import json
import secrets
from pathlib import Path
from typing import Dict, Iterable, List, Optional

import requests
from sqlalchemy import create_engine, text

from bot.cluster import ClusterPorts, write_cluster_config
from bot.config import settings
from bot.launch import commands
from bot.launch.process import LOOPBACK, child_environment, free_port
from bot.launch.services import PostgresServer, RedisServer, listening
from bot.launch.stack import Servers
from bot.launch.tls import certificate

def private_ports(rasa_processes: int = 2) -> ClusterPorts:
    """Free loopback ports for every part, nginx's public one included."""
    return ClusterPorts(public_host=LOOPBACK, public_port=free_port(), public_http_port=free_port(),
                        internal_port=free_port(),
                        rasa_ports=tuple(free_port() for _ in range(rasa_processes)),
                        actions_port=free_port(), web_port=free_port())


class Cluster(Servers):
    """The processes of the cluster, logging to `workdir`/NAME.log (nginx: `workdir`/nginx/).

    Storage comes from DATABASE_URL, TRACKER_DATABASE_URL and REDIS_URL in `env`; where they are
    missing, from `postgres` and `redis`, which are started unless something already listens on
    their port (then they are used as they are, and left running)."""

    def __init__(self, workdir: Path, ports: ClusterPorts, env: Optional[Dict[str, str]] = None,
                 postgres: Optional[PostgresServer] = None, redis: Optional[RedisServer] = None,
                 token: Optional[str] = None):
        super().__init__(workdir, child_environment() if env is None else env)
        self.ports, self.postgres, self.redis = ports, postgres, redis
        self.token = token or secrets.token_hex(16)
        # TLS_CERT and TLS_KEY, else self-signed for this machine: then `ca_file` verifies it.
        self.tls = certificate(workdir.resolve() / "tls")
        self._started_services: List[object] = []

    @classmethod
    def private(cls, workdir: Path, rasa_processes: int = 2) -> "Cluster":
        """Everything on free loopback ports, with temporary PostgreSQL and Redis servers."""
        env = child_environment()
        for name in ("DATABASE_URL", "TRACKER_DATABASE_URL", "REDIS_URL"):
            env.pop(name, None)
        return cls(workdir, private_ports(rasa_processes), env, PostgresServer(), RedisServer())

    # ---- addresses --------------------------------------------------------------------------

    @property
    def public_url(self) -> str:
        return f"https://127.0.0.1:{self.ports.public_port}"

    @property
    def public_http_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.public_http_port}"

    @property
    def ca_file(self) -> Path:
        """What a client trusts to reach `public_url` (the certificate itself when self-signed)."""
        return self.tls[0]

    def rasa_url(self, index: int) -> str:
        return f"http://{LOOPBACK}:{self.ports.rasa_ports[index]}"

    @property
    def tracker_url(self) -> str:
        return self.env["TRACKER_DATABASE_URL"]

    # ---- life cycle -------------------------------------------------------------------------

    def start_storage(self) -> None:
        if not (self.env.get("DATABASE_URL") and self.env.get("TRACKER_DATABASE_URL")):
            if self.postgres is None:
                raise RuntimeError("DATABASE_URL and TRACKER_DATABASE_URL are not set, and no PostgreSQL to start")
            self._start_service(self.postgres)
            self.env.setdefault("DATABASE_URL", self.postgres.ensure_database("evejleder"))
            self.env.setdefault("TRACKER_DATABASE_URL", self.postgres.ensure_database("evejleder_tracker"))
        if not self.env.get("REDIS_URL"):
            if self.redis is None:
                raise RuntimeError("REDIS_URL is not set, and no Redis to start")
            self._start_service(self.redis)
            self.env["REDIS_URL"] = self.redis.url

    def _start_service(self, service) -> None:
        if not listening(service.port):
            service.start()
            self._started_services.append(service)

    def configure(self) -> None:
        """Migrate, ingest, and write Rasa's endpoints and nginx's config from the environment."""
        self.prepare_database()
        config = dataclasses.replace(settings(), database_url=self.env["DATABASE_URL"],
                                     tracker_database_url=self.tracker_url,
                                     redis_url=self.env["REDIS_URL"])
        self.endpoints, self.nginx_conf = write_cluster_config(self.workdir, self.ports, config, self.tls)

    def start(self, **extra_env: str) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.start_storage()
        port = self.ports.public_port
        self.env.update({
            "RASA_URL": self.ports.internal_url, "RASA_TOKEN": self.token, "CHAT_URL": "",
            "WEB_HOST": LOOPBACK,
            "COOKIE_SECURE": "1",  # the console is served over HTTPS only
            # The widget is served through nginx: that is the origin socket.io must accept.
            "CHAT_ALLOWED_ORIGINS": self.env.get("CHAT_ALLOWED_ORIGINS")
            or f"https://localhost:{port},https://127.0.0.1:{port}",
            **extra_env,
        })
        self.configure()
        self.start_nginx()
        self.start_actions(wait=False)
        for index in range(len(self.ports.rasa_ports)):
            self.start_rasa(index, wait=False)
        self.start_web()
        self.wait("actions")
        for index in range(len(self.ports.rasa_ports)):
            self.wait_rasa(index)

    def start_nginx(self) -> None:
        self.spawn("nginx", commands.nginx(self.nginx_conf), self.ports.internal_url)

    def start_actions(self, wait: bool = True) -> None:
        self.spawn("actions", commands.action_server(self.ports.actions_port),
                   f"http://{LOOPBACK}:{self.ports.actions_port}", wait)

    def start_rasa(self, index: int, wait: bool = True) -> None:
        self.spawn(f"rasa{index}", commands.rasa_server(self.ports.rasa_ports[index], self.token,
                                                        self.endpoints),
                   self.rasa_url(index), wait)

    def wait_rasa(self, index: int) -> None:
        self.wait(f"rasa{index}")

    def start_web(self) -> None:
        self.spawn("web", commands.web_server(self.ports.web_port),
                   f"http://{LOOPBACK}:{self.ports.web_port}")

    def stop_all(self) -> None:
        """Every process, then the storage servers this cluster started."""
        super().stop_all()
        for service in reversed(self._started_services):
            service.destroy()
        self._started_services.clear()

    # ---- talking and looking ----------------------------------------------------------------

    def say(self, sender: str, message: str, timeout: float = 60) -> requests.Response:
        """A REST message through nginx (the public entry point)."""
        return requests.post(f"{self.public_url}/webhooks/rest/webhook", verify=str(self.ca_file),
                             json={"sender": sender, "message": message}, timeout=timeout)

    def stored_user_texts(self, sender_ids: Optional[Iterable[str]] = None) -> Dict[str, List[str]]:
        return stored_user_texts(self.tracker_url, sender_ids)

    def session_get(self, path: str) -> requests.Response:
        return requests.get(f"{self.public_url}{path}", params={"token": self.token},
                            verify=str(self.ca_file), timeout=10)


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
