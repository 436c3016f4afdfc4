"""Rasa's socket.io channel with an origin allowlist, a message guard and optional Redis fan-out.

Rasa 3.6 builds its AsyncServer with `cors_allowed_origins=[]`, which switches the
Origin check off entirely (any web page may open a chat in a visitor's browser). Here the
engine.io server gets the CHAT_ALLOWED_ORIGINS allowlist instead. Clients that send no Origin
(not browsers: test clients, scripts) are let through by engine.io; they face the same guard.

Replies stay Rasa's: the channel keeps the name `socketio`, so the console's pushes with
`output_channel=socketio` find it. Its output only adds the answer flag to the parts of an answer
(`AnswerMarkingOutput`), so the widget rates answers and nothing else.

A conversation is bound to the socket that opened it. Rasa's `session_request` puts any socket
into the room of any id it names, and its `user_uttered` accepts any id: whoever learned an id
could read the live chat and write in the visitor's name. Here `session_request` reopens a
conversation only with the secret issued with it (bot/session_secret.py), else it opens a new
one; the confirmation carries the id and its secret; and a message must name the conversation
its socket opened.
"""
from __future__ import annotations

import asyncio
import inspect
import logging
import uuid
from typing import Any, Awaitable, Callable, Dict, Optional

from limits import RateLimitItemPerMinute
from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from bot.chat import texts
from bot.chat.address import client_address
from bot.chat.guard import MAX_PACKET_BYTES, MessageGuard, message_metadata
from bot.chat.presence import ConnectionPresence
from bot.chat.redis_manager import ChatQueueUnavailable, CheckedRedisManager, use_redis
from bot.chat.settings import ChatSettings, chat_settings
from bot.config import without_password
from bot.ratelimit import channel_limits
from bot.handoff.protocol import ANSWER_METADATA_KEY
from bot.session_id import is_session_id
from bot.session_secret import owns_session, session_secret

log = logging.getLogger(__name__)

# Where a socket's own conversation id is kept in python-socketio's per-socket session.
BOUND_SESSION = "evejleder_session"
# Per socket: the widget asks once per (re)connection; each request costs an HMAC, a room change
# and a presence write. Counted by the `limits` library, in Redis when the cluster has one.
SESSION_REQUESTS = RateLimitItemPerMinute(10, namespace="session-request")


def _environ_address(environ: Optional[Dict[str, Any]]) -> str:
    # engine.io's Sanic driver puts a fixed 127.0.0.1 in REMOTE_ADDR; the real peer is on
    # the Sanic request it keeps in the environ.
    environ = environ or {}
    request = environ.get("sanic.request")
    return client_address(getattr(request, "ip", None), environ.get("HTTP_X_FORWARDED_FOR"))


async def _maybe_await(result: Any) -> None:
    # python-socketio 5.9 (pinned) joins and leaves rooms synchronously; from 5.10 on it awaits.
    if inspect.isawaitable(result):
        await result


