"""When a written parliamentary question is due, and whether it was answered on time.

How the bot decides
-------------------
A *working day* is any Monday to Friday that is not a bank holiday in England
and Wales (including substitute days, e.g. when Christmas falls at a weekend).
Whether either House is sitting does not matter: recess days still count.

* **Commons, ordinary written question** - due on the **5th working day after the
  day it was tabled** (tabled Monday 3 June 2024, due Monday 10 June 2024). The House
  has endorsed the view that Ministers should answer ordinary written questions
  "within a working week" of tabling (Erskine May, para 22.4), and the Commons
  Procedure Committee measures departments' timeliness against that standard. The
  "date for answer" published for an ordinary question is only the nominal day it
  first appears on the Order Paper (usually two sitting days after tabling), so it is
  not used.
* **Commons, named day question** - due on the day the Member named for answer
  (Standing Order No. 22(4) requires the Minister to answer on that day). If the data
  carries no date for answer, the ordinary five-working-day rule is used instead.
* **Lords written question** - due on the date for answer recorded by the House.
  Where none is recorded, due on the **10th working day after tabling**, the
  House of Lords' expectation for written answers (Companion to the Standing Orders).

A question is **answered on time** if its substantive answer is dated on or before
the due day. A *holding answer* ("I will reply as soon as possible") does not count
as an answer and does not stop the clock.

A question is **overdue** when it has not been withdrawn, has no substantive answer
yet, and at least one working day has passed since the due day. "Working days
overdue" counts the working days after the due day up to and including today, so a
question due on a Friday is 0 working days overdue over the weekend (and not yet
reported as overdue) and 1 working day overdue on the Monday.

Everything here is plain date arithmetic on :class:`datetime.date` values; nothing
depends on Discord, the network or the database. Bank holidays come from the
`holidays` package (``country_holidays("GB", subdiv="ENG")``) and are cached per
year, so the functions are cheap enough to run over a million questions.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache, lru_cache

import holidays

__all__ = [
    "CALENDAR_FIRST",
    "CALENDAR_LAST",
    "COMMONS_ORDINARY_WORKING_DAYS",
    "LORDS_DEFAULT_WORKING_DAYS",
    "DueStatus",
    "add_working_days",
    "bank_holidays",
    "bank_holidays_between",
    "due_date",
    "due_status",
    "is_working_day",
    "working_day_calendar",
    "working_days_between",
]

#: Working days after tabling by which a Commons ordinary written question is due.
COMMONS_ORDINARY_WORKING_DAYS = 5
#: Working days after tabling by which a Lords question without a date for answer is due.
LORDS_DEFAULT_WORKING_DAYS = 10

_ONE_DAY = timedelta(days=1)


def _as_date(value: date) -> date:
    """Return ``value`` as a plain ``date`` (a ``datetime`` is truncated to its day).

    ``datetime`` is a subclass of ``date`` but does not compare or hash like one,
    so a timestamp parsed from the API would otherwise silently miss the holiday
    set or raise ``TypeError`` when compared with a ``date``.
    """
    if isinstance(value, datetime):
        return value.date()
    return value


@cache
def bank_holidays(year: int) -> frozenset[date]:
    """England and Wales bank holidays (including substitute days) falling in ``year``.

    Neighbouring years are generated too, so a substitute day that spills over a
    year boundary is still attributed to the calendar year it falls in. Cached per
    year: the ``holidays`` package is only consulted once per year per process.
    """
    calendar = holidays.country_holidays("GB", subdiv="ENG", years=(year - 1, year, year + 1))
    return frozenset(day for day in calendar if day.year == year)


@cache
def bank_holidays_between(first: date, last: date) -> frozenset[date]:
    """England and Wales bank holidays from ``first`` to ``last`` (inclusive), from one call of
    the package: the same days as :func:`bank_holidays` gives year by year (a test checks), in
    a fraction of its time over decades. Cached, as the rest: the package changes only with a
    new process."""
    calendar = holidays.country_holidays(
        "GB", subdiv="ENG", years=range(first.year - 1, last.year + 2)
    )
    return frozenset(day for day in calendar if first <= day <= last)


@cache
def _weekday_holiday_ordinals(year: int) -> tuple[int, ...]:
    """Sorted ordinals of the bank holidays in ``year`` that fall on Monday to Friday."""
    return tuple(sorted(day.toordinal() for day in bank_holidays(year) if day.weekday() < 5))


def is_working_day(day: date) -> bool:
    """True if ``day`` is a Monday to Friday that is not an England and Wales bank holiday."""
    day = _as_date(day)
    return day.weekday() < 5 and day not in bank_holidays(day.year)


@lru_cache(maxsize=1 << 16)
def _add_working_days(day: date, n: int) -> date:
    current = day
    remaining = n
    while remaining:
        current += _ONE_DAY
        if current.weekday() < 5 and current not in bank_holidays(current.year):
            remaining -= 1
    return current


def add_working_days(day: date, n: int) -> date:
    """The ``n``-th working day after ``day`` (``day`` itself never counts).

    ``day`` may itself be a weekend or bank holiday: a question tabled on a Saturday
    has the following Monday (if not a bank holiday) as its 1st working day after.

    Raises ``ValueError`` if ``n`` is less than 1. Results are memoised, since the
    same (tabling date, n) pairs recur across many questions.
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    return _add_working_days(_as_date(day), n)


