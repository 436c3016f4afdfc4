"""Test support: a real HTTP peer standing in for Rasa's two endpoints, a cheap hasher, the web app."""
import dataclasses
from contextlib import asynccontextmanager

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from argon2 import PasswordHasher

from bot.launch.process import free_port

TOKEN = "rasa-test-token"

# Real argon2id, with cheap parameters so the suite stays fast; the production
# parameters are checked once in test_queue.py.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


class RasaPeer:
    """Answers GET .../tracker, POST .../tracker/events and POST .../execute like Rasa, keeping
    the events and the actions asked for."""

    def __init__(self):
        self.events = {}
        self.posts = []  # (conversation_id, query dict, body)
        self.app = web.Application()
        self.app.add_routes([
            web.get("/conversations/{cid}/tracker", self.tracker),
            web.post("/conversations/{cid}/tracker/events", self.append),
            web.post("/conversations/{cid}/execute", self.execute),
        ])

    def _authorised(self, request):
        return request.query.get("token") == TOKEN

    async def tracker(self, request):
        if not self._authorised(request):
            return web.json_response({"message": "unauthorised"}, status=401)
        cid = request.match_info["cid"]
        return web.json_response({"sender_id": cid, "events": self.events.get(cid, [])})

    async def append(self, request):
        if not self._authorised(request):
            return web.json_response({"message": "unauthorised"}, status=401)
        cid = request.match_info["cid"]
        body = await request.json()
        self.posts.append((cid, dict(request.query), body))
        for event in body if isinstance(body, list) else [body]:
            self.events.setdefault(cid, []).append(dict(event, timestamp=1795000000.0))
        return web.json_response({"sender_id": cid})


    async def execute(self, request):
        if not self._authorised(request):
            return web.json_response({"message": "unauthorised"}, status=401)
        cid = request.match_info["cid"]
        self.posts.append((cid, dict(request.query), await request.json()))
        return web.json_response({"tracker": {"sender_id": cid}, "messages": []})


def free_port_url():
    return f"http://127.0.0.1:{free_port()}"  # nothing listens there


@asynccontextmanager
async def web_app(database_url, session_factory, rasa_up=True, headers=None, tracker_url=None):
    """The console and website app on a test server, talking to a RasaPeer (or to nothing);
    the client sends `headers` with every request."""
    from bot.config import settings
    from bot.handoff.rasa_api import RasaClient
    from bot.web.app import create_app

    peer = RasaPeer()
    peer_server = TestServer(peer.app)
    await peer_server.start_server()
    rasa_url = str(peer_server.make_url("")).rstrip("/") if rasa_up else free_port_url()
    app = create_app(
        dataclasses.replace(settings(), database_url=database_url, rasa_url=rasa_url,
                            tracker_database_url=tracker_url or settings().tracker_database_url),
        rasa_client=RasaClient(rasa_url, token=TOKEN, timeout=3),
        session_factory=session_factory,
        password_hasher=FAST_HASHER,
    )
    client = TestClient(TestServer(app), headers=headers)
    await client.start_server()
    try:
        yield client, peer, rasa_url
    finally:
        await client.close()
        await peer_server.close()
