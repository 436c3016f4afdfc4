"""The chat channels' settings (read by the Rasa process), from the project's Settings."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Tuple

from bot.config import Settings, settings
from bot.ratelimit import RateLimit


@dataclass(frozen=True)
class ChatSettings:
    allowed_origins: Tuple[str, ...]
    max_message_chars: int = 1000
    session_limit: RateLimit = RateLimit(burst=10, per_minute=30)
    address_limit: RateLimit = RateLimit(burst=60, per_minute=120)
    redis_url: Optional[str] = None


def default_origins(config: Settings) -> Tuple[str, ...]:
    """Where `make run` serves the widget from (the web server on WEB_PORT)."""
    port = config.web_port
    return (f"http://localhost:{port}", f"http://127.0.0.1:{port}")


def chat_settings(config: Optional[Settings] = None) -> ChatSettings:
    """The channels' settings; Rasa builds the channels, so they ask for the current Settings."""
    config = config or settings()
    return ChatSettings(
        allowed_origins=config.chat_allowed_origins or default_origins(config),
        max_message_chars=config.chat_max_message_chars,
        session_limit=RateLimit(config.chat_session_burst, config.chat_session_per_minute),
        address_limit=RateLimit(config.chat_address_burst, config.chat_address_per_minute),
        redis_url=config.redis_url,
    )
