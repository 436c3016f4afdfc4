"""The chat widget's small HTTP API, next to Rasa's socket.io channel.

GET  /api/visitor/{session_id}/history  the current session (from Rasa's tracker) and the
                                        hand-off state, so a reload or reconnect loses nothing
POST /api/visitor/{session_id}/cancel   leave the queue for an eVejleder and get the bot back
POST /api/visitor/{session_id}/leave    leave the conversation ("Start forfra"): its open
                                        case ends, waiting or taken

Every request names the conversation and carries its secret (header X-Session-Secret), the
one the socket.io channel issued with the id (bot/session_secret.py): the id alone opens
nothing. Rasa is called server side with the API token. While a conversation is paused Rasa ignores every intent
except /restart, which is why cancelling goes through here and not through the chat.
Every answer is JSON; errors carry a Danish "error" text.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional

from aiohttp import web

from bot.chat.address import address_group, client_address
from bot.handoff import protocol
from bot.handoff.models import ACTIVE, WAITING
from bot.handoff.queue import CaseClaimedByOther, CaseNotFound, HandoffQueue
from bot.handoff.rasa_api import BOT, COUNSELLOR, VISITOR, RasaClient, RasaUnavailable, TranscriptLine
from bot.handoff.waits import QueueWaits
from bot.handoff.watch import end_for_departed_visitor
from bot.ratelimit import RateLimit, TokenBuckets
from bot.session_id import is_session_id
from bot.session_secret import owns_session
from bot.web import texts

log = logging.getLogger(__name__)

# Per visitor address (behind nginx: the last X-Forwarded-For entry). The widget asks for the
# history once per (re)connection and cancels at most once per hand-off.
PER_ADDRESS = RateLimit(burst=20, per_minute=30)

CallRasa = Callable[..., Awaitable[Any]]


def history_messages(lines: List[TranscriptLine]) -> List[Dict[str, Any]]:
    """Transcript lines as the widget shows them. Rasa's socket.io output sends a bot
    text in parts split at blank lines, so the history splits them the same way and a
    message received live matches its copy from the history."""
    messages = []
    for line in lines:
        if line.who not in (VISITOR, BOT, COUNSELLOR):
            continue  # statuses reach the widget as statuses, not as history
        parts = line.text.strip().split("\n\n") if line.who != "visitor" else [line.text]
        for part in parts:
            if not part.strip():
                continue
            message: Dict[str, Any] = {"who": line.who, "text": part}
            if line.counsellor:
                message["counsellor"] = line.counsellor
            messages.append(message)
    return messages


class VisitorApi:
    def __init__(self, queue: HandoffQueue, waits: QueueWaits, rasa: RasaClient,
                 call_rasa: CallRasa, display_name: Callable[[str], str]):
        self.queue = queue
        self.waits = waits
        self.rasa = rasa
        self.call_rasa = call_rasa  # runs a blocking RasaClient method off the event loop
        self.display_name = display_name  # a counsellor's login name -> the name visitors see
        self.addresses = TokenBuckets(PER_ADDRESS)

    def check_rate(self, request: web.Request) -> None:
        address = address_group(client_address(request.remote, request.headers.get("X-Forwarded-For")))
        if not self.addresses.take(address):
            raise _error(429, texts.VISITOR_TOO_MANY)

    @staticmethod
    def session_id(request: web.Request) -> str:
        """The conversation of the path, if the request carries its secret."""
        value = request.match_info.get("session_id", "")
        if not is_session_id(value):
            raise _error(400, texts.VISITOR_BAD_SESSION)
        if not owns_session(value, request.headers.get(protocol.SESSION_SECRET_HEADER)):
            raise _error(403, texts.VISITOR_NOT_YOURS)
        return value

    def handoff_state(self, session_id: str) -> Optional[Dict[str, Any]]:
        case = self.queue.case_for_conversation(session_id)
        if case is None:
            return None
        if case.status == WAITING:
            position = self.queue.position(case.id)
            return {"status": protocol.WAITING, "position": position,
                    "wait_minutes": self.waits.estimate_minutes(position)}
        if case.status == ACTIVE:
            return {"status": protocol.JOINED, "counsellor": self.display_name(case.claimed_by or "")}
        return None

    async def history(self, request: web.Request) -> web.StreamResponse:
        self.check_rate(request)
        session_id = self.session_id(request)
        try:
            lines = await self.call_rasa(self.rasa.session_transcript, session_id)
        except RasaUnavailable as exc:
            log.warning("History of a visitor conversation unavailable: %s", exc)
            raise _error(503, texts.VISITOR_RASA_DOWN)
        # Database work off the event loop, like the Rasa calls.
        return _json({"messages": history_messages(lines),
                      "handoff": await asyncio.to_thread(self.handoff_state, session_id)})

    async def cancel(self, request: web.Request) -> web.StreamResponse:
        self.check_rate(request)
        session_id = self.session_id(request)
        try:
            await asyncio.to_thread(self.queue.check_can_cancel, session_id)
        except CaseNotFound:
            raise _error(404, texts.VISITOR_NO_OPEN_CASE)
        except CaseClaimedByOther:
            raise _error(409, texts.VISITOR_ALREADY_CLAIMED)
        # Resume first: if Rasa is down the visitor stays in the queue rather than being
        # left with a paused bot and no case.
        try:
            await self.call_rasa(self.rasa.resume, session_id, protocol.CANCELLED)
        except RasaUnavailable as exc:
            log.warning("Could not resume a cancelled hand-off: %s", exc)
            raise _error(503, texts.VISITOR_RASA_DOWN)
        await asyncio.to_thread(self.queue.cancel_by_visitor, session_id)
        return _json({"handoff": None, "cancelled": True})

    async def leave(self, request: web.Request) -> web.StreamResponse:
        """The visitor leaves the conversation ("Start forfra"): its open case ends, waiting or
        taken, and the counsellor's transcript says so."""
        self.check_rate(request)
        session_id = self.session_id(request)
        try:
            case = await asyncio.to_thread(end_for_departed_visitor, self.queue, self.rasa, session_id)
        except RasaUnavailable as exc:
            # The visitor starts afresh either way; the old conversation just stays paused.
            log.warning("Could not resume a conversation the visitor left: %s", exc)
            case = await asyncio.to_thread(self.queue.visitor_left, session_id)
        return _json({"handoff": None, "left": case is not None})


