"""The end-to-end tests' servers: the launcher's Stack on a fresh database, always open."""
from __future__ import annotations

from pathlib import Path

from bot.launch.stack import Stack, fresh_stack
from tests.schedules import ALWAYS_OPEN


def prepared_stack(workdir: Path) -> Stack:
    """A Stack (not yet started) on a fresh database, with opening hours that are always open.

    The hours file (`workdir/opening_hours.yml`) is re-read on every hand-off request, so a
    test may rewrite it to close."""
    stack = fresh_stack(workdir)
    hours = workdir / "opening_hours.yml"
    hours.write_text(ALWAYS_OPEN)
    stack.env["OPENING_HOURS_PATH"] = str(hours)
    return stack
