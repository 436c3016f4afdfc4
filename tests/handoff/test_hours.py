"""Opening hours: wall-clock schedule in Europe/Copenhagen, DST, holidays, edges."""
import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config import REPO_ROOT
from bot.handoff.hours import OpeningHours, OpeningHoursError, format_danish_datetime

CPH = ZoneInfo("Europe/Copenhagen")
UTC = dt.timezone.utc

SCHEDULE = {
    "timezone": "Europe/Copenhagen",
    "weekly": {
        "monday": ["09:00-15:00"],
        "tuesday": ["09:00-15:00"],
        "wednesday": ["09:00-12:00", "13:00-15:00"],
        "thursday": ["09:00-15:00"],
        "friday": ["09:00-14:00"],
    },
    "closed_dates": {
        "2026-05-14": "Kristi himmelfartsdag",
        "2026-12-24": "Juleaftensdag",
        "2026-12-25": "1. juledag",
    },
}


@pytest.fixture
def hours():
    return OpeningHours.from_dict(SCHEDULE)


def local(*args):
    return dt.datetime(*args, tzinfo=CPH)


def utc(*args):
    return dt.datetime(*args, tzinfo=UTC)


def test_open_and_closed_on_an_ordinary_day(hours):
    assert hours.is_open(local(2026, 11, 26, 10, 30))
    assert not hours.is_open(local(2026, 11, 26, 8, 0))
    assert not hours.is_open(local(2026, 11, 28, 10, 0))  # Saturday
    assert not hours.is_open(local(2026, 11, 25, 12, 30))  # Wednesday lunch break


def test_the_instant_of_opening_is_open_and_of_closing_is_closed(hours):
    assert hours.is_open(local(2026, 11, 26, 9, 0))
    assert not hours.is_open(local(2026, 11, 26, 8, 59, 59, 999999))
    assert hours.is_open(local(2026, 11, 26, 14, 59, 59, 999999))
    assert not hours.is_open(local(2026, 11, 26, 15, 0))
    assert hours.closes_at(local(2026, 11, 26, 9, 0)) == local(2026, 11, 26, 15, 0)
    assert hours.next_opening(local(2026, 11, 26, 9, 0)) == local(2026, 11, 26, 9, 0)


def test_naive_datetimes_are_rejected(hours):
    with pytest.raises(ValueError):
        hours.is_open(dt.datetime(2026, 11, 26, 10, 0))
    with pytest.raises(ValueError):
        hours.next_opening(dt.datetime(2026, 11, 26, 10, 0))


def test_other_timezones_are_converted(hours):
    # 08:30 UTC in winter is 09:30 in Copenhagen.
    assert hours.is_open(utc(2026, 11, 26, 8, 30))
    assert not hours.is_open(utc(2026, 11, 26, 7, 59))


def test_holiday_is_closed_all_day(hours):
    assert not hours.is_open(local(2026, 12, 24, 10, 0))  # a Thursday
    assert not hours.is_open(local(2026, 5, 14, 10, 0))  # Ascension Day, a Thursday
    assert hours.is_open(local(2026, 5, 13, 10, 0))


def test_next_opening_across_a_weekend(hours):
    friday_after_closing = local(2026, 11, 27, 14, 0)
    assert hours.next_opening(friday_after_closing) == local(2026, 11, 30, 9, 0)
    assert hours.describe_next_opening(friday_after_closing) == "mandag den 30. november kl. 9.00"


def test_next_opening_across_a_holiday(hours):
    assert hours.next_opening(local(2026, 5, 13, 16, 0)) == local(2026, 5, 15, 9, 0)


def test_next_opening_across_holidays_and_a_weekend(hours):
    # Wed 23 Dec after closing -> 24, 25 closed, 26-27 weekend -> Monday 28 December.
    assert hours.next_opening(local(2026, 12, 23, 16, 0)) == local(2026, 12, 28, 9, 0)


def test_next_opening_later_today_and_tomorrow(hours):
    assert hours.next_opening(local(2026, 11, 25, 12, 15)) == local(2026, 11, 25, 13, 0)
    assert hours.describe_next_opening(local(2026, 11, 25, 12, 15)) == "i dag kl. 13.00"
    assert hours.describe_next_opening(local(2026, 11, 25, 20, 0)) == "i morgen kl. 9.00"


