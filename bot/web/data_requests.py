"""The console's page for a visitor's rights (/console/personoplysninger): find one person's data by
session id, phone number or e-mail, export it as JSON, delete it everywhere (bot/data_requests.py),
and read the access log. Every route is under /console: the console's session and CSRF rules apply.

GET  /console/personoplysninger?hvem=X        the page, with what was found for X
GET  /console/personoplysninger.json?hvem=X   the export, a JSON file
POST /console/personoplysninger/slet          delete (form: hvem, CSRF token)
"""
from __future__ import annotations

import json
from typing import Any, Optional

from aiohttp import web
from sqlalchemy.engine import Engine

from bot.data_requests import build
from bot.privacy.rasa_records import tracker_database_url, tracker_engine
from bot.privacy.requests import DataRequests, RequestError
from bot.web.pages import read_form, render
from bot.web.services import Services, off_loop

PAGE = "/console/personoplysninger"
LOG_ROWS = 200
ACTION_NAMES = {"view": "Så sagen", "search": "Søgte", "export": "Hentede data", "delete": "Slettede"}


class DataRequestPages:
    def __init__(self, services: Services):
        self.services = services
        self.tracker_url = tracker_database_url(services.settings)
        self._tracker: Optional[Engine] = None

    def requests(self) -> DataRequests:
        # The tracker store's engine once Rasa has created it; None before (reported as a failure).
        if self._tracker is None and self.tracker_url:
            self._tracker = tracker_engine(self.tracker_url)
        return build(self.services.session_factory, self.services.settings, self._tracker)

    def _render(self, request: web.Request, status: int = 200, **context: Any) -> web.Response:
        context.setdefault("who", "")
        context.setdefault("found", None)
        context.setdefault("deleted", None)
        context.setdefault("error", None)
        return render(self.services, request, "data_requests.html", status=status,
                      log=self.services.access_log.recent(LOG_ROWS), action_names=ACTION_NAMES, **context)

    def _page(self, request: web.Request, who: Optional[str]) -> web.Response:
        if who is None:  # the page opened from the console, before any search
            return self._render(request)
        try:
            found = self.requests().find(who, request["signed_in"].name)
        except RequestError as exc:
            return self._render(request, 400, who=who, error=str(exc))
        return self._render(request, who=who, found=found)

    async def page(self, request: web.Request) -> web.StreamResponse:
        return await off_loop(self._page, request, request.query.get("hvem"))

    def _export(self, request: web.Request, who: str) -> web.Response:
        try:
            result = self.requests().export(who, request["signed_in"].name)
        except RequestError as exc:
            return self._render(request, 400, who=who, error=str(exc))
        return web.Response(
            text=json.dumps(result, ensure_ascii=False, indent=2), content_type="application/json",
            charset="utf-8", headers={"Content-Disposition": 'attachment; filename="personoplysninger.json"'})

    async def export(self, request: web.Request) -> web.StreamResponse:
        return await off_loop(self._export, request, request.query.get("hvem", ""))

    def _delete(self, request: web.Request, who: str) -> web.Response:
        try:
            deleted = self.requests().delete(who, request["signed_in"].name)
        except RequestError as exc:
            return self._render(request, 400, who=who, error=str(exc))
        return self._render(request, deleted=deleted)

    async def delete(self, request: web.Request) -> web.StreamResponse:
        form = await read_form(request)
        return await off_loop(self._delete, request, form.get("hvem", ""))
