"""`make run` as a visitor's machine sees it: the launcher on non-default ports, reachable only on
loopback, with the Rasa token on no command line, and custom actions answering."""
import os
import signal
import subprocess
import time

import pytest
import requests

from bot.config import REPO_ROOT
from bot.launch.commands import MODEL, bot_cli
from bot.launch.process import free_port
from tests.launch.sockets import descendants, listening

LOOPBACK = {"127.0.0.1", "::1"}


@pytest.fixture(scope="module")
def make_run(tmp_path_factory):
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` (make test does it)")
    workdir = tmp_path_factory.mktemp("make-run")
    ports = {"RASA_PORT": free_port(), "ACTIONS_PORT": free_port(), "WEB_PORT": free_port()}
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{workdir / 'bot.db'}", LOG_DIR=str(workdir),
               RASA_TOKEN="token-that-must-stay-off-command-lines",
               **{name: str(port) for name, port in ports.items()})
    env.pop("ACTION_SERVER_URL", None)  # the launcher derives it from ACTIONS_PORT
    for args in (("migrate",), ("ingest",)):
        subprocess.run(bot_cli(*args), cwd=REPO_ROOT, env=env, check=True, capture_output=True)
    launcher = subprocess.Popen([str(REPO_ROOT / "scripts" / "run")], cwd=REPO_ROOT, env=env,
                                stdout=open(workdir / "launcher.log", "wb"), stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 400
        while True:
            assert launcher.poll() is None, (workdir / "launcher.log").read_text()
            try:
                if requests.get(f"http://127.0.0.1:{ports['WEB_PORT']}/console/login", timeout=2).ok:
                    break
            except requests.RequestException:
                pass
            assert time.monotonic() < deadline, (workdir / "launcher.log").read_text()
            time.sleep(1)
        yield launcher, ports, env
    finally:
        launcher.send_signal(signal.SIGINT)  # Ctrl-C
        try:
            launcher.wait(60)
        except subprocess.TimeoutExpired:
            launcher.kill()
            launcher.wait()


def test_every_server_of_make_run_listens_on_loopback_only(make_run):
    launcher, ports, _ = make_run
    sockets = listening(descendants(launcher.pid))
    assert {port for _, port, _ in sockets} >= set(ports.values()), sockets
    assert {address for address, _, _ in sockets} <= LOOPBACK, sockets


def test_the_rasa_token_is_on_no_command_line(make_run):
    launcher, _, env = make_run
    for pid in descendants(launcher.pid):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                assert env["RASA_TOKEN"].encode() not in cmdline.read(), pid
        except FileNotFoundError:
            pass


def test_a_danish_question_on_non_default_ports_reaches_a_custom_action(make_run):
    _, ports, env = make_run
    url = f"http://127.0.0.1:{ports['RASA_PORT']}"
    replies = requests.post(f"{url}/webhooks/rest/webhook", timeout=60,
                            json={"sender": "launcher-test", "message": "hvad laver en leder?"}).json()
    assert "Kilde: UddannelsesGuiden" in "\n".join(r.get("text", "") for r in replies), replies
    # The HTTP API takes the token that came through the environment.
    assert requests.get(f"{url}/status", timeout=10).status_code == 401
    assert requests.get(f"{url}/status", params={"token": env["RASA_TOKEN"]}, timeout=10).ok


def test_ctrl_c_stops_every_server(make_run):
    launcher, ports, _ = make_run
    children = descendants(launcher.pid)
    launcher.send_signal(signal.SIGINT)
    assert launcher.wait(60) == 0
    assert [pid for pid in children if os.path.exists(f"/proc/{pid}")] == []
