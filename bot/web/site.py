"""The demo website: an article page about the job, with the chat widget embedded.

The excerpt on the page is read from the knowledge store, like every answer of the bot.
The widget's script and styles are static files; socket.io-client comes from npm
(node_modules/, installed by `make web`) and is served from here, never from a CDN.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Tuple
from urllib.parse import urlsplit

from aiohttp import web

from bot.knowledge.store import UnknownJob
from bot.web.middleware import SITE_CSP_KEY
from bot.web.services import Services, off_loop

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
SOCKET_IO_CLIENT = REPO / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js"

# How much of "Om jobbet" the page shows: an excerpt, the full article is on ug.dk.
EXCERPT_SECTIONS = 2


def rasa_origins(rasa_url: str) -> str:
    """The HTTP and WebSocket origins of the Rasa server, for connect-src."""
    parts = urlsplit(rasa_url)
    secure = parts.scheme == "https"
    host = parts.netloc
    return f"{'https' if secure else 'http'}://{host} {'wss' if secure else 'ws'}://{host}"


def site_csp(chat_url: str) -> str:
    # No chat URL: the widget talks to the page's own origin (nginx in front of everything).
    connect = f"'self' {rasa_origins(chat_url)}" if chat_url else "'self'"
    return (
        "default-src 'self'; "
        f"connect-src {connect}; "
        "img-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
        "form-action 'self'; object-src 'none'"
    )


class Site:
    def __init__(self, services: Services):
        settings = services.settings
        self.settings = settings
        self.store = services.store
        self.templates = services.templates
        self.chat_url = settings.rasa_url if settings.chat_url is None else settings.chat_url
        self.csp = site_csp(self.chat_url)

    async def article(self, request: web.Request) -> web.StreamResponse:
        try:
            job, source, titles, workplaces, about = await off_loop(self.article_parts)
        except UnknownJob:
            log.warning("The article %r is not ingested: run `python -m bot ingest`", self.settings.job_slug)
            job, source, titles, workplaces, about = None, None, [], None, []
        request[SITE_CSP_KEY] = self.csp
        body = self.templates.get_template("site/article.html").render(
            job=job, source=source, job_titles=titles, workplaces=workplaces, about=about,
            rasa_url=self.chat_url, assistant_name=self.settings.assistant_name,
        )
        return web.Response(text=body, content_type="text/html", charset="utf-8")

    def article_parts(self) -> Tuple[Any, ...]:
        """The page's pieces from the store (database work: run in a worker thread)."""
        slug = self.settings.job_slug
        return (self.store.job(slug), self.store.source(slug), self.store.job_titles(slug),
                self.store.workplaces(slug).summary, self.store.overview(slug)[:EXCERPT_SECTIONS])

    async def socket_io_client(self, request: web.Request) -> web.StreamResponse:
        if not SOCKET_IO_CLIENT.exists():
            log.error("%s is missing: run `make web` (npm ci)", SOCKET_IO_CLIENT)
            raise web.HTTPNotFound()
        return web.FileResponse(SOCKET_IO_CLIENT, headers={
            "Content-Type": "application/javascript; charset=utf-8",
            "Access-Control-Allow-Origin": "*",
        })
