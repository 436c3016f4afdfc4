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

import logging
from typing import Any, Dict, List, Optional

from aiohttp import web
from limits import RateLimitItem

from bot.handoff import protocol
from bot.handoff.models import ACTIVE, WAITING
from bot.handoff.queue import CaseClaimedByOther, CaseNotFound
from bot.handoff.rasa_api import BOT, COUNSELLOR, VISITOR, RasaUnavailable, TranscriptLine
from bot.handoff.watch import end_for_departed_visitor
from bot.session_id import is_session_id
from bot.session_secret import owns_session
from bot.web import texts
from bot.web.middleware import ApiError, api_json
from bot.web.rate_limits import VISITOR_API, allows
from bot.web.services import Services, off_loop

log = logging.getLogger(__name__)

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
    def __init__(self, services: Services):
        self.queue = services.queue
        self.waits = services.waits
        self.rasa = services.rasa
        self.display_name = services.counsellors.display_name  # login name -> the name visitors see
        self.limits = services.limits

    async def check_rate(self, request: web.Request, limit: RateLimitItem = VISITOR_API) -> None:
        """HTTP 429 in Danish when the visitor's address has made too many requests."""
        if not await allows(self.limits, limit, request):
            raise ApiError(429, texts.VISITOR_TOO_MANY)

    @staticmethod
    def session_id(request: web.Request) -> str:
        """The conversation of the path, if the request carries its secret."""
        value = request.match_info.get("session_id", "")
        if not is_session_id(value):
            raise ApiError(400, texts.VISITOR_BAD_SESSION)
        if not owns_session(value, request.headers.get(protocol.SESSION_SECRET_HEADER)):
            raise ApiError(403, texts.VISITOR_NOT_YOURS)
        return value

    def handoff_state(self, session_id: str) -> Optional[Dict[str, Any]]:
        case = self.queue.case_for_conversation(session_id)
        if case is None:
            return None
        if case.status == WAITING:
            position = self.queue.position(case.id)
            return {"status": protocol.STATUS_WAITING, "position": position,
                    "wait_minutes": self.waits.estimate_minutes(position)}
        if case.status == ACTIVE:
            return {"status": protocol.STATUS_JOINED, "counsellor": self.display_name(case.claimed_by or "")}
        return None

    async def history(self, request: web.Request) -> web.StreamResponse:
        await self.check_rate(request)
        session_id = self.session_id(request)
        try:
            lines = await off_loop(self.rasa.session_transcript, session_id)
        except RasaUnavailable as exc:
            log.warning("History of a visitor conversation unavailable: %s", exc)
            raise ApiError(503, texts.VISITOR_RASA_DOWN)
        # Database work off the event loop, like the Rasa calls.
        return api_json({"messages": history_messages(lines),
                      "handoff": await off_loop(self.handoff_state, session_id)})

    async def cancel(self, request: web.Request) -> web.StreamResponse:
        await self.check_rate(request)
        session_id = self.session_id(request)
        try:
            await off_loop(self.queue.check_can_cancel, session_id)
        except CaseNotFound:
            raise ApiError(404, texts.VISITOR_NO_OPEN_CASE)
        except CaseClaimedByOther:
            raise ApiError(409, texts.VISITOR_ALREADY_CLAIMED)
        # Resume first: if Rasa is down the visitor stays in the queue rather than being
        # left with a paused bot and no case.
        try:
            await off_loop(self.rasa.resume, session_id, protocol.STATUS_CANCELLED)
        except RasaUnavailable as exc:
            log.warning("Could not resume a cancelled hand-off: %s", exc)
            raise ApiError(503, texts.VISITOR_RASA_DOWN)
        await off_loop(self.queue.cancel_by_visitor, session_id)
        return api_json({"handoff": None, "cancelled": True})

    async def leave(self, request: web.Request) -> web.StreamResponse:
        """The visitor leaves the conversation ("Start forfra"): its open case ends, waiting or
        taken, and the counsellor's transcript says so."""
        await self.check_rate(request)
        session_id = self.session_id(request)
        try:
            case = await off_loop(end_for_departed_visitor, self.queue, self.rasa, session_id)
        except RasaUnavailable as exc:
            # The visitor starts afresh either way; the old conversation just stays paused.
            log.warning("Could not resume a conversation the visitor left: %s", exc)
            case = await off_loop(self.queue.visitor_left, session_id)
        return api_json({"handoff": None, "left": case is not None})
