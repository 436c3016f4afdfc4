"""The counsellor console over HTTP (aiohttp test client), on a real migrated SQLite.

Rasa's side is RasaPeer (tests/handoff/support.py), a small real HTTP server; the
end-to-end tests cover the console against a real Rasa.
"""
import asyncio
import re
from contextlib import asynccontextmanager

import aiohttp

from bot.handoff import protocol
from bot.handoff.counsellors import Counsellors
from bot.handoff.protocol import COUNSELLOR_METADATA_KEY
from bot.handoff.queue import HandoffQueue
from bot.handoff.visitor_presence import VisitorPresence
from bot.handoff.console_logins import ConsoleSessions
from bot.web import texts
from tests.handoff.support import FAST_HASHER, web_app

PASSWORD = "en lang adgangskode"
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


@asynccontextmanager
async def console(database_url, session_factory, rasa_up=True, tracker_url=None):
    async with web_app(database_url, session_factory, rasa_up, tracker_url=tracker_url) as (client, peer, _):
        yield client, peer


def run(scenario):
    asyncio.run(scenario())


async def login(client, name="anne", password=PASSWORD):
    page = await client.get("/console/login")
    token = CSRF_INPUT.search(await page.text()).group(1)
    return await client.post("/console/login", allow_redirects=False,
                             data={"csrf_token": token, "name": name, "password": password})


async def csrf_of(client):
    page = await client.get("/console")
    assert page.status == 200
    return CSRF_INPUT.search(await page.text()).group(1)


def setup_data(session_factory):
    counsellors = Counsellors(session_factory, FAST_HASHER)
    counsellors.add("anne", PASSWORD)
    counsellors.add("bo", PASSWORD)
    queue = HandoffQueue(session_factory)
    case = queue.open_case("conv-1", ["løn", "<script>alert(1)</script>"])
    callback = queue.add_callback("conv-2", "+45 23 45 67 89", "phone", "Hvad tjener en leder?",
                                  "formiddag", True)
    return queue, case, callback


def test_every_console_route_refuses_without_a_session(database_url, session_factory):
    queue, case, callback = setup_data(session_factory)

    async def scenario():
        async with console(database_url, session_factory) as (client, peer):
            pages = ["/console", f"/console/cases/{case.id}", "/console/cases/999"]
            for path in pages:
                response = await client.get(path, allow_redirects=False)
                assert response.status == 303, path
                assert response.headers["Location"] == "/console/login"
            for path in ["/console/api/queue", f"/console/api/cases/{case.id}/transcript"]:
                response = await client.get(path, allow_redirects=False)
                assert response.status == 401, path
                assert "error" in await response.json()
            posts = [
                "/console/logout",
                f"/console/cases/{case.id}/claim",
                f"/console/cases/{case.id}/messages",
                f"/console/cases/{case.id}/close",
                f"/console/callbacks/{callback.id}/done",
                "/console/presence",
            ]
            for path in posts:
                response = await client.post(path, data={"text": "hej", "csrf_token": "x"},
                                             allow_redirects=False)
                assert response.status == 303, path
                assert response.headers["Location"] == "/console/login"
            assert peer.posts == []
        assert queue.get(case.id).status == "waiting"
        assert not queue.list_callbacks()[0].is_done

    run(scenario)


def test_login_with_a_wrong_password_fails(database_url, session_factory):
    setup_data(session_factory)

    async def scenario():
        async with console(database_url, session_factory) as (client, _):
            response = await login(client, password="forkert adgangskode")
            assert response.status == 401
            assert texts.LOGIN_FAILED in await response.text()
            assert "evejleder_console" not in response.cookies
            response = await login(client, name="ukendt")
            assert response.status == 401
            assert (await client.get("/console", allow_redirects=False)).status == 303

    run(scenario)


def test_login_needs_its_csrf_token(database_url, session_factory):
    setup_data(session_factory)

    async def scenario():
        async with console(database_url, session_factory) as (client, _):
            response = await client.post("/console/login", allow_redirects=False,
                                         data={"name": "anne", "password": PASSWORD})
            assert response.status == 403
            assert (await client.get("/console", allow_redirects=False)).status == 303

    run(scenario)


