"""The counsellor console: queue, claim, chat, close, callback requests.

Run with `python -m bot web`. Everything under /console except the login page needs a
signed-in counsellor; pages redirect to the login page, /console/api answers 401.
Rasa is called server side only (bot.handoff.rasa_api). Rasa calls, database work and
password checks run in worker threads, so a slow Rasa or database never blocks the event loop.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Optional, Tuple

import jinja2
from aiohttp import web
from argon2 import PasswordHasher

from bot.handoff.counsellors import Counsellors
from bot.handoff.models import WAITING, utcnow
from bot.handoff.queue import (
    CallbackNotFound,
    CaseClaimedByOther,
    CaseClosed,
    CaseNotClaimed,
    CaseNotFound,
    HandoffQueue,
)
from bot.handoff.rasa_api import RasaClient, RasaUnavailable
from bot.handoff.sessions import ConsoleSessions, SignedIn, new_token
from bot.handoff.visitor_presence import VisitorPresence
from bot.handoff.waits import QueueWaits
from bot.handoff.timing import handoff_timing
from bot.handoff.watch import HandoffWatch
from bot.web import texts
from bot.handoff.canned import CannedReplyNotFound
from bot.web.auth import CSRF_FIELD, LOGIN_CSRF_COOKIE, SESSION_COOKIE, tokens_match
from bot.web.canned import add_canned_routes
from bot.web.feedback import add_feedback_routes
from bot.web.finished import add_finished_routes
from bot.web.insight import add_insight_routes
from bot.web.last_questions import LastQuestions
from bot.web.live import Changes, add_live_routes
from bot.web.typing import VISITOR, TypingMarks, add_typing_routes
from bot.web.login_limit import LoginLimit
from bot.web.site import SITE_CSP_KEY, add_site_routes
from bot.web.visitor import add_visitor_routes

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
MAX_MESSAGE = 2000
MAX_NOTE = 2000
MAX_ID = 2**31 - 1

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
        "form-action 'self'; object-src 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


class PageError(Exception):
    """An expected refusal, shown as a Danish page (or JSON under /console/api)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def _render_env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(HERE / "templates")),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
    )
    env.filters["local_time"] = texts.local_time
    env.filters["waiting_text"] = texts.waiting_text
    env.filters["topic_names"] = texts.topic_names
    env.globals.update(
        status_names=texts.STATUS_NAMES, who_names=texts.WHO_NAMES,
        contact_kind_names=texts.CONTACT_KIND_NAMES, no_topics=texts.NO_TOPICS,
        claim_label=texts.claim_label, read_label=texts.read_label, line_text=texts.line_text,
        case_label=texts.case_label, claimed_text=texts.claimed_text,
        transcript_unavailable=texts.TRANSCRIPT_UNAVAILABLE,
        csrf_field=CSRF_FIELD, max_message=MAX_MESSAGE, max_note=MAX_NOTE,
    )
    return env


# ---- the application ------------------------------------------------------------------

