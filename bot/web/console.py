"""The counsellor console's pages and its script's JSON: login, queue, case, claim, chat,
transfer, close, presence, callback requests. Every page but the login page needs a signed-in
counsellor (bot.web.middleware); Rasa is called server side only (bot.handoff.rasa_api)."""
from __future__ import annotations

import datetime as dt
import logging
import math
from typing import Any, Dict, Optional, Tuple

from aiohttp import web

from bot.handoff.models import CANCELLED, WAITING
from bot.handoff.rasa_api import RasaUnavailable
from bot.handoff.console_logins import SignedIn, new_token
from bot.handoff.queue import CaseInfo
from bot.handoff.timing import handoff_timing
from bot.privacy.access_log import VIEW
from bot.web import texts
from bot.web.auth import CSRF_FIELD, LOGIN_CSRF_COOKIE, SESSION_COOKIE, tokens_match
from bot.web.canned import canned_for_case
from bot.web.pages import PageError, read_form, record_id, render, set_cookie
from bot.web.services import MAX_MESSAGE, MAX_NOTE, Services, off_loop
from bot.web.state import COUNSELLOR, VISITOR

log = logging.getLogger(__name__)


async def queue_state(services: Services, me: SignedIn) -> Dict[str, Any]:
    """The waiting visitors (with their last question), my open cases, open callbacks."""
    waiting = await off_loop(services.queue.waiting)
    away = await off_loop(services.presence.away_since) if waiting else {}
    questions = await off_loop(
        services.last_questions.of, [case.conversation_id for case in waiting])
    active = await off_loop(services.queue.active)
    available = await off_loop(services.sessions.available)
    open_callbacks = len(await off_loop(services.queue.list_callbacks, False))
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
                # A visitor whose chat window is gone cannot be helped: marked, and not offered
                # to claim, until the watch ends the case or the visitor comes back.
                "away_text": texts.VISITOR_LEFT if case.id in away else None,
            }
            for case in waiting
        ],
        "count_text": texts.waiting_count(len(waiting)),
        "mine": [{"id": case.id, "url": f"/console/cases/{case.id}", "label": texts.case_label(case.id),
                  "claimed_text": texts.claimed_text(case)}
                 for case in active if case.claimed_by == me.name],
        "others": [{"id": case.id, "url": f"/console/cases/{case.id}", "label": texts.case_label(case.id),
                    "claimed_by": case.claimed_by}
                   for case in active if case.claimed_by != me.name],
        # Colleagues a case of mine can be handed to now: signing in or out shows at once.
        "colleagues": [{"name": name, "shown": shown}
                       for name, shown in available.items() if name != me.name],
        "open_callbacks": open_callbacks,
    }


async def transcript_state(services: Services, case_id: int) -> Tuple[Dict[str, Any], int]:
    """The case's status and transcript, and the HTTP status (503 when Rasa is down)."""
    # Presence first: the case's status is then read just before its transcript, so a case the
    # visitor just left rarely shows Rasa's "left" line with the status of before.
    away = await off_loop(services.presence.away_since)
    case = await off_loop(services.queue.get, case_id)
    body: Dict[str, Any] = {
        "case": case.id,
        "status": case.status,
        "status_text": texts.STATUS_NAMES.get(case.status, case.status),
        "visitor_typing": services.typing.typing(case.conversation_id, VISITOR),
        # The send, transfer and close forms only make sense while the case is open.
        "open": case.is_open,
        "visitor_notice": await visitor_notice(services, case, away),
    }
    try:
        lines = await off_loop(services.rasa.transcript, case.conversation_id)
    except RasaUnavailable:
        body.update(lines=None, error=texts.TRANSCRIPT_UNAVAILABLE)
        return body, 503
    body["lines"] = [
        {
            "who": line.who,
            "who_text": texts.who_names(services.settings.assistant_name)[line.who]
            + (f" ({line.counsellor})" if line.counsellor else ""),
            "text": texts.line_text(line),
            "timestamp": line.timestamp.isoformat() if line.timestamp else None,
            "time_text": texts.local_time(line.timestamp),
        }
        for line in lines
    ]
    return body, 200


async def visitor_notice(services: Services, case: CaseInfo,
                         away: Optional[Dict[int, dt.datetime]] = None) -> Optional[str]:
    """What the counsellor should know about the visitor's connection: gone for good, or gone
    and the case ending after the grace period unless the visitor comes back (a reload)."""
    if case.status == CANCELLED:
        return texts.VISITOR_LEFT
    if not case.is_open:
        return None
    if away is None:
        away = await off_loop(services.presence.away_since)
    since = away.get(case.id)
    if since is None:
        return None
    grace = (await off_loop(handoff_timing, services.settings)).visitor_gone_after
    left = grace - (services.clock() - since)
    return texts.visitor_away(max(0, math.ceil(left.total_seconds())))


