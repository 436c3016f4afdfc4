"""The widget's visitor API and the website page, over HTTP, on a real migrated SQLite.

Rasa's side is RasaPeer (tests/handoff/support.py), a small real HTTP server; the browser
tests (tests/web/*.test.js) cover the same against a real Rasa.
"""
import asyncio

from bot.handoff import protocol
from bot.handoff.protocol import CHOICE_METADATA_KEY, COUNSELLOR_METADATA_KEY
from bot.handoff.queue import HandoffQueue
from bot.handoff.rasa_api import transcript_from_events
from bot.session_secret import session_secret
from tests.handoff.support import web_app

SESSION = "0123456789abcdef0123456789abcdef"
OWNER = {protocol.SESSION_SECRET_HEADER: session_secret(SESSION)}


def website(database_url, session_factory, rasa_up=True, headers=OWNER):
    """The app, with a client that holds SESSION's secret (as the widget does)."""
    return web_app(database_url, session_factory, rasa_up, headers)


def test_status_event_reaches_the_widget_as_the_plain_status_object():
    # Rasa's socket.io output calls emit(event, **custom): the status must sit under "data".
    event = protocol.status_event("joined", counsellor="Mette", position=None)
    assert event == {"event": "bot", "data": {"custom": {"data": {
        "evejleder_handoff": "joined", "counsellor": "Mette"}}}}
    assert transcript_from_events([dict(event, text=None)]) == []


def test_transcript_shows_a_quick_reply_by_its_title():
    lines = transcript_from_events([
        {"event": "user", "text": "/ask_tasks", "metadata": {CHOICE_METADATA_KEY: "Arbejdsopgaver"}},
        {"event": "user", "text": "/session_start", "metadata": {}},
    ])
    assert [(line.who, line.text) for line in lines] == [("visitor", "Arbejdsopgaver")]


def test_history_splits_bot_texts_like_the_socket_and_tells_the_handoff_state(
        database_url, session_factory):
    async def scenario():
        async with website(database_url, session_factory) as (client, peer, _):
            peer.events[SESSION] = [
                {"event": "user", "text": "/session_start"},
                {"event": "bot", "text": "Hej!\n\nHvad vil du vide?"},
                {"event": "user", "text": "<b>løn</b>"},
                {"event": "bot", "text": "Hej, jeg er Mette.", "metadata": {COUNSELLOR_METADATA_KEY: "Mette"}},
            ]
            HandoffQueue(session_factory).open_case(SESSION, ["ask_salary"])
            response = await client.get(f"/api/visitor/{SESSION}/history")
            assert response.status == 200
            body = await response.json()
            assert body["messages"] == [
                {"who": "bot", "text": "Hej!"},
                {"who": "bot", "text": "Hvad vil du vide?"},
                {"who": "visitor", "text": "<b>løn</b>"},
                {"who": "counsellor", "text": "Hej, jeg er Mette.", "counsellor": "Mette"},
            ]
            assert body["handoff"] == {"status": "waiting", "position": 1, "wait_minutes": None}

    asyncio.run(scenario())


def test_history_holds_only_the_current_session(database_url, session_factory):
    async def scenario():
        async with website(database_url, session_factory) as (client, peer, _):
            peer.events[SESSION] = [
                {"event": "action", "name": "action_session_start"},
                {"event": "bot", "text": "Hej!"},
                {"event": "session_started"},
                {"event": "user", "text": "mit navn er Ida, hvad tjener en leder"},
                {"event": "bot", "text": "Se Uddannelseszoom."},
                {"event": "action", "name": "action_session_start"},
                {"event": "bot", "text": "Velkommen tilbage!"},
                {"event": "session_started"},
                {"event": "action", "name": "action_listen"},
                {"event": "user", "text": "hvad laver en leder"},
            ]
            body = await (await client.get(f"/api/visitor/{SESSION}/history")).json()
            assert body["messages"] == [{"who": "bot", "text": "Velkommen tilbage!"},
                                        {"who": "visitor", "text": "hvad laver en leder"}]

    asyncio.run(scenario())


def test_the_visitor_api_is_rate_limited_per_address(database_url, session_factory):
    from bot.web.texts import VISITOR_TOO_MANY as TOO_MANY
    from bot.web.rate_limits import VISITOR_API

    async def scenario():
        async with website(database_url, session_factory) as (client, peer, _):
            peer.events[SESSION] = []
            flood = {"X-Forwarded-For": "203.0.113.9"}
            statuses = [(await client.get(f"/api/visitor/{SESSION}/history", headers=flood)).status
                        for _ in range(VISITOR_API.amount)]
            assert statuses == [200] * VISITOR_API.amount
            refused = await client.post(f"/api/visitor/{SESSION}/cancel", headers=flood)
            assert refused.status == 429 and (await refused.json())["error"] == TOO_MANY
            other = await client.get(f"/api/visitor/{SESSION}/history", headers={"X-Forwarded-For": "203.0.113.10"})
            assert other.status == 200

    asyncio.run(scenario())


