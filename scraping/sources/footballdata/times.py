"""When a football-data match kicks off, and when its odds were taken."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")
DEFAULT_KICKOFF = time(15, 0)
COLLECTION_TIME = time(16, 0)
MIN_LEAD = timedelta(hours=1)
FRIDAY, TUESDAY = 4, 1
WEEKEND_KICKOFFS = frozenset({4, 5, 6, 0})  # Friday to Monday
_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")


def pre_match_time(kickoff: datetime) -> datetime:
    """When football-data took the pre-match odds of a match kicking off at ``kickoff``.

    16:00 UK time on the collection day (Friday for Friday-Monday games, Tuesday for
    midweek games); kick-off minus one hour when that is later, so the pre-match capture
    is always before the closing one.
    """
    local = kickoff.astimezone(UK)
    anchor = FRIDAY if local.weekday() in WEEKEND_KICKOFFS else TUESDAY
    day = local.date() - timedelta(days=(local.weekday() - anchor) % 7)
    collected = datetime.combine(day, COLLECTION_TIME, tzinfo=UK).astimezone(UTC)
    return min(collected, kickoff - MIN_LEAD)


def kickoff(date_text: str, time_text: str) -> datetime:
    """Date + Time (UK local) as UTC; 15:00 UK when the time is not given."""
    day = _parse_date(date_text)
    clock = _parse_time(time_text) if time_text else DEFAULT_KICKOFF
    return datetime.combine(day, clock, tzinfo=UK).astimezone(UTC)


def _parse_date(text: str) -> date:
    match = _DATE.match(text)
    if not match:
        raise ValueError(f"Date {text!r} is not dd/mm/yyyy or dd/mm/yy")
    day, month, year = (int(part) for part in match.groups())
    if len(match[3]) == 2:
        # strptime's %y pivot: 69-99 are 1900s; football-data starts in 1993.
        year += 1900 if year >= 69 else 2000
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"Date {text!r} is not a calendar date") from None


def _parse_time(text: str) -> time:
    match = _TIME.match(text)
    try:
        if not match:
            raise ValueError
        return time(int(match[1]), int(match[2]))
    except ValueError:
        raise ValueError(f"Time {text!r} is not a UK kick-off time like 15:00") from None
