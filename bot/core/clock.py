"""The one clock the core reads, as the text stored in the database's timestamp columns."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now_text(precise: bool = False) -> str:
    """Now in UTC as ISO 8601 text: ``2024-01-31T12:00:00Z``, with microseconds if ``precise``
    (change-log entries of one load share a second, and their order must survive a sort)."""
    pattern = "%Y-%m-%dT%H:%M:%S.%fZ" if precise else "%Y-%m-%dT%H:%M:%SZ"
    return datetime.now(UTC).strftime(pattern)
