"""CLI commands of the hand-off service, registered in bot/__main__.py:
`counsellors add NAME [--display-name NAME]`, `counsellors disable NAME`, `counsellors list`, `purge --older-than 30d`."""
from __future__ import annotations

import argparse
import datetime as dt
import getpass
import re
import sys

from bot.config import settings
from bot.db import make_engine, make_session_factory, migrate

DEFAULT_RETENTION = "30d"
_DURATION = re.compile(r"(\d+)([dhm])")
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}


def parse_duration(text: str) -> dt.timedelta:
    """'30d', '12h' or '90m' -> timedelta (argparse type)."""
    match = _DURATION.fullmatch((text or "").strip().lower())
    if not match:
        raise argparse.ArgumentTypeError(f"expected a duration like 30d, 12h or 90m, got {text!r}")
    return dt.timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def _session_factory():
    config = settings()
    migrate(config.database_url)
    return make_session_factory(make_engine(config.database_url))


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password = getpass.getpass("Password: ")
    if getpass.getpass("Repeat password: ") != password:
        raise ValueError("the passwords differ")
    return password


def _run_counsellors_add(args: argparse.Namespace) -> int:
    from bot.handoff.counsellors import Counsellors

    try:
        password = _read_password(args)
        Counsellors(_session_factory()).add(args.name, password, args.display_name)
    except ValueError as exc:  # includes CounsellorExists
        print(f"counsellor not added: {exc}", file=sys.stderr)
        return 1
    print(f"counsellor {args.name.strip()!r} added")
    return 0


def _run_counsellors_disable(args: argparse.Namespace) -> int:
    from bot.handoff.counsellors import Counsellors

    if not Counsellors(_session_factory()).disable(args.name):
        print(f"no counsellor {args.name.strip()!r}", file=sys.stderr)
        return 1
    print(f"counsellor {args.name.strip()!r} disabled and signed out")
    return 0


def _run_counsellors_list(args: argparse.Namespace) -> int:
    from bot.handoff.counsellors import Counsellors

    for name, display_name in sorted(Counsellors(_session_factory()).display_names().items()):
        print(name if display_name == name else f"{name} ({display_name})")
    return 0


def add_counsellors(subparsers) -> None:
    parser = subparsers.add_parser("counsellors", help="manage counsellor (eVejleder) accounts")
    commands = parser.add_subparsers(dest="counsellors_command", required=True, metavar="ACTION")
    add = commands.add_parser("add", help="create an account; prompts for the password")
    add.add_argument("name", help="the login name")
    add.add_argument("--display-name", metavar="NAME",
                     help='the name visitors see, e.g. "Mette" (default: the login name)')
    add.add_argument("--password-stdin", action="store_true",
                     help="read the password from the first line of standard input")
    add.set_defaults(func=_run_counsellors_add)
    disable = commands.add_parser("disable", help="lock an account and sign it out everywhere")
    disable.add_argument("name")
    disable.set_defaults(func=_run_counsellors_disable)
    listing = commands.add_parser("list", help="list account names")
    listing.set_defaults(func=_run_counsellors_list)


def _run_purge(args: argparse.Namespace) -> int:
    from bot.handoff.models import utcnow
    from bot.handoff.queue import HandoffQueue
    from bot.handoff.sessions import ConsoleSessions
    from bot.insight.review import ReviewLabels
    from bot.tracker_records import TrackerRecords, tracker_database_url, tracker_engine

    factory = _session_factory()
    result = HandoffQueue(factory).purge(args.older_than)
    sessions = ConsoleSessions(factory).purge_expired()
    labels = ReviewLabels(factory).purge(args.older_than)
    print(f"deleted {result.cases} case(s), {result.callbacks} callback request(s), "
          f"{sessions} expired console session(s), {labels} review label(s)")
    tracker_url = tracker_database_url(settings())
    if tracker_url is None:
        print("no SQL tracker store configured (TRACKER_DATABASE_URL, endpoints.yml): "
              "Rasa's conversations were not purged", file=sys.stderr)
        return 1
    engine = tracker_engine(tracker_url)
    try:
        conversations = TrackerRecords(engine).purge(utcnow() - args.older_than)
    finally:
        if engine is not None:
            engine.dispose()
    print(f"deleted the events of {conversations} conversation(s) from Rasa's tracker store")
    return 0


def add_purge(subparsers) -> None:
    parser = subparsers.add_parser(
        "purge",
        help="retention rule: delete cases, callback requests and Rasa's conversation events "
             f"older than --older-than (default {DEFAULT_RETENTION})",
    )
    parser.add_argument("--older-than", type=parse_duration, default=parse_duration(DEFAULT_RETENTION),
                        metavar="DURATION", help="e.g. 30d, 12h, 90m")
    parser.set_defaults(func=_run_purge)
