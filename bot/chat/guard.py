"""Which visitor messages reach the bot: not empty, not too long, not too many too fast.

Rate limits are token buckets kept in this process's memory, one per session and one per
address. Behind nginx with `ip_hash` stickiness an address always reaches the same Rasa
process, so per-process buckets still limit each address; a session could be spread over
processes only if its visitor's address changes. Loopback addresses (rasa shell, health
checks, tests, a load generator on this machine) have no address limit, only session limits.
"""
from __future__ import annotations

import time
from typing import Any, Callable, Optional

from bot.chat import texts
from bot.chat.address import is_loopback
from bot.chat.settings import ChatSettings
from bot.ratelimit import TokenBuckets

class MessageGuard:
    def __init__(self, settings: ChatSettings, clock: Callable[[], float] = time.monotonic):
        self.max_chars = settings.max_message_chars
        self.sessions = TokenBuckets(settings.session_limit, clock)
        self.addresses = TokenBuckets(settings.address_limit, clock)

    def refusal(self, text: Any, session: str, address: str) -> Optional[str]:
        """None if the message may go to the bot, else the Danish answer to send instead."""
        if text is not None and not isinstance(text, str):
            return texts.NOT_TEXT
        if not text or not text.strip():
            return texts.EMPTY
        if len(text) > self.max_chars:
            return texts.TOO_LONG.format(limit=self.max_chars)
        # The address first: a flood of fresh session ids must not get a full bucket each.
        if not is_loopback(address) and not self.addresses.take(address):
            return texts.SLOW_DOWN
        if not self.sessions.take(session):
            return texts.SLOW_DOWN
        return None
