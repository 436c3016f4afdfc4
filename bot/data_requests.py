"""A visitor's rights wired together: every place that keeps a visitor's data, for the data
requests of bot/privacy/requests.py, and the command `python -m bot data-request`.

Privacy sits below hand-off and insight and cannot name them; this module sits above all three,
as the command registry does for the retention purge.
"""
from __future__ import annotations

import argparse
import getpass
import json
import sys
from contextlib import contextmanager
from typing import Callable, Iterator

from bot.config import Settings
from bot.db import make_engine, make_session_factory, migrate
from bot.handoff.data_request import HandoffData
from bot.insight.review import ReviewLabelData
from bot.privacy.access_log import AccessLog
from bot.privacy.rasa_records import tracker_database_url, tracker_engine
from bot.privacy.requests import DataRequests, RasaConversations, RequestError


def build(session_factory: Callable, config: Settings, tracker=None) -> DataRequests:
    """`tracker`: an engine on Rasa's tracker store, or None when there is none (then every
    search, export and deletion reports Rasa's conversations as not reached)."""
    return DataRequests([HandoffData(session_factory), ReviewLabelData(session_factory),
                         RasaConversations(tracker)], AccessLog(session_factory))


@contextmanager
def tracker_for(config: Settings) -> Iterator:
    url = tracker_database_url(config)
    engine = tracker_engine(url) if url else None
    try:
        yield engine
    finally:
        if engine is not None:
            engine.dispose()


def _run(args: argparse.Namespace, config: Settings) -> int:
    migrate(config.database_url)
    engine = make_engine(config.database_url)
    actor = f"cli:{args.by or getpass.getuser()}"
    try:
        with tracker_for(config) as tracker:
            requests = build(make_session_factory(engine), config, tracker)
            if args.action == "find":
                found = requests.find(args.who, actor)
                for conversation in sorted(found.conversations):
                    print(conversation)
                failures = found.failures
                if not found.conversations:
                    print("Ingen samtaler eller opkaldsønsker fundet.", file=sys.stderr)
            elif args.action == "export":
                result = requests.export(args.who, actor)
                print(json.dumps(result, ensure_ascii=False, indent=2))
                failures = result["fejl"]
            else:
                deleted = requests.delete(args.who, actor)
                for name, count in deleted.counts.items():
                    print(f"{name}: {count} slettet")
                failures = deleted.failures
    except RequestError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    for failure in failures:
        print(failure, file=sys.stderr)
    return 1 if failures else 0


def add_data_request(subparsers) -> None:
    parser = subparsers.add_parser(
        "data-request",
        help="a visitor's rights: find, export (JSON) or delete one person's conversations and "
             "callback requests by session id, phone number or e-mail; written to the access log",
    )
    parser.add_argument("action", choices=("find", "export", "delete"))
    parser.add_argument("who", help="a session id, a phone number or an e-mail address")
    parser.add_argument("--by", help="who handles the request, for the access log (default: your user name)")
    parser.set_defaults(func=_run)
