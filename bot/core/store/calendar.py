"""One working-day calendar: the store's ``working_days`` table kept equal to the live rules.

``/answer`` works out a question's due day with ``bot.core.reports.duedates`` and the
``holidays`` package, live; the SQL figures (``/overdue``, ``/timeliness``) join the
``working_days`` table, made from the same rules when the store was created (migration 5). Two
things could set them apart, and both are mended here:

- **an upgrade of ``holidays``** that adds or moves a bank holiday (a coronation, a jubilee):
  at every start (``Store`` opened for writing) the weekdays the table treats as holidays are
  compared with the package's, and on any difference the table is made again;
- **a question dated outside the table** (it was 1997–2040): the SQL joins drop such a question
  without a word. The table covers every day a question carries (tabled, answered, date for
  answer), with a year's margin either side, and today: checked at start from the indexes'
  ends, and on each ``upsert`` from the records stored, extended in the same transaction.

The check at start reads the table's ends and the questions' earliest and latest days (index
ends), asks the package once for the whole range, and looks up each holiday and the day before
it in the table (``holidays_match``): milliseconds, whatever the store's size
(``bench/calendar_bench.py``).
Making the table again (16,000 rows) takes a fraction of a second and happens only after such
an upgrade or when a question far outside it arrives.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from bot.core.reports.duedates import (
    CALENDAR_FIRST,
    CALENDAR_LAST,
    bank_holidays_between,
    working_day_calendar,
)

log = logging.getLogger(__name__)

#: Years of margin kept either side of the dates the questions carry.
MARGIN_YEARS = 1
#: No calendar before or after these years: a date outside them is a data error, not a
#: question to count (it would make a table of hundreds of thousands of rows).
EARLIEST_YEAR = 1800
LATEST_YEAR = 2200


@dataclass(frozen=True)
class CalendarCheck:
    """What the check at start found and did."""

    first: date
    last: date
    rebuilt: bool
    reason: str  # "" when nothing was needed


def _day(text: str | None) -> date | None:
    """A stored day (``YYYY-MM-DD``, maybe with a time after it) as a date; None if unusable."""
    if not text or len(text) < 10:
        return None
    try:
        day = date.fromisoformat(text[:10])
    except ValueError:
        return None
    return day if EARLIEST_YEAR <= day.year <= LATEST_YEAR else None


def stored_bounds(conn: sqlite3.Connection) -> tuple[date, date] | None:
    """The first and last day of the ``working_days`` table (None when it is empty)."""
    # Two subqueries: SQLite reads a lone min() or max() from the index's end, not both at once.
    first, last = conn.execute(
        "SELECT (SELECT min(day) FROM working_days), (SELECT max(day) FROM working_days)"
    ).fetchone()
    if first is None:
        return None
    return date.fromisoformat(first), date.fromisoformat(last)


def data_bounds(conn: sqlite3.Connection) -> tuple[date, date] | None:
    """The earliest and latest day the questions carry (tabled, answered, the date for answer
    a due day is read from), each from an index's end."""
    found: list[date] = []
    named = "WHERE date_for_answer IS NOT NULL AND (house = 'Lords' OR is_named_day = 1)"
    for column, where in (("date_tabled", ""), ("date_answered", ""), ("date_for_answer", named)):
        sql = (f"SELECT (SELECT min({column}) FROM questions {where}), "
               f"(SELECT max({column}) FROM questions {where})")
        for text in conn.execute(sql).fetchone():
            day = _day(text)
            if day is not None:
                found.append(day)
    return (min(found), max(found)) if found else None


def wanted_bounds(days: tuple[date, date] | None, today: date) -> tuple[date, date]:
    """The range the table must cover: 1997–2040 at least, and the days given and today with
    ``MARGIN_YEARS`` either side, in whole years."""
    low = min([CALENDAR_FIRST, today] + ([days[0]] if days else []))
    high = max([CALENDAR_LAST, today] + ([days[1]] if days else []))
    first = CALENDAR_FIRST if low >= CALENDAR_FIRST else date(low.year - MARGIN_YEARS, 1, 1)
    last = CALENDAR_LAST if high <= CALENDAR_LAST else date(high.year + MARGIN_YEARS, 12, 31)
    return first, last


def stored_holidays(conn: sqlite3.Connection) -> set[date]:
    """The weekdays the table counts as no working day: the bank holidays it was made with."""
    rows = conn.execute(
        """
        SELECT day FROM (
            SELECT day, n, coalesce(lag(n) OVER (ORDER BY day), 0) AS before FROM working_days
        ) WHERE n = before AND strftime('%w', day) NOT IN ('0', '6')
        """
    )
    return {date.fromisoformat(day) for (day,) in rows}


