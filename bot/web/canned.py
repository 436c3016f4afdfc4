"""The console's canned replies: a page to add, edit and delete them (/console/svar), and the
filled-in texts a case page offers for insertion (bot.handoff.canned keeps them)."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from aiohttp import web

from bot.handoff.canned import (
    MAX_TEXT,
    MAX_TITLE,
    PLACEHOLDERS,
    InvalidCannedReply,
)
from bot.handoff.console_logins import SignedIn
from bot.web import texts
from bot.web.pages import read_form, record_id, render
from bot.web.services import Services, off_loop

PAGE = "/console/svar"


def refusal(error: InvalidCannedReply) -> str:
    if error.reason == "placeholder":
        return texts.CANNED_UNKNOWN_PLACEHOLDER.format(
            unknown=", ".join("{" + name + "}" for name in error.unknown),
            known=", ".join("{" + name + "}" for name in PLACEHOLDERS))
    if error.reason == "too_long":
        return texts.CANNED_TOO_LONG.format(title=MAX_TITLE, text=MAX_TEXT)
    return texts.CANNED_EMPTY


def _job_title(services: Services) -> str:
    slug = services.settings.job_slug
    try:
        return services.store.job(slug).title.lower()
    except Exception:  # noqa: BLE001 - a missing article must not break the console
        return slug


def canned_for_case(services: Services, me: SignedIn) -> List[Dict[str, Any]]:
    """Every reply with its placeholders filled for `me`, for a case page (blocking)."""
    values = {"navn": me.display_name or me.name, "job": _job_title(services)}
    return [{"id": reply.id, "title": reply.title, "text": reply.filled(values)}
            for reply in services.canned_replies.all()]


class CannedPages:
    def __init__(self, services: Services):
        self.services = services
        self.replies = services.canned_replies

    def render(self, request: web.Request, status: int = 200, error: Optional[str] = None,
               draft: Optional[Dict[str, str]] = None, editing: Optional[int] = None) -> web.Response:
        return render(
            self.services, request, "canned.html", status=status, replies=self.replies.all(), error=error,
            draft=draft or {}, editing=editing, placeholders=PLACEHOLDERS,
            max_title=MAX_TITLE, notice=texts.CANNED_NOTICES.get(request.query.get("besked", "")),
        )

    async def page(self, request: web.Request) -> web.StreamResponse:
        return await off_loop(self.render, request)

    async def add(self, request: web.Request) -> web.StreamResponse:
        form = await read_form(request)
        try:
            await off_loop(self.replies.add, form.get("title", ""), form.get("text", ""),
                                    request["signed_in"].name)
        except InvalidCannedReply as exc:
            return await off_loop(self.render, request, 400, refusal(exc), form)
        raise web.HTTPSeeOther(f"{PAGE}?besked=tilfoejet")

    async def update(self, request: web.Request) -> web.StreamResponse:
        reply_id = record_id(request)
        form = await read_form(request)
        try:
            await off_loop(self.replies.update, reply_id, form.get("title", ""),
                                    form.get("text", ""), request["signed_in"].name)
        except InvalidCannedReply as exc:
            return await off_loop(self.render, request, 400, refusal(exc), form, reply_id)
        raise web.HTTPSeeOther(f"{PAGE}?besked=gemt#svar-{reply_id}")

    async def delete(self, request: web.Request) -> web.StreamResponse:
        await off_loop(self.replies.delete, record_id(request))
        raise web.HTTPSeeOther(f"{PAGE}?besked=slettet")
