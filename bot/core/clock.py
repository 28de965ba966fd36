"""The one clock the core reads. Nothing else asks the system for the time, so a test or a
replay can set it in one place (``Services.clock`` for the bot's loops)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def utc_now() -> datetime:
    """Now, in UTC."""
    return datetime.now(UTC)


def utc_now_text(precise: bool = False) -> str:
    """Now in UTC as ISO 8601 text: ``2024-01-31T12:00:00Z``, with microseconds if ``precise``
    (change-log entries of one load share a second, and their order must survive a sort)."""
    pattern = "%Y-%m-%dT%H:%M:%S.%fZ" if precise else "%Y-%m-%dT%H:%M:%SZ"
    return utc_now().strftime(pattern)


def london_today() -> date:
    """Today's date in the United Kingdom, Parliament's day (in UTC where the time zone
    database is missing)."""
    now = utc_now()
    try:
        return now.astimezone(ZoneInfo("Europe/London")).date()
    except ZoneInfoNotFoundError:
        return now.date()
