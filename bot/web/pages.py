"""What every page handler does the same way: render a template, read the form, read a record id
from the path, set a cookie, and refuse with a Danish page (PageError, shown by bot.web.middleware)."""
from __future__ import annotations

from typing import Any, Dict, Optional

from aiohttp import web

from bot.handoff.console_logins import SignedIn
from bot.web import texts
from bot.web.services import Services

MAX_ID = 2**31 - 1


class PageError(Exception):
    """An expected refusal, shown as a Danish page (or JSON under /console/api)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def render(services: Services, request: web.Request, template: str, status: int = 200,
           **context: Any) -> web.Response:
    signed_in: Optional[SignedIn] = request.get("signed_in")
    context.setdefault("signed_in", signed_in)
    context.setdefault("csrf_token", signed_in.csrf_token if signed_in else "")
    body = services.templates.get_template(template).render(**context)
    return web.Response(text=body, status=status, content_type="text/html", charset="utf-8")


async def read_form(request: web.Request) -> Dict[str, str]:
    cached = request.get("form")
    if cached is not None:
        return cached
    try:
        data = await request.post()
    except (ValueError, UnicodeDecodeError) as exc:
        raise PageError(400, texts.BAD_FORM) from exc
    except web.HTTPRequestEntityTooLarge as exc:
        raise PageError(413, texts.FORM_TOO_LARGE) from exc
    fields = {key: value for key, value in data.items() if isinstance(value, str)}
    request["form"] = fields
    return fields


def record_id(request: web.Request) -> int:
    value = int(request.match_info["id"])  # the route only matches digits
    if value > MAX_ID:
        raise PageError(404, texts.NOT_FOUND)
    return value


def set_cookie(services: Services, response: web.StreamResponse, name: str, value: str) -> None:
    response.set_cookie(name, value, path="/", httponly=True, samesite="Strict",
                        secure=services.settings.cookie_secure)
