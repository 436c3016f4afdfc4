"""The console's live parts over HTTP: the event stream, sending without a page load, and the
visitor's last question in the queue. A real migrated database, RasaPeer for Rasa."""
import asyncio
import json

from bot.handoff.rasa_api import last_question
from bot.handoff.console_logins import ConsoleSessions
from bot.handoff.counsellors import Counsellors
from bot.privacy.rasa_records import REDACTED
from bot.web import texts
from tests.handoff.support import FAST_HASHER
from tests.handoff.test_console import PASSWORD, console, csrf_of, login, run, setup_data

STEP = 10  # seconds to wait for one event; the stream looks every second


async def next_event(stream, name):
    """The body of the next event called `name` on an open text/event-stream response."""
    event = None
    while True:
        line = (await asyncio.wait_for(stream.content.readline(), STEP)).decode("utf-8")
        assert line, "the stream ended"
        if line.startswith("event: "):
            event = line[len("event: "):].strip()
        elif line.startswith("data: ") and event == name:
            return json.loads(line[len("data: "):])


def user(text, intent, timestamp=1795000001.0):
    return {"event": "user", "text": text, "timestamp": timestamp,
            "parse_data": {"intent": {"name": intent, "confidence": 0.9}}}


def test_last_question_skips_requests_for_a_person_answers_and_buttons():
    events = [
        user("hvad tjener en leder?", "ask_salary"),
        {"event": "bot", "text": "Det står der ikke noget om."},
        user("kan jeg tale med en vejleder?", "request_counsellor"),
        user("/affirm", "affirm"),
        user("ja", "affirm"),
    ]
    assert last_question(events) == "hvad tjener en leder?"
    assert last_question(events + [user("er der nogen?", "nlu_fallback")]) == "er der nogen?"
    assert last_question([user("ja", "affirm")]) is None
    assert last_question([]) is None


def test_last_question_skips_a_message_whose_contact_details_were_removed():
    asked = user("hvad laver en afdelingsleder?", "ask_occupation")
    removed = user(REDACTED, "nlu_fallback")
    assert last_question([asked, removed]) == "hvad laver en afdelingsleder?"
    assert last_question([asked, user(f"{REDACTED} .", "nlu_fallback")]) == asked["text"]
    partly = user(f"kan du ringe på {REDACTED} om løn?", "nlu_fallback")
    assert last_question([asked, partly]) == partly["text"]


def test_the_stream_shows_a_new_visitor_with_her_last_question_without_reloading(
        database_url, session_factory):
    queue, case, _ = setup_data(session_factory)

    async def scenario():
        async with console(database_url, session_factory) as (client, peer):
            peer.events["conv-1"] = [user("Hvad laver en <b>leder</b>?", "ask_tasks")]
            await login(client)
            stream = await client.get("/console/api/events")
            assert stream.status == 200
            assert stream.headers["Content-Type"].startswith("text/event-stream")
            first = await next_event(stream, "queue")
            assert [(i["id"], i["question"]) for i in first["waiting"]] == \
                [(case.id, "Hvad laver en <b>leder</b>?")]  # escaping is the page's job

            peer.events["conv-9"] = [user("kan jeg tale med en vejleder?", "request_counsellor")]
            new = await asyncio.to_thread(queue.open_case, "conv-9", ["ask_salary"])
            update = await next_event(stream, "queue")
            assert [i["id"] for i in update["waiting"]] == [case.id, new.id]
            assert update["waiting"][1]["question"] == texts.NO_QUESTION
            assert update["count_text"] == "2 venter i køen."
            stream.close()

    run(scenario)


