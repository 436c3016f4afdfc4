"""The Indsigt page, its JSON and CSV, and the review queue, over HTTP against a real tracker store."""
import asyncio
import datetime as dt
import re

import yaml

from bot.handoff.counsellors import Counsellors
from bot.insight.review import ReviewLabels, export
from tests.handoff.support import FAST_HASHER, web_app
from tests.handoff.test_console import PASSWORD, csrf_of, login

RECENT = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)
FALLBACK = "må min kat ringe til 23 45 67 89?"


def fill(conversations):
    conversations.write("a" * 32, [
        ("hvad tjener en leder", "ask_salary", 0.97, "action_answer_salary", "Lønnen ...", "r1"),
        {"ref": "r1", "rating": "up"},
        (FALLBACK, "nlu_fallback", 0.2, "action_fallback", "Undskyld ...", "r2"),
        {"ref": "r2", "rating": "down"},
    ], at=RECENT)


def run(database_url, session_factory, conversations, monkeypatch, scenario):
    monkeypatch.setenv("TRACKER_DATABASE_URL", f"sqlite:///{conversations.path}")
    Counsellors(session_factory, FAST_HASHER).add("anne", PASSWORD)
    fill(conversations)

    async def main():
        async with web_app(database_url, session_factory) as (client, _peer, _url):
            await scenario(client)
    asyncio.run(main())


def test_insight_is_refused_without_a_session(database_url, session_factory, conversations, monkeypatch):
    async def scenario(client):
        response = await client.get("/console/api/insight?days=7", allow_redirects=False)
        assert response.status == 401
        for path in ("/console/indsigt", "/console/indsigt.csv"):
            response = await client.get(path, allow_redirects=False)
            assert response.status == 303 and response.headers["Location"] == "/console/login"
        response = await client.post("/console/indsigt/labels", data={"id": "1", "label": "ask_tasks"},
                                     allow_redirects=False)
        assert response.status == 303 and response.headers["Location"] == "/console/login"
    run(database_url, session_factory, conversations, monkeypatch, scenario)


def test_the_counsellor_sees_figures_and_labels_a_fallback(database_url, session_factory, conversations,
                                                           monkeypatch, tmp_path):
    async def scenario(client):
        await login(client)
        body = await (await client.get("/console/api/insight?days=7")).json()
        assert {k: body[k] for k in ("conversations", "messages", "fallbacks", "feedback_up",
                                     "feedback_down", "handoffs", "callbacks")} == {
            "conversations": 1, "messages": 2, "fallbacks": 1, "feedback_up": 1,
            "feedback_down": 1, "handoffs": 0, "callbacks": 0}
        assert body["intents"] == {"ask_salary": 1, "nlu_fallback": 1}
        [missed] = body["misunderstood"]
        assert missed["text"] == "må min kat ringe til [telefonnummer]?"
        assert (missed["predicted_intent"], missed["confidence"]) == ("nlu_fallback", 0.2)
        assert set(missed) >= {"id", "text", "time", "predicted_intent", "confidence"}

        page = await (await client.get("/console/indsigt?dage=7")).text()
        assert "<svg" in page and "må min kat ringe til [telefonnummer]?" in page
        assert "23 45 67 89" not in page

        csrf = await csrf_of(client)
        refused = await client.post("/console/indsigt/labels", data={"id": str(missed["id"]), "label": "irrelevant"},
                                    allow_redirects=False)
        assert refused.status == 403
        unknown = await client.post("/console/indsigt/labels", allow_redirects=False, data={
            "csrf_token": csrf, "id": str(missed["id"]), "label": "<script>"})
        assert "ukendt-emne" in unknown.headers["Location"]
        labelled = await client.post("/console/indsigt/labels", allow_redirects=False, data={
            "csrf_token": csrf, "id": str(missed["id"]), "label": "out_of_scope", "dage": "7"})
        assert labelled.status == 303
        body = await (await client.get("/console/api/insight?days=7")).json()
        assert body["misunderstood"][0]["label"] == "out_of_scope"

        csv_text = await (await client.get("/console/indsigt.csv?dage=7")).text()
        assert "i alt,fallbacks,1" in csv_text and "emner,ask_salary,1" in csv_text
    run(database_url, session_factory, conversations, monkeypatch, scenario)

    out = tmp_path / "reviewed.yml"
    assert export(ReviewLabels(session_factory), out) == 1
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert data["nlu"] == [{"intent": "out_of_scope",
                            "examples": "- må min kat ringe til [telefonnummer]?\n"}]


def test_bad_periods_fall_back_to_a_sane_one(database_url, session_factory, conversations, monkeypatch):
    async def scenario(client):
        await login(client)
        for days in ("abc", "-5", "99999999999999999999"):
            response = await client.get(f"/console/api/insight?days={days}")
            assert response.status == 200
            assert 1 <= (await response.json())["days"] <= 365
        assert re.search(r"<option value=\"30\" selected", await (await client.get("/console/indsigt?dage=x")).text())
    run(database_url, session_factory, conversations, monkeypatch, scenario)


