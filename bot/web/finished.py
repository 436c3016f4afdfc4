"""The console's list of finished (closed or cancelled) cases with their notes, searchable by
text and by the day they ended, a page at a time: GET /console/afsluttede?q=&fra=&til=&side=."""
from __future__ import annotations

import datetime as dt
import math
from typing import Any, Dict, List, Optional, Set, Tuple
from urllib.parse import urlencode

from aiohttp import web
from sqlalchemy.engine import Engine

from bot.privacy.detect import mentions
from bot.privacy.rasa_records import RasaRecords, tracker_database_url, tracker_engine
from bot.web import texts
from bot.web.pages import render
from bot.web.services import Services, off_loop

PAGE = "/console/afsluttede"
PER_PAGE = 20
MAX_QUERY = 200


def local_day(value: str) -> Optional[dt.date]:
    """'2026-12-01' (what <input type=date> sends) -> a date; '' -> None; else ValueError."""
    value = (value or "").strip()
    if not value:
        return None
    if len(value) != 10:
        raise ValueError(value)
    return dt.date.fromisoformat(value)


def day_start(day: dt.date) -> dt.datetime:
    """Midnight of a Danish day, in UTC."""
    return dt.datetime.combine(day, dt.time(), texts.LOCAL_TZ).astimezone(dt.timezone.utc)


class FinishedPages:
    def __init__(self, services: Services):
        self.services = services
        self.tracker_url = tracker_database_url(services.settings)
        self._tracker: Optional[Engine] = None

    def tracker(self) -> Optional[Engine]:
        """Rasa's tracker store, where the visitors' words are (None before Rasa created it)."""
        if self._tracker is None and self.tracker_url:
            self._tracker = tracker_engine(self.tracker_url)
        return self._tracker

    def visitor_said(self, text: str, since: Optional[dt.datetime],
                     until: Optional[dt.datetime]) -> Set[str]:
        """The finished conversations in which the visitor wrote `text`. Blocking."""
        if not text:
            return set()
        conversations = self.services.queue.finished_conversations(since, until)
        return RasaRecords(self.tracker()).senders_saying(text, conversations)

    def criteria(self, query: Dict[str, str]) -> Tuple[Dict[str, Any], List[str]]:
        """The search from the query string, and Danish reasons for what was ignored."""
        errors = []
        text = query.get("q", "").strip()
        if len(text) > MAX_QUERY:
            errors.append(texts.SEARCH_TOO_LONG.format(limit=MAX_QUERY))
            text = ""
        elif mentions(text):
            # What is shown is masked, so such a search could only tell that a number was there.
            errors.append(texts.SEARCH_CONTACT)
            text = ""
        days = {}
        for key in ("fra", "til"):
            try:
                days[key] = local_day(query.get(key, ""))
            except ValueError:
                errors.append(texts.SEARCH_BAD_DATE)
                days[key] = None
        page = query.get("side", "1")
        if page.isdigit() and not page.isascii():  # "²" (int() refuses it), "٣" (int() reads 3)
            errors.append(texts.BAD_NUMBER)
            page = "1"
        page_number = int(page) if page.isdigit() and len(page) < 7 else 1
        return {"text": text, "fra": days["fra"], "til": days["til"], "page": max(page_number, 1)}, errors

    async def page(self, request: web.Request) -> web.StreamResponse:
        search, errors = self.criteria(dict(request.query))
        since = day_start(search["fra"]) if search["fra"] else None
        until = day_start(search["til"] + dt.timedelta(days=1)) if search["til"] else None
        visitor_said = await off_loop(self.visitor_said, search["text"], since, until)
        found = await off_loop(self.services.queue.finished, search["text"], since, until,
                               search["page"], PER_PAGE, visitor_said)
        pages = max(1, math.ceil(found.total / PER_PAGE))
        display_names = await off_loop(self.services.counsellors.display_names)

        def link(page_number: int) -> str:
            params = {"q": search["text"], "fra": search["fra"] or "", "til": search["til"] or "",
                      "side": page_number}
            return PAGE + "?" + urlencode({k: v for k, v in params.items() if v})

        return render(
            self.services, request, "finished.html", status=400 if errors else 200, errors=errors,
            search=search, found=found, pages=pages, display_names=display_names,
            previous_url=link(search["page"] - 1) if search["page"] > 1 else None,
            next_url=link(search["page"] + 1) if search["page"] < pages else None,
        )
