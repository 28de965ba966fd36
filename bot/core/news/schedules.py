"""When a subscription posts: as news comes, or as a daily or weekly digest at a UK time.

Digest times are wall-clock times in London, so "08:00" stays 08:00 across the clock changes.
The next digest is always the first such moment strictly after now, so a digest fires once per
period even on the night the clocks go back (01:30 happens twice; the first counts), and on the
night they go forward a time that does not exist (01:30) fires at the same instant as 02:30.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.core.news.rows import SubscriptionRow

UK = ZoneInfo("Europe/London")


class ScheduleKind(StrEnum):
    """When a subscription posts (the values are stored and are the option's choices)."""

    INSTANT = "instant"
    DAILY = "daily"
    WEEKLY = "weekly"


INSTANT, DAILY, WEEKLY = ScheduleKind.INSTANT, ScheduleKind.DAILY, ScheduleKind.WEEKLY
SCHEDULE_KINDS = tuple(ScheduleKind)
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DEFAULT_TIME = time(8, 0)
_TIME = re.compile(r"^(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm)?$")


class ScheduleError(ValueError):
    """A schedule that cannot be used; the message says what to type instead."""


@dataclass(frozen=True)
class Schedule:
    """When a subscription posts. ``at`` is a London wall-clock time and ``day`` a weekday
    (0 = Monday), used by digests only."""

    kind: str = INSTANT
    at: time | None = None
    day: int | None = None

    @property
    def is_digest(self) -> bool:
        """Whether posts wait for a daily or weekly digest."""
        return self.kind != INSTANT

    def next_after(self, moment: datetime) -> datetime | None:
        """The first digest moment strictly after ``moment`` (aware), in UTC; None for
        instant posting."""
        if not self.is_digest or self.at is None:
            return None
        start = moment.astimezone(UK).date()
        for offset in range(9):
            day = start + timedelta(days=offset)
            if self.kind == WEEKLY and day.weekday() != self.day:
                continue
            due = _london(day, self.at)
            if due > moment:
                return due
        raise AssertionError("a weekday recurs within eight days")  # pragma: no cover

    def words(self) -> str:
        """ "as news comes", "daily at 08:00 UK time", "weekly on Mondays at 17:30 UK time"."""
        if not self.is_digest or self.at is None:
            return "as news comes"
        clock = self.at.strftime("%H:%M")
        if self.kind == DAILY:
            return f"a daily digest at {clock} UK time"
        return f"a weekly digest on {DAYS[self.day or 0]}s at {clock} UK time"


def _london(day: date, at: time) -> datetime:
    """``at`` on ``day`` in London, as a UTC moment (fold 0: the first of a repeated hour)."""
    return datetime.combine(day, at, tzinfo=UK).astimezone(UTC)


def parse_time(text: str | None) -> time:
    """A time of day from what people type: "8", "08:00", "8am", "5:30pm", "17.30"."""
    if text is None or not text.strip():
        return DEFAULT_TIME
    match = _TIME.match(text.strip().lower())
    if match is None:
        raise ScheduleError(f"`{text.strip()[:20]}` is not a time of day; try 08:00 or 5:30pm.")
    hour, minute, half = int(match[1]), int(match[2] or 0), match[3]
    if half:
        if not 1 <= hour <= 12:
            raise ScheduleError("With am or pm, the hour is 1 to 12; try 8am or 17:30.")
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        raise ScheduleError(f"`{text.strip()[:20]}` is not a time of day; try 08:00 or 5:30pm.")
    return time(hour, minute)


def parse_day(text: str | int | None) -> int:
    """A weekday (0 = Monday) from a name, its first three letters, or a number 0–6."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return 0
    if isinstance(text, int):
        if 0 <= text <= 6:
            return text
        raise ScheduleError("A day is Monday to Sunday.")
    key = text.strip().lower()
    for number, name in enumerate(DAYS):
        if key in (name.lower(), name.lower()[:3], str(number)):
            return number
    raise ScheduleError(f"`{text.strip()[:20]}` is not a day of the week; try Monday.")


def make_schedule(
    kind: str | None, at: str | None = None, day: str | int | None = None
) -> Schedule:
    """A schedule from a command's options: ``kind`` instant (default), daily or weekly; ``at``
    a time of day (08:00 by default); ``day`` for weekly digests (Monday by default)."""
    chosen = (kind or INSTANT).strip().lower()
    if chosen not in SCHEDULE_KINDS:
        raise ScheduleError("schedule must be instant, daily or weekly.")
    if chosen == INSTANT:
        if (at and at.strip()) or (day is not None and str(day).strip()):
            raise ScheduleError("A time or day needs schedule: daily or weekly.")
        return Schedule()
    if chosen == DAILY:
        if day is not None and str(day).strip():
            raise ScheduleError("A daily digest has no day; use schedule: weekly for one.")
        return Schedule(DAILY, parse_time(at))
    return Schedule(WEEKLY, parse_time(at), parse_day(day))


def stored_schedule(row: SubscriptionRow) -> Schedule:
    """A subscription row's schedule (its ``schedule``, ``digest_time``, ``digest_day``)."""
    kind = row["schedule"] or INSTANT
    digest_time = row["digest_time"]
    if kind == INSTANT or not digest_time:
        return Schedule()
    return Schedule(kind, time.fromisoformat(digest_time), row["digest_day"])


def utc_text(moment: datetime) -> str:
    """A UTC moment as the store's timestamp text."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_utc_text(text: str) -> datetime:
    """The store's timestamp text as an aware UTC moment."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
