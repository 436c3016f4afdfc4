"""Chat channel settings from the environment (read by the Rasa process)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Optional, Tuple

from bot.config import settings
from bot.ratelimit import RateLimit


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
    """Where `make run` serves the widget from (the web server on WEB_PORT)."""
    port = settings().web_port
    return (f"http://localhost:{port}", f"http://127.0.0.1:{port}")


def chat_settings() -> ChatSettings:
    """Read the environment on every call, so tests can override it."""
    origins = os.environ.get("CHAT_ALLOWED_ORIGINS")
    defaults = ChatSettings  # the dataclass's field defaults
    return ChatSettings(
        allowed_origins=(
            tuple(o.strip().rstrip("/") for o in origins.split(",") if o.strip())
            if origins else default_origins()
        ),
        max_message_chars=int(_number("CHAT_MAX_MESSAGE_CHARS", defaults.max_message_chars)),
        session_limit=RateLimit(int(_number("CHAT_SESSION_BURST", defaults.session_limit.burst)),
                                _number("CHAT_SESSION_PER_MINUTE", defaults.session_limit.per_minute)),
        address_limit=RateLimit(int(_number("CHAT_ADDRESS_BURST", defaults.address_limit.burst)),
                                _number("CHAT_ADDRESS_PER_MINUTE", defaults.address_limit.per_minute)),
        redis_url=settings().redis_url,
    )
