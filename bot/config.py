"""Settings: the one reader of the environment and of the configuration files in bot/ and actions/.

Every variable has a default that works in a fresh checkout. `settings()` reads the environment on
every call, so tests and CLIs can override it; entry points (the CLI, Rasa's components and
channels, the action server's services, the web app) call it once and hand the result down. The
configuration files are read by `read_config_file` on every call: a changed schedule (a new
holiday) applies without a restart.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional, Tuple, Union

import yaml

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
    domain_path: Path = REPO_ROOT / "domain.yml"
    cookie_secure: bool = False  # set COOKIE_SECURE=1 when the console is served over HTTPS
    # Several Rasa processes (the cluster, deploy/k8s/): Rasa's own SQL tracker store in a database of
    # its own, and Redis for the lock store and the socket.io message queue. None = one process.
    tracker_database_url: Optional[str] = None
    redis_url: Optional[str] = None
    # Rasa's endpoints file: where the tracker store is when TRACKER_DATABASE_URL is unset.
    rasa_endpoints_path: Path = REPO_ROOT / "endpoints.yml"
    # The socket.io server the visitor's browser talks to: RASA_URL when unset, the page's own
    # origin when empty (behind nginx, where RASA_URL is an internal address).
    chat_url: Optional[str] = None
    # The chat channels (bot/chat/settings.py): empty origins = the web server's own.
    chat_allowed_origins: Tuple[str, ...] = ()
    chat_max_message_chars: int = 1000
    chat_session_burst: int = 10
    chat_session_per_minute: float = 30
    chat_address_burst: int = 60
    chat_address_per_minute: float = 120
    # The key of the conversation secrets (bot/session_secret.py); None = a key file in var/.
    chat_session_key: Optional[str] = None
    chat_session_key_path: Path = REPO_ROOT / "var" / "chat_session.key"
    # Networks whose X-Forwarded-For header is believed (besides loopback), comma-separated.
    trusted_proxies: str = ""
    # The launcher (`python -m bot run|shell`).
    actions_port: int = 5055
    rasa_port: int = 5005
    log_dir: Path = REPO_ROOT / "var" / "log"
    # The access log of personal data (bot/privacy/access_log.py) is kept this long, then purged.
    access_log_retention_days: int = 365
    # The automatic assistant's name in the chat, the widget and the console; "eVejleder" means a
    # person, never the assistant.
    assistant_name: str = "UddannelsesGuidens chatassistent"

    def domain(self) -> Any:
        """Rasa's domain file (the console lists its intents)."""
        return read_config_file(self.domain_path)

    def rasa_endpoints(self) -> Any:
        """Rasa's endpoints file; empty when it is missing."""
        return read_config_file(self.rasa_endpoints_path) if self.rasa_endpoints_path.exists() else {}


def read_config_file(path: Union[str, Path]) -> Any:
    """A YAML configuration file's content ({} when it is empty). Raises OSError and
    yaml.YAMLError: each caller decides what a broken file means for it."""
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    return {} if data is None else data


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


def _number(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value not in (None, "") else default


def _origins(text: Optional[str]) -> Tuple[str, ...]:
    return tuple(o.strip().rstrip("/") for o in (text or "").split(",") if o.strip())


def settings() -> Settings:
    """Read the environment on every call, so tests and CLIs can override it."""
    env = os.environ.get
    defaults = Settings  # the dataclass's field defaults
    return Settings(
        database_url=env("DATABASE_URL") or f"sqlite:///{REPO_ROOT / 'var' / 'evejleder.db'}",
        job_slug=env("JOB_SLUG") or "leder",
        assistant_name=env("ASSISTANT_NAME") or defaults.assistant_name,
        article_path=_repo_path(env("ARTICLE_PATH") or "data/articles/leder.txt"),
        rasa_url=env("RASA_URL") or "http://localhost:5005",
        rasa_token=env("RASA_TOKEN") or None,
        web_host=env("WEB_HOST") or "127.0.0.1",
        web_port=int(env("WEB_PORT") or 8000),
        opening_hours_path=_repo_path(env("OPENING_HOURS_PATH") or "config/opening_hours.yml"),
        handoff_config_path=_repo_path(env("HANDOFF_CONFIG_PATH") or "config/handoff.yml"),
        cookie_secure=(env("COOKIE_SECURE") or "").lower() in ("1", "true", "yes"),
        tracker_database_url=env("TRACKER_DATABASE_URL") or None,
        redis_url=env("REDIS_URL") or None,
        rasa_endpoints_path=_repo_path(env("RASA_ENDPOINTS") or "endpoints.yml"),
        chat_url=env("CHAT_URL"),
        chat_allowed_origins=_origins(env("CHAT_ALLOWED_ORIGINS")),
        chat_max_message_chars=int(_number("CHAT_MAX_MESSAGE_CHARS", defaults.chat_max_message_chars)),
        chat_session_burst=int(_number("CHAT_SESSION_BURST", defaults.chat_session_burst)),
        chat_session_per_minute=_number("CHAT_SESSION_PER_MINUTE", defaults.chat_session_per_minute),
        chat_address_burst=int(_number("CHAT_ADDRESS_BURST", defaults.chat_address_burst)),
        chat_address_per_minute=_number("CHAT_ADDRESS_PER_MINUTE", defaults.chat_address_per_minute),
        chat_session_key=env("CHAT_SESSION_KEY") or None,
        trusted_proxies=env("TRUSTED_PROXIES", ""),
        actions_port=int(env("ACTIONS_PORT") or defaults.actions_port),
        rasa_port=int(env("RASA_PORT") or defaults.rasa_port),
        log_dir=_repo_path(env("LOG_DIR") or "var/log"),
        access_log_retention_days=int(_number("ACCESS_LOG_RETENTION_DAYS", defaults.access_log_retention_days)),
    )
