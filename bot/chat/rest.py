"""Rasa's REST channel (used by `rasa shell` and scripts) behind the same message guard.

A blueprint request middleware answers refused messages itself, in the channel's own
reply format, so Rasa never sees them.

Rasa's REST channel logs a failed message (tracker store or lock store down) and still answers
HTTP 200 with whatever was collected, often nothing: the client cannot tell that its message was
lost. Here a failure turns the answer into HTTP 503 with a Danish error.

The `sender` names the conversation, and REST has no secret to prove it. From beyond loopback
(behind nginx: the last X-Forwarded-For entry) the conversation is therefore `rest-<sender>`,
which no socket.io conversation can be: a REST client cannot write into a visitor's chat.
`rasa shell`, scripts and tests on this machine keep their sender as given.

The channel is always `rest`: Rasa's RestInput takes `input_channel` from the body, so a REST
client could claim to be the web chat (and open live hand-off cases nobody is connected to).
Metadata follows the rule of every channel (bot/chat/guard.py): the widget's keys, checked, and
the visitor's address tag computed here from the connection; everything else the body names is
dropped.
"""
from __future__ import annotations

import logging
from contextvars import ContextVar
from typing import Any, Awaitable, Callable, Dict, Optional

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.chat import texts
from bot.chat.address import client_address, is_loopback
from bot.chat.guard import MessageGuard, message_metadata
from bot.chat.settings import ChatSettings, chat_settings
from bot.ratelimit import channel_limits

log = logging.getLogger(__name__)

# The conversations of REST clients beyond loopback (socket.io ids are bare hex).
REMOTE_PREFIX = "rest-"

# Set when Rasa failed the message of the current request (same asyncio task as the handler).
_failed: ContextVar[bool] = ContextVar("rest_message_failed", default=False)


class RestChannel(RestInput):
    def __init__(self, settings: Optional[ChatSettings] = None):
        super().__init__()
        self.settings = settings or chat_settings()
        self.guard = MessageGuard(self.settings, channel_limits(self.settings.redis_url))

    @classmethod
    def from_credentials(cls, credentials: Optional[dict]) -> "RestChannel":
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        async def noting_failure(message: UserMessage) -> None:
            try:
                await on_new_message(message)
            except Exception:
                _failed.set(True)
                raise

        blueprint = super().blueprint(noting_failure)
        blueprint.middleware("request")(self._guard)
        blueprint.middleware("response")(self._failure_answer)
        return blueprint

    async def _extract_sender(self, request: Request) -> Optional[str]:
        sender = await super()._extract_sender(request)
        if sender is None or is_loopback(_address(request)):
            return sender
        return f"{REMOTE_PREFIX}{sender}"

    def _extract_input_channel(self, request: Request) -> str:
        return self.name()

    def get_metadata(self, request: Request) -> Dict[str, Any]:
        body = request.json
        return message_metadata(body.get("metadata") if isinstance(body, dict) else None, _address(request))

    async def _failure_answer(self, request: Request, answer: HTTPResponse) -> Optional[HTTPResponse]:
        if not _failed.get():
            return None
        _failed.set(False)
        return response.json({"error": texts.UNAVAILABLE}, status=503)

    async def _guard(self, request: Request) -> Optional[HTTPResponse]:
        _failed.set(False)
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
        address = _address(request)
        refusal = await self.guard.refusal(body.get("message"), str(sender), address)
        if refusal is None:
            return None
        log.info("Refused a REST message: %s", refusal)
        return response.json([{"recipient_id": sender, "text": refusal}])


def _address(request: Request) -> str:
    return client_address(request.ip, request.headers.get("x-forwarded-for"))
