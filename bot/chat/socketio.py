"""Rasa's socket.io channel with an origin allowlist, a message guard and optional Redis fan-out.

Rasa 3.6 builds its AsyncServer with `cors_allowed_origins=[]`, which switches the
Origin check off entirely (any web page may open a chat in a visitor's browser). Here the
engine.io server gets the CHAT_ALLOWED_ORIGINS allowlist instead. Clients that send no Origin
(not browsers: test clients, scripts) are let through by engine.io; they face the same guard.

Replies stay Rasa's: the channel keeps the name `socketio`, so the console's pushes with
`output_channel=socketio` find it.
"""
from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, Optional

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint

from bot.chat import texts
from bot.chat.address import client_address
from bot.chat.guard import MAX_PACKET_BYTES, MessageGuard, widget_metadata
from bot.chat.presence import ConnectionPresence
from bot.chat.redis_manager import ChatQueueUnavailable, CheckedRedisManager, use_redis
from bot.chat.settings import ChatSettings, chat_settings
from bot.config import without_password
from bot.session_id import is_session_id

log = logging.getLogger(__name__)


def _environ_address(environ: Optional[Dict[str, Any]]) -> str:
    # engine.io's Sanic driver puts a fixed 127.0.0.1 in REMOTE_ADDR; the real peer is on
    # the Sanic request it keeps in the environ.
    environ = environ or {}
    request = environ.get("sanic.request")
    return client_address(getattr(request, "ip", None), environ.get("HTTP_X_FORWARDED_FOR"))


class SocketIOChannel(SocketIOInput):
    def __init__(self, *args: Any, settings: Optional[ChatSettings] = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.settings = settings or chat_settings()
        self.guard = MessageGuard(self.settings)
        self.redis: Optional[CheckedRedisManager] = None
        self.presence = ConnectionPresence()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)
        sio = self.sio
        sio.eio.cors_allowed_origins = list(self.settings.allowed_origins)
        sio.eio.max_http_buffer_size = MAX_PACKET_BYTES
        if self.settings.redis_url:
            self.redis = use_redis(sio, self.settings.redis_url)
            blueprint.listener("after_server_start")(self._check_redis)
        namespace = self.namespace or "/"
        handle_message = sio.handlers[namespace][self.user_message_evt]
        request_session = sio.handlers[namespace]["session_request"]

        async def checked_session_request(sid: str, data: Any) -> None:
            # Rasa makes an id when none is given; a given one must look like one.
            session = data.get("session_id") if isinstance(data, dict) else None
            if session is not None and not is_session_id(session):
                log.info("Refused a session request: malformed session id")
                await self._tell(sid, texts.BAD_SESSION)
                return
            await request_session(sid, {"session_id": session})
            if session is not None:
                await self.presence.connected(sid, session)

        async def guarded(sid: str, data: Any) -> None:
            if not isinstance(data, dict):
                data = {}
            if self.session_persistence and not is_session_id(data.get("session_id")):
                log.info("Refused a visitor message: malformed session id")
                await self._tell(sid, texts.BAD_SESSION)
                return
            data = {"message": data.get("message"), "session_id": data.get("session_id"),
                    self.metadata_key: widget_metadata(data.get(self.metadata_key))}
            session = data["session_id"] or sid
            address = _environ_address(sio.get_environ(sid, namespace))
            refusal = self.guard.refusal(data.get("message"), str(session), address)
            if refusal:
                # No session id (it lets one read the conversation) and no address in the log.
                log.info("Refused a visitor message: %s", refusal)
                await self._tell(sid, refusal)
                return
            try:
                await handle_message(sid, data)
            except ChatQueueUnavailable as exc:
                # The reply could not go out; the visitor learns it here (this process holds
                # their connection), and the message is not in the tracker store.
                log.error("A chat reply was lost, Redis is down: %s", exc)
                await self._tell(sid, texts.UNAVAILABLE)
            except Exception:
                # Rasa failed the message (tracker store or lock store down): tell the visitor,
                # and leave it unacknowledged so the widget sends it again after reconnecting.
                log.exception("A visitor message failed")
                await self._tell(sid, texts.UNAVAILABLE)
                raise

        sio.handlers[namespace][self.user_message_evt] = guarded
        sio.handlers[namespace]["session_request"] = checked_session_request
        self._report_disconnects(namespace)
        return blueprint

    def _report_disconnects(self, namespace: str) -> None:
        """A closed connection may be a visitor leaving a hand-off (bot/chat/presence.py)."""
        disconnect = self.sio.handlers[namespace]["disconnect"]

        async def reported(sid: str, *args: Any) -> None:
            await disconnect(sid)
            await self.presence.disconnected(sid)

        self.sio.handlers[namespace]["disconnect"] = reported

    async def _tell(self, sid: str, text: str) -> None:
        """Answer the connection that sent the message. It is connected to this process,
        so the answer skips the Redis queue (and still arrives when Redis is down)."""
        await self.sio.manager.emit(self.bot_message_evt, {"text": text}, self.namespace or "/",
                                    room=sid, ignore_queue=True)

    async def _check_redis(self, *_: Any) -> None:
        try:
            await self.redis.ping()
            log.info("socket.io messages go through Redis at %s", without_password(self.settings.redis_url))
        except ChatQueueUnavailable as exc:
            log.error("%s: replies to visitors will fail until it is back", exc)