def _weekdays_through(ordinal: int) -> int:
    """Number of Monday-to-Friday days with ordinal in ``[1, ordinal]``.

    ``date.fromordinal(1)`` (1 January of year 1) is a Monday, so whole weeks
    contribute 5 each and the leftover days are Monday onwards.
    """
    weeks, rest = divmod(ordinal, 7)
    return weeks * 5 + min(rest, 5)


def working_days_between(start: date, end: date) -> int:
    """Count the working days after ``start`` up to and including ``end``.

    This is the number of working days a question tabled on ``start`` took to be
    answered on ``end``: ``working_days_between(d, add_working_days(d, n)) == n``.
    Returns 0 when ``end`` is on or before ``start``. Runs in time proportional to
    the number of calendar years spanned, not the number of days.
    """
    start = _as_date(start)
    end = _as_date(end)
    if end <= start:
        return 0
    lo = start.toordinal()
    hi = end.toordinal()
    count = _weekdays_through(hi) - _weekdays_through(lo)
    for year in range(start.year, end.year + 1):
        ordinals = _weekday_holiday_ordinals(year)
        # Weekday bank holidays with lo < ordinal <= hi.
        count -= bisect.bisect_right(ordinals, hi) - bisect.bisect_right(ordinals, lo)
    return count


def _normalise_house(house: str) -> str:
    key = house.strip().lower()
    if key not in ("commons", "lords"):
        raise ValueError(f"house must be 'Commons' or 'Lords', got {house!r}")
    return key


def due_date(
    house: str,
    date_tabled: date,
    date_for_answer: date | None,
    named_day: bool,
) -> date:
    """The day by which a written question should be answered.

    ``house`` is ``"Commons"`` or ``"Lords"`` (case-insensitive; anything else raises
    ``ValueError``).

    * Commons named day question (``named_day`` true): ``date_for_answer``. If the
      record has no ``date_for_answer``, fall back to the ordinary rule below.
    * Commons ordinary question: the 5th working day after ``date_tabled``.
      ``date_for_answer`` is ignored, because for ordinary questions it is only the
      nominal Order Paper date, not a deadline.
    * Lords question: ``date_for_answer`` if present, otherwise the 10th working day
      after ``date_tabled``. ``named_day`` is ignored (the Lords has no named days).
    """
    key = _normalise_house(house)
    tabled = _as_date(date_tabled)
    if key == "lords":
        if date_for_answer is not None:
            return _as_date(date_for_answer)
        return add_working_days(tabled, LORDS_DEFAULT_WORKING_DAYS)
    if named_day and date_for_answer is not None:
        return _as_date(date_for_answer)
    return add_working_days(tabled, COMMONS_ORDINARY_WORKING_DAYS)


@dataclass(frozen=True)
class DueStatus:
    """Where a question stands against its deadline on a given day.

    Attributes:
        due: The due day (see :func:`due_date`).
        named_day: True for a Commons named day question whose due day came from its
            date for answer (False when the ordinary-rule fallback was used, and
            always False for the Lords).
        overdue: True when the question is not withdrawn, has no substantive answer
            and is at least one working day past the due day.
        working_days_overdue: Working days after the due day up to and including the
            ``as_of`` day, for an unanswered, unwithdrawn question; otherwise 0.
        on_time: True/False once known: whether the substantive answer was on or
            before the due day, or False for an unanswered question whose due day has
            passed. None while it could still be answered on time, and for a
            withdrawn question that was never answered.
    """

    due: date
    named_day: bool
    overdue: bool
    working_days_overdue: int
    on_time: bool | None