def test_login_sets_a_strict_httponly_session_cookie(database_url, session_factory):
    setup_data(session_factory)

    async def scenario():
        async with console(database_url, session_factory) as (client, _):
            response = await login(client)
            assert response.status == 303
            assert response.headers["Location"] == "/console"
            cookie = next(h for h in response.headers.getall("Set-Cookie")
                          if h.startswith("evejleder_console="))
            assert "HttpOnly" in cookie
            assert "SameSite=Strict" in cookie
            assert "Path=/" in cookie
            assert (await client.get("/console")).status == 200

    run(scenario)


def test_posts_without_the_csrf_token_are_refused(database_url, session_factory):
    queue, case, callback = setup_data(session_factory)

    async def scenario():
        async with console(database_url, session_factory) as (client, peer):
            await login(client)
            for token in (None, "wrong-token"):
                data = {"text": "hej", "note": "n"}
                if token:
                    data["csrf_token"] = token
                for path in [
                    f"/console/cases/{case.id}/claim",
                    f"/console/cases/{case.id}/close",
                    f"/console/cases/{case.id}/messages",
                    f"/console/callbacks/{callback.id}/done",
                    "/console/logout",
                ]:
                    response = await client.post(path, data=data, allow_redirects=False)
                    assert response.status == 403, path
                    assert texts.CSRF_FAILED in await response.text()
            assert (await client.get("/console")).status == 200  # still signed in
            assert peer.posts == []
        assert queue.get(case.id).status == "waiting"
        assert not queue.list_callbacks()[0].is_done

    run(scenario)


def test_claim_chat_and_close_through_http(database_url, session_factory):
    queue, case, _ = setup_data(session_factory)

    async def scenario():
        async with console(database_url, session_factory) as (client, peer):
            peer.events["conv-1"] = [
                {"event": "action", "name": "action_session_start", "timestamp": 1795000000.0},
                {"event": "user", "text": "Hvad tjener en <b>leder</b>?", "timestamp": 1795000001.0},
                {"event": "bot", "text": "Vil du tale med en eVejleder?", "timestamp": 1795000002.0},
                {"event": "pause", "timestamp": 1795000003.0},
            ]
            await login(client)
            index = await (await client.get("/console")).text()
            assert f"Tag samtale nr. {case.id}" in index
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in index  # topics are escaped
            assert "<script>alert(1)</script>" not in index
            assert "Hvad tjener en leder?" in index  # the callback request is listed
            csrf = await csrf_of(client)

            queue_json = await (await client.get("/console/api/queue")).json()
            assert [item["id"] for item in queue_json["waiting"]] == [case.id]
            assert queue_json["waiting"][0]["position"] == 1
            # The polling script shows these texts as they come: the same as the page's.
            assert queue_json["waiting"][0]["claim_text"] == f"Tag samtale nr. {case.id}"
            assert queue_json["count_text"] == "1 venter i køen."
            assert queue_json["open_callbacks"] == 1

            response = await client.post(f"/console/cases/{case.id}/claim",
                                         data={"csrf_token": csrf}, allow_redirects=False)
            assert response.status == 303
            assert response.headers["Location"] == f"/console/cases/{case.id}"
            assert queue.get(case.id).claimed_by == "anne"
            cid, query, body = peer.posts[-1]
            assert cid == "conv-1"
            assert query["execute_side_effects"] == "true" and query["output_channel"] == "socketio"
            # One status per event: the widget words it, no bot text says the same again.
            assert body == [{"event": "pause"}, protocol.status_event("joined", counsellor="anne")]

            page = await (await client.get(f"/console/cases/{case.id}")).text()
            assert "Hvad tjener en &lt;b&gt;leder&lt;/b&gt;?" in page
            assert "Vil du tale med en eVejleder?" in page
            assert "Send besked" in page

            response = await client.post(f"/console/cases/{case.id}/messages", allow_redirects=False,
                                         data={"csrf_token": csrf, "text": "Hej, jeg hedder Anne."})
            assert response.status == 303
            assert peer.posts[-1][2] == [{"event": "bot", "text": "Hej, jeg hedder Anne.",
                                          "metadata": {COUNSELLOR_METADATA_KEY: "anne"}}]
            assert [(e.kind, e.text) for e in queue.events(case.id)][-1] == \
                ("message", "Hej, jeg hedder Anne.")

            transcript = await (await client.get(f"/console/api/cases/{case.id}/transcript")).json()
            assert [line["who"] for line in transcript["lines"]] == \
                ["visitor", "bot", "counsellor"]  # question, offer, Anne
            assert transcript["lines"][-1]["who_text"] == "eVejleder (anne)"
            assert transcript["status"] == "active"

            response = await client.post(f"/console/cases/{case.id}/close", allow_redirects=False,
                                         data={"csrf_token": csrf, "note": "Henvist til a-kassen."})
            assert response.status == 303
            assert response.headers["Location"] == "/console"
            assert peer.posts[-1][2] == [{"event": "resume"}, {"event": "action", "name": "action_listen"},
                                         protocol.status_event("resumed")]
            assert peer.posts[-1][1]["execute_side_effects"] == "true"
            closed = queue.get(case.id)
            assert closed.status == "closed"
            assert ("note", "Henvist til a-kassen.") in [(e.kind, e.text) for e in queue.events(case.id)]

            page = await (await client.get(f"/console/cases/{case.id}")).text()
            assert "Send besked" not in page and "Henvist til a-kassen." in page

    run(scenario)