def test_spring_forward_weekend_keeps_wall_clock_hours(hours):
    # Sat 28 March 2026 (UTC+1) -> DST starts Sun 29 March -> Monday opens 09:00 CEST = 07:00 UTC.
    opening = hours.next_opening(local(2026, 3, 28, 12, 0))
    assert opening == utc(2026, 3, 30, 7, 0)
    assert opening.utcoffset() == dt.timedelta(hours=2)
    assert hours.describe_next_opening(local(2026, 3, 28, 12, 0)) == "mandag den 30. marts kl. 9.00"
    assert not hours.is_open(utc(2026, 3, 30, 6, 59))
    assert hours.is_open(utc(2026, 3, 30, 7, 0))
    # The Friday before still opened at 09:00 CET = 08:00 UTC.
    assert not hours.is_open(utc(2026, 3, 27, 7, 30))
    assert hours.is_open(utc(2026, 3, 27, 8, 0))


def test_fall_back_weekend_keeps_wall_clock_hours(hours):
    # DST ends Sun 25 October 2026 -> Monday opens 09:00 CET = 08:00 UTC.
    assert hours.next_opening(local(2026, 10, 24, 12, 0)) == utc(2026, 10, 26, 8, 0)
    assert not hours.is_open(utc(2026, 10, 26, 7, 30))
    assert hours.is_open(utc(2026, 10, 26, 8, 0))
    # The Friday before still closed at 14:00 CEST = 12:00 UTC.
    assert hours.is_open(utc(2026, 10, 23, 11, 59))
    assert not hours.is_open(utc(2026, 10, 23, 12, 0))


def test_intervals_spanning_the_dst_change_itself():
    night = OpeningHours.from_dict({"weekly": {"sunday": ["01:00-05:00"]}})
    # Spring: 01:00 CET (00:00 UTC) to 05:00 CEST (03:00 UTC): three real hours.
    assert night.is_open(utc(2026, 3, 29, 0, 0))
    assert night.is_open(utc(2026, 3, 29, 2, 59))
    assert not night.is_open(utc(2026, 3, 29, 3, 0))
    # Autumn: 01:00 CEST (23:00 UTC Saturday) to 05:00 CET (04:00 UTC): five real hours,
    # including both passes through 02:30.
    assert night.is_open(utc(2026, 10, 24, 23, 0))
    assert night.is_open(utc(2026, 10, 25, 0, 30))  # 02:30 CEST
    assert night.is_open(utc(2026, 10, 25, 1, 30))  # 02:30 CET
    assert not night.is_open(utc(2026, 10, 25, 4, 0))


def test_danish_formatting_needs_no_locale():
    assert format_danish_datetime(local(2026, 8, 1, 12, 5)) == "lørdag den 1. august kl. 12.05"
    assert format_danish_datetime(local(2027, 2, 3, 9, 0)) == "onsdag den 3. februar kl. 9.00"


def test_describe_week_lists_every_day(hours):
    week = hours.describe_week()
    assert week[2] == "onsdag: 9.00-12.00, 13.00-15.00"
    assert week[5] == "lørdag: lukket"


@pytest.mark.parametrize("bad", [
    {"weekly": {"monday": ["15:00-09:00"]}},
    {"weekly": {"monday": ["9-15"]}},
    {"weekly": {"mandag": ["09:00-15:00"]}},
    {"weekly": {"monday": ["09:00-12:00", "11:00-15:00"]}},
    {"closed_dates": ["24-12-2026"]},
])
def test_malformed_schedules_are_refused(bad):
    with pytest.raises(OpeningHoursError):
        OpeningHours.from_dict(bad)


@pytest.mark.parametrize("schedule", [{"weekly": {}}, {}, {"weekly": {"monday": []}}])
def test_a_schedule_that_never_opens_says_so(schedule):
    hours = OpeningHours.from_dict(schedule)
    assert not hours.is_open(local(2026, 1, 1, 10, 0))
    assert hours.next_opening(local(2026, 1, 1, 0, 0)) is None
    assert hours.describe_next_opening(local(2026, 1, 1, 0, 0)) is None


def test_shipped_example_schedule_loads_and_is_marked_as_example():
    path = REPO_ROOT / "config" / "opening_hours.yml"
    assert "EXAMPLE" in Path(path).read_text(encoding="utf-8").splitlines()[1]
    example = OpeningHours.from_file(path)
    assert example.timezone.key == "Europe/Copenhagen"
    assert not example.is_open(local(2026, 12, 24, 10, 0))
    assert example.next_opening(local(2026, 12, 24, 10, 0)) > local(2026, 12, 24, 10, 0)
