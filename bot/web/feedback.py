"""The widget's "Hjalp svaret?" buttons: POST /api/visitor/{session_id}/feedback.

Body (JSON, sent as text/plain; the conversation's secret goes in the X-Session-Secret header):
{"ref": "<the ref the widget sent as metadata with the rated message>", "rating": "up"|"down",
 "comment": "<optional, after 👎>"}. The rating becomes a `slot` event `feedback` in the
conversation's tracker (Rasa's HTTP API, no side effects), so it stays tied to the message it
rates, and it is deleted with the conversation. One rating per answer: a second one is refused,
also when both arrive at once (a claim row with a unique key, bot.insight.ratings).
"""
from __future__ import annotations

import json
import logging
from typing import Any, Dict

from aiohttp import web

from bot.handoff.protocol import REF_METADATA_KEY, REF_PATTERN
from bot.handoff.rasa_api import RasaUnavailable
from bot.insight.conversations import DOWN, FEEDBACK_SLOT, UP
from bot.insight.models import COMMENT, RATING
from bot.web import texts
from bot.web.middleware import ApiError, api_json
from bot.web.rate_limits import FEEDBACK
from bot.web.services import Services, off_loop
from bot.web.visitor import VisitorApi

log = logging.getLogger(__name__)

MAX_COMMENT = 500
MAX_BODY = 4096


def _rating(body: Any) -> Dict[str, str]:
    if not isinstance(body, dict) or body.get("rating") not in (UP, DOWN) \
            or not isinstance(body.get("ref"), str) or not REF_PATTERN.fullmatch(body["ref"]):
        raise ApiError(400, texts.FEEDBACK_BAD)
    value = {"ref": body["ref"], "rating": body["rating"]}
    comment = body.get("comment")
    if comment is not None:
        if not isinstance(comment, str) or len(comment) > MAX_COMMENT:
            raise ApiError(400, texts.FEEDBACK_BAD)
        if comment.strip():
            value["comment"] = comment.strip()
    return value


def _rated_refs(events: Any) -> Dict[str, Dict[str, Any]]:
    """ref -> its first rating in the tracker, with a comment if one followed."""
    rated: Dict[str, Dict[str, Any]] = {}
    for event in events:
        if event.get("event") == "slot" and event.get("name") == FEEDBACK_SLOT \
                and isinstance(event.get("value"), dict):
            value = event["value"]
            earlier = rated.setdefault(str(value.get("ref")), dict(value))
            if "comment" in value:
                earlier["comment"] = value["comment"]
    return rated


def _allowed(earlier: Any, value: Dict[str, str]) -> bool:
    """One rating per answer; after a 👎 one comment may follow."""
    if earlier is None:
        return True
    return (earlier.get("rating") == DOWN and value["rating"] == DOWN and "comment" in value
            and "comment" not in earlier)


def _message_refs(events: Any) -> set:
    return {(event.get("metadata") or {}).get(REF_METADATA_KEY)
            for event in events if event.get("event") == "user"}


class FeedbackApi:
    def __init__(self, services: Services):
        self.rasa = services.rasa
        self.ratings = services.answer_ratings
        self.visitor = VisitorApi(services)

    async def rate(self, request: web.Request) -> web.StreamResponse:
        await self.visitor.check_rate(request, FEEDBACK)
        session_id = VisitorApi.session_id(request)
        raw = await request.content.read(MAX_BODY + 1)
        if len(raw) > MAX_BODY:
            raise ApiError(413, texts.FEEDBACK_BAD)
        try:
            value = _rating(json.loads(raw.decode("utf-8")))
        except (ValueError, UnicodeDecodeError):
            raise ApiError(400, texts.FEEDBACK_BAD)
        try:
            events = await off_loop(self.rasa.tracker, session_id)
            if value["ref"] not in _message_refs(events):
                raise ApiError(404, texts.FEEDBACK_UNKNOWN)
            earlier = _rated_refs(events).get(value["ref"])
            if not _allowed(earlier, value):
                raise ApiError(409, texts.FEEDBACK_TWICE)
            # The tracker read above cannot stop a request that read it at the same time; the
            # claim's unique key can.
            claims = ([RATING] if earlier is None else []) + ([COMMENT] if "comment" in value else [])
            if not await off_loop(self.ratings.claim, session_id, value["ref"], claims):
                raise ApiError(409, texts.FEEDBACK_TWICE)
            event = {"event": "slot", "name": FEEDBACK_SLOT, "value": value}
            try:
                await off_loop(self.rasa.append_events, session_id, [event], False)
            except RasaUnavailable:
                await off_loop(self.ratings.release, session_id, value["ref"], claims)
                raise
        except RasaUnavailable as exc:
            log.warning("Feedback not stored: %s", exc)
            raise ApiError(503, texts.VISITOR_RASA_DOWN)
        return api_json({"stored": True})
