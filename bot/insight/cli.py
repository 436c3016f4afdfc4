"""`python -m bot export-reviewed`: the review queue's labelled messages as Rasa NLU data."""
from __future__ import annotations

import argparse
from pathlib import Path

from bot.config import Settings
from bot.db import make_engine, make_session_factory
from bot.insight.review import EXPORT_PATH, ReviewLabels, export


def _run_export(args: argparse.Namespace, config: Settings) -> int:
    engine = make_engine(config.database_url)
    try:
        count = export(ReviewLabels(make_session_factory(engine)), Path(args.out))
    finally:
        engine.dispose()
    print(f"wrote {count} labelled message(s) to {args.out}")
    return 0


def add_export_reviewed(subparsers) -> None:
    parser = subparsers.add_parser(
        "export-reviewed", help="write the labelled messages of the review queue as Rasa NLU data")
    parser.add_argument("--out", default=str(EXPORT_PATH), help=f"default: {EXPORT_PATH}")
    parser.set_defaults(func=_run_export)