def due_status(
    house: str,
    date_tabled: date,
    date_for_answer: date | None,
    named_day: bool,
    date_answered: date | None,
    date_holding_answer: date | None,
    withdrawn: bool,
    as_of: date,
) -> DueStatus:
    """Work out a question's :class:`DueStatus` as it stood at the end of ``as_of``.

    ``date_answered`` is the date of the *substantive* answer, or None. An answer
    dated after ``as_of`` is treated as not yet given, so the status is a true
    snapshot of that day (useful for historical figures).

    ``date_holding_answer`` is accepted for completeness but never changes the
    result: a holding answer does not stop the clock, so a question with only a
    holding answer becomes overdue exactly like an unanswered one.

    A withdrawn question is never overdue. Its ``on_time`` is None unless it had a
    substantive answer by ``as_of`` (the record does not say when it was
    withdrawn, so the flag applies whatever ``as_of`` is).

    Overdue is reported only from the first working day after the due day
    (``working_days_overdue >= 1``): a question due on a Friday is not overdue on
    the following Saturday or Sunday, although its ``on_time`` is already False.
    """
    del date_holding_answer  # deliberately ignored: holding answers do not stop the clock
    due = due_date(house, date_tabled, date_for_answer, named_day)
    used_named_day = (
        _normalise_house(house) == "commons" and named_day and date_for_answer is not None
    )
    as_of = _as_date(as_of)
    answered = _as_date(date_answered) if date_answered is not None else None
    if answered is not None and answered > as_of:
        answered = None

    if answered is not None:
        return DueStatus(due, used_named_day, False, 0, answered <= due)
    if withdrawn:
        return DueStatus(due, used_named_day, False, 0, None)

    days_overdue = working_days_between(due, as_of)
    on_time: bool | None = False if as_of > due else None
    return DueStatus(due, used_named_day, days_overdue >= 1, days_overdue, on_time)


#: The first and last day of the store's ``working_days`` table (see :func:`working_day_calendar`).
CALENDAR_FIRST = date(1997, 1, 1)
CALENDAR_LAST = date(2040, 12, 31)


@cache
def working_day_calendar(
    first: date = CALENDAR_FIRST, last: date = CALENDAR_LAST
) -> tuple[tuple[str, int, str, str], ...]:
    """These rules as rows of a calendar table, so that SQL can apply them to many questions.

    One row per day from ``first`` to ``last``: ``(day, n, ordinary_due, lords_due)``, days as
    ``YYYY-MM-DD`` text, where

    * ``n`` counts the working days from ``first`` up to and including ``day``, so that
      ``working_days_between(a, b) == n(b) - n(a)`` for ``first <= a <= b <= last``;
    * ``ordinary_due`` is ``add_working_days(day, COMMONS_ORDINARY_WORKING_DAYS)``, the due day
      of a Commons ordinary question tabled on ``day``;
    * ``lords_due`` is ``add_working_days(day, LORDS_DEFAULT_WORKING_DAYS)``, that of a Lords
      question tabled on ``day`` without a date for answer.

    Built from :func:`is_working_day` alone (the k-th working day after ``day`` is the working
    day whose count is ``n(day) + k``); the tests check every row against the functions above.
    Cached: a new store fills its table from the same rows.
    """
    horizon = last + timedelta(days=90)  # room for the 10th working day after ``last``
    working: list[date] = []
    counts: list[int] = []
    day = first
    while day <= horizon:
        if is_working_day(day):
            working.append(day)
        counts.append(len(working))
        day += _ONE_DAY
    rows = []
    for offset in range((last - first).days + 1):
        n = counts[offset]
        rows.append(
            (
                (first + timedelta(days=offset)).isoformat(),
                n,
                working[n + COMMONS_ORDINARY_WORKING_DAYS - 1].isoformat(),
                working[n + LORDS_DEFAULT_WORKING_DAYS - 1].isoformat(),
            )
        )
    return tuple(rows)
