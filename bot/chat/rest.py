"""Rasa's REST channel (used by `rasa shell` and scripts) behind the same message guard.

A blueprint request middleware answers refused messages itself, in the channel's own
reply format, so Rasa never sees them.
"""
from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Optional

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.chat.address import client_address
from bot.chat.guard import MessageGuard
from bot.chat.settings import ChatSettings, chat_settings

log = logging.getLogger(__name__)


class RestChannel(RestInput):
    def __init__(self, settings: Optional[ChatSettings] = None):
        super().__init__()
        self.settings = settings or chat_settings()
        self.guard = MessageGuard(self.settings)

    @classmethod
    def from_credentials(cls, credentials: Optional[dict]) -> "RestChannel":
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)
        blueprint.middleware("request")(self._guard)
        return blueprint

    async def _guard(self, request: Request) -> Optional[HTTPResponse]:
        if request.method != "POST" or not request.path.endswith("/webhook"):
            return None
        try:
            body: Any = request.json
        except Exception:  # noqa: BLE001 - Sanic raises its own 400 type on broken JSON
            body = None
        if not isinstance(body, dict):
            return response.json({"error": "The body must be a JSON object with "
                                           "'sender' and 'message'."}, status=400)
        sender = body.get("sender")
        address = client_address(request.ip, request.headers.get("x-forwarded-for"))
        refusal = self.guard.refusal(body.get("message"), str(sender), address)
        if refusal is None:
            return None
        log.info("Refused a REST message from %s (%s): %s", sender, address, refusal)
        return response.json([{"recipient_id": sender, "text": refusal}])
