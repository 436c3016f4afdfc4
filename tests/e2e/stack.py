"""The end-to-end tests' servers: the launcher's Stack on a fresh database, always open."""
from __future__ import annotations

from pathlib import Path

from bot.launch.stack import Stack, fresh_stack
from bot.config import REPO_ROOT
from tests.schedules import ALWAYS_OPEN

DEFAULT_TIMING = (REPO_ROOT / "config" / "handoff.yml").read_text(encoding="utf-8")


def prepared_stack(workdir: Path) -> Stack:
    """A Stack (not yet started) on a fresh database, with opening hours that are always open.

    The hours file (`workdir/opening_hours.yml`) is re-read on every hand-off request, so a
    test may rewrite it to close; so is the hand-off timing (`workdir/handoff.yml`, the shipped
    values at first), so a test may shorten the waits."""
    stack = fresh_stack(workdir)
    hours = workdir / "opening_hours.yml"
    hours.write_text(ALWAYS_OPEN)
    stack.env["OPENING_HOURS_PATH"] = str(hours)
    timing = workdir / "handoff.yml"
    timing.write_text(DEFAULT_TIMING)
    stack.env["HANDOFF_CONFIG_PATH"] = str(timing)
    return stack
