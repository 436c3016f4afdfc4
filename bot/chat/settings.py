"""Chat channel settings from the environment (read by the Rasa process)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Optional, Tuple

from bot.ratelimit import RateLimit

# What `make run` serves the widget from (bot web on WEB_PORT, 8000 by default).
DEFAULT_WEB_PORT = 8000


@dataclass(frozen=True)
class ChatSettings:
    allowed_origins: Tuple[str, ...]
    max_message_chars: int = 1000
    session_limit: RateLimit = RateLimit(burst=10, per_minute=30)
    address_limit: RateLimit = RateLimit(burst=60, per_minute=120)
    redis_url: Optional[str] = None


def _number(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value not in (None, "") else default


def default_origins() -> Tuple[str, ...]:
    port = int(os.environ.get("WEB_PORT") or DEFAULT_WEB_PORT)
    return (f"http://localhost:{port}", f"http://127.0.0.1:{port}")


def chat_settings() -> ChatSettings:
    """Read the environment on every call, so tests can override it."""
    origins = os.environ.get("CHAT_ALLOWED_ORIGINS")
    return ChatSettings(
        allowed_origins=(
            tuple(o.strip().rstrip("/") for o in origins.split(",") if o.strip())
            if origins else default_origins()
        ),
        max_message_chars=int(_number("CHAT_MAX_MESSAGE_CHARS", 1000)),
        session_limit=RateLimit(int(_number("CHAT_SESSION_BURST", 10)),
                                _number("CHAT_SESSION_PER_MINUTE", 30)),
        address_limit=RateLimit(int(_number("CHAT_ADDRESS_BURST", 60)),
                                _number("CHAT_ADDRESS_PER_MINUTE", 120)),
        redis_url=os.environ.get("REDIS_URL") or None,
    )
