"""Live updates of the console: one server-sent event stream per console tab.

GET /console/api/events[?sag=ID] sends `queue` (the waiting visitors, as /console/api/queue)
and, with a case id, `case` (its status and transcript, as /console/api/cases/{id}/transcript)
whenever they change, and `signed-out` when the session ends.

Server-sent events rather than a WebSocket: the updates only flow to the browser, and
everything the counsellor does is an ordinary POST with the session cookie and the CSRF token,
so the console keeps one set of session and CSRF rules. An EventSource reconnects by itself,
and the stream is plain HTTP through nginx and the existing middlewares.

Cases are opened by the action server and visitors write to Rasa, both other processes, so
each stream looks at the database and Rasa about once a second; what this process changes
itself (a sent message, a claim) wakes the streams at once (bot.web.state.Changes). The stream is also the
tab's heartbeat: each look refreshes the session, so presence lasts while the tab is open.
"""
from __future__ import annotations

import json
from typing import Dict, Optional

from aiohttp import web

from bot.web import texts
from bot.web.auth import SESSION_COOKIE
from bot.web.console import queue_state, transcript_state
from bot.web.services import Services, off_loop
from bot.web.sse import event_data, event_stream, is_gone, send

LOOK_EVERY = 1.0  # seconds between looks at the database and Rasa


class LiveUpdates:
    def __init__(self, services: Services):
        self.services = services

    async def events(self, request: web.Request) -> web.StreamResponse:
        case_id = self._case_id(request)
        if case_id is not None:
            await off_loop(self.services.queue.get, case_id)  # an unknown case: a 404 before the stream
        token = request.cookies.get(SESSION_COOKIE)
        changes = self.services.changes
        sent: Dict[str, str] = {}
        stream: Optional[web.StreamResponse] = None
        try:
            async with event_stream(request, retry_ms=3000) as stream:
                while not changes.closing and not is_gone(request):
                    signed_in = await off_loop(self.services.sessions.lookup, token)
                    if signed_in is None:
                        await send(stream, "signed-out", event_data({}))
                        break
                    updates = [("queue", await queue_state(self.services, signed_in))]
                    if case_id is not None:
                        body, _ = await transcript_state(self.services, case_id)
                        updates.append(("case", body))
                    for name, body in updates:
                        data = event_data(body)
                        if sent.get(name) != data:
                            await send(stream, name, data)
                            sent[name] = data
                    await changes.wait(LOOK_EVERY)
        except ConnectionError:
            if stream is None:
                raise
        return stream  # the tab was closed, the session ended, or the server stops

    @staticmethod
    def _case_id(request: web.Request) -> Optional[int]:
        value = request.query.get("sag")
        if value is None:
            return None
        if value.isdigit() and not value.isascii():  # "²" (int() refuses it), "٣" (int() reads 3)
            raise web.HTTPBadRequest(text=json.dumps({"error": texts.BAD_NUMBER}),
                                     content_type="application/json")
        if not value.isdigit() or len(value) > 9:
            raise web.HTTPNotFound()
        return int(value)
