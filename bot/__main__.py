"""Developer CLI: `python -m bot <command>`.

To add a command: write `_add_<name>(subparsers)` that registers a subparser and sets
`func` (args -> exit code), then append it to COMMANDS.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable, List, Optional

from bot.config import settings
from bot.db import make_engine, make_session_factory, migrate


def _run_migrate(args: argparse.Namespace) -> int:
    migrate(settings().database_url)
    print("database schema is up to date")
    return 0


def _add_migrate(subparsers) -> None:
    parser = subparsers.add_parser("migrate", help="apply database migrations (alembic upgrade head)")
    parser.set_defaults(func=_run_migrate)


def _run_ingest(args: argparse.Namespace) -> int:
    from bot.knowledge.ingest import IngestError, ingest_file

    config = settings()
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


from bot.handoff.cli import add_counsellors, add_purge  # noqa: E402
from bot.insight.cli import add_export_reviewed  # noqa: E402
from bot.web.cli import add_handoff_watch, add_web  # noqa: E402

COMMANDS: List[Callable] = [_add_migrate, _add_ingest, add_counsellors, add_purge, add_web, add_handoff_watch,
                            add_export_reviewed]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="eVejleder developer commands")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add_command in COMMANDS:
        add_command(subparsers)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