class AnswerMarkingOutput(SocketIOOutput):
    """Rasa's socket.io output, which puts the answer flag of a bot message's metadata on each
    part it emits. Rasa hands the metadata to `send_response` only, not to the emit of each part
    (a text is split into bubbles at blank lines), so the flag is held for the one response.
    Rasa makes an output per visitor message (and per pushed event) and sends its responses
    one after another, so no two responses share the flag."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._answer = False

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        self._answer = bool(message.get(ANSWER_METADATA_KEY))
        try:
            await super().send_response(recipient_id, message)
        finally:
            self._answer = False

    async def _send_message(self, socket_id: str, response: Any) -> None:
        if self._answer and isinstance(response, dict) and response.get("text"):
            response = {**response, ANSWER_METADATA_KEY: True}
        await super()._send_message(socket_id, response)


class SocketIOChannel(SocketIOInput):
    def __init__(self, *args: Any, settings: Optional[ChatSettings] = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.settings = settings or chat_settings()
        self.redis: Optional[CheckedRedisManager] = None
        self.presence = ConnectionPresence()
        self.limits = channel_limits(self.settings.redis_url)
        self.guard = MessageGuard(self.settings, self.limits)

    def get_output_channel(self) -> Optional[OutputChannel]:
        output = super().get_output_channel()
        return AnswerMarkingOutput(self.sio, self.bot_message_evt) if output is not None else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        async def with_answer_flags(message: UserMessage) -> None:
            # Rasa's handler builds a plain SocketIOOutput for each visitor message.
            if type(message.output_channel) is SocketIOOutput:
                message.output_channel = AnswerMarkingOutput(self.sio, self.bot_message_evt)
            await on_new_message(message)

        blueprint = super().blueprint(with_answer_flags)
        sio = self.sio
        sio.eio.cors_allowed_origins = list(self.settings.allowed_origins)
        sio.eio.max_http_buffer_size = MAX_PACKET_BYTES
        if self.settings.redis_url:
            self.redis = use_redis(sio, self.settings.redis_url)
            blueprint.listener("after_server_start")(self._check_redis)
        namespace = self.namespace or "/"
        handle_message = sio.handlers[namespace][self.user_message_evt]

        async def guarded(sid: str, data: Any) -> None:
            if not isinstance(data, dict):
                data = {}
            if self.session_persistence and not is_session_id(data.get("session_id")):
                log.info("Refused a visitor message: malformed session id")
                await self._tell(sid, texts.BAD_SESSION)
                return
            if self.session_persistence and data["session_id"] != await self._bound_session(sid):
                log.info("Refused a visitor message: not the conversation of its socket")
                await self._tell(sid, texts.NOT_THIS_CONNECTION)
                return
            address = _environ_address(sio.get_environ(sid, namespace))
            metadata = message_metadata(data.get(self.metadata_key), address)
            data = {"message": data.get("message"), "session_id": data.get("session_id"),
                    self.metadata_key: metadata}
            session = data["session_id"] or sid
            refusal = await self.guard.refusal(data.get("message"), str(session), address)
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
        sio.handlers[namespace]["session_request"] = self._open_session
        self._report_disconnects(namespace)
        return blueprint

    def _report_disconnects(self, namespace: str) -> None:
        """A closed connection may be a visitor leaving a hand-off (bot/chat/presence.py)."""
        disconnect = self.sio.handlers[namespace]["disconnect"]

        async def reported(sid: str, *args: Any) -> None:
            await disconnect(sid)
            await self.presence.disconnected(sid)

        self.sio.handlers[namespace]["disconnect"] = reported

    async def _open_session(self, sid: str, data: Any) -> None:
        """Reopen the requested conversation if the secret matches, else open a new one; put the
        socket in its room (only there), and confirm the id with its secret."""
        if not await self.limits.allows_off_loop(SESSION_REQUESTS, sid):
            log.info("Refused a session request: too many from one socket")
            await self._tell(sid, texts.SLOW_DOWN)
            return
        data = data if isinstance(data, dict) else {}
        requested = data.get("session_id")
        if requested is not None and not is_session_id(requested):
            log.info("Refused a session request: malformed session id")
            await self._tell(sid, texts.BAD_SESSION)
            return
        session = requested if owns_session(requested, data.get("session_secret")) else uuid.uuid4().hex
        await self._bind(sid, session)
        # Straight to this process's socket, like _tell: no need for the Redis queue.
        await self.sio.manager.emit("session_confirm", {"session_id": session,
                                                        "session_secret": session_secret(session)},
                                    self.namespace or "/", room=sid, ignore_queue=True)
        await self.presence.connected(sid, session)

    async def _bind(self, sid: str, session: str) -> None:
        namespace = self.namespace or "/"
        previous = await self._bound_session(sid)
        if previous and previous != session:
            await _maybe_await(self.sio.leave_room(sid, previous, namespace))
        if self.session_persistence:
            await _maybe_await(self.sio.enter_room(sid, session, namespace))
        await self.sio.save_session(sid, {BOUND_SESSION: session}, namespace)

    async def _bound_session(self, sid: str) -> Optional[str]:
        """The conversation this socket opened (kept with the socket, in this process)."""
        try:
            return (await self.sio.get_session(sid, self.namespace or "/")).get(BOUND_SESSION)
        except KeyError:  # the socket is gone
            return None

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