def test_a_case_claimed_by_someone_else_cannot_be_taken_or_used(database_url, session_factory):
    queue, case, _ = setup_data(session_factory)
    queue.claim(case.id, "bo")

    async def scenario():
        async with console(database_url, session_factory) as (client, peer):
            await login(client)
            csrf = await csrf_of(client)
            for path, data in [
                (f"/console/cases/{case.id}/claim", {}),
                (f"/console/cases/{case.id}/messages", {"text": "Hej"}),
                (f"/console/cases/{case.id}/close", {}),
            ]:
                response = await client.post(path, data=dict(data, csrf_token=csrf),
                                             allow_redirects=False)
                assert response.status == 409, path
                assert texts.CASE_CLAIMED_BY_OTHER in await response.text()
            assert peer.posts == []
        assert queue.get(case.id).claimed_by == "bo"

    run(scenario)


def test_unknown_ids_give_404_and_bad_input_400(database_url, session_factory):
    queue, case, _ = setup_data(session_factory)
    queue.claim(case.id, "anne")

    async def scenario():
        async with console(database_url, session_factory) as (client, peer):
            await login(client)
            csrf = await csrf_of(client)
            for path in ["/console/cases/999", "/console/cases/99999999999999999999999",
                         "/console/cases/abc", "/console/findes-ikke"]:
                response = await client.get(path)
                assert response.status == 404, path
                assert texts.NOT_FOUND in await response.text()
            response = await client.get("/console/api/cases/999/transcript")
            assert response.status == 404 and (await response.json())["error"] == texts.NOT_FOUND
            for path in ["/console/cases/999/claim", "/console/callbacks/999/done"]:
                response = await client.post(path, data={"csrf_token": csrf})
                assert response.status == 404, path

            empty = await client.post(f"/console/cases/{case.id}/messages",
                                      data={"csrf_token": csrf, "text": "   "})
            assert empty.status == 400 and texts.MESSAGE_EMPTY in await empty.text()
            long = await client.post(f"/console/cases/{case.id}/messages",
                                     data={"csrf_token": csrf, "text": "x" * 2001})
            assert long.status == 400
            note = await client.post(f"/console/cases/{case.id}/close",
                                     data={"csrf_token": csrf, "note": "x" * 2001})
            assert note.status == 400
            wrong_method = await client.get(f"/console/cases/{case.id}/claim")
            assert wrong_method.status == 405
            assert peer.posts == []
        assert queue.get(case.id).status == "active"

    run(scenario)


