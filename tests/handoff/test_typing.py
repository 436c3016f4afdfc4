"""Typing indicators both ways, carrying no text: the visitor's widget and the counsellor's console
tell each other only that someone types (real database, RasaPeer for Rasa)."""
import asyncio

from bot.handoff import protocol
from bot.session_secret import session_secret
from bot.web import texts
from bot.web.state import TypingMarks
from tests.handoff.test_console import console, csrf_of, login, run, setup_data
from tests.handoff.test_console_live import next_event

SESSION = "b" * 32
OWNER = {protocol.SESSION_SECRET_HEADER: session_secret(SESSION)}  # as the widget sends it


def test_a_mark_counts_for_a_few_seconds():
    now = [100.0]
    marks = TypingMarks(clock=lambda: now[0])
    assert not marks.typing(SESSION, "visitor")
    marks.mark(SESSION, "visitor")
    assert marks.typing(SESSION, "visitor") and not marks.typing(SESSION, "counsellor")
    now[0] += 6
    assert not marks.typing(SESSION, "visitor")


def test_typing_travels_both_ways_without_text(database_url, session_factory):
    queue, _, _ = setup_data(session_factory)
    case = queue.open_case(SESSION)

    async def scenario():
        async with console(database_url, session_factory) as (client, _):
            # Nobody has the case yet: the visitor's typing goes nowhere.
            waiting = await client.post(f"/api/visitor/{SESSION}/typing", headers=OWNER)
            assert waiting.status == 404 and (await waiting.json())["error"] == texts.VISITOR_NO_COUNSELLOR
            bad = await client.post("/api/visitor/<b>/typing")
            assert bad.status == 400
            await login(client)
            csrf = await csrf_of(client)
            refused = await client.post(f"/console/api/cases/{case.id}/typing", data={"csrf_token": csrf})
            assert refused.status == 409  # not claimed: nothing to tell
            await client.post(f"/console/cases/{case.id}/claim", data={"csrf_token": csrf})

            console_stream = await client.get(f"/console/api/events?sag={case.id}")
            assert (await next_event(console_stream, "case"))["visitor_typing"] is False
            assert (await client.post(f"/api/visitor/{SESSION}/typing", data="hemmelig tekst", headers=OWNER)).status == 200
            assert (await next_event(console_stream, "case"))["visitor_typing"] is True
            console_stream.close()

            widget_stream = await client.get(f"/api/visitor/{SESSION}/events", headers=OWNER)
            assert widget_stream.headers["Access-Control-Allow-Origin"] == "*"
            assert await next_event(widget_stream, "typing") == {"counsellor": False}
            typed = await client.post(f"/console/api/cases/{case.id}/typing", data={"csrf_token": csrf})
            assert typed.status == 200
            assert await next_event(widget_stream, "typing") == {"counsellor": True}
            assert await next_event(widget_stream, "typing") == {"counsellor": False}  # after a pause
            # The case ends: so does the widget's stream.
            await asyncio.to_thread(queue.close, case.id, "anne")
            assert (await asyncio.wait_for(widget_stream.content.read(), 10)).strip() == b""
            no_csrf = await client.post(f"/console/api/cases/{case.id}/typing")
            assert no_csrf.status == 403

    run(scenario)


def test_the_counsellors_mark_ends_when_her_message_is_sent(database_url, session_factory):
    queue, _, _ = setup_data(session_factory)
    case = queue.open_case(SESSION)

    async def scenario():
        async with console(database_url, session_factory) as (client, _):
            await login(client)
            csrf = await csrf_of(client)
            await client.post(f"/console/cases/{case.id}/claim", data={"csrf_token": csrf})
            assert (await client.post(f"/console/api/cases/{case.id}/typing", data={"csrf_token": csrf})).status == 200
            typing = await client.get(f"/api/visitor/{SESSION}/events", headers=OWNER)
            assert await next_event(typing, "typing") == {"counsellor": True}
            sent = await client.post(f"/console/api/cases/{case.id}/messages",
                                     data={"csrf_token": csrf, "text": "Hej, jeg hedder Mette."})
            assert sent.status == 200
            typing.close()
            # Within the mark's few seconds (a widget that reconnects now, or one whose stream has
            # not looked since the mark): the message itself has ended the mark.
            fresh = await client.get(f"/api/visitor/{SESSION}/events", headers=OWNER)
            assert await next_event(fresh, "typing") == {"counsellor": False}
            fresh.close()

    run(scenario)
