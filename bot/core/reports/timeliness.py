"""How promptly each department answers written questions: ``/timeliness`` and
``python -m bot stats timeliness``.

For a period, a question counts when its *due day* (``bot.core.reports.duedates``: Commons
ordinary, the 5th
working day after tabling; named day, the day named; Lords, the date for answer, else the 10th
working day after tabling) falls in the period and is not after ``as_of``. Withdrawn questions
are left out, and so are questions without a tabling day (some of the older archive's). A
question is **on time** when its substantive answer is dated on or before its due day. A holding
answer is not an answer on time, and a question due and still unanswered (as of ``as_of``) is
late. Per department (or, for one department, per month of the due day):

* ``ordinary``, ``named_day``, ``lords``: due and on time, and the rate (None when none was due);
* ``holding_rate``: the share of due questions that got a holding answer (by ``as_of``);
* ``median_working_days``: from tabling to the substantive answer, over those answered;
* ``overdue_now``: as ``/overdue``: not withdrawn, no substantive answer by ``as_of``, and at
  least one working day past the due day. For a department, over all time; in a month's row,
  the questions due that month;
* ``not_held_rate``: the share of substantive answers that say the information is not held or
  would cost too much to get (``bot.core.reports.not_held.is_not_held``, given each answer and
  its question).

The numbers come from SQL aggregates. Working days are a calendar table filled from
``bot.core.reports.duedates`` (``working_days``: a day's working-day count ``n`` and the due days
of an ordinary and a Lords question tabled on it). When nothing stored happened after ``as_of``
(the usual report, as of today), the figures are read from ``due_days``
(``bot.core.store.due_days``): the questions already counted by due day, department and
outcome, kept by triggers, a few rows a department-day (a year of every department at 1,000,000
questions: 52 ms against 212). Otherwise, as of a day in the past, they are read from the
questions due, through three indexes (migration 5) that hold every column read; both ways give
the same figures (``tests/test_due_days.py``). The not-held share reads each answer's text
through ``is_not_held``, registered as an SQL function: the slow part, measured by default for
one department only (``with_not_held``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from bot.core.reports.accountability import (
    CAVEATS,
    DEFINITIONS,
    KINDS,
    LOOKBACK,
    AccountabilityError,
    body_names,
    default_period,
    percent,
    query_rows,
    ratio,
    register_functions,
    rounded,
    text_line,
)
from bot.core.reports.duedates import is_working_day
from bot.core.reports.filters import QuestionScope, body_ids, normal_house
from bot.core.store import due_days
from bot.core.store.bulk import IndexHints
from bot.core.store.database import Store
from bot.core.store.due_days import DUE_DAY_SQL, KIND_SQL
from bot.core.store.rows import read_snapshot


@dataclass(frozen=True)
class Rate:
    """Questions due, and how many of them were answered on time."""

    due: int = 0
    on_time: int = 0

    @property
    def rate(self) -> float | None:
        """The share on time; None when nothing was due."""
        return ratio(self.on_time, self.due)

    def as_json(self) -> dict[str, object]:
        """``{"due", "on_time", "rate"}``."""
        return {"due": self.due, "on_time": self.on_time, "rate": rounded(self.rate)}


def _rate_cell(rate: Rate) -> str:
    return "-" if rate.rate is None else f"{rate.rate:.0%} ({rate.on_time}/{rate.due})"


@dataclass(frozen=True)
class TimelinessRow:
    """The figures of one department, or of one month of one department."""

    department_id: int | None
    department_name: str | None
    month: str | None  # "YYYY-MM" in a department's monthly rows, else None
    ordinary: Rate
    named_day: Rate
    lords: Rate
    holding: int  # due questions that got a holding answer
    median_working_days: float | None
    overdue_now: int
    answered: int  # due questions with a substantive answer
    not_held: int | None  # of those, answers "not held"; None when not measured
    lapsed: int = 0  # fell at prorogation or dissolution: not due, neither on time nor late

    @property
    def due(self) -> int:
        """Questions due, of every kind."""
        return self.ordinary.due + self.named_day.due + self.lords.due

    @property
    def overall(self) -> Rate:
        """Every kind together."""
        return Rate(self.due, self.ordinary.on_time + self.named_day.on_time + self.lords.on_time)

    @property
    def holding_rate(self) -> float | None:
        """The share of due questions that got a holding answer."""
        return ratio(self.holding, self.due)

    @property
    def not_held_rate(self) -> float | None:
        """The share of substantive answers that were "not held"; None if none or not measured."""
        return None if self.not_held is None else ratio(self.not_held, self.answered)

    def as_json(self) -> dict[str, object]:
        """The row as ``--json`` prints it."""
        head: dict[str, Any] = (
            {"month": self.month}
            if self.month is not None
            else {"department": {"id": self.department_id, "name": self.department_name}}
        )
        return {
            **head,
            "ordinary": self.ordinary.as_json(),
            "named_day": self.named_day.as_json(),
            "lords": self.lords.as_json(),
            "holding_rate": rounded(self.holding_rate),
            "median_working_days": self.median_working_days,
            "overdue_now": self.overdue_now,
            "not_held_rate": rounded(self.not_held_rate),
            "lapsed": self.lapsed,
        }


@dataclass(frozen=True)
class TimelinessReport:
    """Timeliness over a period: one row per department, or per month of one department."""

    since: date
    until: date
    as_of: date
    house: str | None  # "Commons", "Lords" or None for both
    department_id: int | None  # the department asked for, else None
    department_name: str | None
    overdue_now: int  # over all time, for the department asked for or for all
    rows: list[TimelinessRow]

    def as_json(self) -> dict[str, object]:
        """``{"since", "until", "as_of", "house", "rows"}``, and with a department
        ``"department": {"id", "name", "overdue_now"}``."""
        data: dict[str, Any] = {
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "as_of": self.as_of.isoformat(),
            "house": self.house,
        }
        if self.department_name is not None:
            data["department"] = {
                "id": self.department_id,
                "name": self.department_name,
                "overdue_now": self.overdue_now,
            }
        data["rows"] = [row.as_json() for row in self.rows]
        return data

    def as_text(self) -> str:
        """A table for the terminal, with the definitions and caveats below it."""
        house = self.house or "both Houses"
        if self.department_name is not None:
            head = (f"{self.department_name}: on time by month of the due day, {self.since} to "
                    f"{self.until} (as of {self.as_of}), {house}; overdue now: {self.overdue_now}")
            first = "month"
        else:
            head = (f"On time by department, {self.since} to {self.until} (as of {self.as_of}), "
                    f"{house}; worst first")
            first = "department"
        lines = [head, "", text_line(first, "ordinary", "named day", "Lords", "holding",
                                      "median wd", "overdue", "not held", "lapsed")]
        for row in self.rows:
            label = row.month if row.month is not None else (row.department_name or "")
            lines.append(text_line(
                label, _rate_cell(row.ordinary), _rate_cell(row.named_day),
                _rate_cell(row.lords), percent(row.holding_rate),
                "-" if row.median_working_days is None else f"{row.median_working_days:g}",
                str(row.overdue_now), percent(row.not_held_rate), str(row.lapsed),
            ))
        if not self.rows:
            lines.append("(no question was due in this period)")
        lines += ["", "rate (on time/due); median wd: working days from tabling to answer.",
                  DEFINITIONS, CAVEATS]
        return "\n".join(lines)


# One definition of the due day and the kind (``q`` is the question, ``c`` the calendar row of
# its tabling day), shared with the due_days table's triggers; tested against
# bot.core.reports.duedates.due_date.
# The questions due on their date for answer: the partial index questions_named_due's WHERE.
_ON_DATE_FOR_ANSWER = "q.date_for_answer IS NOT NULL AND (q.house = 'Lords' OR q.is_named_day = 1)"
_SUBSTANTIVE = "q.status IN ('answered', 'corrected')"
_HOLDING_DAY = (
    "coalesce(q.date_holding_answer, CASE WHEN q.is_holding = 1 THEN q.date_answered END)"
)
_DUE_COLUMNS = (
    f"q.id, q.answering_body_id AS body, {KIND_SQL} AS kind, {DUE_DAY_SQL} AS due, "
    "q.date_tabled AS tabled, c.n AS tabled_n, "
    f"CASE WHEN {_SUBSTANTIVE} AND q.date_answered <= :as_of THEN q.date_answered END "
    "AS answered, "
    f"coalesce({_HOLDING_DAY} <= :as_of, 0) AS held, "
    "q.status = 'lapsed' AS lapsed"  # fell at prorogation or dissolution: counted apart
)


def _due_cte(scope: str) -> str:
    """``due``: the questions due in [:since, :end], not withdrawn, read from the two indexes
    that hold them (by tabling day for the working-day rules, by date for answer otherwise)."""
    return f"""
    due AS (
        SELECT * FROM (
            SELECT {_DUE_COLUMNS}
            FROM questions q INDEXED BY questions_tabled
            JOIN working_days c ON c.day = q.date_tabled
            WHERE q.date_tabled BETWEEN :lookback AND :end AND q.is_withdrawn = 0
              AND NOT ({_ON_DATE_FOR_ANSWER}) {scope}
            UNION ALL
            SELECT {_DUE_COLUMNS}
            FROM questions q INDEXED BY questions_named_due
            JOIN working_days c ON c.day = q.date_tabled
            WHERE {_ON_DATE_FOR_ANSWER}
              AND q.date_for_answer BETWEEN :since AND :end AND q.is_withdrawn = 0 {scope}
        ) WHERE due BETWEEN :since AND :end
    )"""


_COUNTS = ", ".join(
    f"sum({kind}_due) AS {kind}_due, sum({kind}_on_time) AS {kind}_on_time" for kind in KINDS
)


def _figures_sql(histogram: str) -> str:
    """One row per group: counts by kind, holding answers, overdue now, and the median working
    days from tabling to answer (the middle one, or the middle two's mean), from ``histogram``:
    a CTE of counts by group (``grp``) and wait (``wd``, None when not answered or unknown)."""
    return f"""
    WITH {histogram},
    totals AS (
        SELECT grp, {_COUNTS}, sum(holding) AS holding, sum(answered) AS answered,
               sum(overdue_now) AS overdue_now, sum(lapsed) AS lapsed
        FROM histogram GROUP BY grp
    ),
    below AS (
        SELECT grp, wd, sum(answered) OVER (PARTITION BY grp ORDER BY wd) AS upto,
               sum(answered) OVER (PARTITION BY grp) AS total
        FROM histogram WHERE wd IS NOT NULL
    ),
    medians AS (
        SELECT grp, (min(CASE WHEN upto >= (total + 1) / 2 THEN wd END)
                     + min(CASE WHEN upto >= total / 2 + 1 THEN wd END)) / 2.0 AS median
        FROM below GROUP BY grp
    )
    SELECT totals.*, medians.median FROM totals LEFT JOIN medians ON medians.grp IS totals.grp
    """


def _histogram_from_questions(scope: str, group: str) -> str:
    """The histogram read from every question due in the period, as of any day."""
    counts = ", ".join(
        f"count(CASE WHEN kind = '{kind}' AND NOT lapsed THEN 1 END) AS {kind}_due, "
        f"count(CASE WHEN kind = '{kind}' AND answered <= due THEN 1 END) AS {kind}_on_time"
        for kind in KINDS
    )
    return f"""{_due_cte(scope)},
    histogram AS (
        SELECT {group} AS grp, max(0, a.n - tabled_n) AS wd, {counts},
               sum(held * NOT lapsed) AS holding, count(answered) AS answered,
               count(CASE WHEN answered IS NULL AND NOT lapsed AND due < :last_working_day
                     THEN 1 END) AS overdue_now, sum(lapsed) AS lapsed
        FROM due LEFT JOIN working_days a ON a.day = due.answered GROUP BY grp, wd
    )"""


def _summary_scope(scope: QuestionScope) -> str:
    """``scope``'s departments and House as conditions on due_days (a Lords question is of
    kind 'lords', a Commons one of another kind)."""
    parts = []
    if scope.body_ids:
        names = ", ".join(f":body{i}" for i in range(len(scope.body_ids)))
        parts.append(f"AND body IN ({names})")
    if scope.house:
        parts.append("AND kind = 'lords'" if scope.house == "Lords" else "AND kind != 'lords'")
    return " ".join(parts)


def _histogram_from_due_days(scope: str, group: str) -> str:
    """The histogram read from the due_days table: the same figures when nothing stored
    happened after ``as_of`` (``due_days.covers``)."""
    counts = ", ".join(
        f"coalesce(sum(CASE WHEN kind = '{kind}' AND NOT lapsed THEN n END), 0) AS {kind}_due, "
        f"coalesce(sum(CASE WHEN kind = '{kind}' AND on_time THEN n END), 0) "
        f"AS {kind}_on_time"
        for kind in KINDS
    )
    not_answered = f"({due_days.NOT_ANSWERED}, {due_days.NO_ANSWER_DAY})"
    return f"""
    histogram AS (
        SELECT {group} AS grp, CASE WHEN wait >= 0 THEN wait END AS wd, {counts},
               coalesce(sum(CASE WHEN held AND NOT lapsed THEN n END), 0) AS holding,
               coalesce(sum(CASE WHEN wait NOT IN {not_answered} THEN n END), 0) AS answered,
               coalesce(sum(CASE WHEN wait IN {not_answered} AND NOT lapsed
                            AND due < :last_working_day THEN n END), 0) AS overdue_now,
               coalesce(sum(CASE WHEN lapsed THEN n END), 0) AS lapsed
        FROM due_days WHERE due BETWEEN :since AND :end {scope} GROUP BY grp, wd
    )"""


def _not_held_sql(scope: str, group: str) -> str:
    return f"""
    WITH {_due_cte(scope)}
    SELECT {group} AS grp, sum(is_not_held(t.answer_text, t.question_text)) AS not_held
    FROM due JOIN questions t ON t.id = due.id WHERE due.answered IS NOT NULL GROUP BY grp
    """


def _overdue_sql(scope: str) -> str:
    """Per department, the questions overdue as of :as_of over all time: those still waiting,
    and (for a day in the past) those answered since."""
    columns = f"q.answering_body_id AS body, {DUE_DAY_SQL} AS due"
    return f"""
    WITH waiting AS (
        SELECT {columns} FROM questions q INDEXED BY questions_waiting
        JOIN working_days c ON c.day = q.date_tabled
        WHERE q.status IN ('unanswered', 'holding') AND q.is_withdrawn = 0
          AND q.date_tabled <= :as_of {scope}
        UNION ALL
        SELECT {columns} FROM questions q INDEXED BY idx_questions_status_date_answered
        JOIN working_days c ON c.day = q.date_tabled
        WHERE {_SUBSTANTIVE} AND q.date_answered > :as_of AND q.is_withdrawn = 0
          AND q.date_tabled <= :as_of {scope}
    )
    SELECT body, count(*) FROM waiting WHERE due < :last_working_day GROUP BY body
    """


def _overdue_from_due_days(scope: str) -> str:
    """``_overdue_sql`` read from due_days, when it covers ``as_of``."""
    return f"""
    SELECT nullif(body, {due_days.NO_BODY}), sum(n) FROM due_days INDEXED BY due_days_waiting
    WHERE wait = {due_days.NOT_ANSWERED} AND lapsed = 0 AND due < :last_working_day {scope}
    GROUP BY body
    """


def last_working_day(day: date) -> date:
    """The last working day on or before ``day``: a question due before it is overdue on
    ``day`` (``duedates.working_days_between(due, day) >= 1``)."""
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def months(first: date, last: date) -> list[str]:
    """Every month from ``first``'s to ``last``'s, as ``YYYY-MM``."""
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _timeliness_row(
    figures: dict[str, Any] | None,
    not_held: int | None,
    *,
    department: tuple[int | None, str | None] = (None, None),
    month: str | None = None,
    overdue_now: int = 0,
) -> TimelinessRow:
    f = figures or {}

    def rate(kind: str) -> Rate:
        return Rate(f.get(f"{kind}_due", 0), f.get(f"{kind}_on_time", 0))

    median = f.get("median")
    return TimelinessRow(
        department_id=department[0],
        department_name=department[1],
        month=month,
        ordinary=rate("ordinary"),
        named_day=rate("named_day"),
        lords=rate("lords"),
        holding=f.get("holding") or 0,
        median_working_days=None if median is None else float(median),
        overdue_now=overdue_now,
        answered=f.get("answered", 0),
        not_held=not_held,
        lapsed=f.get("lapsed") or 0,
    )


def _worst_first(row: TimelinessRow) -> tuple[bool, float, str]:
    rate = row.overall.rate
    return (rate is None, rate if rate is not None else 0.0, row.department_name or "")


def _read_figures(
    conn: sqlite3.Connection,
    scope: QuestionScope,
    group: str,
    values: dict[str, Any],
    as_of: date,
    *,
    with_not_held: bool,
) -> tuple[dict[Any, dict[str, Any]], dict[Any, int], dict[Any, int]]:
    """The figures by group, the not-held counts (empty without ``with_not_held``) and the
    overdue by department: from due_days when it covers ``as_of``, else from the questions."""
    if due_days.covers(conn, as_of.isoformat()):
        summary_scope = _summary_scope(scope)
        histogram = _histogram_from_due_days(
            summary_scope, group if scope.body_ids else f"nullif(body, {due_days.NO_BODY})")
        overdue_sql = _overdue_from_due_days(summary_scope)
    else:  # something stored happened after as_of: count the questions themselves
        histogram = _histogram_from_questions(scope.sql, group)
        overdue_sql = _overdue_sql(scope.sql)
    usable = IndexHints(conn)
    figures = {r["grp"]: r for r in query_rows(conn, usable(_figures_sql(histogram)), values)}
    not_held: dict[Any, int] = (
        dict(conn.execute(usable(_not_held_sql(scope.sql, group)), values))
        if with_not_held else {}
    )
    overdue: dict[Any, int] = dict(conn.execute(usable(overdue_sql), values))
    return figures, not_held, overdue


def timeliness(
    store: Store,
    *,
    department_id: int | Sequence[int] | None = None,
    department_name: str | None = None,
    house: str | None = None,
    since: date | None = None,
    until: date | None = None,
    as_of: date | None = None,
    with_not_held: bool | None = None,
) -> TimelinessReport:
    """Timeliness over [since, until] as of ``as_of`` (see the module's definitions).

    Without ``department_id``: one row per department with questions due, worst on-time rate
    first. With it (a body id, or a body and those it replaced, as ``DepartmentIndex.family``
    gives): one row per month of the period, oldest first, counting every id given.
    ``house`` is "commons" or "lords" (any case) or None for both. Defaults: ``as_of`` today,
    ``until`` ``as_of``, ``since`` twelve months before. ``not_held_rate`` reads every answer's
    text, the one slow part (about 3 s for a year of all departments at a million questions,
    0.2 s for one department): ``with_not_held`` True or False measures it or not (then None);
    by default only for one department.
    Raises ``AccountabilityError`` for a period the wrong way round or an unknown house.
    """
    since, until, as_of = default_period(since, until, as_of)
    scope = QuestionScope(body_ids(department_id, AccountabilityError),
                          normal_house(house, AccountabilityError))
    if with_not_held is None:
        with_not_held = bool(scope.body_ids)
    conn = store.conn
    register_functions(conn)
    end = min(until, as_of)
    values: dict[str, Any] = {
        "since": since.isoformat(),
        "end": end.isoformat(),
        "lookback": (since - LOOKBACK).isoformat(),
        "as_of": as_of.isoformat(),
        "last_working_day": last_working_day(as_of).isoformat(),
        **scope.params,
    }
    group = "substr(due, 1, 7)" if scope.body_ids else "body"
    with read_snapshot(conn):
        figures, not_held, overdue = _read_figures(conn, scope, group, values, as_of,
                                                   with_not_held=with_not_held)

    def measured(key: Any) -> int | None:
        return not_held.get(key, 0) if with_not_held else None

    names = body_names(store)
    if scope.body_ids:
        rows = [
            _timeliness_row(figures.get(m), measured(m), month=m,
                            overdue_now=(figures.get(m) or {}).get("overdue_now", 0))
            for m in months(since, end)
        ]
        name = department_name or names.get(scope.body_ids[0], str(scope.body_ids[0]))
        return TimelinessReport(since, until, as_of, scope.house, scope.body_ids[0], name,
                                sum(overdue.values()), rows)
    rows = sorted(
        (
            _timeliness_row(fig, measured(body), department=(body, names.get(body, str(body))),
                            overdue_now=overdue.get(body, 0))
            for body, fig in figures.items()
        ),
        key=_worst_first,
    )
    return TimelinessReport(since, until, as_of, scope.house, None, None,
                            sum(overdue.values()), rows)
