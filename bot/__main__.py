"""The command line: `python -m bot <command>`, every command of the project in one registry.

To add a command: write `add_<name>(subparsers)` next to the code it runs; it registers a
subparser and sets `func` (args, settings -> exit code). Then append it to COMMANDS.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Callable, Dict, List, Optional

from bot.config import Settings, settings
from bot.data_requests import add_data_request
from bot.db import make_engine, make_session_factory, migrate
from bot.handoff.cli import add_counsellors
from bot.insight.cli import add_export_reviewed
from bot.launch.cli import add_run, add_shell
from bot.privacy.retention import Store, add_purge
from bot.web.cli import add_handoff_watch, add_web


def _run_migrate(args: argparse.Namespace, config: Settings) -> int:
    migrate(config.database_url)
    print("database schema is up to date")
    return 0


def _add_migrate(subparsers) -> None:
    parser = subparsers.add_parser("migrate", help="apply database migrations (alembic upgrade head)")
    parser.set_defaults(func=_run_migrate)


def _run_ingest(args: argparse.Namespace, config: Settings) -> int:
    from bot.knowledge.ingest import IngestError, ingest_file

    path = Path(args.path) if args.path else config.article_path
    slug = args.slug or (None if args.path else config.job_slug)
    migrate(config.database_url)
    engine = make_engine(config.database_url)
    try:
        result = ingest_file(make_session_factory(engine), path, slug=slug, force=args.force)
    except IngestError as exc:
        print(f"ingest failed: {exc}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(result.describe())
    return 0


def _add_ingest(subparsers) -> None:
    parser = subparsers.add_parser(
        "ingest", help="parse a UddannelsesGuiden job article (plain text) into the knowledge store"
    )
    parser.add_argument("path", nargs="?", help="article file (default: ARTICLE_PATH)")
    parser.add_argument("--slug", help="job slug (default: the file name, or JOB_SLUG for ARTICLE_PATH)")
    parser.add_argument("--force", action="store_true",
                        help="rewrite the job even if the file is unchanged (after parser changes)")
    parser.set_defaults(func=_run_ingest)


def _run_spacy(args: argparse.Namespace, config: Settings) -> int:
    from bot.language.pipeline import save_pipeline

    save_pipeline(Path(args.path))
    print(f"Danish spaCy pipeline saved to {args.path}")
    return 0


def _add_spacy(subparsers) -> None:
    parser = subparsers.add_parser("spacy", help="build and save the Danish spaCy pipeline for Rasa (make spacy)")
    parser.add_argument("path", nargs="?", default="var/spacy_da", help="default: var/spacy_da")
    parser.set_defaults(func=_run_spacy)


def _personal_data(config: Settings) -> List[Store]:
    """Every store of the bot's database that keeps a visitor's words, for the retention purge."""
    from bot.handoff.queue import HandoffQueue
    from bot.handoff.console_logins import ConsoleSessions
    from bot.insight.ratings import AnswerRatings
    from bot.insight.review import ReviewLabels
    from bot.privacy.access_log import AccessLog

    migrate(config.database_url)
    factory = make_session_factory(make_engine(config.database_url))

    def handoff(older_than: dt.timedelta) -> Dict[str, int]:
        result = HandoffQueue(factory).purge(older_than)
        return {"case(s)": result.cases, "callback request(s)": result.callbacks}

    def console_logins(_older_than: dt.timedelta) -> Dict[str, int]:
        return {"expired console session(s)": ConsoleSessions(factory).purge_expired()}

    def review(older_than: dt.timedelta) -> Dict[str, int]:
        return {"review label(s)": ReviewLabels(factory).purge(older_than)}

    def access_log(_older_than: dt.timedelta) -> Dict[str, int]:
        # The log has its own period: it must outlive the data whose handling it records.
        kept = dt.timedelta(days=config.access_log_retention_days)
        return {"access log row(s)": AccessLog(factory).purge(kept)}

    def ratings(older_than: dt.timedelta) -> Dict[str, int]:
        return {"answer rating claim(s)": AnswerRatings(factory).purge(older_than)}

    return [handoff, console_logins, review, access_log, ratings]


def _add_purge(subparsers) -> None:
    add_purge(subparsers, _personal_data)


COMMANDS: List[Callable] = [
    _add_migrate, _add_ingest, _add_spacy, add_run, add_shell, add_web, add_handoff_watch,
    add_counsellors, _add_purge, add_export_reviewed, add_data_request,
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="eVejleder's commands")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add_command in COMMANDS:
        add_command(subparsers)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args, settings())


if __name__ == "__main__":
    sys.exit(main())
