"""The hand-off watch in a process of its own (`python -m bot handoff-watch`), for a cluster:
exactly one runs, whatever the number of web servers (deploy/k8s/handoff-watch.yaml).

`GET /health` answers 200 while the watch completes its rounds and 503 when the last complete
round is older than STALE_SECONDS (the database or Rasa gone for long), so a probe can see it.
"""
from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from aiohttp import web

from bot.db import make_engine, make_session_factory
from bot.handoff.queue import HandoffQueue
from bot.handoff.rasa_api import RasaClient
from bot.handoff.timing import handoff_timing
from bot.handoff.visitor_presence import VisitorPresence
from bot.handoff.waits import QueueWaits
from bot.handoff.watch import HandoffWatch

STALE_SECONDS = 60.0
WATCH_KEY = web.AppKey("watch", HandoffWatch)


async def health(request: web.Request) -> web.Response:
    watch = request.app[WATCH_KEY]
    if watch.last_success is not None and time.monotonic() - watch.last_success < STALE_SECONDS:
        return web.json_response({"status": "ok"})
    return web.json_response({"status": "no complete round yet" if watch.last_success is None
                              else "stale"}, status=503)


def create_app(settings: Any) -> web.Application:
    session_factory = make_session_factory(make_engine(settings.database_url))
    watch = HandoffWatch(HandoffQueue(session_factory), VisitorPresence(session_factory),
                         QueueWaits(session_factory), RasaClient(settings.rasa_url, settings.rasa_token),
                         lambda: handoff_timing(settings))
    app = web.Application()
    app[WATCH_KEY] = watch
    app.add_routes([web.get("/health", health)])

    async def running(app: web.Application):
        task = asyncio.create_task(watch.run_forever())
        yield
        task.cancel()

    app.cleanup_ctx.append(running)
    return app


def run(settings: Any, host: str, port: int) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    web.run_app(create_app(settings), host=host, port=port, print=None)
