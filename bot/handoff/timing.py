"""How long a hand-off waits for people who may have gone (config/handoff.yml).

A missing or unreadable file gives the defaults, never an error: the queue must keep ending.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Union

import yaml

from bot.config import Settings, read_config_file

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HandoffTiming:
    offer_callback_after: dt.timedelta = dt.timedelta(minutes=5)
    visitor_gone_after: dt.timedelta = dt.timedelta(seconds=20)

    @classmethod
    def from_file(cls, path: Union[str, Path]) -> "HandoffTiming":
        data = read_config_file(path)
        if not isinstance(data, dict):
            raise ValueError("the hand-off timing file is not a mapping")
        defaults = cls()
        return cls(
            offer_callback_after=_duration(data.get("offer_callback_after_minutes"), "minutes",
                                           defaults.offer_callback_after),
            visitor_gone_after=_duration(data.get("visitor_gone_after_seconds"), "seconds",
                                         defaults.visitor_gone_after),
        )


def _duration(value: Any, unit: str, default: dt.timedelta) -> dt.timedelta:
    if value is None:
        return default
    number = float(value)
    if not number > 0:
        raise ValueError(f"a hand-off duration must be positive, got {value!r}")
    return dt.timedelta(**{unit: number})


def handoff_timing(config: Settings) -> HandoffTiming:
    """The configured timing, read now; the defaults when the file cannot be read."""
    path = config.handoff_config_path
    try:
        return HandoffTiming.from_file(path)
    except (OSError, ValueError, TypeError, yaml.YAMLError) as error:
        log.error("Hand-off timing unreadable (%s), using the defaults: %s", path, error)
        return HandoffTiming()
