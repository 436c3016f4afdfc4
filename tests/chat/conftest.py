"""A real Rasa (with the action server) whose socket.io channel fans out through a real Redis.

Rate limits are lowered to one message a minute in the long run (a window of BURST minutes), so
a test can count exactly which message of a burst is the first refused one.
"""
import shutil

import pytest

from bot.launch.commands import MODEL
from bot.launch.services import RedisServer
from tests.e2e.stack import prepared_stack

SESSION_BURST = 5
ADDRESS_BURST = 8
ALLOWED_ORIGIN = "https://www.example.dk"


@pytest.fixture(scope="session")
def redis_server():
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is missing: apt-get install redis-server")
    server = RedisServer()
    try:
        server.start()
        yield server
    finally:
        server.destroy()


@pytest.fixture(scope="session")
def chat_stack(tmp_path_factory, redis_server):
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` (make test does it)")
    running = prepared_stack(tmp_path_factory.mktemp("chat"))
    running.env.update(
        REDIS_URL=redis_server.url,
        CHAT_ALLOWED_ORIGINS=ALLOWED_ORIGIN,
        CHAT_SESSION_BURST=str(SESSION_BURST), CHAT_SESSION_PER_MINUTE="1",
        CHAT_ADDRESS_BURST=str(ADDRESS_BURST), CHAT_ADDRESS_PER_MINUTE="1",
    )
    try:
        running.start_actions()
        running.start_rasa()
        yield running
    finally:
        running.stop_all()
