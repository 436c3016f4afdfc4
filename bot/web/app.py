"""The web server: the demo article page with the chat widget, the widget's API, the counsellor
console and its insight pages. `create_app` builds the services once and serves ROUTES.

Run with `python -m bot web`. Everything under /console except the login page needs a signed-in
counsellor (bot.web.middleware). Rasa is called server side only (bot.handoff.rasa_api), and every
blocking call runs off the event loop (bot.web.services.off_loop).
"""
from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Callable, List, Optional

from aiohttp import web
from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from bot.config import Settings
from bot.handoff.models import utcnow
from bot.handoff.rasa_api import RasaClient
from bot.handoff.timing import handoff_timing
from bot.handoff.watch import HandoffWatch
from bot.web.canned import PAGE as CANNED, CannedPages
from bot.web.console import ConsoleHandlers
from bot.web.data_requests import PAGE as DATA_REQUESTS, DataRequestPages
from bot.web.feedback import FeedbackApi
from bot.web.finished import PAGE as FINISHED, FinishedPages
from bot.web.insight import InsightPages
from bot.web.live import LiveUpdates
from bot.web.middleware import json_api, middlewares, preflight, security_headers
from bot.web.services import Services, build_services
from bot.web.site import Site
from bot.web.typing_indicator import TypingHandlers
from bot.web.visitor import VisitorApi

STATIC = Path(__file__).resolve().parent / "static"


def routes(services: Services) -> List[web.AbstractRouteDef]:
    """Every route of the web server, by audience."""
    site, visitor, feedback = Site(services), VisitorApi(services), FeedbackApi(services)
    typing, console, live = TypingHandlers(services), ConsoleHandlers(services), LiveUpdates(services)
    canned, finished, insight = CannedPages(services), FinishedPages(services), InsightPages(services)
    data_requests = DataRequestPages(services)
    widget = "/api/visitor/{session_id}"
    case = r"/console/cases/{id:\d+}"
    case_api = r"/console/api/cases/{id:\d+}"
    return [
        web.get("/health", health),
        # ---- the site and the widget's API (JSON, any embedding site may read it) ----
        web.get("/", site.article),
        web.get("/static/vendor/socket.io.min.js", site.socket_io_client),
        web.static("/static/widget", str(STATIC / "widget")),
        web.get(widget + "/history", json_api(visitor.history)),
        web.post(widget + "/cancel", json_api(visitor.cancel)),
        web.post(widget + "/leave", json_api(visitor.leave)),
        web.post(widget + "/feedback", json_api(feedback.rate)),
        web.post(widget + "/typing", json_api(typing.visitor_typing)),
        web.get(widget + "/events", json_api(typing.visitor_events)),
        web.options(widget + "/{action}", preflight),
        # ---- the counsellor console (signed in; forms carry the CSRF token) ----
        web.get("/console/login", console.login_page),
        web.post("/console/login", console.login),
        web.post("/console/logout", console.logout),
        web.get("/console", console.index),
        web.get(case, console.case_page),
        web.post(case + "/claim", console.claim),
        web.post(case + "/messages", console.send_message),
        web.post(case + "/close", console.close),
        web.post(case + "/transfer", console.transfer),
        web.post(r"/console/callbacks/{id:\d+}/done", console.callback_done),
        web.post("/console/presence", console.presence),
        web.get(CANNED, canned.page),
        web.post(CANNED, canned.add),
        web.post(CANNED + r"/{id:\d+}", canned.update),
        web.post(CANNED + r"/{id:\d+}/slet", canned.delete),
        web.get(FINISHED, finished.page),
        web.get("/console/api/queue", console.api_queue),
        web.get(case_api + "/transcript", console.api_transcript),
        web.post(case_api + "/messages", console.api_send_message),
        web.post(case_api + "/typing", typing.counsellor_typing),
        web.get("/console/api/events", live.events),
        web.static("/static/console", str(STATIC)),
        # ---- insight (console pages too) ----
        web.get("/console/indsigt", insight.page),
        web.get("/console/indsigt.csv", insight.csv),
        web.get("/console/api/insight", insight.api),
        web.post("/console/indsigt/labels", insight.label),
        # ---- a visitor's rights: find, export, delete one person's data; the access log ----
        web.get(DATA_REQUESTS, data_requests.page),
        web.get(DATA_REQUESTS + ".json", data_requests.export),
        web.post(DATA_REQUESTS + "/slet", data_requests.delete),
    ]


def create_app(settings: Settings, rasa_client: Optional[RasaClient] = None,
               session_factory: Optional[Callable[[], Session]] = None,
               clock: Callable[[], dt.datetime] = utcnow,
               password_hasher: Optional[PasswordHasher] = None,
               watch: bool = False) -> web.Application:
    """Tests may pass their own RasaClient, session factory, clock, and a cheaper argon2
    PasswordHasher. `watch`: run the hand-off watch (bot/handoff/watch.py) while the server runs."""
    services = build_services(settings, rasa_client, session_factory, clock, password_hasher)
    # No auto_decompress: aiohttp 3.9.5 inflates a compressed body without a bound (a zip bomb);
    # middleware.request_shape refuses such bodies with a 415.
    app = web.Application(middlewares=middlewares(services), client_max_size=64 * 1024,
                          handler_args={"auto_decompress": False})
    app.on_response_prepare.append(security_headers)
    app.add_routes(routes(services))

    async def end_streams(_: web.Application) -> None:
        services.changes.close()  # before aiohttp waits for open requests, so a stop is not held up

    app.on_shutdown.append(end_streams)
    if watch:
        app.cleanup_ctx.append(_running(HandoffWatch(
            services.queue, services.presence, services.waits, services.rasa,
            lambda: handoff_timing(settings))))
    return app


async def health(request: web.Request) -> web.Response:
    """For a container engine's probes: the server answers requests."""
    return web.json_response({"status": "ok"})


def _running(watch: HandoffWatch):
    async def context(app: web.Application):
        task = asyncio.create_task(watch.run_forever())
        yield
        task.cancel()
    return context


def run(settings: Settings, watch: bool = True) -> None:
    """`python -m bot web`: serve on WEB_HOST:WEB_PORT. `watch`: run the hand-off watch in this
    process (`make run`); a cluster runs it once, in a process of its own."""
    web.run_app(create_app(settings, watch=watch), host=settings.web_host, port=settings.web_port)
