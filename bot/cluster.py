"""Configuration of the cluster (several Rasa processes behind nginx): Rasa's endpoints file and
nginx's config, written from the settings by the launcher (bot/launch/cluster.py) or by
`python -m bot cluster-config`.

Generated rather than written by hand because both carry values from elsewhere: the storage URLs
from the environment, the ports of the processes, and the contact channels from the knowledge store.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import yaml
from sqlalchemy.engine import make_url

from bot.chat.texts import UNAVAILABLE  # the chat channels' own words for a failed message
from bot.config import REPO_ROOT, Settings, settings
from bot.danish import enumerate_da
from bot.launch.tls import certificate

NGINX_TEMPLATE = REPO_ROOT / "config" / "nginx" / "cluster.conf"
# Existing domain.yml responses that nginx asks Rasa to send when the action server is down.
ACTIONS_UNAVAILABLE_RESPONSES = ("utter_unavailable", "utter_contact_channels")


@dataclass(frozen=True)
class ClusterPorts:
    public_port: int = 8443  # HTTPS: the website, the console and the chat channels
    public_http_port: int = 8080  # plain HTTP: only redirects to HTTPS
    internal_port: int = 5080  # nginx, localhost only: the action endpoint and Rasa's HTTP API
    rasa_ports: Tuple[int, ...] = (5005, 5006)
    actions_port: int = 5055
    web_port: int = 8000
    public_host: str = "0.0.0.0"

    @property
    def internal_url(self) -> str:
        return f"http://127.0.0.1:{self.internal_port}"


def redis_lock_store(redis_url: str) -> Dict[str, object]:
    """Rasa's Redis lock store, with atomic ticket changes (bot/lock_store.py); it takes host/port/db,
    not a URL."""
    url = make_url(redis_url)
    config: Dict[str, object] = {
        "type": "bot.lock_store.AtomicRedisLockStore",
        "url": url.host or "localhost",
        "port": url.port or 6379,
        "db": int(url.database or 0),
        "key_prefix": "evejleder",
    }
    if url.password:
        config["password"] = url.password
    if url.drivername == "rediss":
        config["use_ssl"] = True
    return config


def rasa_endpoints(config: Settings, ports: ClusterPorts) -> Dict[str, object]:
    if not config.tracker_database_url:
        raise ValueError("TRACKER_DATABASE_URL is not set: the Rasa processes need a shared tracker store")
    if not config.redis_url:
        raise ValueError("REDIS_URL is not set: the Rasa processes need a shared lock store")
    return {
        "action_endpoint": {"url": f"{ports.internal_url}/webhook"},
        # Rasa's SQL store, failing loudly instead of falling back to memory (bot/tracker_store.py).
        # Rasa uses a `url` containing "://" as the whole database URL.
        "tracker_store": {"type": "bot.tracker_store.StrictSQLTrackerStore",
                          "url": config.tracker_database_url},
        "lock_store": redis_lock_store(config.redis_url),
    }


def actions_unavailable_body(channels: List[str]) -> str:
    """What nginx answers Rasa in the action server's place: no events, an apology with the channels."""
    responses = [{"response": name} for name in ACTIONS_UNAVAILABLE_RESPONSES]
    if channels:
        responses[-1]["channels"] = enumerate_da(channels, "eller")
    else:
        responses = responses[:1]
    return json.dumps({"events": [], "responses": responses}, ensure_ascii=False)


def _nginx_string(text: str) -> str:
    """For a single-quoted nginx string, where $ would start a variable."""
    return text.replace("\\", "\\\\").replace("'", "\\'").replace("$", "")


