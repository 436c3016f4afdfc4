"""A real Rasa (with the action server) whose socket.io channel fans out through a real Redis.

Rate limits are lowered, with a refill of one message a minute, so a test can count exactly
which message of a burst is the first refused one.
"""
import shutil
import subprocess

import pytest
import redis

from tests.e2e.stack import MODEL, free_port, prepared_stack, wait_until

SESSION_BURST = 5
ADDRESS_BURST = 8
ALLOWED_ORIGIN = "https://www.example.dk"


class RedisServer:
    """redis-server from Debian's package, on a free port, nothing written to disk."""

    def __init__(self, workdir):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log = workdir / "redis.log"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"], stdout=open(self.log, "ab"), stderr=subprocess.STDOUT)
        wait_until(self.answers, 20, "redis-server", self.process, self.log)

    def answers(self):
        try:
            return redis.Redis(port=self.port, socket_connect_timeout=1).ping()
        except redis.RedisError:
            return False

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is missing: apt-get install redis-server")
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    try:
        server.start()
        yield server
    finally:
        server.stop()


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
