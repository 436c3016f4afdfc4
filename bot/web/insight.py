"""The console's Indsigt page: figures from the conversations, the review queue, CSV and JSON.

GET  /console/indsigt?dage=N          the page (server-rendered SVG bars, no script needed)
GET  /console/indsigt.csv?dage=N      the same figures as CSV
GET  /console/api/insight?days=N      the same figures as JSON
POST /console/indsigt/labels          label a message of the review queue (form, CSRF token)

Every route is under /console, so the console's session and CSRF rules apply to it.
"""
from __future__ import annotations

import csv
import dataclasses
import io
from typing import Any, Dict, List, Optional, Tuple


from aiohttp import web
from sqlalchemy.engine import Engine

from bot.config import Settings
from bot.handoff.hours import OpeningHours
from bot.insight.figures import (ANSWERED, NOT_COVERED_KIND, NOT_UNDERSTOOD, OUT_OF_SCOPE_KIND,
                                  QUESTION_KINDS, Insight, Period, compute)
from bot.insight.models import IRRELEVANT
from bot.insight.reasons import FALLBACK, LOW_CONFIDENCE, NOT_COVERED, OUT_OF_SCOPE, RATED_DOWN
from bot.privacy.rasa_records import tracker_database_url, tracker_engine
from bot.web import texts
from bot.web.pages import read_form, render
from bot.web.services import Services, off_loop

PERIODS = (1, 7, 30, 90, 365)
DEFAULT_DAYS = 30
# Why a message is on the review list, as the counsellor reads it (bot/insight/reasons.py decides).
REASON_NAMES = {
    NOT_COVERED: "Svarede: står ikke i artiklen",
    OUT_OF_SCOPE: "Uden for emnet",
    FALLBACK: "Ikke forstået",
    LOW_CONFIDENCE: "Usikkert gæt",
    RATED_DOWN: "Vurderet 👎",
}

# What became of the visitors' questions, as the chart of shares names it.
KIND_NAMES = {
    ANSWERED: "Besvaret ud fra artiklen",
    NOT_COVERED_KIND: "Svarede: står ikke i artiklen",
    NOT_UNDERSTOOD: "Ikke forstået",
    OUT_OF_SCOPE_KIND: "Uden for emnet",
}
# The messages that move a conversation along rather than ask about the job.
DIALOGUE_NAMES = {
    "greet": "Hilsner",
    "goodbye": "Farvel",
    "thank": "Tak",
    "affirm": "Ja",
    "deny": "Nej",
    "bot_challenge": "Spørger, om det er en robot",
    "cancel": "Fortryder",
    "give_contact": "Kontaktoplysninger",
    "request_counsellor": "Beder om en eVejleder",
}


def intent_name(intent: str) -> str:
    """An intent as a counsellor reads it: a topic's Danish name, or what kind of message it is."""
    name = texts.TOPIC_NAMES.get(intent) or DIALOGUE_NAMES.get(intent, intent)
    return name[:1].lower() + name[1:] if intent in DIALOGUE_NAMES else name


def domain_intents(config: Settings) -> List[str]:
    return [str(intent) for intent in config.domain().get("intents", [])]


def _days(value: str) -> int:
    try:
        days = int(value)
    except (TypeError, ValueError):
        return DEFAULT_DAYS
    return min(max(days, 1), max(PERIODS))


def as_json(insight: Insight, labels: Dict[int, str]) -> Dict[str, Any]:
    return {
        "days": insight.days,
        "since": insight.since.isoformat(),
        "conversations": insight.conversations,
        "messages": insight.messages,
        "fallbacks": insight.fallbacks,
        "fallback_rate": round(insight.fallback_rate, 4),
        "out_of_scope": insight.out_of_scope,
        "not_covered": insight.not_covered,
        "handoffs": insight.handoffs,
        "callbacks": insight.callbacks,
        "feedback_up": insight.feedback_up,
        "feedback_down": insight.feedback_down,
        "median_wait_seconds": insight.median_wait_seconds,
        "intents": insight.intents,
        "topics": insight.topics,
        "dialogue": insight.dialogue,
        "kinds": insight.kinds,
        "trend": insight.trend,
        "current": period_json(insight.current),
        "previous": period_json(insight.previous),
        "per_day": insight.per_day,
        "feedback_by_topic": insight.feedback_by_topic,
        "demand_by_hour": insight.demand_by_hour,
        "misunderstood": [
            {"id": item.id, "text": item.text, "time": item.time.isoformat(),
             "predicted_intent": item.predicted_intent, "confidence": item.confidence,
             "reasons": list(item.reasons), "comment": item.comment, "label": labels.get(item.id)}
            for item in insight.misunderstood
        ],
    }