def nginx_config(prefix: Path, ports: ClusterPorts, channels: List[str], tls: Tuple[Path, Path],
                 template: Path = NGINX_TEMPLATE) -> str:
    servers = "\n".join(f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;"
                        for port in ports.rasa_ports)
    values = {
        "PREFIX": str(prefix),
        "PUBLIC_HOST": ports.public_host,
        "PUBLIC_PORT": str(ports.public_port),
        "PUBLIC_HTTP_PORT": str(ports.public_http_port),
        "TLS_CERT": str(tls[0]),
        "TLS_KEY": str(tls[1]),
        "INTERNAL_PORT": str(ports.internal_port),
        "ACTIONS_PORT": str(ports.actions_port),
        "WEB_PORT": str(ports.web_port),
        "RASA_SERVERS": servers,
        "ACTIONS_UNAVAILABLE_JSON": _nginx_string(actions_unavailable_body(channels)),
        "REST_UNAVAILABLE_JSON": _nginx_string(json.dumps({"error": UNAVAILABLE}, ensure_ascii=False)),
    }
    text = template.read_text(encoding="utf-8")
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    return text


def contact_channels(config: Settings) -> List[str]:
    from bot.db import make_engine, make_session_factory
    from bot.knowledge.store import KnowledgeStore, UnknownJob

    engine = make_engine(config.database_url)
    try:
        return KnowledgeStore(make_session_factory(engine)).contact_channels(config.job_slug)
    except UnknownJob:
        return []
    finally:
        engine.dispose()


def write_cluster_config(out_dir: Path, ports: ClusterPorts, config: Settings,
                         tls: Optional[Tuple[Path, Path]] = None) -> Tuple[Path, Path]:
    """`out_dir`/endpoints.yml for Rasa and `out_dir`/nginx/nginx.conf (prefix `out_dir`/nginx).
    `tls` is (certificate, key); by default TLS_CERT and TLS_KEY, else a self-signed pair in
    `out_dir`/tls."""
    prefix = out_dir / "nginx"
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (prefix / "tmp" / name).mkdir(parents=True, exist_ok=True)
    endpoints = out_dir / "endpoints.yml"
    endpoints.write_text("# Written by `python -m bot cluster-config`; edit the environment, not this file.\n"
                         + yaml.safe_dump(rasa_endpoints(config, ports), sort_keys=False))
    endpoints.chmod(0o600)  # it may carry database passwords
    nginx = prefix / "nginx.conf"
    tls = tls or certificate(out_dir.resolve() / "tls")
    nginx.write_text(nginx_config(prefix.resolve(), ports, contact_channels(config), tls), encoding="utf-8")
    return endpoints, nginx


def _ports(text: str) -> Tuple[int, ...]:
    return tuple(int(part) for part in text.split(","))


def add_cluster_config(subparsers) -> None:
    parser = subparsers.add_parser(
        "cluster-config",
        help="write Rasa's endpoints.yml and nginx.conf for several Rasa processes behind nginx")
    parser.add_argument("--out", default="var/cluster", help="folder to write to (default: var/cluster)")
    defaults = ClusterPorts()
    parser.add_argument("--public-host", default=defaults.public_host)
    parser.add_argument("--public-port", type=int, default=defaults.public_port, help="HTTPS")
    parser.add_argument("--public-http-port", type=int, default=defaults.public_http_port,
                        help="plain HTTP, redirecting to HTTPS")
    parser.add_argument("--internal-port", type=int, default=defaults.internal_port)
    parser.add_argument("--rasa-ports", type=_ports, default=defaults.rasa_ports,
                        help="comma-separated, e.g. 5005,5006")
    parser.add_argument("--actions-port", type=int, default=defaults.actions_port)
    parser.add_argument("--web-port", type=int, default=defaults.web_port)

    def run(args: argparse.Namespace) -> int:
        ports = ClusterPorts(public_host=args.public_host, public_port=args.public_port,
                             public_http_port=args.public_http_port,
                             internal_port=args.internal_port, rasa_ports=args.rasa_ports,
                             actions_port=args.actions_port, web_port=args.web_port)
        try:
            endpoints, nginx = write_cluster_config(Path(args.out), ports, settings())
        except ValueError as exc:
            print(f"cluster-config: {exc}", file=sys.stderr)
            return 1
        print(f"wrote {endpoints} and {nginx}")
        return 0

    parser.set_defaults(func=run)
