"""One working-day calendar: the store's ``working_days`` table follows the ``holidays`` package
(an upgrade that adds a bank holiday) and covers every day a question carries, so ``/answer``
(``duedates``, live) and the SQL figures (``/overdue``, ``/timeliness``) agree."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import holidays
import pytest
from test_accountability import api_value, load

from bot.core.reports import duedates
from bot.core.reports.overdue import overdue, question_due
from bot.core.reports.timeliness import timeliness
from bot.core.store import calendar
from bot.core.store.calendar import expected_holidays, stored_bounds, stored_holidays
from bot.core.store.database import Store

# The King's coronation: a bank holiday announced in November 2022, so a `holidays` release
# from before then lacks it (Monday 8 May 2023).
CORONATION = date(2023, 5, 8)


def _forget_holidays() -> None:
    """What a restart does: the process's cached holidays and calendars are gone."""
    for cached in (duedates.bank_holidays, duedates._weekday_holiday_ordinals,
                   duedates._add_working_days, duedates.working_day_calendar,
                   duedates.bank_holidays_between):
        cached.cache_clear()


@pytest.fixture
def old_holidays(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """The ``holidays`` package as an older release had it: no coronation bank holiday."""
    real = holidays.country_holidays

    def without_coronation(*args: Any, **kwargs: Any) -> dict[date, str]:
        return {day: name for day, name in real(*args, **kwargs).items() if day != CORONATION}

    _forget_holidays()
    monkeypatch.setattr(holidays, "country_holidays", without_coronation)
    yield monkeypatch
    _forget_holidays()


def _question(store: Store, qid: int) -> dict[str, Any]:
    return store.rows("SELECT * FROM questions WHERE id = ?", [qid])[0]


def test_an_upgrade_that_adds_a_bank_holiday_refreshes_the_table_and_both_paths_agree(
    tmp_path: Path, old_holidays: pytest.MonkeyPatch,
) -> None:
    db = tmp_path / "answers.db"
    # Tabled Tue 2 May 2023. Without the coronation: Wed 3 (1), Thu 4, Fri 5, Mon 8, Tue 9
    # (5) -> due Tue 9 May. With it (Mon 8 a bank holiday): due Wed 10 May.
    # Q1 answered Wed 10 May: late by the old calendar, on time by the new.
    # Q2 never answered: as of Fri 12 May, 3 working days overdue by the old calendar, 2 by
    # the new.
    as_of = date(2023, 5, 12)
    with Store(db) as store:
        load(store, api_value(1, "2023-05-02", answered="2023-05-10"), api_value(2, "2023-05-02"))
        assert CORONATION not in stored_holidays(store.conn)
        old_due = question_due(_question(store, 1), as_of)
        assert old_due is not None and old_due.due == date(2023, 5, 9) and not old_due.on_time
    old_holidays.undo()  # the upgrade
    _forget_holidays()  # and the restart

    with Store(db) as store:
        assert CORONATION in stored_holidays(store.conn)  # the table was made again
        assert stored_holidays(store.conn) == expected_holidays(*stored_bounds(store.conn))
        # /answer's path, live:
        answered = question_due(_question(store, 1), as_of)
        waiting = question_due(_question(store, 2), as_of)
        assert answered is not None and waiting is not None
        assert answered.due == waiting.due == date(2023, 5, 10)
        assert answered.on_time is True
        assert waiting.overdue and waiting.working_days_overdue == 2
        # ...and the SQL figures, on the same questions:
        report = timeliness(store, since=date(2023, 5, 1), until=date(2023, 5, 31), as_of=as_of,
                            with_not_held=False)
        (row,) = report.rows
        assert (row.ordinary.due, row.ordinary.on_time) == (2, 1)
        assert row.median_working_days == 5  # Q1: Wed 3, Thu 4, Fri 5, Tue 9, Wed 10 May
        listed = overdue(store, as_of=as_of)
        assert [(q.id, q.due, q.working_days_overdue) for q in listed.results] == [
            (2, "2023-05-10", waiting.working_days_overdue)]


def test_reopening_with_the_same_holidays_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "answers.db"
    with Store(db) as store:
        assert store.check_calendar().rebuilt is False  # made at creation, already right
        before = store.conn.execute("SELECT count(*), sum(n) FROM working_days").fetchone()
    with Store(db) as store:
        assert store.check_calendar().rebuilt is False
        assert store.conn.execute(
            "SELECT count(*), sum(n) FROM working_days").fetchone() == before


@pytest.mark.parametrize(("tabled", "answered"), [
    ("1995-03-14", "1995-03-21"),  # Tue -> 5 working days: Tue 21 Mar, on time
    ("2045-03-14", "2045-03-21"),
])
def test_a_question_tabled_outside_1997_2040_is_counted_not_dropped(
    tmp_path: Path, tabled: str, answered: str,
) -> None:
    with Store(tmp_path / "answers.db") as store:
        load(store, api_value(1, tabled, answered=answered), api_value(2, tabled))
        first, last = stored_bounds(store.conn)
        assert first <= date.fromisoformat(tabled) <= last  # extended as it was stored
        year = int(tabled[:4])
        report = timeliness(store, since=date(year, 3, 1), until=date(year, 3, 31),
                            as_of=date(year, 4, 30), with_not_held=False)
        (row,) = report.rows
        assert (row.ordinary.due, row.ordinary.on_time) == (2, 1)
        assert row.median_working_days == 5
        assert row.overdue_now == 1
        listed = overdue(store, as_of=date(year, 4, 30))
        status = question_due(_question(store, 2), date(year, 4, 30))
        assert status is not None
        assert [(q.id, q.working_days_overdue) for q in listed.results] == [
            (2, status.working_days_overdue)]


def test_a_store_whose_table_stops_short_is_extended_at_start(tmp_path: Path) -> None:
    db = tmp_path / "answers.db"
    with Store(db) as store:
        load(store, api_value(1, "2045-03-14", answered="2045-03-21"))
    with sqlite3.connect(db) as conn:  # as a store made before the table followed its data
        conn.execute("DELETE FROM working_days WHERE day > '2040-12-31'")
    with Store(db) as store:
        assert stored_bounds(store.conn)[1] >= date(2045, 12, 31)
        (row,) = timeliness(store, since=date(2045, 3, 1), until=date(2045, 3, 31),
                            as_of=date(2045, 4, 30), with_not_held=False).rows
        assert row.ordinary.on_time == 1


def test_one_call_of_the_package_gives_the_days_the_live_rules_use() -> None:
    first, last = date(1990, 1, 1), date(2050, 12, 31)
    year_by_year = set().union(*(duedates.bank_holidays(y) for y in range(1990, 2051)))
    assert duedates.bank_holidays_between(first, last) == year_by_year
    assert calendar.wanted_bounds(None, date(2026, 12, 7)) == (
        duedates.CALENDAR_FIRST, duedates.CALENDAR_LAST)
    assert calendar.wanted_bounds((date(1995, 3, 14), date(2045, 1, 2)), date(2026, 12, 7)) == (
        date(1994, 1, 1), date(2046, 12, 31))


def test_the_quick_holiday_check_finds_a_holiday_added_or_removed(tmp_path: Path) -> None:
    with Store(tmp_path / "answers.db") as store:
        first, last = stored_bounds(store.conn)
        want = expected_holidays(first, last)
        assert calendar.holidays_match(store.conn, want, first, last)
        assert stored_holidays(store.conn) == want
        assert not calendar.holidays_match(store.conn, want - {CORONATION}, first, last)
        assert not calendar.holidays_match(store.conn, want | {date(2023, 5, 9)}, first, last)
        # The same number of holidays, one moved: found too.
        moved = (want - {CORONATION}) | {date(2023, 5, 9)}
        assert not calendar.holidays_match(store.conn, moved, first, last)
