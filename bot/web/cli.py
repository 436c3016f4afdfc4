"""The website's CLI command, registered in bot/__main__.py: `web`."""
from __future__ import annotations

import argparse
import dataclasses

from bot.config import Settings
from bot.db import migrate


def _run_web(args: argparse.Namespace, config: Settings) -> int:
    from bot.web.app import run

    config = dataclasses.replace(config, web_host=args.host or config.web_host,
                                 web_port=args.port or config.web_port)
    migrate(config.database_url)
    run(config, watch=args.handoff_watch)
    return 0


def _run_handoff_watch(args: argparse.Namespace, config: Settings) -> int:
    from bot.web.watch_server import run

    run(config, host=args.host or config.web_host, port=args.port)
    return 0


def add_web(subparsers) -> None:
    parser = subparsers.add_parser("web", help="serve the website and the counsellor console (WEB_HOST:WEB_PORT)")
    parser.add_argument("--host", help="default: WEB_HOST (127.0.0.1)")
    parser.add_argument("--port", type=int, help="default: WEB_PORT (8000)")
    parser.add_argument("--no-handoff-watch", dest="handoff_watch", action="store_false",
                        help="leave the hand-off watch to `python -m bot handoff-watch` (a cluster)")
    parser.set_defaults(func=_run_web)


def add_handoff_watch(subparsers) -> None:
    parser = subparsers.add_parser(
        "handoff-watch", help="run the hand-off watch alone (exactly one per cluster), with GET /health")
    parser.add_argument("--host", help="default: WEB_HOST (127.0.0.1)")
    parser.add_argument("--port", type=int, default=8001, help="of GET /health (default 8001)")
    parser.set_defaults(func=_run_handoff_watch)
