"""The command line and extra environment of each server, decided once for every launcher.

Bindings: every server listens on 127.0.0.1. Secrets go into the environment: the Rasa token as
RASA_TOKEN (scripts/rasa turns it into `--auth-token` inside the process), storage URLs as
DATABASE_URL, TRACKER_DATABASE_URL, REDIS_URL (read by bot.config).
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Tuple

from bot.config import REPO_ROOT
from bot.launch.process import LOOPBACK, Command

PYTHON = sys.executable
RASA = str(Path(PYTHON).parent / "rasa")
# The rasa CLI with one validator for the action server's responses, the API token from
# RASA_TOKEN and GET /health (scripts/rasa).
RASA_SERVE = (PYTHON, str(REPO_ROOT / "scripts" / "rasa"))
MODEL = REPO_ROOT / "models" / "evejleder.tar.gz"
CREDENTIALS = REPO_ROOT / "credentials.yml"
ENDPOINTS = REPO_ROOT / "endpoints.yml"


def action_url(port: int) -> str:
    """The action server's webhook, as Rasa's endpoints.yml reads it from ACTION_SERVER_URL."""
    return f"http://{LOOPBACK}:{port}/webhook"


def action_server(port: int) -> Command:
    # rasa-sdk 3.6 has no interface flag: its server listens on SANIC_HOST (default 0.0.0.0).
    return Command((RASA, "run", "actions", "--port", str(port)), {"SANIC_HOST": LOOPBACK},
                   ready_path="/health", ready_seconds=120)


def rasa_server(port: int, token: str, endpoints: Path = ENDPOINTS, model: Path = MODEL) -> Command:
    """Rasa with its REST and socket.io channels and the HTTP API (token from RASA_TOKEN)."""
    env = {"RASA_TOKEN": token}
    return Command((*RASA_SERVE, "run", "--model", str(model), "--port", str(port),
                    "--interface", LOOPBACK, "--enable-api", "--endpoints", str(endpoints),
                    "--credentials", str(CREDENTIALS)),
                   env, ready_path="/", ready_seconds=300)


def rasa_shell(model: Path = MODEL) -> Tuple[str, ...]:
    return (*RASA_SERVE, "shell", "--model", str(model), "--endpoints", str(ENDPOINTS))


def web_server(port: int) -> Command:
    """The website and counsellor console (WEB_HOST, default 127.0.0.1)."""
    return Command((PYTHON, "-m", "bot", "web", "--port", str(port)), {"WEB_PORT": str(port)},
                   ready_path="/console/login", ready_seconds=60)


def bot_cli(*args: str) -> Tuple[str, ...]:
    """`python -m bot ...` (migrate, ingest, counsellors)."""
    return (PYTHON, "-m", "bot", *args)
