"""The console's canned replies: a page to add, edit and delete them (/console/svar), and the
filled-in texts a case page offers for insertion (bot.handoff.canned keeps them)."""
from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Optional

from aiohttp import web

from bot.handoff.canned import (
    MAX_TEXT,
    MAX_TITLE,
    PLACEHOLDERS,
    CannedReplies,
    InvalidCannedReply,
)
from bot.handoff.sessions import SignedIn
from bot.knowledge.store import KnowledgeStore
from bot.web import texts

PAGE = "/console/svar"


def refusal(error: InvalidCannedReply) -> str:
    if error.reason == "placeholder":
        return texts.CANNED_UNKNOWN_PLACEHOLDER.format(
            unknown=", ".join("{" + name + "}" for name in error.unknown),
            known=", ".join("{" + name + "}" for name in PLACEHOLDERS))
    if error.reason == "too_long":
        return texts.CANNED_TOO_LONG.format(title=MAX_TITLE, text=MAX_TEXT)
    return texts.CANNED_EMPTY


class CannedPages:
    def __init__(self, console: Any, replies: CannedReplies, store: KnowledgeStore, job_slug: str):
        self.console = console
        self.replies = replies
        self.store = store
        self.job_slug = job_slug

    def job_title(self) -> str:
        try:
            return self.store.job(self.job_slug).title.lower()
        except Exception:  # noqa: BLE001 - a missing article must not break the console
            return self.job_slug

    def for_case(self, me: SignedIn) -> List[Dict[str, Any]]:
        """Every reply with its placeholders filled for `me`, for a case page."""
        values = {"navn": me.display_name or me.name, "job": self.job_title()}
        return [{"id": reply.id, "title": reply.title, "text": reply.filled(values)}
                for reply in self.replies.all()]

    def render(self, request: web.Request, status: int = 200, error: Optional[str] = None,
               draft: Optional[Dict[str, str]] = None, editing: Optional[int] = None) -> web.Response:
        return self.console.render(
            request, "canned.html", status=status, replies=self.replies.all(), error=error,
            draft=draft or {}, editing=editing, placeholders=PLACEHOLDERS,
            max_title=MAX_TITLE, notice=texts.CANNED_NOTICES.get(request.query.get("besked", "")),
        )

    async def page(self, request: web.Request) -> web.StreamResponse:
        return await asyncio.to_thread(self.render, request)

    async def add(self, request: web.Request) -> web.StreamResponse:
        form = await self.console.form(request)
        try:
            await asyncio.to_thread(self.replies.add, form.get("title", ""), form.get("text", ""),
                                    request["signed_in"].name)
        except InvalidCannedReply as exc:
            return await asyncio.to_thread(self.render, request, 400, refusal(exc), form)
        raise web.HTTPSeeOther(f"{PAGE}?besked=tilfoejet")

    async def update(self, request: web.Request) -> web.StreamResponse:
        reply_id = self.console.record_id(request)
        form = await self.console.form(request)
        try:
            await asyncio.to_thread(self.replies.update, reply_id, form.get("title", ""),
                                    form.get("text", ""), request["signed_in"].name)
        except InvalidCannedReply as exc:
            return await asyncio.to_thread(self.render, request, 400, refusal(exc), form, reply_id)
        raise web.HTTPSeeOther(f"{PAGE}?besked=gemt#svar-{reply_id}")

    async def delete(self, request: web.Request) -> web.StreamResponse:
        await asyncio.to_thread(self.replies.delete, self.console.record_id(request))
        raise web.HTTPSeeOther(f"{PAGE}?besked=slettet")


def add_canned_routes(app: web.Application, console: Any, session_factory: Any,
                      job_slug: str) -> CannedPages:
    pages = CannedPages(console, CannedReplies(session_factory), KnowledgeStore(session_factory),
                        job_slug)
    reply = PAGE + r"/{id:\d+}"
    app.add_routes([
        web.get(PAGE, pages.page),
        web.post(PAGE, pages.add),
        web.post(reply, pages.update),
        web.post(reply + "/slet", pages.delete),
    ])
    return pages
