"""Tests for bot.core.reports.duedates: working days, due dates and on-time / overdue status.

Every expected date below was worked out by hand against a calendar; the
working-day count is spelled out in a comment next to each assertion.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from bot.core.reports.duedates import (
    DueStatus,
    add_working_days,
    bank_holidays,
    due_date,
    due_status,
    is_working_day,
    working_days_between,
)

# --------------------------------------------------------------------------- working days


@pytest.mark.parametrize(
    "day",
    [
        date(2024, 3, 29),  # Good Friday 2024
        date(2024, 4, 1),  # Easter Monday 2024
        date(2024, 12, 25),  # Christmas Day (Wed)
        date(2024, 12, 26),  # Boxing Day (Thu)
        date(2021, 12, 27),  # substitute for Christmas Day 2021 (Sat 25th)
        date(2021, 12, 28),  # substitute for Boxing Day 2021 (Sun 26th)
        date(2022, 12, 27),  # substitute for Christmas Day 2022 (Sun 25th)
        date(2023, 1, 2),  # substitute for New Year's Day 2023 (Sun 1st)
        date(2022, 9, 19),  # one-off: State Funeral of Queen Elizabeth II
        date(2023, 5, 8),  # one-off: Coronation of King Charles III
        date(2024, 5, 27),  # Spring bank holiday
        date(2024, 6, 8),  # Saturday
        date(2024, 6, 9),  # Sunday
    ],
)
def test_non_working_days(day: date) -> None:
    assert not is_working_day(day)


@pytest.mark.parametrize(
    "day",
    [
        date(2024, 3, 28),  # Thursday before Good Friday
        date(2024, 4, 2),  # Tuesday after Easter Monday
        date(2024, 12, 24),  # Christmas Eve is not a bank holiday
        date(2024, 12, 27),  # Friday after Boxing Day 2024 (no substitute that year)
        date(2024, 6, 3),  # ordinary Monday
        date(2025, 3, 17),  # St Patrick's Day (Mon): a holiday only in Northern Ireland
        date(2023, 11, 30),  # St Andrew's Day (Thu): a holiday only in Scotland
        date(2024, 1, 2),  # 2 January (Tue): a holiday only in Scotland
    ],
)
def test_working_days(day: date) -> None:
    assert is_working_day(day)


def test_bank_holidays_are_england_and_wales_and_cached() -> None:
    h2024 = bank_holidays(2024)
    # 2024 England and Wales: 1 Jan, Good Fri 29 Mar, Easter Mon 1 Apr, 6 May, 27 May,
    # 26 Aug, 25 Dec, 26 Dec - eight days, no Scottish 2 Jan or 12 Jul (NI).
    assert h2024 == {
        date(2024, 1, 1),
        date(2024, 3, 29),
        date(2024, 4, 1),
        date(2024, 5, 6),
        date(2024, 5, 27),
        date(2024, 8, 26),
        date(2024, 12, 25),
        date(2024, 12, 26),
    }
    assert bank_holidays(2024) is h2024  # cached: same frozenset object each time


def test_add_working_days_across_weekend() -> None:
    # Fri 7 Jun 2024 + 1 working day: Sat 8, Sun 9 skipped -> Mon 10 Jun.
    assert add_working_days(date(2024, 6, 7), 1) == date(2024, 6, 10)
    # From a Saturday: Mon 10 is the 1st working day after.
    assert add_working_days(date(2024, 6, 8), 1) == date(2024, 6, 10)


def test_add_working_days_rejects_n_below_one() -> None:
    with pytest.raises(ValueError):
        add_working_days(date(2024, 6, 3), 0)
    with pytest.raises(ValueError):
        add_working_days(date(2024, 6, 3), -2)


def test_working_days_between_basic() -> None:
    # Thu 28 Mar 2024 -> Mon 8 Apr 2024: Tue 2, Wed 3, Thu 4, Fri 5, Mon 8 = 5
    # (Good Friday 29 Mar and Easter Monday 1 Apr don't count, nor the weekends).
    assert working_days_between(date(2024, 3, 28), date(2024, 4, 8)) == 5
    # Same day, or end before start -> 0.
    assert working_days_between(date(2024, 6, 3), date(2024, 6, 3)) == 0
    assert working_days_between(date(2024, 6, 10), date(2024, 6, 3)) == 0
    # Fri -> Sat/Sun: no working day in between.
    assert working_days_between(date(2024, 6, 7), date(2024, 6, 9)) == 0
    # Fri -> Mon: 1.
    assert working_days_between(date(2024, 6, 7), date(2024, 6, 10)) == 1
    # Whole of 2024: 366 days starting on a Monday = 52 weeks + Mon 30 & Tue 31 Dec
    # -> 52*5 + 2 = 262 weekdays, minus 8 bank holidays all on weekdays = 254.
    assert working_days_between(date(2023, 12, 31), date(2024, 12, 31)) == 254


def test_working_days_between_inverts_add_working_days_and_matches_brute_force() -> None:
    start = date(2020, 12, 1)
    for offset in range(0, 5 * 365, 3):
        day = start + timedelta(days=offset)
        for n in (1, 5, 10, 23):
            assert working_days_between(day, add_working_days(day, n)) == n
        # Brute-force day-by-day count over ~100 days, crossing years and holidays.
        end = day + timedelta(days=97)
        expected = sum(1 for k in range(1, 98) if is_working_day(day + timedelta(days=k)))
        assert working_days_between(day, end) == expected


def test_datetimes_are_treated_as_their_day() -> None:
    assert is_working_day(datetime(2024, 3, 29, 10, 0)) is False  # Good Friday
    due = due_date("Commons", datetime(2024, 6, 3, 9, 30), None, False)
    assert due == date(2024, 6, 10)
    assert type(due) is date


# --------------------------------------------------------------------------- due dates


def test_commons_ordinary_example_from_rules() -> None:
    # Tabled Mon 3 Jun 2024: Tue 4 (1), Wed 5 (2), Thu 6 (3), Fri 7 (4), Mon 10 (5).
    assert due_date("Commons", date(2024, 6, 3), None, False) == date(2024, 6, 10)


def test_commons_ordinary_across_weekend() -> None:
    # Tabled Thu 6 Jun 2024: Fri 7 (1), [Sat 8, Sun 9], Mon 10 (2), Tue 11 (3),
    # Wed 12 (4), Thu 13 (5).
    assert due_date("Commons", date(2024, 6, 6), None, False) == date(2024, 6, 13)


def test_commons_ordinary_tabled_on_saturday() -> None:
    # Tabled Sat 8 Jun 2024: Mon 10 (1), Tue 11 (2), Wed 12 (3), Thu 13 (4), Fri 14 (5).
    assert due_date("Commons", date(2024, 6, 8), None, False) == date(2024, 6, 14)


def test_commons_ordinary_ignores_nominal_date_for_answer() -> None:
    # The API's dateForAnswer (here Wed 5 Jun, two sitting days after tabling) is
    # nominal for ordinary questions; the due day is still Mon 10 Jun.
    assert due_date("Commons", date(2024, 6, 3), date(2024, 6, 5), False) == date(2024, 6, 10)


def test_commons_ordinary_over_easter_2024() -> None:
    # Tabled Thu 28 Mar 2024, the day before Good Friday:
    #   Fri 29 Mar  Good Friday       - bank holiday
    #   Sat 30, Sun 31                - weekend
    #   Mon 1 Apr   Easter Monday     - bank holiday
    #   Tue 2 (1), Wed 3 (2), Thu 4 (3), Fri 5 (4)
    #   Sat 6, Sun 7                  - weekend
    #   Mon 8 Apr (5)                 -> due Monday 8 April 2024
    assert due_date("Commons", date(2024, 3, 28), None, False) == date(2024, 4, 8)


def test_commons_ordinary_over_christmas_2021_substitute_days() -> None:
    # Tabled Thu 23 Dec 2021:
    #   Fri 24 (1)
    #   Sat 25 Christmas, Sun 26 Boxing Day - weekend
    #   Mon 27, Tue 28 - substitute bank holidays for Christmas and Boxing Day
    #   Wed 29 (2), Thu 30 (3), Fri 31 (4)
    #   Sat 1 Jan 2022 New Year's Day, Sun 2 - weekend
    #   Mon 3 Jan 2022 - substitute bank holiday for New Year's Day
    #   Tue 4 Jan 2022 (5)  -> due Tuesday 4 January 2022
    assert due_date("Commons", date(2021, 12, 23), None, False) == date(2022, 1, 4)


def test_commons_ordinary_over_christmas_2022_substitute_day() -> None:
    # Tabled Fri 23 Dec 2022:
    #   Sat 24, Sun 25 (Christmas) - weekend
    #   Mon 26 Boxing Day, Tue 27 substitute for Christmas Day - bank holidays
    #   Wed 28 (1), Thu 29 (2), Fri 30 (3)
    #   Sat 31, Sun 1 Jan 2023 - weekend
    #   Mon 2 Jan 2023 - substitute for New Year's Day
    #   Tue 3 (4), Wed 4 Jan 2023 (5)  -> due Wednesday 4 January 2023
    assert due_date("Commons", date(2022, 12, 23), None, False) == date(2023, 1, 4)


def test_commons_ordinary_over_christmas_2024() -> None:
    # Tabled Mon 23 Dec 2024: Tue 24 (1), [Wed 25 Christmas, Thu 26 Boxing Day],
    # Fri 27 (2), [Sat 28, Sun 29], Mon 30 (3), Tue 31 (4), [Wed 1 Jan 2025 New Year],
    # Thu 2 Jan 2025 (5).
    assert due_date("Commons", date(2024, 12, 23), None, False) == date(2025, 1, 2)


def test_commons_named_day_uses_date_for_answer() -> None:
    # Named day question tabled Mon 3 Jun 2024 for answer Wed 5 Jun 2024.
    assert due_date("Commons", date(2024, 6, 3), date(2024, 6, 5), True) == date(2024, 6, 5)
    # A named day later than the ordinary rule would give is honoured too.
    assert due_date("Commons", date(2024, 6, 3), date(2024, 6, 20), True) == date(2024, 6, 20)


def test_commons_named_day_without_date_for_answer_falls_back() -> None:
    # No dateForAnswer: ordinary rule, Mon 3 Jun 2024 -> Mon 10 Jun 2024.
    assert due_date("Commons", date(2024, 6, 3), None, True) == date(2024, 6, 10)


def test_lords_uses_date_for_answer() -> None:
    # Lords tabled Mon 3 Jun 2024 with date for answer Mon 17 Jun 2024... and a
    # different one, Thu 13 Jun, to show it is taken as given.
    assert due_date("Lords", date(2024, 6, 3), date(2024, 6, 17), False) == date(2024, 6, 17)
    assert due_date("Lords", date(2024, 6, 3), date(2024, 6, 13), False) == date(2024, 6, 13)


def test_lords_without_date_for_answer_is_ten_working_days() -> None:
    # Tabled Mon 3 Jun 2024: Tue 4 (1), Wed 5 (2), Thu 6 (3), Fri 7 (4), Mon 10 (5),
    # Tue 11 (6), Wed 12 (7), Thu 13 (8), Fri 14 (9), Mon 17 (10).
    assert due_date("Lords", date(2024, 6, 3), None, False) == date(2024, 6, 17)
    # Tabled Wed 27 Mar 2024: Thu 28 (1), [Good Fri 29, weekend, Easter Mon 1 Apr],
    # Tue 2 (2), Wed 3 (3), Thu 4 (4), Fri 5 (5), Mon 8 (6), Tue 9 (7), Wed 10 (8),
    # Thu 11 (9), Fri 12 Apr (10).
    assert due_date("Lords", date(2024, 3, 27), None, False) == date(2024, 4, 12)
    # named_day means nothing in the Lords.
    assert due_date("Lords", date(2024, 3, 27), None, True) == date(2024, 4, 12)


def test_house_is_case_insensitive_and_validated() -> None:
    assert due_date("commons", date(2024, 6, 3), None, False) == date(2024, 6, 10)
    assert due_date("COMMONS", date(2024, 6, 3), None, False) == date(2024, 6, 10)
    assert due_date(" Lords ", date(2024, 6, 3), None, False) == date(2024, 6, 17)
    with pytest.raises(ValueError):
        due_date("Senate", date(2024, 6, 3), None, False)


# --------------------------------------------------------------------------- status

TABLED = date(2024, 6, 3)  # Mon; Commons ordinary due Mon 10 Jun 2024
DUE = date(2024, 6, 10)


def _commons_ordinary(
    *,
    answered: date | None = None,
    holding: date | None = None,
    withdrawn: bool = False,
    as_of: date,
) -> DueStatus:
    return due_status("Commons", TABLED, None, False, answered, holding, withdrawn, as_of)


def test_answered_on_the_due_day_is_on_time() -> None:
    status = _commons_ordinary(answered=DUE, as_of=date(2024, 7, 1))
    assert status == DueStatus(
        due=DUE, named_day=False, overdue=False, working_days_overdue=0, on_time=True
    )


def test_answered_early_is_on_time() -> None:
    status = _commons_ordinary(answered=date(2024, 6, 5), as_of=date(2024, 6, 5))
    assert status.on_time is True
    assert status.overdue is False


def test_answered_late_is_not_on_time_and_not_overdue() -> None:
    # Answered Tue 11 Jun, one working day after the due day.
    status = _commons_ordinary(answered=date(2024, 6, 11), as_of=date(2024, 7, 1))
    assert status.on_time is False
    assert status.overdue is False
    assert status.working_days_overdue == 0


def test_holding_answer_does_not_stop_the_clock() -> None:
    # Holding answer on the due day Mon 10 Jun; as of Wed 12 Jun there is still no
    # substantive answer: Tue 11 (1), Wed 12 (2) -> 2 working days overdue.
    status = _commons_ordinary(holding=DUE, as_of=date(2024, 6, 12))
    assert status == DueStatus(
        due=DUE, named_day=False, overdue=True, working_days_overdue=2, on_time=False
    )
    # Exactly the same as if there had been no holding answer at all.
    assert status == _commons_ordinary(as_of=date(2024, 6, 12))


def test_withdrawn_is_never_overdue() -> None:
    status = _commons_ordinary(withdrawn=True, as_of=date(2024, 9, 2))
    assert status == DueStatus(
        due=DUE, named_day=False, overdue=False, working_days_overdue=0, on_time=None
    )
    # Even with a holding answer and a long time past due.
    status = _commons_ordinary(withdrawn=True, holding=DUE, as_of=date(2025, 1, 6))
    assert status.overdue is False
    assert status.working_days_overdue == 0


def test_unanswered_not_yet_due() -> None:
    # As of the due day itself it is neither overdue nor late yet.
    for as_of in (TABLED, date(2024, 6, 7), DUE):
        status = _commons_ordinary(as_of=as_of)
        assert status.overdue is False
        assert status.working_days_overdue == 0
        assert status.on_time is None


def test_working_days_overdue_across_weekend() -> None:
    # Tabled Fri 31 May 2024: Mon 3 (1), Tue 4 (2), Wed 5 (3), Thu 6 (4), Fri 7 (5)
    # -> due Fri 7 Jun 2024.
    def status(as_of: date) -> DueStatus:
        return due_status("Commons", date(2024, 5, 31), None, False, None, None, False, as_of)

    assert status(date(2024, 6, 7)).due == date(2024, 6, 7)
    # Sat 8 / Sun 9: after the due day but no working day has passed -> 0, not
    # reported as overdue, although it can no longer be answered on time.
    for weekend_day in (date(2024, 6, 8), date(2024, 6, 9)):
        s = status(weekend_day)
        assert (s.overdue, s.working_days_overdue, s.on_time) == (False, 0, False)
    # Mon 10 -> 1, Tue 11 -> 2, Fri 14 -> 5 (Mon-Fri), Mon 17 -> 6.
    assert (status(date(2024, 6, 10)).overdue, status(date(2024, 6, 10)).working_days_overdue) == (
        True,
        1,
    )
    assert status(date(2024, 6, 11)).working_days_overdue == 2
    assert status(date(2024, 6, 14)).working_days_overdue == 5
    assert status(date(2024, 6, 17)).working_days_overdue == 6


def test_working_days_overdue_across_bank_holiday_weekend() -> None:
    # Tabled Fri 17 May 2024: Mon 20 (1) ... Fri 24 (5) -> due Fri 24 May 2024.
    # Sat 25, Sun 26, Mon 27 (Spring bank holiday) -> still 0; Tue 28 May -> 1.
    def status(as_of: date) -> DueStatus:
        return due_status("Commons", date(2024, 5, 17), None, False, None, None, False, as_of)

    assert status(date(2024, 5, 27)).due == date(2024, 5, 24)
    assert status(date(2024, 5, 27)).overdue is False
    assert status(date(2024, 5, 27)).working_days_overdue == 0
    assert status(date(2024, 5, 28)).overdue is True
    assert status(date(2024, 5, 28)).working_days_overdue == 1


def test_answer_after_as_of_is_not_yet_given() -> None:
    # Answered Wed 12 Jun (late). Viewed as of Tue 11 Jun it was unanswered and
    # 1 working day overdue; viewed as of Fri 7 Jun it was not yet due.
    late = date(2024, 6, 12)
    s = _commons_ordinary(answered=late, as_of=date(2024, 6, 11))
    assert (s.overdue, s.working_days_overdue, s.on_time) == (True, 1, False)
    s = _commons_ordinary(answered=late, as_of=date(2024, 6, 7))
    assert (s.overdue, s.working_days_overdue, s.on_time) == (False, 0, None)
    # From the answer day on it is simply "answered late".
    s = _commons_ordinary(answered=late, as_of=late)
    assert (s.overdue, s.working_days_overdue, s.on_time) == (False, 0, False)


def test_named_day_status() -> None:
    # Named day Wed 5 Jun 2024, only a holding answer; as of Fri 7 Jun:
    # Thu 6 (1), Fri 7 (2) working days overdue.
    s = due_status(
        "Commons", TABLED, date(2024, 6, 5), True, None, date(2024, 6, 5), False, date(2024, 6, 7)
    )
    assert s == DueStatus(
        due=date(2024, 6, 5), named_day=True, overdue=True, working_days_overdue=2, on_time=False
    )
    # Answered on the named day -> on time.
    s = due_status(
        "Commons", TABLED, date(2024, 6, 5), True, date(2024, 6, 5), None, False, date(2024, 6, 7)
    )
    assert s.on_time is True
    # Named day flag without a date for answer: fell back to the ordinary rule.
    s = due_status("Commons", TABLED, None, True, None, None, False, date(2024, 6, 7))
    assert (s.due, s.named_day) == (DUE, False)


def test_lords_status() -> None:
    # Lords, no date for answer: due Mon 17 Jun 2024 (see above). As of Wed 19 Jun:
    # Tue 18 (1), Wed 19 (2).
    s = due_status("Lords", TABLED, None, False, None, None, False, date(2024, 6, 19))
    assert s == DueStatus(
        due=date(2024, 6, 17), named_day=False, overdue=True, working_days_overdue=2, on_time=False
    )
    # Lords with a date for answer Thu 13 Jun, answered Fri 14 Jun -> late.
    s = due_status(
        "Lords", TABLED, date(2024, 6, 13), False, date(2024, 6, 14), None, False, date(2024, 7, 1)
    )
    assert (s.due, s.on_time, s.overdue) == (date(2024, 6, 13), False, False)
