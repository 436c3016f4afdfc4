"""Which visitor messages reach the bot: not empty, not too long, not too many too fast.

The rate limits are moving windows per conversation and per address group (settings
`session_limit`, `address_limit`), counted by bot.ratelimit.SharedLimits: in Redis when the
chat has one (REDIS_URL), so every Rasa replica shares the counts whichever replica a message
reaches, and in process memory otherwise (`make run`). The message's shape is checked first
(`shape_refusal`, no counting); only a message that could go to the bot is counted. Loopback
addresses (rasa shell, health checks, tests, a load generator on this machine) have no address
limit, only session limits.
"""
from __future__ import annotations

import json
from typing import Any, Dict, Optional

from bot.chat import texts
from bot.chat.address import address_group, address_metadata, is_loopback
from bot.chat.settings import ChatSettings
from bot.handoff.protocol import CHOICE_METADATA_KEY, REF_METADATA_KEY, REF_PATTERN
from bot.ratelimit import SharedLimits

# Metadata a visitor may send, on every channel: the widget's own keys (a quick-reply button's
# title, short; the message's ref for ratings, hex). Anything else (other keys, longer values,
# the keys the servers set themselves) is dropped: it would be stored with every event of the
# tracker and shown to counsellors unchecked.
MAX_CHOICE_CHARS = 200
# engine.io refuses bigger packets (its default is 1 MB): a 1000-character message in any
# script, its metadata and the framing fit easily.
MAX_PACKET_BYTES = 16 * 1024


def widget_metadata(value: Any) -> Dict[str, str]:
    """The allowed keys of what a client sent as metadata (a dict, or a JSON text of one)."""
    if isinstance(value, str):
        if len(value) > MAX_PACKET_BYTES:
            return {}
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):
            return {}
    if not isinstance(value, dict):
        return {}
    kept = {}
    choice = value.get(CHOICE_METADATA_KEY)
    if isinstance(choice, str) and choice.strip() and len(choice) <= MAX_CHOICE_CHARS:
        kept[CHOICE_METADATA_KEY] = choice
    ref = value.get(REF_METADATA_KEY)
    if isinstance(ref, str) and REF_PATTERN.fullmatch(ref):
        kept[REF_METADATA_KEY] = ref
    return kept


def message_metadata(value: Any, address: str) -> Dict[str, str]:
    """The metadata any channel stores with a visitor's message: the allowed keys of what the
    client sent, and the tag of the visitor's address that the channel computed itself."""
    return {**widget_metadata(value), **address_metadata(address)}


class MessageGuard:
    def __init__(self, settings: ChatSettings, limits: SharedLimits):
        self.max_chars = settings.max_message_chars
        self.session_limit = settings.session_limit
        self.address_limit = settings.address_limit
        self.limits = limits

    def shape_refusal(self, text: Any) -> Optional[str]:
        """None if the message is text the bot can take, else the Danish answer. Counts nothing."""
        if text is not None and not isinstance(text, str):
            return texts.NOT_TEXT
        if not text or not text.strip():
            return texts.EMPTY
        if len(text) > self.max_chars:
            return texts.TOO_LONG.format(limit=self.max_chars)
        return None

    async def refusal(self, text: Any, session: str, address: str) -> Optional[str]:
        """None if the message may go to the bot, else the Danish answer to send instead.
        With Redis the limits are counted in a worker thread, off the event loop (bot.ratelimit)."""
        shape = self.shape_refusal(text)
        if shape is not None:
            return shape
        # The address first: a flood of fresh session ids must not get a fresh count each.
        if not is_loopback(address) and not await self.limits.allows_off_loop(
                self.address_limit, address_group(address)):
            return texts.SLOW_DOWN
        if not await self.limits.allows_off_loop(self.session_limit, session):
            return texts.SLOW_DOWN
        return None
