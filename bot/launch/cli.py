"""`python -m bot run|shell`: start eVejleder until Ctrl-C (`make run`, `make shell`). Ports
and storage come from the settings (README, "Configuration"). The cluster runs in containers
(deploy/, `make run-cluster`)."""
from __future__ import annotations

import argparse
import secrets
import signal
import subprocess
import sys
from typing import Callable

from bot.config import REPO_ROOT, Settings
from bot.launch import commands
from bot.launch.process import LOOPBACK, ProcessGroup, child_environment, log_tail
from bot.launch.stack import Stack


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


def _stack(config: Settings) -> Stack:
    config.log_dir.mkdir(parents=True, exist_ok=True)
    return Stack(config.log_dir, child_environment(), endpoints=commands.ENDPOINTS,
                 actions_port=config.actions_port, rasa_port=config.rasa_port,
                 web_port=config.web_port,
                 # Rasa's HTTP API token; only the console (server side) uses it.
                 token=config.rasa_token or secrets.token_hex(32))


def run(args: argparse.Namespace, config: Settings) -> int:
    stack = _stack(config)

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


def shell(args: argparse.Namespace, config: Settings) -> int:
    stack = _stack(config)
    try:
        stack.start_actions()
        _say("Starting rasa shell (type /stop to end)")
        env = {**stack.env, "ACTION_SERVER_URL": commands.action_url(stack.actions_port)}
        return subprocess.call(commands.rasa_shell(), cwd=REPO_ROOT, env=env)
    except KeyboardInterrupt:
        return 130
    finally:
        stack.stop_all()


def add_run(subparsers) -> None:
    parser = subparsers.add_parser(
        "run", help="start the action server, Rasa and the web server until Ctrl-C (make run)")
    parser.set_defaults(func=run)


def add_shell(subparsers) -> None:
    parser = subparsers.add_parser("shell", help="the action server and `rasa shell` (make shell)")
    parser.set_defaults(func=shell)
