"""Typing indicators between a visitor and the counsellor who has her case. Only the fact
"is typing" travels, never text, at most once every few seconds from each side.

POST /api/visitor/{session_id}/typing     the visitor types (the widget, while a counsellor has her)
GET  /api/visitor/{session_id}/events     server-sent `typing` events {"counsellor": bool} for the
                                          widget, while a counsellor has the case
POST /console/api/cases/{id}/typing       the counsellor types (session and CSRF rules)

The console learns of the visitor's typing from its own event stream (bot.web.live), through
`visitor_typing` in the case state. The marks are bot.web.state.TypingMarks.
"""
from __future__ import annotations

import asyncio
from typing import Any, Optional

from aiohttp import web

from bot.handoff.models import ACTIVE
from bot.web import texts
from bot.web.middleware import ApiError, api_json
from bot.web.pages import record_id
from bot.web.rate_limits import TYPING
from bot.web.services import Services, off_loop
from bot.web.sse import event_stream, is_gone
from bot.web.state import COUNSELLOR, VISITOR
from bot.web.visitor import VisitorApi

LOOK_EVERY = 0.5  # seconds between looks of the widget's stream
CASE_EVERY = 4  # looks between checks that the case is still with a counsellor

class TypingHandlers:
    def __init__(self, services: Services):
        self.services = services
        self.marks = services.typing
        self.visitor = VisitorApi(services)

    async def check_rate(self, request: web.Request) -> None:
        await self.visitor.check_rate(request, TYPING)

    async def active_case(self, session_id: str) -> None:
        case = await off_loop(self.services.queue.case_for_conversation, session_id)
        if case is None or case.status != ACTIVE:
            raise ApiError(404, texts.VISITOR_NO_COUNSELLOR)

    async def visitor_typing(self, request: web.Request) -> web.StreamResponse:
        await self.check_rate(request)
        session_id = VisitorApi.session_id(request)
        await self.active_case(session_id)
        self.marks.mark(session_id, VISITOR)
        self.services.changes.notify()
        return api_json({"typing": True})

    async def visitor_events(self, request: web.Request) -> web.StreamResponse:
        await self.check_rate(request)
        session_id = VisitorApi.session_id(request)
        await self.active_case(session_id)
        shown: Any = object()  # nothing sent yet: the first look always sends
        looks = 0
        stream: Optional[web.StreamResponse] = None
        try:
            # Slow to reconnect: a stream that ended with the case is closed by the widget first.
            async with event_stream(request, retry_ms=10000, headers={
                    "Cache-Control": "no-store", "Access-Control-Allow-Origin": "*"}) as stream:
                while not self.services.changes.closing and not is_gone(request):
                    # Every new mark is sent: the widget hides the indicator when a message
                    # arrives, and shows it again on the next mark.
                    mark = self.marks.since(session_id, COUNSELLOR)
                    if mark != shown:
                        typing = "true" if mark is not None else "false"
                        await stream.send(f'{{"counsellor": {typing}}}', event="typing")
                        shown = mark
                    looks += 1
                    if looks % CASE_EVERY == 0:
                        case = await off_loop(self.services.queue.case_for_conversation, session_id)
                        if case is None or case.status != ACTIVE:
                            break  # the widget closes the stream on the status that follows
                    await asyncio.sleep(LOOK_EVERY)
        except ConnectionError:
            if stream is None:
                raise
        return stream  # the case ended, the page was closed, or the server stops

    async def counsellor_typing(self, request: web.Request) -> web.StreamResponse:
        case = await off_loop(self.services.queue.check_can_message, record_id(request),
                              request["signed_in"].name)
        self.marks.mark(case.conversation_id, COUNSELLOR)
        return web.json_response({"typing": True})