class VisitorError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def _error(status: int, message: str) -> VisitorError:
    return VisitorError(status, message)


def _json(body: Dict[str, Any], status: int = 200) -> web.Response:
    response = web.json_response(body, status=status)
    _allow_embedding_sites(response)
    return response


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _json_errors(handler: Handler) -> Handler:
    """Refusals and surprises become a Danish JSON answer, never an HTML page."""
    async def wrapped(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except VisitorError as exc:
            return _json({"error": exc.message}, exc.status)
        except Exception:
            # The route, not the path: the path holds the session id.
            log.exception("Unexpected error on %s %s", request.method,
                          request.match_info.route.resource.canonical)
            return _json({"error": texts.VISITOR_SERVER_ERROR}, 503)
    return wrapped


def _allow_embedding_sites(response: web.StreamResponse) -> None:
    # The widget may be embedded on another site. No cookies are involved (the id and its
    # secret are the credential), so any origin may read these answers.
    response.headers["Access-Control-Allow-Origin"] = "*"


async def _preflight(request: web.Request) -> web.StreamResponse:
    """The browser's CORS preflight for a widget on another site: the secret's header is a
    non-simple one."""
    response = web.Response(status=204)
    _allow_embedding_sites(response)
    response.headers["Access-Control-Allow-Methods"] = "GET, POST"
    response.headers["Access-Control-Allow-Headers"] = protocol.SESSION_SECRET_HEADER
    response.headers["Access-Control-Max-Age"] = "3600"
    return response


def add_visitor_routes(app: web.Application, queue: HandoffQueue, waits: QueueWaits,
                       rasa: RasaClient, call_rasa: CallRasa,
                       display_name: Callable[[str], str]) -> None:
    api = VisitorApi(queue, waits, rasa, call_rasa, display_name)
    base = "/api/visitor/{session_id}"
    app.add_routes([
        web.get(base + "/history", _json_errors(api.history)),
        web.post(base + "/cancel", _json_errors(api.cancel)),
        web.post(base + "/leave", _json_errors(api.leave)),
        web.options(base + "/{action}", _preflight),
    ])
