"""Settings from environment variables, with defaults that work in a fresh checkout."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    database_url: str
    job_slug: str
    article_path: Path
    # Hand-off: Rasa's HTTP API (server side only), the console, opening hours.
    rasa_url: str = "http://localhost:5005"
    rasa_token: Optional[str] = None
    web_host: str = "127.0.0.1"
    web_port: int = 8000
    opening_hours_path: Path = REPO_ROOT / "config" / "opening_hours.yml"
    handoff_config_path: Path = REPO_ROOT / "config" / "handoff.yml"
    cookie_secure: bool = False  # set COOKIE_SECURE=1 when the console is served over HTTPS
    # Several Rasa processes (the cluster, deploy/k8s/): Rasa's own SQL tracker store in a database of
    # its own, and Redis for the lock store and the socket.io message queue. None = one process.
    tracker_database_url: Optional[str] = None
    redis_url: Optional[str] = None
    # The socket.io server the visitor's browser talks to: RASA_URL when unset, the page's own
    # origin when empty (behind nginx, where RASA_URL is an internal address).
    chat_url: Optional[str] = None


def without_password(url: str) -> str:
    """A database or Redis URL fit for a log line."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL SQLAlchemy can parse: say nothing of it
        return "(unparsable URL)"


def _repo_path(value: str) -> Path:
    path = Path(value)
    return path if path.is_absolute() else REPO_ROOT / path


def settings() -> Settings:
    """Read the environment on every call, so tests and CLIs can override it."""
    default_url = f"sqlite:///{REPO_ROOT / 'var' / 'evejleder.db'}"
    return Settings(
        database_url=os.environ.get("DATABASE_URL") or default_url,
        job_slug=os.environ.get("JOB_SLUG") or "leder",
        article_path=_repo_path(os.environ.get("ARTICLE_PATH") or "data/articles/leder.txt"),
        rasa_url=os.environ.get("RASA_URL") or "http://localhost:5005",
        rasa_token=os.environ.get("RASA_TOKEN") or None,
        web_host=os.environ.get("WEB_HOST") or "127.0.0.1",
        web_port=int(os.environ.get("WEB_PORT") or 8000),
        opening_hours_path=_repo_path(
            os.environ.get("OPENING_HOURS_PATH") or "config/opening_hours.yml"
        ),
        handoff_config_path=_repo_path(os.environ.get("HANDOFF_CONFIG_PATH") or "config/handoff.yml"),
        cookie_secure=(os.environ.get("COOKIE_SECURE") or "").lower() in ("1", "true", "yes"),
        tracker_database_url=os.environ.get("TRACKER_DATABASE_URL") or None,
        redis_url=os.environ.get("REDIS_URL") or None,
        chat_url=os.environ.get("CHAT_URL"),
    )