def test_rasa_down_is_a_clear_message_and_keeps_the_case_open(database_url, session_factory):
    queue, case, _ = setup_data(session_factory)

    async def scenario():
        async with console(database_url, session_factory, rasa_up=False) as (client, _):
            await login(client)
            csrf = await csrf_of(client)
            response = await client.post(f"/console/cases/{case.id}/claim",
                                         data={"csrf_token": csrf})
            assert response.status == 200  # claimed, with a notice that the visitor was not told
            assert texts.CLAIM_NOT_ANNOUNCED in await response.text()
            assert texts.TRANSCRIPT_UNAVAILABLE in await response.text()

            response = await client.post(f"/console/cases/{case.id}/messages",
                                         data={"csrf_token": csrf, "text": "Hej"})
            assert response.status == 503 and texts.RASA_DOWN in await response.text()
            response = await client.post(f"/console/cases/{case.id}/close",
                                         data={"csrf_token": csrf})
            assert response.status == 503
            response = await client.get(f"/console/api/cases/{case.id}/transcript")
            assert response.status == 503 and (await response.json())["lines"] is None
        assert queue.get(case.id).status == "active"
        assert [e.kind for e in queue.events(case.id)] == ["claimed"]

    run(scenario)


def test_callback_marked_done_through_http(database_url, session_factory):
    queue, _, callback = setup_data(session_factory)

    async def scenario():
        async with console(database_url, session_factory) as (client, _):
            await login(client)
            csrf = await csrf_of(client)
            response = await client.post(f"/console/callbacks/{callback.id}/done",
                                         data={"csrf_token": csrf}, allow_redirects=False)
            assert response.status == 303
        done = queue.list_callbacks()[0]
        assert done.is_done and done.done_by == "anne"

    run(scenario)


def test_pause_takes_the_counsellor_out_of_the_queue_and_back(database_url, session_factory):
    setup_data(session_factory)
    sessions = ConsoleSessions(session_factory)

    async def scenario():
        async with console(database_url, session_factory) as (client, _):
            await login(client)
            assert sessions.anyone_online()
            csrf = await csrf_of(client)
            response = await client.post("/console/presence", data={"csrf_token": csrf, "paused": "1"},
                                         allow_redirects=False)
            assert response.status == 303
            assert not sessions.anyone_online()
            page = await (await client.get("/console")).text()
            assert "Afslut pause" in page and "Hold pause" not in page
            await client.post("/console/presence", data={"csrf_token": csrf, "paused": "0"})
            assert sessions.anyone_online()
            assert "Hold pause" in await (await client.get("/console")).text()

    run(scenario)


def test_logout_ends_the_session_for_good(database_url, session_factory):
    setup_data(session_factory)

    async def scenario():
        async with console(database_url, session_factory) as (client, _):
            cookie = (await login(client)).cookies["evejleder_console"].value
            csrf = await csrf_of(client)
            response = await client.post("/console/logout", data={"csrf_token": csrf},
                                         allow_redirects=False)
            assert response.status == 303
            async with aiohttp.ClientSession(cookies={"evejleder_console": cookie}) as replay:
                again = await replay.get(client.make_url("/console"), allow_redirects=False)
                assert again.status == 303  # the old token is dead server side

    run(scenario)


def test_security_headers_on_every_response(database_url, session_factory):
    setup_data(session_factory)

    async def scenario():
        async with console(database_url, session_factory) as (client, _):
            responses = [
                await client.get("/console/login"),
                await client.get("/console", allow_redirects=False),
                await client.get("/console/api/queue"),
                await client.get("/static/console/console.js"),
                await client.get("/findes-ikke"),
            ]
            for response in responses:
                csp = response.headers["Content-Security-Policy"]
                assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
                assert response.headers["X-Content-Type-Options"] == "nosniff"

    run(scenario)


def test_pages_have_no_inline_scripts_and_are_danish(database_url, session_factory):
    queue, case, _ = setup_data(session_factory)

    async def scenario():
        async with console(database_url, session_factory) as (client, _):
            login_page = await (await client.get("/console/login")).text()
            await login(client)
            pages = [login_page] + [
                await (await client.get(path)).text()
                for path in ["/console", f"/console/cases/{case.id}", "/console/cases/999"]
            ]
            for html in pages:
                assert '<html lang="da">' in html
                assert not re.search(r"<script(?![^>]*\bsrc=)", html)
                assert not re.search(r"\son[a-z]+=", html)  # no inline event handlers

    run(scenario)


def test_an_oversized_form_is_refused_in_danish(database_url, session_factory):
    queue, case, _ = setup_data(session_factory)

    async def scenario():
        async with console(database_url, session_factory) as (client, _):
            await login(client)
            csrf = await csrf_of(client)
            response = await client.post(f"/console/cases/{case.id}/close",
                                         data={"csrf_token": csrf, "note": "x" * 100_000})
            assert response.status == 413
            assert texts.FORM_TOO_LARGE in await response.text()
        assert queue.get(case.id).status == "waiting"

    run(scenario)