def _weekdays(first: date, last: date) -> int:
    """Mondays to Fridays from ``first`` to ``last`` inclusive."""
    def through(ordinal: int) -> int:  # date.fromordinal(1) is a Monday
        weeks, rest = divmod(ordinal, 7)
        return weeks * 5 + min(rest, 5)

    return through(last.toordinal()) - through(first.toordinal() - 1)


def holidays_match(conn: sqlite3.Connection, want: set[date], first: date, last: date) -> bool:
    """Whether the table, [first, last], has exactly ``want`` as its holiday weekdays, from
    about 800 lookups instead of a pass over every row: each day in ``want`` adds no working
    day (its count equals the day before's), and the table counts no other weekday out (its
    working days, the last day's count, are the weekdays less ``len(want)``)."""
    days = sorted({d for h in want for d in (h, h - timedelta(days=1))} | {last})
    counts: dict[str, int] = {}
    for start in range(0, len(days), 500):
        part = [d.isoformat() for d in days[start:start + 500]]
        marks = ", ".join("?" * len(part))
        counts.update(conn.execute(
            f"SELECT day, n FROM working_days WHERE day IN ({marks})", part))
    if counts.get(last.isoformat()) != _weekdays(first, last) - len(want):
        return False
    for holiday in want:
        before = 0 if holiday == first else counts.get((holiday - timedelta(days=1)).isoformat())
        if before is None or counts.get(holiday.isoformat()) != before:
            return False
    return True


def expected_holidays(first: date, last: date) -> set[date]:
    """The weekday bank holidays in [first, last] by the ``holidays`` package as installed."""
    return {day for day in bank_holidays_between(first, last) if day.weekday() < 5}


def rebuild(conn: sqlite3.Connection, first: date, last: date) -> None:
    """Make the table again for [first, last] from ``duedates``' rules (call in a transaction:
    readers see the old table or the new one, never a mix)."""
    rows = working_day_calendar(first, last)
    conn.execute("SAVEPOINT working_days")  # one unit, inside a transaction or not
    try:
        conn.execute("DELETE FROM working_days")
        conn.executemany(
            "INSERT INTO working_days (day, n, ordinary_due, lords_due) VALUES (?, ?, ?, ?)",
            rows,
        )
    except BaseException:
        conn.execute("ROLLBACK TO working_days")
        conn.execute("RELEASE working_days")
        raise
    conn.execute("RELEASE working_days")


def check_calendar(conn: sqlite3.Connection, today: date) -> CalendarCheck:
    """At start: make the table again if the package's bank holidays differ from those it was
    made with, or if it does not cover every day the questions carry and today. Call in a
    transaction."""
    stored = stored_bounds(conn)
    first, last = wanted_bounds(data_bounds(conn), today)
    reason = ""
    if stored is None:
        reason = "the calendar was empty"
    elif stored[0] > first or stored[1] < last:
        reason = (f"questions or today fall outside {stored[0]}..{stored[1]}: "
                  f"extended to {min(first, stored[0])}..{max(last, stored[1])}")
    if stored is not None:
        first, last = min(first, stored[0]), max(last, stored[1])
    if not reason:
        want = expected_holidays(first, last)
        if not holidays_match(conn, want, first, last):
            have = stored_holidays(conn)
            added, gone = sorted(want - have), sorted(have - want)
            reason = ("the bank holidays changed: "
                      + ", ".join([f"+{d}" for d in added[:5]] + [f"-{d}" for d in gone[:5]]))
    if not reason:
        return CalendarCheck(first, last, False, "")
    rebuild(conn, first, last)
    log.info("working-day calendar made again for %s..%s: %s", first, last, reason)
    return CalendarCheck(first, last, True, reason)


class CalendarCover:
    """Keeps the table covering the days of what is stored: ``cover`` is called by each upsert
    with the records' days, before it writes them, and extends the table (in the caller's
    transaction) when one falls outside it. The bounds are read each time (the two ends of its
    key): an extension rolled back with its transaction must not be remembered, or a question
    stored later in that gap would have no calendar row, and the due_days triggers would leave
    it out."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def cover(self, days: Iterable[str | None], today: date) -> bool:
        """Extend the table if a day in ``days`` (``YYYY-MM-DD`` text) falls outside it, with a
        year's margin; True if it was extended."""
        stored = stored_bounds(self.conn)
        if stored is None:
            return False
        low, high = stored[0].isoformat(), stored[1].isoformat()
        outside = [d for d in days if d and (d[:10] < low or d[:10] > high)]
        found = [day for day in map(_day, outside) if day is not None]
        if not found:
            return False
        first, last = wanted_bounds((min(found), max(found)), today)
        first = min(first, date.fromisoformat(low))
        last = max(last, date.fromisoformat(high))
        rebuild(self.conn, first, last)
        log.info("working-day calendar extended to %s..%s for a question dated %s",
                 first, last, min(found) if min(found).isoformat() < low else max(found))
        return True