class ConsoleHandlers:
    def __init__(self, services: Services):
        self.services = services

    # ---- login / logout -------------------------------------------------------------

    async def login_page(self, request: web.Request) -> web.StreamResponse:
        if request.get("signed_in"):
            raise web.HTTPSeeOther("/console")
        return self.login_form(request)

    def login_form(self, request: web.Request, status: int = 200,
                   error: Optional[str] = None, name: str = "") -> web.Response:
        # Login has no session yet, so its CSRF token is a double-submit cookie.
        token = new_token()
        response = render(self.services, request, "login.html", status=status, login_csrf=token,
                               error=error, name=name)
        set_cookie(self.services, response, LOGIN_CSRF_COOKIE, token)
        return response

    async def login(self, request: web.Request) -> web.StreamResponse:
        form = await read_form(request)
        if not tokens_match(request.cookies.get(LOGIN_CSRF_COOKIE), form.get(CSRF_FIELD)):
            return self.login_form(request, status=403, error=texts.LOGIN_EXPIRED)
        name = form.get("name", "").strip()
        who = (request.remote or "", request.headers.get("X-Forwarded-For", ""), name)
        if not await self.services.login_limit.allows(*who):
            log.warning("Console login throttled")  # not the typed name: it may be a password
            return self.login_form(request, status=429, error=texts.LOGIN_THROTTLED, name=name)
        await self.services.login_limit.slow_down(name)
        # argon2 takes ~150 ms of CPU: off the event loop, so other requests go on meanwhile.
        counsellor_id = await off_loop(self.services.counsellors.verify, name, form.get("password", ""))
        if counsellor_id is None:
            return self.login_form(request, status=401, error=texts.LOGIN_FAILED, name=name)
        await self.services.login_limit.succeeded(*who)
        old = request.cookies.get(SESSION_COOKIE)
        await off_loop(self.services.sessions.end, old)  # a fresh token on every login (no session fixation)
        response = web.HTTPSeeOther("/console")
        set_cookie(self.services, response, SESSION_COOKIE, await off_loop(self.services.sessions.create, counsellor_id))
        response.del_cookie(LOGIN_CSRF_COOKIE, path="/")
        raise response

    async def logout(self, request: web.Request) -> web.StreamResponse:
        await off_loop(self.services.sessions.end, request.cookies.get(SESSION_COOKIE))
        response = web.HTTPSeeOther("/console/login")
        response.del_cookie(SESSION_COOKIE, path="/")
        raise response

    # ---- pages ------------------------------------------------------------------------

    async def index(self, request: web.Request) -> web.StreamResponse:
        me: SignedIn = request["signed_in"]
        active, callbacks = await off_loop(lambda: (
            self.services.queue.active(), self.services.queue.list_callbacks(include_done=True)[:200]))
        return render(
            self.services, request, "console.html",
            queue=await queue_state(self.services, me),
            mine=[case for case in active if case.claimed_by == me.name],
            others=[case for case in active if case.claimed_by != me.name],
            callbacks=callbacks,
        )

    async def case_page(self, request: web.Request) -> web.StreamResponse:
        me: SignedIn = request["signed_in"]
        case = await off_loop(self.services.queue.get, record_id(request))
        await off_loop(self.services.access_log.record, me.name, VIEW, f"case:{case.id}",
                       f"samtale {case.conversation_id}")
        transcript, rasa_error = [], None
        try:
            transcript = await off_loop(self.services.rasa.transcript, case.conversation_id)
        except RasaUnavailable as exc:
            log.warning("Transcript of case %s unavailable: %s", case.id, exc)
            rasa_error = texts.TRANSCRIPT_UNAVAILABLE
        return render(
            self.services, request, "case.html", case=case, transcript=transcript, rasa_error=rasa_error,
            queue=await queue_state(self.services, me),
            notes=[e for e in await off_loop(self.services.queue.events, case.id) if e.kind == "note"],
            mine=case.is_claimed_by(me.name),
            canned=await off_loop(canned_for_case, self.services, me),
            can_close=case.can_be_closed_by(me.name),
            notice=request.query.get("besked"),
            visitor_notice=await visitor_notice(self.services, case),
            notices={"ikke-annonceret": texts.CLAIM_NOT_ANNOUNCED, "overdraget": texts.TRANSFERRED},
            colleagues=await self.colleagues(me) if case.is_claimed_by(me.name) else {},
        )

    async def colleagues(self, me: SignedIn) -> Dict[str, str]:
        """Colleagues a case can be handed to now: login name -> display name."""
        available = await off_loop(self.services.sessions.available)
        return {name: shown for name, shown in available.items() if name != me.name}

    # ---- actions ----------------------------------------------------------------------

    async def claim(self, request: web.Request) -> web.StreamResponse:
        me: SignedIn = request["signed_in"]
        case_id = record_id(request)
        before = await off_loop(self.services.queue.get, case_id)
        if before.status == WAITING and case_id in await off_loop(self.services.presence.away_since):
            raise PageError(409, texts.VISITOR_AWAY_CLAIM)
        case = await off_loop(self.services.queue.claim, case_id, me.name)
        location = f"/console/cases/{case.id}"
        if before.status == WAITING:
            # Pause here too: the bot may have stayed awake while the case waited, so the
            # visitor could still cancel (Rasa ignores every intent but restart when paused).
            try:
                await off_loop(self.services.rasa.pause, case.conversation_id, me.display_name)
            except RasaUnavailable as exc:
                log.warning("Could not announce claim of case %s: %s", case.id, exc)
                location += "?besked=ikke-annonceret"
        self.services.changes.notify()
        raise web.HTTPSeeOther(location)

    async def deliver_message(self, request: web.Request) -> CaseInfo:
        """Send the form's text to the visitor of the case; returns the case."""
        me: SignedIn = request["signed_in"]
        case_id = record_id(request)
        text = (await read_form(request)).get("text", "").strip()
        if not text:
            raise PageError(400, texts.MESSAGE_EMPTY)
        if len(text) > MAX_MESSAGE:
            raise PageError(400, texts.MESSAGE_TOO_LONG.format(limit=MAX_MESSAGE))
        case = await off_loop(self.services.queue.check_can_message, case_id, me.name)
        # Before the message goes out: the widget's stream then says "not typing" no later than the
        # message arrives, instead of announcing what is already there until the mark runs out.
        self.services.typing.clear(case.conversation_id, COUNSELLOR)
        await off_loop(self.services.rasa.push_bot_message, case.conversation_id, text, me.display_name)
        await off_loop(self.services.queue.record_message, case.id, me.name, text)
        self.services.changes.notify()
        return case

    async def send_message(self, request: web.Request) -> web.StreamResponse:
        case = await self.deliver_message(request)
        raise web.HTTPSeeOther(f"/console/cases/{case.id}#ny-besked")

    async def api_send_message(self, request: web.Request) -> web.StreamResponse:
        """The same for the console's script: the page stays, and so does the focus."""
        case = await self.deliver_message(request)
        # Rasa keeps the message, so a visitor who reloads within the grace period sees it.
        away = case.id in await off_loop(self.services.presence.away_since)
        return web.json_response({"sent": True, "visitor_away": away, "status_text":
                                  texts.MESSAGE_SENT_VISITOR_AWAY if away else texts.MESSAGE_SENT})

    async def close(self, request: web.Request) -> web.StreamResponse:
        me: SignedIn = request["signed_in"]
        case_id = record_id(request)
        note = (await read_form(request)).get("note", "").strip()
        if len(note) > MAX_NOTE:
            raise PageError(400, texts.NOTE_TOO_LONG.format(limit=MAX_NOTE))
        case = await off_loop(self.services.queue.check_can_close, case_id, me.name)
        # Resume first: if Rasa is down the case stays open, so the visitor is never
        # left with a paused bot and nobody on the other end.
        await off_loop(self.services.rasa.resume, case.conversation_id)
        await off_loop(self.services.queue.close, case.id, me.name, note or None)
        self.services.changes.notify()
        raise web.HTTPSeeOther("/console")

    async def transfer(self, request: web.Request) -> web.StreamResponse:
        """Give my case to a colleague who is available; the widget tells the visitor who now
        answers (the "joined" status with the colleague's display name)."""
        me: SignedIn = request["signed_in"]
        case_id = record_id(request)
        colleague = (await read_form(request)).get("colleague", "")
        available = await off_loop(self.services.sessions.available)
        if colleague == me.name or colleague not in available:
            raise PageError(409, texts.COLLEAGUE_NOT_AVAILABLE)
        case = await off_loop(self.services.queue.check_can_transfer, case_id, me.name)
        # Rasa first: if it is down the case stays with me, and the visitor is not misled.
        await off_loop(self.services.rasa.pause, case.conversation_id, available[colleague])
        await off_loop(self.services.queue.transfer, case.id, me.name, colleague)
        self.services.changes.notify()
        raise web.HTTPSeeOther(f"/console/cases/{case.id}?besked=overdraget")

    async def presence(self, request: web.Request) -> web.StreamResponse:
        me: SignedIn = request["signed_in"]
        paused = (await read_form(request)).get("paused") == "1"
        await off_loop(self.services.sessions.set_paused, me.counsellor_id, paused)
        self.services.changes.notify()
        raise web.HTTPSeeOther("/console")

    async def callback_done(self, request: web.Request) -> web.StreamResponse:
        me: SignedIn = request["signed_in"]
        await off_loop(self.services.queue.mark_callback_done, record_id(request), me.name)
        raise web.HTTPSeeOther("/console#tilbagekald")

    async def api_queue(self, request: web.Request) -> web.StreamResponse:
        return web.json_response(await queue_state(self.services, request["signed_in"]))

    async def api_transcript(self, request: web.Request) -> web.StreamResponse:
        body, status = await transcript_state(self.services, record_id(request))
        return web.json_response(body, status=status)
