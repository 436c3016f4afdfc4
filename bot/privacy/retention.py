"""The retention rule: `python -m bot purge --older-than 30d` deletes every record of a visitor's
words older than the period, wherever it is kept: hand-off cases, callback requests, review labels,
expired console logins, and Rasa's own conversation events.

Privacy sits below the parts that keep the data, so it does not name them: the command registry
(bot/__main__.py) hands the purge its stores, each a function from the period to what it deleted.
"""
from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from typing import Callable, Dict, List

from bot.config import Settings
from bot.privacy.rasa_records import RasaRecords, tracker_database_url, tracker_engine

DEFAULT_RETENTION = "30d"
_DURATION = re.compile(r"(\d+)([dhm])")
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}

# One store of the bot's database: the period -> {"case(s)": 3, ...}, what it deleted.
Store = Callable[[dt.timedelta], Dict[str, int]]


def parse_duration(text: str) -> dt.timedelta:
    """'30d', '12h' or '90m' -> timedelta (argparse type)."""
    match = _DURATION.fullmatch((text or "").strip().lower())
    if not match:
        raise argparse.ArgumentTypeError(f"expected a duration like 30d, 12h or 90m, got {text!r}")
    return dt.timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def purge(config: Settings, stores: List[Store], older_than: dt.timedelta) -> int:
    """Run the retention rule; prints what went, returns the exit code (1: Rasa's records unknown)."""
    deleted: Dict[str, int] = {}
    for store in stores:
        deleted.update(store(older_than))
    print("deleted " + ", ".join(f"{count} {what}" for what, count in deleted.items()))
    tracker_url = tracker_database_url(config)
    if tracker_url is None:
        print("no SQL tracker store configured (TRACKER_DATABASE_URL, endpoints.yml): "
              "Rasa's conversations were not purged", file=sys.stderr)
        return 1
    engine = tracker_engine(tracker_url)
    try:
        conversations = RasaRecords(engine).purge(dt.datetime.now(dt.timezone.utc) - older_than)
    finally:
        if engine is not None:
            engine.dispose()
    print(f"deleted the events of {conversations} conversation(s) from Rasa's tracker store")
    return 0


def add_purge(subparsers, stores: Callable[[Settings], List[Store]]) -> None:
    """Register `purge`; `stores` builds the bot's stores of personal data from the settings."""
    parser = subparsers.add_parser(
        "purge",
        help="retention rule: delete cases, callback requests and Rasa's conversation events "
             f"older than --older-than (default {DEFAULT_RETENTION})",
    )
    parser.add_argument("--older-than", type=parse_duration, default=parse_duration(DEFAULT_RETENTION),
                        metavar="DURATION", help="e.g. 30d, 12h, 90m")
    parser.set_defaults(func=lambda args, config: purge(config, stores(config), args.older_than))