def test_the_counsellor_reads_that_the_visitor_has_left(database_url, session_factory):
    queue, case, _ = setup_data(session_factory)
    queue.claim(case.id, "anne")

    async def scenario():
        async with console(database_url, session_factory) as (client, peer):
            peer.events["conv-1"] = [
                {"event": "user", "text": "Hej", "timestamp": 1795000001.0},
                dict(protocol.status_event("cancelled"), timestamp=1795000002.0),
            ]
            queue.visitor_left("conv-1")
            await login(client)
            transcript = await (await client.get(f"/console/api/cases/{case.id}/transcript")).json()
            assert [(line["who_text"], line["text"]) for line in transcript["lines"]] == [
                ("Besøgende", "Hej"), ("Status", "Den besøgende har forladt samtalen.")]
            assert transcript["status_text"] == "den besøgende har forladt samtalen"
            page = await (await client.get(f"/console/cases/{case.id}")).text()
            assert "Den besøgende har forladt samtalen." in page
            assert "Send besked" not in page

    run(scenario)


def test_a_departed_visitor_is_seen_at_once_and_cannot_be_claimed(database_url, session_factory):
    queue, case, _ = setup_data(session_factory)
    presence = VisitorPresence(session_factory)
    presence.back("conv-1")
    presence.away("conv-1")  # the chat channel saw the last connection close

    async def scenario():
        async with console(database_url, session_factory) as (client, peer):
            peer.events["conv-1"] = [{"event": "user", "text": "Hej", "timestamp": 1795000001.0}]
            await login(client)
            csrf = await csrf_of(client)
            waiting = (await (await client.get("/console/api/queue")).json())["waiting"]
            assert waiting[0]["away_text"] == "Den besøgende har forladt samtalen."
            index = await (await client.get("/console")).text()
            assert "Den besøgende har forladt samtalen." in index
            assert f"Tag samtale nr. {case.id}" not in index
            response = await client.post(f"/console/cases/{case.id}/claim", allow_redirects=False,
                                         data={"csrf_token": csrf})
            assert response.status == 409
            assert texts.VISITOR_AWAY_CLAIM in await response.text()
            assert queue.get(case.id).status == "waiting"

            presence.back("conv-1")  # a reload within the grace period
            waiting = (await (await client.get("/console/api/queue")).json())["waiting"]
            assert waiting[0]["away_text"] is None
            response = await client.post(f"/console/cases/{case.id}/claim", allow_redirects=False,
                                         data={"csrf_token": csrf})
            assert response.status == 303
            transcript = await (await client.get(f"/console/api/cases/{case.id}/transcript")).json()
            assert transcript["visitor_notice"] is None and transcript["open"] is True
            sent = await (await client.post(f"/console/api/cases/{case.id}/messages",
                                            data={"csrf_token": csrf, "text": "Hej"})).json()
            assert sent["status_text"] == texts.MESSAGE_SENT

            presence.away("conv-1")
            transcript = await (await client.get(f"/console/api/cases/{case.id}/transcript")).json()
            assert transcript["visitor_notice"].startswith(
                "Den besøgende har ikke forbindelse lige nu. Samtalen afsluttes om ")
            assert transcript["open"] is True
            page = await (await client.get(f"/console/cases/{case.id}")).text()
            assert "Den besøgende har ikke forbindelse lige nu." in page
            sent = await (await client.post(f"/console/api/cases/{case.id}/messages",
                                            data={"csrf_token": csrf, "text": "Er du der?"})).json()
            assert sent["status_text"] == (
                "Den besøgende er ikke forbundet lige nu; beskeden vises, hvis den besøgende kommer tilbage.")
            assert peer.posts[-1][2][0]["text"] == "Er du der?"  # kept for a visitor who comes back

            queue.visitor_left("conv-1")  # the watch, after the grace period
            transcript = await (await client.get(f"/console/api/cases/{case.id}/transcript")).json()
            assert transcript["visitor_notice"] == "Den besøgende har forladt samtalen."
            assert transcript["open"] is False

    run(scenario)
