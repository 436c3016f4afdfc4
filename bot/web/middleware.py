"""The web app's two error schemes and its middlewares.

- Pages (and the console's JSON under /console/api): a handler raises `PageError` (or a domain
  refusal such as CaseClaimedByOther); `errors` turns it into a Danish page, or {"error": ...}.
- The widget's JSON API (/api/visitor/...): a handler raises `ApiError`; `json_api` turns it, and
  any surprise, into {"error": ...} that any embedding site may read. Never an HTML page.

`request_shape` refuses, before any handler reads a body, the request shapes that aiohttp 3.9.5
(the newest release Rasa 3.6's pin allows) handles unsafely: docs/security.md lists the advisories.
`authentication` looks up the console session of every request and guards /console (login and
CSRF); `security_headers` adds the headers every answer carries.
"""
from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Tuple

from aiohttp import hdrs, web

from bot.handoff import protocol
from bot.handoff.canned import CannedReplyNotFound
from bot.handoff.queue import CallbackNotFound, CaseClaimedByOther, CaseClosed, CaseNotClaimed, CaseNotFound
from bot.handoff.rasa_api import RasaUnavailable
from bot.web import texts
from bot.web.auth import CSRF_FIELD, SESSION_COOKIE, tokens_match
from bot.web.pages import PageError, read_form, render
from bot.web.services import Services, off_loop

log = logging.getLogger(__name__)

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
# Set on a request whose page may talk to Rasa (the article page): its own policy.
SITE_CSP_KEY = "site_csp"


class ApiError(Exception):
    """An expected refusal of the widget's API, answered as {"error": message}."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


# ---- the widget's JSON API -------------------------------------------------------------------

def api_json(body: Dict[str, Any], status: int = 200) -> web.Response:
    response = web.json_response(body, status=status)
    allow_embedding_sites(response)
    return response


def allow_embedding_sites(response: web.StreamResponse) -> None:
    # The widget may be embedded on another site. No cookies are involved (the id and its
    # secret are the credential), so any origin may read these answers.
    response.headers["Access-Control-Allow-Origin"] = "*"


def json_api(handler: Handler) -> Handler:
    """Refusals and surprises become a Danish JSON answer, never an HTML page."""
    async def wrapped(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except ApiError as exc:
            return api_json({"error": exc.message}, exc.status)
        except Exception:
            # The route, not the path: the path holds the session id.
            log.exception("Unexpected error on %s %s", request.method,
                          request.match_info.route.resource.canonical)
            return api_json({"error": texts.VISITOR_SERVER_ERROR}, 503)
    return wrapped


async def preflight(request: web.Request) -> web.StreamResponse:
    """The browser's CORS preflight for a widget on another site: the secret's header is a
    non-simple one."""
    response = web.Response(status=204)
    allow_embedding_sites(response)
    response.headers["Access-Control-Allow-Methods"] = "GET, POST"
    response.headers["Access-Control-Allow-Headers"] = protocol.SESSION_SECRET_HEADER
    response.headers["Access-Control-Max-Age"] = "3600"
    return response


# ---- pages -------------------------------------------------------------------------------------

def _is_api(request: web.Request) -> bool:
    return request.path.startswith(("/console/api/", "/api/"))


def middlewares(services: Services):
    def refusal(request: web.Request, status: int, message: str) -> web.Response:
        if _is_api(request):
            return web.json_response({"error": message}, status=status)
        return render(services, request, "error.html", status=status, message=message)

    @web.middleware
    async def errors(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            return await handler(request)
        except PageError as exc:
            return refusal(request, exc.status, exc.message)
        except (CaseNotFound, CallbackNotFound, CannedReplyNotFound):
            return refusal(request, 404, texts.NOT_FOUND)
        except CaseClaimedByOther:
            return refusal(request, 409, texts.CASE_CLAIMED_BY_OTHER)
        except CaseClosed:
            return refusal(request, 409, texts.CASE_FINISHED)
        except CaseNotClaimed:
            return refusal(request, 409, texts.CASE_NOT_CLAIMED)
        except RasaUnavailable as exc:
            log.warning("Rasa unavailable: %s", exc)
            return refusal(request, 503, texts.RASA_DOWN)
        except web.HTTPNotFound:
            return refusal(request, 404, texts.NOT_FOUND)
        except web.HTTPMethodNotAllowed as exc:
            response = refusal(request, 405, texts.NOT_ALLOWED)
            response.headers["Allow"] = exc.headers.get("Allow", "")
            return response
        except web.HTTPException:
            raise
        except Exception:  # the last resort: a Danish page instead of a traceback
            log.exception("Unexpected error on %s %s", request.method, request.path)
            # The widget's API talks to a visitor, the rest to a counsellor.
            visitor = request.path.startswith("/api/")
            return refusal(request, 500, texts.VISITOR_SERVER_ERROR if visitor else texts.CONSOLE_SERVER_ERROR)

    @web.middleware
    async def request_shape(request: web.Request, handler: Handler) -> web.StreamResponse:
        refused = shape_refusal(request)
        if refused is not None:
            status, message = refused
            return refusal(request, status, message)
        return await handler(request)

    @web.middleware
    async def authentication(request: web.Request, handler: Handler) -> web.StreamResponse:
        signed_in = await off_loop(services.sessions.lookup, request.cookies.get(SESSION_COOKIE))
        request["signed_in"] = signed_in
        path = request.path
        if not path.startswith("/console") or path == "/console/login":
            return await handler(request)
        if signed_in is None:
            if _is_api(request):
                return web.json_response({"error": texts.NOT_SIGNED_IN}, status=401)
            raise web.HTTPSeeOther("/console/login")
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            fields = await read_form(request)
            if not tokens_match(signed_in.csrf_token, fields.get(CSRF_FIELD)):
                raise PageError(403, texts.CSRF_FAILED)
        return await handler(request)

    return [request_shape, errors, authentication]


def shape_refusal(request: web.Request) -> Optional[Tuple[int, str]]:
    """(status, Danish message) for a request this server does not take, else None.

    - A compressed body: the app runs without aiohttp's auto_decompress (zip bombs), so such a
      body could only be misread. Nothing of ours sends one.
    - A multipart body: aiohttp's multipart reader is where several advisories live, and every
      form of ours is URL-encoded.
    - More than one Host header: which one a proxy and aiohttp would each believe differs.
    - A Range header with other characters than ASCII: aiohttp's parser reads Unicode digits.
    """
    encoding = request.headers.get(hdrs.CONTENT_ENCODING, "identity").strip().lower()
    if encoding not in ("", "identity"):
        return 415, texts.COMPRESSED_BODY
    if request.content_type.startswith("multipart/"):
        return 415, texts.MULTIPART_BODY
    if len(request.headers.getall(hdrs.HOST, [])) > 1:
        return 400, texts.BAD_REQUEST
    if not request.headers.get(hdrs.RANGE, "").isascii():
        return 416, texts.BAD_REQUEST
    return None


async def security_headers(request: web.Request, response: web.StreamResponse) -> None:
    response.headers.update(SECURITY_HEADERS)
    site_policy = request.get(SITE_CSP_KEY)  # the website pages may also talk to Rasa
    if site_policy:
        response.headers["Content-Security-Policy"] = site_policy
    if request.path.startswith("/console"):
        response.headers["Cache-Control"] = "no-store"