def test_cancel_resumes_the_bot_with_the_cancelled_status(database_url, session_factory):
    async def scenario():
        async with website(database_url, session_factory) as (client, peer, _):
            queue = HandoffQueue(session_factory)
            assert (await client.post(f"/api/visitor/{SESSION}/cancel")).status == 404
            case = queue.open_case(SESSION)
            response = await client.post(f"/api/visitor/{SESSION}/cancel")
            assert response.status == 200
            assert peer.posts[-1][2] == [{"event": "resume"}, {"event": "action", "name": "action_listen"},
                                         protocol.status_event("cancelled")]
            assert queue.get(case.id).status == "cancelled"
            again = await client.post(f"/api/visitor/{SESSION}/cancel")
            assert again.status == 404
            assert "kø" in (await again.json())["error"]
            # Once a counsellor took the case, the visitor stays with the counsellor.
            queue.claim(queue.open_case(SESSION).id, "Mette")
            posts = len(peer.posts)
            claimed = await client.post(f"/api/visitor/{SESSION}/cancel")
            assert claimed.status == 409
            assert "eVejleder" in (await claimed.json())["error"]
            assert len(peer.posts) == posts

    asyncio.run(scenario())


def test_leaving_ends_a_taken_case_and_the_counsellor_reads_it(database_url, session_factory):
    async def scenario():
        async with website(database_url, session_factory) as (client, peer, _):
            queue = HandoffQueue(session_factory)
            nothing = await client.post(f"/api/visitor/{SESSION}/leave")
            assert nothing.status == 200 and (await nothing.json())["left"] is False
            assert peer.posts == []
            case = queue.claim(queue.open_case(SESSION).id, "Mette")
            response = await client.post(f"/api/visitor/{SESSION}/leave")
            assert (await response.json())["left"] is True
            assert peer.posts[-1][2][-1] == protocol.status_event("cancelled")
            assert queue.get(case.id).status == "cancelled"
            lines = transcript_from_events(peer.events[SESSION])
            assert [(line.who, line.text) for line in lines] == [("status", "cancelled")]
            history = await (await client.get(f"/api/visitor/{SESSION}/history")).json()
            assert history["messages"] == [], "the widget gets statuses as statuses only"

    asyncio.run(scenario())


def test_refusals_are_danish_json_never_a_500(database_url, session_factory):
    async def scenario():
        async with website(database_url, session_factory, rasa_up=False) as (client, _, _url):
            for path in ("/api/visitor/not-a-uuid/history", "/api/visitor/x'%3Cscript%3E/history"):
                response = await client.get(path)
                assert response.status == 400
                assert "ugyldigt" in (await response.json())["error"]
            down = await client.get(f"/api/visitor/{SESSION}/history")
            assert down.status == 503
            assert "svarer ikke" in (await down.json())["error"]
            HandoffQueue(session_factory).open_case(SESSION)
            assert (await client.post(f"/api/visitor/{SESSION}/cancel")).status == 503
            assert HandoffQueue(session_factory).case_for_conversation(SESSION).status == "waiting"
            # "Start forfra" ends the case even when Rasa cannot be told: the visitor has gone.
            assert (await client.post(f"/api/visitor/{SESSION}/leave")).status == 200
            assert HandoffQueue(session_factory).case_for_conversation(SESSION) is None
            wrong_method = await client.get(f"/api/visitor/{SESSION}/cancel")
            assert wrong_method.status == 405
            assert "error" in await wrong_method.json()

    asyncio.run(scenario())


def test_the_visitor_api_opens_a_conversation_only_with_its_secret(database_url, session_factory):
    other = "fedcba9876543210fedcba9876543210"

    async def scenario():
        async with website(database_url, session_factory, headers=None) as (client, peer, _):
            peer.events[SESSION] = [{"event": "user", "text": "mit nummer er 12345678",
                                     "metadata": {"evejleder_ref": "aa11bb22cc33dd44"}}]
            case = HandoffQueue(session_factory).open_case(SESSION)
            for secret in (None, "", "0" * 64, session_secret(other), "æ" * 64):
                headers = {} if secret is None else {protocol.SESSION_SECRET_HEADER: secret}
                for method, action, body in (("GET", "history", None), ("POST", "cancel", None),
                                             ("POST", "feedback", '{"ref": "aa11bb22cc33dd44", "rating": "up"}')):
                    response = await client.request(method, f"/api/visitor/{SESSION}/{action}",
                                                    headers=headers, data=body)
                    assert response.status == 403, (secret, action)
                    assert "Start forfra" in (await response.json())["error"]
            assert HandoffQueue(session_factory).get(case.id).status == "waiting"
            assert not peer.posts
            history = await client.get(f"/api/visitor/{SESSION}/history", headers=OWNER)
            assert "12345678" in str(await history.json())
            # A widget on another site: the browser's preflight for the secret's header.
            preflight = await client.options(f"/api/visitor/{SESSION}/history", headers={
                "Origin": "https://www.example.dk", "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Headers": protocol.SESSION_SECRET_HEADER})
            assert preflight.status == 204
            assert preflight.headers["Access-Control-Allow-Headers"] == protocol.SESSION_SECRET_HEADER

    asyncio.run(scenario())


def test_the_page_allows_only_rasa_besides_itself(database_url, session_factory):
    async def scenario():
        async with website(database_url, session_factory) as (client, _, rasa_url):
            response = await client.get("/")
            assert response.status == 200
            policy = response.headers["Content-Security-Policy"]
            host = rasa_url.split("://", 1)[1]
            assert f"connect-src 'self' http://{host} ws://{host};" in policy
            assert "unsafe-inline" not in policy
            page = await response.text()
            assert "<script>" not in page and "style=" not in page
            assert f'data-server="{rasa_url}"' in page
            console = await client.get("/console/login")
            assert "connect-src" not in console.headers["Content-Security-Policy"]

    asyncio.run(scenario())