def period_json(period: Period) -> Dict[str, Any]:
    return dict(dataclasses.asdict(period), answered_share=round(period.answered_share, 4),
                handed_on_share=round(period.handed_on_share, 4))


def comparison(insight: Insight) -> List[Dict[str, str]]:
    """The period against the one before it, row by row, as the page shows it."""
    now, before = insight.current, insight.previous

    def count(label: str, name: str) -> Dict[str, str]:
        a, b = getattr(now, name), getattr(before, name)
        change = "uændret" if a == b else f"{a - b:+d}".replace("-", "−")
        return {"label": label, "now": str(a), "before": str(b), "change": change}

    def share(label: str, name: str) -> Dict[str, str]:
        a, b = getattr(now, name), getattr(before, name)
        points = round((a - b) * 100)
        change = "uændret" if points == 0 else f"{points:+d} procentpoint".replace("-", "−")
        return {"label": label, "now": percent(a), "before": percent(b), "change": change}

    return [
        count("Samtaler", "conversations"),
        count("Beskeder fra besøgende", "messages"),
        count("Spørgsmål", "questions"),
        share("Spørgsmål besvaret ud fra artiklen", "answered_share"),
        share("Samtaler sendt videre til en eVejleder", "handed_on_share"),
        count("Overdraget til chat med en eVejleder", "handoffs"),
        count("Ønsker om at blive kontaktet", "callbacks"),
        count("Beskeder uden for åbningstid", "while_closed"),
    ]


def percent(share: float) -> str:
    return f"{round(share * 100)} %"


def named(counts: Dict[str, int], names: Dict[str, str]) -> List[Dict[str, Any]]:
    rows = []
    for key, value in counts.items():
        name = names.get(key, key)
        rows.append({"name": name[:1].upper() + name[1:], "count": value})
    return rows


def as_csv(insight: Insight) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["afsnit", "navn", "værdi"])
    for name in ("conversations", "messages", "fallbacks", "out_of_scope", "not_covered", "handoffs",
                 "callbacks", "feedback_up", "feedback_down", "median_wait_seconds"):
        writer.writerow(["i alt", name, getattr(insight, name)])
    for day in insight.per_day:
        writer.writerow(["samtaler pr. dag", day["date"], day["conversations"]])
        writer.writerow(["beskeder pr. dag", day["date"], day["messages"]])
    for intent, count in insight.intents.items():
        writer.writerow(["emner", intent, count])
    for bucket in insight.trend:
        writer.writerow(["udvikling", bucket["start"], bucket["conversations"]])
    for kind in QUESTION_KINDS:
        writer.writerow(["spørgsmål", kind, insight.kinds[kind]])
    for intent, counts in insight.feedback_by_topic.items():
        writer.writerow(["hjalp pr. emne", intent, counts["up"]])
        writer.writerow(["hjalp ikke pr. emne", intent, counts["down"]])
    for hour in insight.demand_by_hour:
        writer.writerow(["beskeder pr. time", f"{hour['hour']:02d}", hour["messages"]])
        writer.writerow(["beskeder uden for åbningstid", f"{hour['hour']:02d}", hour["while_closed"]])
    return out.getvalue()


def bars(rows: List[Dict[str, Any]], value: str, label: str, part: Optional[str] = None,
         width: int = 600, step: int = 22) -> Dict[str, Any]:
    """Geometry for a horizontal SVG bar chart, rendered by the template; `part` names a share
    of each value drawn over its bar. A row's "shown" text, if any, is written instead of its
    value. The label column is as wide as the longest label (about 7 px a character)."""
    top = max([row[value] for row in rows] + [1])
    label_x = min(max([len(str(row[label])) for row in rows] + [8]) * 7 + 10, 280)
    scale = (width - label_x - 90) / top
    return {
        "width": width, "height": step * len(rows) + 4, "step": step, "label_x": label_x,
        "bars": [{"y": i * step, "w": round(scale * row[value], 1),
                  "part": round(scale * row[part], 1) if part else 0,
                  "label": str(row[label]), "value": row.get("shown", row[value]),
                  "part_value": row[part] if part else None} for i, row in enumerate(rows)],
    }


