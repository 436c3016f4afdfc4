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
itself (a sent message, a claim) wakes the streams at once (Changes). The stream is also the
tab's heartbeat: each look refreshes the session, so presence lasts while the tab is open.
"""
from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Dict, Optional

from aiohttp import web

from bot.web import texts
from bot.web.auth import SESSION_COOKIE

log = logging.getLogger(__name__)

LOOK_EVERY = 1.0  # seconds between looks at the database and Rasa
KEEP_ALIVE_EVERY = 15.0  # a comment line now and then, so proxies keep the stream open


class Changes:
    """Wakes every waiting stream when this process changed something."""

    def __init__(self) -> None:
        self._event = asyncio.Event()
        self.closing = False

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    def close(self) -> None:
        self.closing = True
        self.notify()

    async def wait(self, timeout: float) -> None:
        event = self._event
        try:
            await asyncio.wait_for(event.wait(), timeout)
        except asyncio.TimeoutError:
            pass


def sse_message(name: str, body: Any) -> bytes:
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return f"event: {name}\ndata: {data}\n\n".encode("utf-8")


class LiveUpdates:
    def __init__(self, console: Any):
        self.console = console  # bot.web.app.Console: sessions, queue, queue_state, transcript_state
        self.changes: Changes = console.changes

    async def events(self, request: web.Request) -> web.StreamResponse:
        case_id = self._case_id(request)
        if case_id is not None:
            self.console.queue.get(case_id)  # an unknown case is a 404 before the stream starts
        response = web.StreamResponse(headers={
            "Content-Type": "text/event-stream; charset=utf-8",
            "X-Accel-Buffering": "no",  # nginx passes each event on at once
        })
        await response.prepare(request)
        token = request.cookies.get(SESSION_COOKIE)
        sent: Dict[str, str] = {}
        quiet = 0.0
        try:
            await response.write(b"retry: 3000\n\n")
            while not self.changes.closing and not _gone(request):
                signed_in = await asyncio.to_thread(self.console.sessions.lookup, token)
                if signed_in is None:
                    await response.write(sse_message("signed-out", {}))
                    break
                updates = [("queue", await self.console.queue_state(signed_in))]
                if case_id is not None:
                    body, _ = await self.console.transcript_state(case_id)
                    updates.append(("case", body))
                wrote = False
                for name, body in updates:
                    message = sse_message(name, body)
                    if sent.get(name) != message.decode("utf-8"):
                        await response.write(message)
                        sent[name] = message.decode("utf-8")
                        wrote = True
                quiet = 0.0 if wrote else quiet + LOOK_EVERY
                if quiet >= KEEP_ALIVE_EVERY:
                    await response.write(b": \n\n")
                    quiet = 0.0
                await self.changes.wait(LOOK_EVERY)
        except (ConnectionResetError, ConnectionError):
            pass  # the tab was closed
        return response

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


def _gone(request: web.Request) -> bool:
    transport = request.transport
    return transport is None or transport.is_closing()


def add_live_routes(app: web.Application, console: Any) -> None:
    live = LiveUpdates(console)
    app.add_routes([web.get("/console/api/events", live.events)])

    async def end_streams(_: web.Application) -> None:
        live.changes.close()  # before aiohttp waits for open requests, so a stop is not held up

    app.on_shutdown.append(end_streams)