def test_the_review_list_says_why_in_danish(database_url, session_factory, conversations, monkeypatch):
    conversations.write("b" * 32, [
        ("hvor mange timer arbejder en leder", "ask_uncovered", 0.9, "utter_answer_not_covered",
         "utter_answer_not_covered", "r3"),
        ("hvad er hovedstaden i frankrig", "out_of_scope", 0.93, "action_fallback", "utter_out_of_scope", "r4"),
    ], at=RECENT)

    async def scenario(client):
        await login(client)
        body = await (await client.get("/console/api/insight?days=7")).json()
        assert {k: body[k] for k in ("fallbacks", "out_of_scope", "not_covered", "feedback_down")} == {
            "fallbacks": 1, "out_of_scope": 1, "not_covered": 1, "feedback_down": 1}
        assert sorted(item["reasons"] for item in body["misunderstood"]) == [
            ["fallback", "rated_down"], ["not_covered"], ["out_of_scope"]]

        page = await (await client.get("/console/indsigt?dage=7")).text()
        # Each row's "Hvorfor" cell (the fourth), by the message in its second.
        why = {}
        for row in re.findall(r'<tr id="besked-.*?</tr>', page, re.S):
            cells = [re.sub(r"<[^>]+>", "|", cell) for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
            why[cells[1].split("|")[0]] = [reason for reason in cells[3].split("|") if reason]
        assert why == {
            "hvor mange timer arbejder en leder": ["Svarede: står ikke i artiklen"],
            "hvad er hovedstaden i frankrig": ["Uden for emnet"],
            "må min kat ringe til [telefonnummer]?": ["Ikke forstået", "Vurderet 👎"],
        }
        assert re.search(r'id="tal-ikke-i-artiklen">1<', page) and re.search(r'id="tal-uden-for-emnet">1<', page)
    run(database_url, session_factory, conversations, monkeypatch, scenario)


def test_the_charts_name_topics_in_danish_and_compare_periods(database_url, session_factory, conversations,
                                                              monkeypatch):
    conversations.write("c" * 32, [
        ("hej", "greet", 0.99, "utter_greet", "utter_greet", None),
        ("ja tak", "affirm", 0.98, "utter_greet", "utter_greet", None),
        ("hvad laver en leder", "ask_tasks", 0.95, "action_answer_tasks", "Opgaverne ...", None),
    ], at=RECENT)
    conversations.write("d" * 32, [
        ("hvad tjener en leder", "ask_salary", 0.97, "action_answer_salary", "Lønnen ...", None),
    ], at=RECENT - dt.timedelta(days=9))

    async def scenario(client):
        await login(client)
        page = await (await client.get("/console/indsigt?dage=7")).text()
        charts = dict(re.findall(r'<title id="(graf-[a-z]+)">.*?</title>(.*?)</svg>', page, re.S))
        labels = {name: re.findall(r'class="chart-label">([^<]*)<', svg) for name, svg in charts.items()}
        assert labels["graf-emner"] == ["Løn", "Arbejdsopgaver"]
        assert labels["graf-klaret"] == ["Besvaret ud fra artiklen", "Svarede: står ikke i artiklen",
                                         "Ikke forstået", "Uden for emnet"]
        values = re.findall(r'class="chart-value">([^<]*)<', charts["graf-klaret"])
        assert values == ["2 (67 %)", "0 (0 %)", "1 (33 %)", "0 (0 %)"]  # the summary's 1 not understood
        assert re.search(r'id="tal-fallbacks">1 ', page)
        assert len(labels["graf-udvikling"]) == 8  # every day of the week, quiet ones too
        assert "graf-timer" not in page  # 24 rows of mostly zeros are gone
        for raw in ("greet", "affirm", "nlu_fallback", "ask_salary"):
            assert raw not in re.sub(r'<select.*?</select>', "", page, flags=re.S), raw
        others = re.search(r'<table id="oevrige-beskeder">(.*?)</table>', page, re.S).group(1)
        assert "Hilsner" in others and "Ja" in others
        compared = {row[0]: row[1:] for row in re.findall(
            r'<tr><th scope="row">([^<]*)</th><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td></tr>',
            page)}
        assert compared["Samtaler"] == ("2", "1", "+1")
        assert compared["Spørgsmål besvaret ud fra artiklen"] == ("67 %", "100 %", "−33 procentpoint")

        body = await (await client.get("/console/api/insight?days=7")).json()
        assert body["kinds"]["not_understood"] == body["fallbacks"] == 1
        assert (body["current"]["conversations"], body["previous"]["conversations"]) == (2, 1)
    run(database_url, session_factory, conversations, monkeypatch, scenario)
