"""The chat channels' settings (read by the Rasa process), from the project's Settings.

The message limits are moving windows (bot.ratelimit.burst_limit): CHAT_SESSION_BURST messages of
one conversation in any CHAT_SESSION_BURST / CHAT_SESSION_PER_MINUTE minutes (10 in any 20 seconds),
CHAT_ADDRESS_BURST of one address group in any CHAT_ADDRESS_BURST / CHAT_ADDRESS_PER_MINUTE minutes
(60 in any 30 seconds). None: no limit (a number set to 0).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Tuple

from limits import RateLimitItem

from bot.config import Settings, settings
from bot.ratelimit import burst_limit

SESSION_NAMESPACE = "chat-session"
ADDRESS_NAMESPACE = "chat-address"


@dataclass(frozen=True)
class ChatSettings:
    allowed_origins: Tuple[str, ...]
    max_message_chars: int = 1000
    session_limit: Optional[RateLimitItem] = burst_limit(10, 30, SESSION_NAMESPACE)
    address_limit: Optional[RateLimitItem] = burst_limit(60, 120, ADDRESS_NAMESPACE)
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
        session_limit=burst_limit(config.chat_session_burst, config.chat_session_per_minute,
                                  SESSION_NAMESPACE),
        address_limit=burst_limit(config.chat_address_burst, config.chat_address_per_minute,
                                  ADDRESS_NAMESPACE),
        redis_url=config.redis_url,
    )
