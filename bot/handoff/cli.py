"""The counsellor accounts' commands, registered in bot/__main__.py:
`counsellors add NAME [--display-name NAME]`, `counsellors disable NAME`, `counsellors list`."""
from __future__ import annotations

import argparse
import getpass
import sys

from bot.config import Settings
from bot.db import make_engine, make_session_factory, migrate


def _session_factory(config: Settings):
    migrate(config.database_url)
    return make_session_factory(make_engine(config.database_url))


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password = getpass.getpass("Password: ")
    if getpass.getpass("Repeat password: ") != password:
        raise ValueError("the passwords differ")
    return password


def _run_counsellors_add(args: argparse.Namespace, config: Settings) -> int:
    from bot.handoff.counsellors import Counsellors

    try:
        password = _read_password(args)
        Counsellors(_session_factory(config)).add(args.name, password, args.display_name)
    except ValueError as exc:  # includes CounsellorExists
        print(f"counsellor not added: {exc}", file=sys.stderr)
        return 1
    print(f"counsellor {args.name.strip()!r} added")
    return 0


def _run_counsellors_disable(args: argparse.Namespace, config: Settings) -> int:
    from bot.handoff.counsellors import Counsellors

    if not Counsellors(_session_factory(config)).disable(args.name):
        print(f"no counsellor {args.name.strip()!r}", file=sys.stderr)
        return 1
    print(f"counsellor {args.name.strip()!r} disabled and signed out")
    return 0


def _run_counsellors_list(args: argparse.Namespace, config: Settings) -> int:
    from bot.handoff.counsellors import Counsellors

    for name, display_name in sorted(Counsellors(_session_factory(config)).display_names().items()):
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