class Console:
    """Request handlers, holding the services they use."""

    def __init__(self, queue: HandoffQueue, counsellors: Counsellors,
                 sessions: ConsoleSessions, rasa: RasaClient, cookie_secure: bool):
        self.queue = queue
        self.counsellors = counsellors
        self.sessions = sessions
        self.rasa = rasa
        self.cookie_secure = cookie_secure
        self.templates = _render_env()
        self.login_limit = LoginLimit()
        self.last_questions = LastQuestions(rasa.last_question)
        self.changes = Changes()  # wakes the live streams (bot.web.live) after a change here
        self.canned: Any = None  # bot.web.canned.CannedPages, set by create_app
        self.typing = TypingMarks()

    # ---- helpers ----------------------------------------------------------------------

    def render(self, request: web.Request, template: str, status: int = 200,
               **context: Any) -> web.Response:
        signed_in: Optional[SignedIn] = request.get("signed_in")
        context.setdefault("signed_in", signed_in)
        context.setdefault("csrf_token", signed_in.csrf_token if signed_in else "")
        body = self.templates.get_template(template).render(**context)
        return web.Response(text=body, status=status, content_type="text/html", charset="utf-8")

    async def call_rasa(self, method: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(None, method, *args)

    @staticmethod
    async def in_thread(work: Callable[..., Any], *args: Any) -> Any:
        """Blocking work (the database) in a worker thread, off the event loop."""
        return await asyncio.to_thread(work, *args)

    @staticmethod
    async def form(request: web.Request) -> Dict[str, str]:
        cached = request.get("form")
        if cached is not None:
            return cached
        try:
            data = await request.post()
        except (ValueError, UnicodeDecodeError) as exc:
            raise PageError(400, texts.BAD_FORM) from exc
        except web.HTTPRequestEntityTooLarge as exc:
            raise PageError(413, texts.FORM_TOO_LARGE) from exc
        form = {key: value for key, value in data.items() if isinstance(value, str)}
        request["form"] = form
        return form

    @staticmethod
    def record_id(request: web.Request) -> int:
        value = int(request.match_info["id"])  # the route only matches digits
        if value > MAX_ID:
            raise PageError(404, texts.NOT_FOUND)
        return value

    @staticmethod
    def redirect(location: str) -> web.HTTPSeeOther:
        return web.HTTPSeeOther(location)

    def set_cookie(self, response: web.StreamResponse, name: str, value: str) -> None:
        response.set_cookie(name, value, path="/", httponly=True, samesite="Strict",
                            secure=self.cookie_secure)

    # ---- login / logout -------------------------------------------------------------

    async def login_page(self, request: web.Request) -> web.StreamResponse:
        if request.get("signed_in"):
            raise self.redirect("/console")
        return self.login_form(request)

    def login_form(self, request: web.Request, status: int = 200,
                   error: Optional[str] = None, name: str = "") -> web.Response:
        # Login has no session yet, so its CSRF token is a double-submit cookie.
        token = new_token()
        response = self.render(request, "login.html", status=status, login_csrf=token,
                               error=error, name=name)
        self.set_cookie(response, LOGIN_CSRF_COOKIE, token)
        return response

    async def login(self, request: web.Request) -> web.StreamResponse:
        form = await self.form(request)
        if not tokens_match(request.cookies.get(LOGIN_CSRF_COOKIE), form.get(CSRF_FIELD)):
            return self.login_form(request, status=403, error=texts.LOGIN_EXPIRED)
        name = form.get("name", "").strip()
        who = (request.remote or "", request.headers.get("X-Forwarded-For", ""), name)
        if not self.login_limit.allows(*who):
            log.warning("Console login throttled")  # not the typed name: it may be a password
            return self.login_form(request, status=429, error=texts.LOGIN_THROTTLED, name=name)
        # argon2 takes ~150 ms of CPU: off the event loop, so other requests go on meanwhile.
        counsellor_id = await asyncio.to_thread(self.counsellors.verify, name, form.get("password", ""))
        if counsellor_id is None:
            return self.login_form(request, status=401, error=texts.LOGIN_FAILED, name=name)
        self.login_limit.succeeded(*who)
        old = request.cookies.get(SESSION_COOKIE)
        await asyncio.to_thread(self.sessions.end, old)  # a fresh token on every login (no session fixation)
        response = self.redirect("/console")
        self.set_cookie(response, SESSION_COOKIE, await asyncio.to_thread(self.sessions.create, counsellor_id))
        response.del_cookie(LOGIN_CSRF_COOKIE, path="/")
        raise response

    async def logout(self, request: web.Request) -> web.StreamResponse:
        await self.in_thread(self.sessions.end, request.cookies.get(SESSION_COOKIE))
        response = self.redirect("/console/login")
        response.del_cookie(SESSION_COOKIE, path="/")
        raise response

    # ---- pages ------------------------------------------------------------------------

    async def index(self, request: web.Request) -> web.StreamResponse:
        me: SignedIn = request["signed_in"]
        active, callbacks = await self.in_thread(lambda: (
            self.queue.active(), self.queue.list_callbacks(include_done=True)[:200]))
        return self.render(
            request, "console.html",
            queue=await self.queue_state(me),
            mine=[case for case in active if case.claimed_by == me.name],
            others=[case for case in active if case.claimed_by != me.name],
            callbacks=callbacks,
        )

    async def case_page(self, request: web.Request) -> web.StreamResponse:
        me: SignedIn = request["signed_in"]
        case = await self.in_thread(self.queue.get, self.record_id(request))
        transcript, rasa_error = [], None
        try:
            transcript = await self.call_rasa(self.rasa.transcript, case.conversation_id)
        except RasaUnavailable as exc:
            log.warning("Transcript of case %s unavailable: %s", case.id, exc)
            rasa_error = texts.TRANSCRIPT_UNAVAILABLE
        return self.render(
            request, "case.html", case=case, transcript=transcript, rasa_error=rasa_error,
            queue=await self.queue_state(me),
            notes=[e for e in await self.in_thread(self.queue.events, case.id) if e.kind == "note"],
            mine=case.is_claimed_by(me.name),
            canned=await asyncio.to_thread(self.canned.for_case, me),
            can_close=case.can_be_closed_by(me.name),
            notice=request.query.get("besked"),
            notices={"ikke-annonceret": texts.CLAIM_NOT_ANNOUNCED, "overdraget": texts.TRANSFERRED},
            colleagues=await self.colleagues(me) if case.is_claimed_by(me.name) else {},
        )

    async def colleagues(self, me: SignedIn) -> Dict[str, str]:
        """Colleagues a case can be handed to now: login name -> display name."""
        available = await asyncio.to_thread(self.sessions.available)
        return {name: shown for name, shown in available.items() if name != me.name}

    # ---- actions ----------------------------------------------------------------------

    async def claim(self, request: web.Request) -> web.StreamResponse:
        me: SignedIn = request["signed_in"]
        case_id = self.record_id(request)
        before = await self.in_thread(self.queue.get, case_id)
        case = await self.in_thread(self.queue.claim, case_id, me.name)
        location = f"/console/cases/{case.id}"
        if before.status == WAITING:
            # Pause here too: the bot may have stayed awake while the case waited, so the
            # visitor could still cancel (Rasa ignores every intent but restart when paused).
            try:
                await self.call_rasa(self.rasa.pause, case.conversation_id, me.display_name)
            except RasaUnavailable as exc:
                log.warning("Could not announce claim of case %s: %s", case.id, exc)
                location += "?besked=ikke-annonceret"
        self.changes.notify()
        raise self.redirect(location)

    async def deliver_message(self, request: web.Request) -> int:
        """Send the form's text to the visitor of the case; returns the case id."""
        me: SignedIn = request["signed_in"]
        case_id = self.record_id(request)
        text = (await self.form(request)).get("text", "").strip()
        if not text:
            raise PageError(400, texts.MESSAGE_EMPTY)
        if len(text) > MAX_MESSAGE:
            raise PageError(400, texts.MESSAGE_TOO_LONG.format(limit=MAX_MESSAGE))
        case = await self.in_thread(self.queue.check_can_message, case_id, me.name)
        await self.call_rasa(self.rasa.push_bot_message, case.conversation_id, text, me.display_name)
        await self.in_thread(self.queue.record_message, case.id, me.name, text)
        self.changes.notify()
        return case.id

    async def send_message(self, request: web.Request) -> web.StreamResponse:
        case_id = await self.deliver_message(request)
        raise self.redirect(f"/console/cases/{case_id}#ny-besked")

    async def api_send_message(self, request: web.Request) -> web.StreamResponse:
        """The same for the console's script: the page stays, and so does the focus."""
        await self.deliver_message(request)
        return web.json_response({"sent": True, "status_text": texts.MESSAGE_SENT})

    async def close(self, request: web.Request) -> web.StreamResponse:
        me: SignedIn = request["signed_in"]
        case_id = self.record_id(request)
        note = (await self.form(request)).get("note", "").strip()
        if len(note) > MAX_NOTE:
            raise PageError(400, texts.NOTE_TOO_LONG.format(limit=MAX_NOTE))
        case = await self.in_thread(self.queue.check_can_close, case_id, me.name)
        # Resume first: if Rasa is down the case stays open, so the visitor is never
        # left with a paused bot and nobody on the other end.
        await self.call_rasa(self.rasa.resume, case.conversation_id)
        await self.in_thread(self.queue.close, case.id, me.name, note or None)
        self.changes.notify()
        raise self.redirect("/console")

    async def transfer(self, request: web.Request) -> web.StreamResponse:
        """Give my case to a colleague who is available; the widget tells the visitor who now
        answers (the "joined" status with the colleague's display name)."""
        me: SignedIn = request["signed_in"]
        case_id = self.record_id(request)
        colleague = (await self.form(request)).get("colleague", "")
        available = await asyncio.to_thread(self.sessions.available)
        if colleague == me.name or colleague not in available:
            raise PageError(409, texts.COLLEAGUE_NOT_AVAILABLE)
        case = await asyncio.to_thread(self.queue.check_can_transfer, case_id, me.name)
        # Rasa first: if it is down the case stays with me, and the visitor is not misled.
        await self.call_rasa(self.rasa.pause, case.conversation_id, available[colleague])
        await asyncio.to_thread(self.queue.transfer, case.id, me.name, colleague)
        self.changes.notify()
        raise self.redirect(f"/console/cases/{case.id}?besked=overdraget")

    async def presence(self, request: web.Request) -> web.StreamResponse:
        me: SignedIn = request["signed_in"]
        paused = (await self.form(request)).get("paused") == "1"
        await self.in_thread(self.sessions.set_paused, me.counsellor_id, paused)
        self.changes.notify()
        raise self.redirect("/console")

    async def callback_done(self, request: web.Request) -> web.StreamResponse:
        me: SignedIn = request["signed_in"]
        await self.in_thread(self.queue.mark_callback_done, self.record_id(request), me.name)
        raise self.redirect("/console#tilbagekald")

    # ---- JSON for the console's script (also sent by the event stream, bot.web.live) -------

    async def queue_state(self, me: SignedIn) -> Dict[str, Any]:
        """The waiting visitors (with their last question), my open cases, open callbacks."""
        waiting = await asyncio.to_thread(self.queue.waiting)
        questions = await asyncio.to_thread(
            self.last_questions.of, [case.conversation_id for case in waiting])
        mine = await asyncio.to_thread(self.queue.active, me.name)
        open_callbacks = len(await asyncio.to_thread(self.queue.list_callbacks, False))
        return {
            "waiting": [
                {
                    "id": case.id,
                    "position": case.position,
                    "topics": texts.topic_names(case.topics) or texts.NO_TOPICS,
                    "question": questions.get(case.conversation_id) or texts.NO_QUESTION,
                    "waiting_seconds": int(case.waiting_for.total_seconds()),
                    "waiting_text": texts.waiting_text(case.waiting_for),
                    "url": f"/console/cases/{case.id}",
                    "claim_url": f"/console/cases/{case.id}/claim",
                    "claim_text": texts.claim_label(case.id),
                    "read_text": texts.read_label(case.id),
                }
                for case in waiting
            ],
            "count_text": texts.waiting_count(len(waiting)),
            "mine": [{"id": case.id, "url": f"/console/cases/{case.id}", "label": texts.case_label(case.id),
                      "claimed_text": texts.claimed_text(case)} for case in mine],
            "open_callbacks": open_callbacks,
        }

    async def transcript_state(self, case_id: int) -> Tuple[Dict[str, Any], int]:
        """The case's status and transcript, and the HTTP status (503 when Rasa is down)."""
        case = await asyncio.to_thread(self.queue.get, case_id)
        body: Dict[str, Any] = {
            "case": case.id,
            "status": case.status,
            "status_text": texts.STATUS_NAMES.get(case.status, case.status),
            "visitor_typing": self.typing.typing(case.conversation_id, VISITOR),
        }
        try:
            lines = await self.call_rasa(self.rasa.transcript, case.conversation_id)
        except RasaUnavailable:
            body.update(lines=None, error=texts.TRANSCRIPT_UNAVAILABLE)
            return body, 503
        body["lines"] = [
            {
                "who": line.who,
                "who_text": texts.WHO_NAMES[line.who]
                + (f" ({line.counsellor})" if line.counsellor else ""),
                "text": texts.line_text(line),
                "timestamp": line.timestamp.isoformat() if line.timestamp else None,
                "time_text": texts.local_time(line.timestamp),
            }
            for line in lines
        ]
        return body, 200

    async def api_queue(self, request: web.Request) -> web.StreamResponse:
        return web.json_response(await self.queue_state(request["signed_in"]))

    async def api_transcript(self, request: web.Request) -> web.StreamResponse:
        body, status = await self.transcript_state(self.record_id(request))
        return web.json_response(body, status=status)


# ---- middlewares ------------------------------------------------------------------------

def _is_api(request: web.Request) -> bool:
    return request.path.startswith(("/console/api/", "/api/"))


def _error_response(console: Console, request: web.Request, status: int,
                    message: str) -> web.Response:
    if _is_api(request):
        return web.json_response({"error": message}, status=status)
    return console.render(request, "error.html", status=status, message=message)


def make_middlewares(console: Console):
    @web.middleware
    async def errors(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            return await handler(request)
        except PageError as exc:
            return _error_response(console, request, exc.status, exc.message)
        except (CaseNotFound, CallbackNotFound, CannedReplyNotFound):
            return _error_response(console, request, 404, texts.NOT_FOUND)
        except CaseClaimedByOther:
            return _error_response(console, request, 409, texts.CASE_CLAIMED_BY_OTHER)
        except CaseClosed:
            return _error_response(console, request, 409, texts.CASE_FINISHED)
        except CaseNotClaimed:
            return _error_response(console, request, 409, texts.CASE_NOT_CLAIMED)
        except RasaUnavailable as exc:
            log.warning("Rasa unavailable: %s", exc)
            return _error_response(console, request, 503, texts.RASA_DOWN)
        except web.HTTPNotFound:
            return _error_response(console, request, 404, texts.NOT_FOUND)
        except web.HTTPMethodNotAllowed as exc:
            response = _error_response(console, request, 405, texts.NOT_ALLOWED)
            response.headers["Allow"] = exc.headers.get("Allow", "")
            return response
        except web.HTTPException:
            raise
        except Exception:  # the last resort: a Danish page instead of a traceback
            log.exception("Unexpected error on %s %s", request.method, request.path)
            return _error_response(console, request, 500, texts.SERVER_ERROR)

    @web.middleware
    async def authentication(request: web.Request, handler: Handler) -> web.StreamResponse:
        signed_in = await console.in_thread(console.sessions.lookup, request.cookies.get(SESSION_COOKIE))
        request["signed_in"] = signed_in
        path = request.path
        if not path.startswith("/console") or path == "/console/login":
            return await handler(request)
        if signed_in is None:
            if _is_api(request):
                return web.json_response({"error": texts.NOT_SIGNED_IN}, status=401)
            raise web.HTTPSeeOther("/console/login")
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            form = await console.form(request)
            if not tokens_match(signed_in.csrf_token, form.get(CSRF_FIELD)):
                raise PageError(403, texts.CSRF_FAILED)
        return await handler(request)

    return [errors, authentication]


async def _security_headers(request: web.Request, response: web.StreamResponse) -> None:
    response.headers.update(SECURITY_HEADERS)
    site_policy = request.get(SITE_CSP_KEY)  # the website pages may also talk to Rasa
    if site_policy:
        response.headers["Content-Security-Policy"] = site_policy
    if request.path.startswith("/console"):
        response.headers["Cache-Control"] = "no-store"


CONSOLE_KEY = web.AppKey("console", Console)


def create_app(settings: Any, rasa_client: Optional[RasaClient] = None,
               session_factory: Optional[Callable[[], Any]] = None,
               clock: Callable[[], dt.datetime] = utcnow,
               password_hasher: Optional[PasswordHasher] = None,
               watch: bool = False) -> web.Application:
    """The console application. `settings` is bot.config.Settings (database_url,
    rasa_url, rasa_token, cookie_secure). Tests may pass their own RasaClient, session
    factory, clock, and a cheaper argon2 PasswordHasher. `watch`: run the hand-off watch
    (bot/handoff/watch.py) while the server runs."""
    if session_factory is None:
        from bot.db import make_engine, make_session_factory
        session_factory = make_session_factory(make_engine(settings.database_url))
    rasa = rasa_client or RasaClient(settings.rasa_url, settings.rasa_token)
    console = Console(
        queue=HandoffQueue(session_factory, clock),
        counsellors=Counsellors(session_factory, password_hasher),
        sessions=ConsoleSessions(session_factory, clock),
        rasa=rasa,
        cookie_secure=bool(getattr(settings, "cookie_secure", False)),
    )
    app = web.Application(middlewares=make_middlewares(console), client_max_size=64 * 1024)
    app.on_response_prepare.append(_security_headers)
    case = r"/console/cases/{id:\d+}"
    app.add_routes([
        web.get("/health", _health),
        web.get("/console/login", console.login_page),
        web.post("/console/login", console.login),
        web.post("/console/logout", console.logout),
        web.get("/console", console.index),
        web.get(case, console.case_page),
        web.post(case + "/claim", console.claim),
        web.post(case + "/messages", console.send_message),
        web.post(r"/console/api/cases/{id:\d+}/messages", console.api_send_message),
        web.post(case + "/close", console.close),
        web.post(case + "/transfer", console.transfer),
        web.post(r"/console/callbacks/{id:\d+}/done", console.callback_done),
        web.post("/console/presence", console.presence),
        web.get("/console/api/queue", console.api_queue),
        web.get(r"/console/api/cases/{id:\d+}/transcript", console.api_transcript),
        web.static("/static/console", str(HERE / "static")),
    ])
    app[CONSOLE_KEY] = console
    add_live_routes(app, console)
    console.canned = add_canned_routes(app, console, session_factory, settings.job_slug)
    add_finished_routes(app, console)
    add_typing_routes(app, console)
    # The visitor side: the demo article page with the chat widget, and the widget's API.
    add_site_routes(app, settings, session_factory, console.templates)
    waits = QueueWaits(session_factory, clock)
    add_visitor_routes(app, console.queue, waits, rasa, console.call_rasa,
                       console.counsellors.display_name)
    add_feedback_routes(app, rasa, console.call_rasa)
    add_insight_routes(app, console, settings, session_factory, clock)
    if watch:
        app.cleanup_ctx.append(_running(HandoffWatch(
            console.queue, VisitorPresence(session_factory, clock), waits, rasa,
            lambda: handoff_timing(settings))))
    return app


async def _health(request: web.Request) -> web.Response:
    """For a container engine's probes: the server answers requests."""
    return web.json_response({"status": "ok"})


def _running(watch: HandoffWatch):
    async def context(app: web.Application):
        task = asyncio.create_task(watch.run_forever())
        yield
        task.cancel()
    return context


def run(settings: Any, watch: bool = True) -> None:
    """`python -m bot web`: serve the console on WEB_HOST:WEB_PORT. `watch`: run the hand-off watch
    in this process (`make run`); a cluster runs it once, in a process of its own."""
    web.run_app(create_app(settings, watch=watch), host=settings.web_host, port=settings.web_port)
