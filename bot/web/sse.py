"""The one way the web app streams server-sent events (aiohttp-sse): the console's live updates
(bot.web.live) and the widget's typing indicator (bot.web.typing_indicator).

aiohttp-sse sends a comment line every 15 s, so proxies keep a quiet stream open.
"""
from __future__ import annotations

import json
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Dict, Optional

from aiohttp import web
from aiohttp_sse import EventSourceResponse


@asynccontextmanager
async def event_stream(request: web.Request, retry_ms: int,
                       headers: Optional[Dict[str, str]] = None) -> AsyncIterator[EventSourceResponse]:
    """An open event stream that tells the browser to reconnect after `retry_ms`; closed (its
    keep-alive stopped) when the block ends. A closed tab ends the block with ConnectionError."""
    response = EventSourceResponse(sep="\n")
    response.headers["Content-Type"] = "text/event-stream; charset=utf-8"
    response.headers.update(headers or {})  # after aiohttp-sse's own Cache-Control
    await response.prepare(request)
    try:
        await response.write(f"retry: {retry_ms}\n\n".encode("utf-8"))
        yield response
    finally:
        response.stop_streaming()
        await response.wait()


def event_data(body: Any) -> str:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


async def send(response: EventSourceResponse, name: str, data: str) -> None:
    """One event called `name`; `data` as event_data made it."""
    await response.send(data, event=name)


def is_gone(request: web.Request) -> bool:
    transport = request.transport
    return transport is None or transport.is_closing()