class InsightPages:
    def __init__(self, services: Services):
        self.services = services
        self.settings = services.settings
        self.session_factory = services.session_factory
        self.clock = services.clock
        self.tracker_url = tracker_database_url(services.settings)
        self._tracker: Optional[Engine] = None
        self.labels = services.review_labels

    def tracker(self) -> Optional[Engine]:
        """The tracker store's engine, once Rasa has created the store (None before, or when
        Rasa keeps no SQL tracker store: then there is nothing to count)."""
        if self._tracker is None and self.tracker_url:
            self._tracker = tracker_engine(self.tracker_url)
        return self._tracker

    def insight(self, days: int) -> Insight:
        hours = OpeningHours.from_file(self.settings.opening_hours_path)
        return compute(self.tracker(), self.session_factory, hours, days, self.clock())

    async def figures(self, days: int) -> Tuple[Insight, Any]:
        """The figures and the labels, read in a worker thread (databases, off the event loop)."""
        return await off_loop(lambda: (self.insight(days), self.labels.labels()))

    async def api(self, request: web.Request) -> web.StreamResponse:
        insight, labels = await self.figures(_days(request.query.get("days", "")))
        return web.json_response(as_json(insight, labels))

    async def csv(self, request: web.Request) -> web.StreamResponse:
        days = _days(request.query.get("dage", ""))
        return web.Response(
            text=as_csv((await self.figures(days))[0]), content_type="text/csv", charset="utf-8",
            headers={"Content-Disposition": f'attachment; filename="indsigt-{days}-dage.csv"'})

    async def page(self, request: web.Request) -> web.StreamResponse:
        days = _days(request.query.get("dage", ""))
        insight, labels = await self.figures(days)
        questions = sum(insight.kinds[kind] for kind in QUESTION_KINDS)
        shares = [{"name": KIND_NAMES[kind], "count": insight.kinds[kind],
                   "share": percent(insight.kinds[kind] / questions if questions else 0.0)}
                  for kind in QUESTION_KINDS]
        return render(
            self.services, request, "insight.html", insight=insight, days=days, periods=PERIODS,
            labels=labels, choices=domain_intents(self.settings), irrelevant=IRRELEVANT,
            topic_name=intent_name, reasons=REASON_NAMES,
            comparison=comparison(insight), questions=questions,
            weekly=insight.trend and insight.trend[0]["label"].startswith("uge"),
            trend=bars(insight.trend, "conversations", "label", step=18),
            share_bars=bars([dict(row, shown=f"{row['count']} ({row['share']})") for row in shares],
                            "count", "name"),
            topic_bars=bars(named(insight.topics, texts.TOPIC_NAMES), "count", "name"),
            dialogue=named(insight.dialogue, DIALOGUE_NAMES),
            notice=request.query.get("besked"),
        )

    async def label(self, request: web.Request) -> web.StreamResponse:
        form = await read_form(request)
        label = form.get("label", "")
        if label != IRRELEVANT and label not in domain_intents(self.settings):
            raise web.HTTPSeeOther("/console/indsigt?besked=ukendt-emne#gennemgang")
        try:
            event_id = int(form.get("id", ""))
        except ValueError:
            raise web.HTTPSeeOther("/console/indsigt?besked=ukendt-besked#gennemgang")
        items = {item.id: item for item in (await self.figures(max(PERIODS)))[0].misunderstood}
        if event_id not in items:
            raise web.HTTPSeeOther("/console/indsigt?besked=ukendt-besked#gennemgang")
        await off_loop(self.labels.label, items[event_id], label, request["signed_in"].name)
        days = _days(form.get("dage", ""))
        raise web.HTTPSeeOther(f"/console/indsigt?dage={days}#besked-{event_id}")
