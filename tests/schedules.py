"""Opening-hours files for tests that must not depend on the time they run at."""
import datetime as dt
from zoneinfo import ZoneInfo

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
ALWAYS_OPEN = "timezone: Europe/Copenhagen\nweekly:\n" + "".join(
    f'  {day}: ["00:00-23:59"]\n' for day in DAYS)


def open_tomorrow_only() -> str:
    """Closed now, whatever the time of the run; open tomorrow (Copenhagen time) 09-16."""
    tomorrow = (dt.datetime.now(ZoneInfo("Europe/Copenhagen")).weekday() + 1) % 7
    return f'timezone: Europe/Copenhagen\nweekly:\n  {DAYS[tomorrow]}: ["09:00-16:00"]\n'
