"""The website's words: a visitor is never told to call an administrator, every text in
bot/web/texts.py is defined once (a second definition silently wins), Danish number style, and the
assistant's name apart from the people's."""
import ast
import asyncio
import datetime as dt
import re

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.config import REPO_ROOT, Settings
from bot.web import texts
from bot.web.middleware import json_api


def test_every_text_is_defined_once():
    tree = ast.parse((REPO_ROOT / "bot" / "web" / "texts.py").read_text(encoding="utf-8"))
    names = [target.id for node in tree.body if isinstance(node, ast.Assign)
             for target in node.targets if isinstance(target, ast.Name)]
    assert sorted(n for n in set(names) if names.count(n) > 1) == []


def test_a_fault_in_the_visitor_api_gets_the_visitors_polite_words():
    async def broken(request):
        raise RuntimeError("a fault no one foresaw")

    async def call():
        app = web.Application()
        app.router.add_get("/api/visitor/x", json_api(broken))
        async with TestClient(TestServer(app)) as client:
            response = await client.get("/api/visitor/x")
            return response.status, await response.json()

    status, body = asyncio.run(call())
    assert status == 503
    assert body == {"error": texts.VISITOR_SERVER_ERROR}
    assert "administrator" not in body["error"]


def test_minutes_and_clock_times_are_written_the_danish_way():
    assert texts.minutes_text(150) == "2,5 min."
    now = dt.datetime.now(texts.LOCAL_TZ).replace(hour=9, minute=5)
    assert texts.local_time(now) == "kl. 9.05"
    assert texts.local_time(dt.datetime(2026, 12, 3, 14, 5, tzinfo=texts.LOCAL_TZ)) == "3.12.2026 kl. 14.05"


def widget_texts():
    source = (REPO_ROOT / "bot" / "web" / "static" / "widget" / "widget.js").read_text(encoding="utf-8")
    block = source[source.index("var TEXTS = {"):source.index("};", source.index("var TEXTS = {"))]
    return dict(re.findall(r'^\s*(\w+): "([^"]*)"', block, re.MULTILINE))


def test_the_widget_calls_the_assistant_by_its_name_and_the_people_evejleder():
    shown = widget_texts()
    assert len(shown) > 30
    for key in ("title", "launcher", "bot", "typing"):
        assert "eVejleder" not in shown[key] and Settings.assistant_name in shown[key], key
    assert "eVejleder" in shown["counsellor"]
    # No sentence starts in lower case ("eVejlederen …"), and a counsellor has no assumed sex.
    sentences = {k: v for k, v in shown.items() if v.endswith((".", "!", "?", "…"))}
    assert [k for k, v in sentences.items() if re.search(r"(^|[.!?] )[a-zæøå]", v)] == []
    assert [k for k, v in shown.items() if re.search(r"\b(hun|han|hende|ham)\b", v)] == []
    # A screen reader reads a button's name alone: it says what it ends.
    assert shown["cancel"] == "Forlad køen"


def test_the_console_names_the_assistant_by_its_configured_name():
    assert texts.who_names("uddannelsesGuidens chatassistent")["bot"] == "UddannelsesGuidens chatassistent"
    assert texts.who_names("Jobrobotten")["counsellor"] == "eVejleder"


def test_the_article_page_gives_the_widget_the_configured_name_wherever_it_says_it():
    """Every widget text that names the assistant gets the configured name from the page."""
    from bot.web.services import templates

    html = templates("Jobrobotten").get_template("site/article.html").render(
        job=None, source=None, job_titles=[], workplaces=None, about=[], rasa_url="http://rasa",
        assistant_name="Jobrobotten")
    given = {re.sub(r"-(\w)", lambda m: m.group(1).upper(), key): value
             for key, value in re.findall(r'data-text-([\w-]+)="([^"]*)"', html)}
    given["title"] = re.search(r'data-title="([^"]*)"', html).group(1)
    naming = [key for key, text in widget_texts().items() if Settings.assistant_name in text]
    assert len(naming) >= 5
    for key in naming:
        assert "Jobrobotten" in given.get(key, ""), key
        assert Settings.assistant_name not in given[key], key
