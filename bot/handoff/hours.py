"""Opening hours of the human eVejledning: a weekly schedule plus closed dates.

The schedule is written in local wall-clock time (Europe/Copenhagen by default) and
every comparison is made between aware datetimes, so daylight-saving changes need no
special cases: 09:00 is 09:00 local time on both sides of a DST weekend.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Tuple, Union
from zoneinfo import ZoneInfo

from bot.config import read_config_file

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

# Danish names spelled out here so formatting never depends on the OS locale.
DANISH_WEEKDAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")
DANISH_MONTHS = (
    "januar", "februar", "marts", "april", "maj", "juni",
    "juli", "august", "september", "oktober", "november", "december",
)

# How far ahead next_opening looks before it answers "no opening" (a schedule with no open day).
_SEARCH_DAYS = 400

Interval = Tuple[dt.time, dt.time]


class OpeningHoursError(ValueError):
    """The opening-hours file is malformed."""


def _require_aware(at: dt.datetime) -> None:
    if at.tzinfo is None or at.tzinfo.utcoffset(at) is None:
        raise ValueError("OpeningHours needs a timezone-aware datetime, got a naive one")


def _parse_time(text: str) -> dt.time:
    try:
        hours, minutes = str(text).strip().split(":")
        return dt.time(int(hours), int(minutes))
    except ValueError as exc:
        raise OpeningHoursError(f"Bad time {text!r}, expected HH:MM") from exc


def _parse_interval(text: str) -> Interval:
    parts = str(text).split("-")
    if len(parts) != 2:
        raise OpeningHoursError(f"Bad interval {text!r}, expected HH:MM-HH:MM")
    start, end = _parse_time(parts[0]), _parse_time(parts[1])
    if end <= start:
        raise OpeningHoursError(f"Interval {text!r} must end after it starts (no midnight crossing)")
    return start, end


def _parse_date(value: Union[str, dt.date]) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise OpeningHoursError(f"Bad date {value!r}, expected YYYY-MM-DD") from exc


@dataclass(frozen=True)
class OpeningHours:
    """Weekly opening intervals (local time) and closed dates, in one timezone."""

    weekly: Mapping[int, Tuple[Interval, ...]]  # weekday (0 = Monday) -> sorted intervals
    closed_dates: Mapping[dt.date, str] = field(default_factory=dict)  # date -> reason
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/Copenhagen"))

    # ---- construction -------------------------------------------------------------

    @classmethod
    def from_dict(cls, data: Mapping) -> "OpeningHours":
        if not isinstance(data, Mapping):
            raise OpeningHoursError("Opening hours must be a mapping")
        timezone = ZoneInfo(str(data.get("timezone", "Europe/Copenhagen")))
        raw_weekly = data.get("weekly") or {}
        unknown = set(raw_weekly) - set(WEEKDAYS)
        if unknown:
            raise OpeningHoursError(f"Unknown weekday(s): {sorted(unknown)}")
        weekly: Dict[int, Tuple[Interval, ...]] = {}
        for index, name in enumerate(WEEKDAYS):
            intervals = sorted(_parse_interval(item) for item in (raw_weekly.get(name) or []))
            for (_, end), (next_start, _) in zip(intervals, intervals[1:]):
                if next_start < end:
                    raise OpeningHoursError(f"Overlapping intervals on {name}")
            weekly[index] = tuple(intervals)
        raw_closed = data.get("closed_dates") or {}
        if isinstance(raw_closed, Mapping):
            closed = {_parse_date(day): str(reason or "") for day, reason in raw_closed.items()}
        else:
            closed = {_parse_date(day): "" for day in raw_closed}
        return cls(weekly=weekly, closed_dates=closed, timezone=timezone)

    @classmethod
    def from_file(cls, path: Union[str, Path]) -> "OpeningHours":
        return cls.from_dict(read_config_file(path))

    # ---- queries ------------------------------------------------------------------

    def intervals_on(self, day: dt.date) -> List[Tuple[dt.datetime, dt.datetime]]:
        """Aware (start, end) pairs for one local calendar date; empty when closed."""
        if day in self.closed_dates:
            return []
        return [
            (
                dt.datetime.combine(day, start, tzinfo=self.timezone),
                dt.datetime.combine(day, end, tzinfo=self.timezone),
            )
            for start, end in self.weekly.get(day.weekday(), ())
        ]

    def is_open(self, at: dt.datetime) -> bool:
        """True when `at` lies in an opening interval (start inclusive, end exclusive)."""
        return self.closes_at(at) is not None

    def closes_at(self, at: dt.datetime) -> Optional[dt.datetime]:
        """End of the interval that is open at `at`, or None when closed."""
        _require_aware(at)
        for start, end in self.intervals_on(at.astimezone(self.timezone).date()):
            if start <= at < end:
                return end
        return None

    def next_opening(self, at: dt.datetime) -> Optional[dt.datetime]:
        """The earliest instant >= `at` at which the service is open (local timezone).

        When open at `at`, that is `at` itself; None when the schedule has no opening within
        about a year (a file without openings means "closed").
        """
        _require_aware(at)
        if self.is_open(at):
            return at.astimezone(self.timezone)
        day = at.astimezone(self.timezone).date()
        for offset in range(_SEARCH_DAYS):
            for start, _ in self.intervals_on(day + dt.timedelta(days=offset)):
                if start >= at:
                    return start
        return None

    # ---- Danish wording -----------------------------------------------------------

    def describe_next_opening(self, at: dt.datetime) -> Optional[str]:
        """Danish phrase for the next opening: 'i dag kl. 13.00', 'i morgen kl. 9.00',
        or 'mandag den 30. november kl. 9.00' (Danish style); None when there is none."""
        opening = self.next_opening(at)
        if opening is None:
            return None
        today = at.astimezone(self.timezone).date()
        if opening.date() == today:
            return f"i dag {clock_time(opening)}"
        if opening.date() == today + dt.timedelta(days=1):
            return f"i morgen {clock_time(opening)}"
        return format_danish_datetime(opening)

    def describe_week(self) -> List[str]:
        """One Danish line per weekday, e.g. 'mandag: 9.00-15.00' or 'lørdag: lukket'."""
        lines = []
        for index, name in enumerate(DANISH_WEEKDAYS):
            intervals = self.weekly.get(index, ())
            hours = ", ".join(f"{s.hour}.{s:%M}-{e.hour}.{e:%M}" for s, e in intervals) or "lukket"
            lines.append(f"{name}: {hours}")
        return lines


def format_danish_date(day: dt.date) -> str:
    """'mandag den 30. november' (no year, no OS locale)."""
    return f"{DANISH_WEEKDAYS[day.weekday()]} den {day.day}. {DANISH_MONTHS[day.month - 1]}"


def clock_time(at: dt.datetime) -> str:
    """'kl. 9.00', 'kl. 13.05': Danish style, a point and no leading zero."""
    return f"kl. {at.hour}.{at:%M}"


def format_danish_datetime(at: dt.datetime) -> str:
    """'mandag den 30. november kl. 9.00', in the datetime's own timezone."""
    return f"{format_danish_date(at.date())} {clock_time(at)}"
