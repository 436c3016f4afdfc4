"""`python -m bot.launch run|shell`: start eVejleder until Ctrl-C (`make run`, `make shell`). Ports
and storage come from the environment (README, "Configuration"). The cluster runs in containers
(deploy/, `make run-cluster`)."""
from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
from pathlib import Path
from typing import Callable

from bot.config import REPO_ROOT
from bot.launch import commands
from bot.launch.process import LOOPBACK, ProcessGroup, child_environment, log_tail
from bot.launch.stack import Stack


def _port(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def _say(message: str) -> None:
    print(f"==> {message}", flush=True)


def _serve(group: ProcessGroup, start: Callable[[], None], banner: Callable[[], str]) -> int:
    """Start the group, print the banner, and serve until Ctrl-C (or SIGTERM) or until a server
    exits; then stop every server."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    # Ctrl-C stops everything, even where SIGINT came in ignored (a background job of a script).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        start()
        print(banner(), flush=True)
        gone = group.first_exit()
    except (KeyboardInterrupt, SystemExit):
        return 0
    except RuntimeError as exc:  # a server did not start: its log's tail says why
        print(exc, file=sys.stderr)
        return 1
    finally:
        group.stop_all()
    print(f"{gone.name} exited; last lines of {gone.log}:\n{log_tail(gone.log, 2000)}", file=sys.stderr)
    return 1


def _stack() -> Stack:
    log_dir = Path(os.environ.get("LOG_DIR") or REPO_ROOT / "var" / "log")
    log_dir.mkdir(parents=True, exist_ok=True)
    return Stack(log_dir, child_environment(), endpoints=commands.ENDPOINTS,
                 actions_port=_port("ACTIONS_PORT", 5055), rasa_port=_port("RASA_PORT", 5005),
                 web_port=_port("WEB_PORT", 8000),
                 # Rasa's HTTP API token; only the console (server side) uses it.
                 token=os.environ.get("RASA_TOKEN") or secrets.token_hex(32))


def run() -> int:
    stack = _stack()

    def start() -> None:
        _say(f"Starting the action server on {LOOPBACK}:{stack.actions_port} (log: {stack.workdir}/actions.log)")
        stack.start_actions()
        _say(f"Starting Rasa on {LOOPBACK}:{stack.rasa_port} (log: {stack.workdir}/rasa.log, about 15 s)")
        stack.start_rasa()
        _say(f"Starting the website and counsellor console on port {stack.web_port} "
             f"(log: {stack.workdir}/web.log)")
        stack.start_web()

    return _serve(stack, start, lambda: f"""
eVejleder is running.
  website:   {stack.web_url}/   (the article page with the chat widget)
  console:   {stack.web_url}/console
  REST:      curl -s {stack.rasa_url}/webhooks/rest/webhook -d '{{"sender":"me","message":"hvad laver en leder?"}}'
  socket.io: {stack.rasa_url}/socket.io
Press Ctrl-C to stop.""")


def shell() -> int:
    stack = _stack()
    try:
        stack.start_actions()
        _say("Starting rasa shell (type /stop to end)")
        env = {**stack.env, "ACTION_SERVER_URL": commands.action_url(stack.actions_port)}
        return subprocess.call(commands.rasa_shell(), cwd=REPO_ROOT, env=env)
    except KeyboardInterrupt:
        return 130
    finally:
        stack.stop_all()


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.launch", description=__doc__)
    parser.add_argument("what", choices=("run", "shell"))
    return {"run": run, "shell": shell}[parser.parse_args().what]()


if __name__ == "__main__":
    sys.exit(main())