def test_a_message_is_sent_without_a_page_load_and_reaches_the_case_stream(
        database_url, session_factory):
    queue, case, _ = setup_data(session_factory)
    queue.claim(case.id, "anne")

    async def scenario():
        async with console(database_url, session_factory) as (client, peer):
            peer.events["conv-1"] = [user("Hej", "greet")]
            await login(client)
            csrf = await csrf_of(client)
            page = await (await client.get(f"/console/cases/{case.id}")).text()
            assert 'id="koe"' in page  # the queue beside the case
            stream = await client.get(f"/console/api/events?sag={case.id}")
            before = await next_event(stream, "case")
            assert [line["text"] for line in before["lines"]] == ["Hej"]

            response = await client.post(f"/console/api/cases/{case.id}/messages",
                                         data={"csrf_token": csrf, "text": "Hej, jeg hedder Anne."})
            assert response.status == 200
            assert await response.json() == {"sent": True, "visitor_away": False,
                                              "status_text": texts.MESSAGE_SENT}
            after = await next_event(stream, "case")
            assert [line["who"] for line in after["lines"]] == ["visitor", "counsellor"]
            stream.close()

            for data, status, error in [
                ({"csrf_token": csrf, "text": "  "}, 400, texts.MESSAGE_EMPTY),
                ({"csrf_token": csrf, "text": "x" * 2001}, 400, texts.MESSAGE_TOO_LONG.format(limit=2000)),
                ({"text": "hej"}, 403, texts.CSRF_FAILED),
            ]:
                refused = await client.post(f"/console/api/cases/{case.id}/messages", data=data)
                assert refused.status == status
                assert (await refused.json())["error"] == error
            unknown = await client.post("/console/api/cases/999/messages",
                                        data={"csrf_token": csrf, "text": "hej"})
            assert unknown.status == 404 and (await unknown.json())["error"] == texts.NOT_FOUND
        assert [e.text for e in queue.events(case.id) if e.kind == "message"] == ["Hej, jeg hedder Anne."]

    run(scenario)


def test_the_stream_needs_a_session_and_ends_with_it(database_url, session_factory):
    setup_data(session_factory)

    async def scenario():
        async with console(database_url, session_factory) as (client, _):
            refused = await client.get("/console/api/events")
            assert refused.status == 401 and (await refused.json())["error"] == texts.NOT_SIGNED_IN
            refused = await client.post("/console/api/cases/1/messages", data={"text": "hej"})
            assert refused.status == 401 and (await refused.json())["error"] == texts.NOT_SIGNED_IN
            token = (await login(client)).cookies["evejleder_console"].value
            for bad in ["999", "abc", "9" * 30]:
                response = await client.get(f"/console/api/events?sag={bad}")
                assert response.status == 404 and (await response.json())["error"] == texts.NOT_FOUND
            stream = await client.get("/console/api/events")
            await next_event(stream, "queue")
            await asyncio.to_thread(ConsoleSessions(session_factory).end, token)
            assert await next_event(stream, "signed-out") == {}
            stream.close()

    run(scenario)


def test_the_stream_keeps_other_cases_and_the_colleagues_to_hand_over_to_live(
        database_url, session_factory):
    queue, case, _ = setup_data(session_factory)
    queue.claim(case.id, "bo")

    async def scenario():
        async with console(database_url, session_factory) as (client, peer):
            peer.events["conv-1"] = [user("Hej", "greet")]
            await login(client)
            stream = await client.get("/console/api/events")
            first = await next_event(stream, "queue")
            assert [(i["id"], i["claimed_by"]) for i in first["others"]] == [(case.id, "bo")]
            assert first["mine"] == [] and first["colleagues"] == []

            # Bo hands the case to Anne: it moves from the others to hers, in one update.
            await asyncio.to_thread(queue.transfer, case.id, "bo", "anne")
            moved = await next_event(stream, "queue")
            assert [i["id"] for i in moved["mine"]] == [case.id] and moved["others"] == []

            # A colleague signs in: she can be handed a case without Anne reloading.
            cecilie = Counsellors(session_factory, FAST_HASHER).add("cecilie", PASSWORD, "Cecilie Holm")
            await asyncio.to_thread(ConsoleSessions(session_factory).create, cecilie)
            joined = await next_event(stream, "queue")
            assert joined["colleagues"] == [{"name": "cecilie", "shown": "Cecilie Holm"}]
            stream.close()

    run(scenario)
