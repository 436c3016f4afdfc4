"""Typing indicators between a visitor and the counsellor who has her case. Only the fact
"is typing" travels, never text, at most once every few seconds from each side.

POST /api/visitor/{session_id}/typing     the visitor types (the widget, while a counsellor has her)
GET  /api/visitor/{session_id}/events     server-sent `typing` events {"counsellor": bool} for the
                                          widget, while a counsellor has the case
POST /console/api/cases/{id}/typing       the counsellor types (session and CSRF rules)

The console learns of the visitor's typing from its own event stream (bot.web.live), through
`visitor_typing` in the case state. Marks are kept in this process's memory only: they matter
for a few seconds, and there is one web server.
"""
from __future__ import annotations

import asyncio
import time
from typing import Any, Callable, Dict, Optional, Tuple

from aiohttp import web

from bot.handoff.models import ACTIVE
from bot.chat.address import address_group, client_address
from bot.ratelimit import RateLimit, TokenBuckets
from bot.web import texts
from bot.web.visitor import VisitorApi, VisitorError, _json, _json_errors

VISITOR, COUNSELLOR = "visitor", "counsellor"
SHOWN_FOR = 5.0  # seconds a mark counts; the sides send one every 3 s while typing
LOOK_EVERY = 0.5  # seconds between looks of the widget's stream
CASE_EVERY = 4  # looks between checks that the case is still with a counsellor

# Per visitor address: one mark every 3 s while typing, and a few reconnections of the stream.
TYPING_PER_ADDRESS = RateLimit(burst=10, per_minute=40)


class TypingMarks:
    """When each side of a conversation last typed."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._marks: Dict[Tuple[str, str], float] = {}

    def mark(self, conversation_id: str, who: str) -> None:
        now = self._clock()
        self._marks = {key: at for key, at in self._marks.items() if now - at < SHOWN_FOR}
        self._marks[(conversation_id, who)] = now

    def typing(self, conversation_id: str, who: str) -> bool:
        return self.since(conversation_id, who) is not None

    def since(self, conversation_id: str, who: str) -> Optional[float]:
        """When `who` last typed, while that still counts; else None."""
        at = self._marks.get((conversation_id, who))
        return at if at is not None and self._clock() - at < SHOWN_FOR else None


class TypingRoutes:
    def __init__(self, console: Any):
        self.console = console  # bot.web.app.Console: queue, typing, changes, record_id
        self.marks: TypingMarks = console.typing
        self.addresses = TokenBuckets(TYPING_PER_ADDRESS)

    def check_rate(self, request: web.Request) -> None:
        address = address_group(client_address(request.remote, request.headers.get("X-Forwarded-For")))
        if not self.addresses.take(address):
            raise VisitorError(429, texts.VISITOR_TOO_MANY)

    async def active_case(self, session_id: str) -> None:
        case = await asyncio.to_thread(self.console.queue.case_for_conversation, session_id)
        if case is None or case.status != ACTIVE:
            raise VisitorError(404, texts.VISITOR_NO_COUNSELLOR)

    async def visitor_typing(self, request: web.Request) -> web.StreamResponse:
        self.check_rate(request)
        session_id = VisitorApi.session_id(request)
        await self.active_case(session_id)
        self.marks.mark(session_id, VISITOR)
        self.console.changes.notify()
        return _json({"typing": True})

    async def visitor_events(self, request: web.Request) -> web.StreamResponse:
        self.check_rate(request)
        session_id = VisitorApi.session_id(request)
        await self.active_case(session_id)
        response = web.StreamResponse(headers={
            "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-store",
            "X-Accel-Buffering": "no", "Access-Control-Allow-Origin": "*",
        })
        await response.prepare(request)
        # Slow to reconnect: a stream that ended with the case is closed by the widget first.
        await response.write(b"retry: 10000\n\n")
        shown: Any = object()  # nothing sent yet: the first look always sends
        looks = 0
        try:
            while not self.console.changes.closing and request.transport is not None \
                    and not request.transport.is_closing():
                # Every new mark is sent: the widget hides the indicator when a message arrives,
                # and shows it again on the next mark.
                mark = self.marks.since(session_id, COUNSELLOR)
                if mark != shown:
                    typing = "true" if mark is not None else "false"
                    await response.write(f"event: typing\ndata: {{\"counsellor\": {typing}}}\n\n"
                                         .encode("utf-8"))
                    shown = mark
                looks += 1
                if looks % CASE_EVERY == 0:
                    case = await asyncio.to_thread(self.console.queue.case_for_conversation, session_id)
                    if case is None or case.status != ACTIVE:
                        break  # the widget closes the stream on the status that follows
                await asyncio.sleep(LOOK_EVERY)
        except ConnectionError:
            pass  # the visitor's page was closed
        return response

    async def counsellor_typing(self, request: web.Request) -> web.StreamResponse:
        case = await asyncio.to_thread(self.console.queue.check_can_message,
                                       self.console.record_id(request), request["signed_in"].name)
        self.marks.mark(case.conversation_id, COUNSELLOR)
        return web.json_response({"typing": True})


def add_typing_routes(app: web.Application, console: Any) -> None:
    routes = TypingRoutes(console)
    base = "/api/visitor/{session_id}"
    app.add_routes([
        web.post(base + "/typing", _json_errors(routes.visitor_typing)),
        web.get(base + "/events", _json_errors(routes.visitor_events)),
        web.post(r"/console/api/cases/{id:\d+}/typing", routes.counsellor_typing),
    ])
