"""Accountability at a glance: how promptly each department answers, and how helpful readers
find its answers. Discord-free; ``/timeliness``, ``/helpfulness`` and ``python -m bot stats``
share these numbers.

Timeliness
----------
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
  would cost too much to get (``bot.core.reports.not_held.is_not_held``).

The numbers come from SQL aggregates. Working days are a calendar table filled from
``bot.core.reports.duedates`` (``working_days``: a day's working-day count ``n`` and the due days
of an
ordinary and a Lords question tabled on it), and three indexes (migration 5) hold every column
read, so a year of a million-question store is read from the indexes alone. The not-held share
reads each answer's text through ``is_not_held``, registered as an SQL function: the slow part,
measured by default for one department only (``with_not_held``).

Helpfulness
-----------
Readers' votes on "Does this answer the above question?" (buttons and reactions alike, one per
person per answer, ``bot.core.votes``) on the answers dated in the period. A department's share of
"No" votes is ranked by the **lower bound of its 95% Wilson score interval**: the share of "No"
we are 95% sure it reaches at least. Worst first: many votes mostly "No" outrank a few all "No"
(40 of 50 gives 67%, 3 of 3 only 44%). A department needs ``min_votes`` votes to be ranked.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from bot.core.clock import london_today
from bot.core.names.departments import department_table
from bot.core.records import parliament_url
from bot.core.reports.duedates import is_working_day
from bot.core.reports.filters import QuestionScope, body_ids, normal_house
from bot.core.reports.not_held import is_not_held
from bot.core.store.database import Store

__all__ = [
    "CAVEATS",
    "DEFINITIONS",
    "DUE_DAY_SQL",
    "HELPFULNESS_DEFINITIONS",
    "KINDS",
    "KIND_SQL",
    "LOOKBACK",
    "MIN_VOTES",
    "ON_TIME_STANDARD",
    "SOURCE",
    "AccountabilityError",
    "DisputedAnswer",
    "HelpfulnessReport",
    "HelpfulnessRow",
    "Rate",
    "TimelinessReport",
    "TimelinessRow",
    "body_names",
    "default_period",
    "helpfulness",
    "last_working_day",
    "london_today",
    "timeliness",
    "wilson_lower",
]

#: The Procedure Committee's standard: at least 85% of questions answered on time.
ON_TIME_STANDARD = 0.85
#: Votes a department needs before it is ranked by helpfulness.
MIN_VOTES = 10
#: The z of a 95% interval, for the Wilson bound.
WILSON_Z = 1.959964

SOURCE = (
    "Source: UK Parliament written questions; on-time rules: Commons ordinary questions due the "
    "5th working day after tabling, named-day questions on the day named, Lords questions on "
    "their date for answer (else the 10th working day); working days exclude weekends and "
    "England and Wales bank holidays; a holding answer is not an answer on time."
)
DEFINITIONS = (
    "A question counts when its due day falls in the period and is not after today; withdrawn "
    "questions are left out. On time: the substantive answer is dated on or before the due day. "
    "A holding answer is not counted as on time, following the departments' older returns, and "
    "a question due and still unanswered is late. Holding rate: the share of due questions that "
    "got a holding answer. Median working days: from tabling to the substantive answer. Overdue "
    "now: not withdrawn, no substantive answer, at least one working day past the due day. Not "
    "held: answers saying the information is not held or would cost too much to get. Lapsed: "
    "questions that fell at prorogation or dissolution, counted apart, neither on time nor late."
)
CAVEATS = (
    "Transfers between departments are invisible in the data, and recess adjustments by the "
    "Table Office are not public: these figures approximate, and do not reproduce, the "
    "Procedure Committee's, whose standard is 85% answered on time."
)
HELPFULNESS_DEFINITIONS = (
    'Readers\' votes on "Does this answer the above question?" (buttons and reactions, one per '
    "person per answer) on answers dated in the period. Ranked by the lower bound of the 95% "
    'Wilson interval of the share of "No" votes, worst first; a department needs '
    "{min_votes} votes to be ranked."
)

KINDS = ("ordinary", "named_day", "lords")
UNKNOWN_DEPARTMENT = "Unknown department"
# Every due day by the working-day rules is at most this long after tabling (a test checks the
# calendar): how far before the period the tabling days are read.
LOOKBACK = timedelta(days=31)


class AccountabilityError(ValueError):
    """Options no report can be made with (a period the wrong way round); the message says so."""


def default_period(
    since: date | None, until: date | None, as_of: date | None
) -> tuple[date, date, date]:
    """(since, until, as_of) with the defaults filled in: as_of today, until as_of, since the
    day after the same day a year before until (the 12 months to until)."""
    as_of = as_of or london_today()
    until = until or as_of
    if since is None:
        try:
            since = until.replace(year=until.year - 1) + timedelta(days=1)
        except ValueError:  # 29 February
            since = until.replace(year=until.year - 1, day=28) + timedelta(days=1)
    if since > until:
        raise AccountabilityError(f"since ({since}) is after until ({until})")
    if since > as_of:
        raise AccountabilityError(f"since ({since}) is after as-of ({as_of})")
    return since, until, as_of


def wilson_lower(successes: int, trials: int, z: float = WILSON_Z) -> float:
    """The lower bound of the Wilson score interval of ``successes / trials`` (0.0 for none)."""
    if trials <= 0:
        return 0.0
    p = successes / trials
    z2 = z * z
    centre = p + z2 / (2 * trials)
    spread = z * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials))
    return max(0.0, (centre - spread) / (1 + z2 / trials))


def _register_functions(conn: sqlite3.Connection) -> None:
    """The Python the SQL below calls: the not-held detector and the Wilson bound."""
    conn.create_function(
        "is_not_held", 1, lambda text: int(is_not_held(text)), deterministic=True
    )
    conn.create_function("wilson_lower", 2, wilson_lower, deterministic=True)


def _ratio(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole


def _rounded(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _text_line(label: str, *cells: str) -> str:
    widths = (18, 18, 18, 9, 10, 9, 9, 7)
    cells_text = "".join(f"{cell:<{width}}" for cell, width in zip(cells, widths, strict=True))
    return f"{_cut(label, 40):<41}{cells_text}".rstrip()


# --------------------------------------------------------------------------------- timeliness


@dataclass(frozen=True)
class Rate:
    """Questions due, and how many of them were answered on time."""

    due: int = 0
    on_time: int = 0

    @property
    def rate(self) -> float | None:
        """The share on time; None when nothing was due."""
        return _ratio(self.on_time, self.due)

    def as_json(self) -> dict[str, Any]:
        """``{"due", "on_time", "rate"}``."""
        return {"due": self.due, "on_time": self.on_time, "rate": _rounded(self.rate)}


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
        return _ratio(self.holding, self.due)

    @property
    def not_held_rate(self) -> float | None:
        """The share of substantive answers that were "not held"; None if none or not measured."""
        return None if self.not_held is None else _ratio(self.not_held, self.answered)

    def as_json(self) -> dict[str, Any]:
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
            "holding_rate": _rounded(self.holding_rate),
            "median_working_days": self.median_working_days,
            "overdue_now": self.overdue_now,
            "not_held_rate": _rounded(self.not_held_rate),
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

    def as_json(self) -> dict[str, Any]:
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
        lines = [head, "", _text_line(first, "ordinary", "named day", "Lords", "holding",
                                      "median wd", "overdue", "not held", "lapsed")]
        for row in self.rows:
            label = row.month if row.month is not None else (row.department_name or "")
            lines.append(_text_line(
                label, _rate_cell(row.ordinary), _rate_cell(row.named_day),
                _rate_cell(row.lords), _percent(row.holding_rate),
                "-" if row.median_working_days is None else f"{row.median_working_days:g}",
                str(row.overdue_now), _percent(row.not_held_rate), str(row.lapsed),
            ))
        if not self.rows:
            lines.append("(no question was due in this period)")
        lines += ["", "rate (on time/due); median wd: working days from tabling to answer.",
                  DEFINITIONS, CAVEATS]
        return "\n".join(lines)


# One definition of the due day, the kind and a substantive answer, used by every query below
# (``q`` is the question, ``c`` the calendar row of its tabling day). Tested against
# bot.core.reports.duedates.due_date.
DUE_DAY_SQL = (
    "CASE WHEN q.date_for_answer IS NOT NULL AND (q.house = 'Lords' OR q.is_named_day = 1) "
    "THEN q.date_for_answer WHEN q.house = 'Lords' THEN c.lords_due ELSE c.ordinary_due END"
)
KIND_SQL = (
    "CASE WHEN q.house = 'Lords' THEN 'lords' "
    "WHEN q.is_named_day = 1 AND q.date_for_answer IS NOT NULL THEN 'named_day' "
    "ELSE 'ordinary' END"
)
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


def _figures_sql(scope: str, group: str) -> str:
    """One row per group: counts by kind, holding answers, overdue now, and the median working
    days from tabling to answer (from a histogram of them: the middle one, or the middle two's
    mean)."""
    counts = ", ".join(
        f"count(CASE WHEN kind = '{kind}' AND NOT lapsed THEN 1 END) AS {kind}_due, "
        f"count(CASE WHEN kind = '{kind}' AND answered <= due THEN 1 END) AS {kind}_on_time"
        for kind in KINDS
    )
    return f"""
    WITH {_due_cte(scope)},
    facts AS MATERIALIZED (SELECT *, {group} AS grp FROM due),
    totals AS (
        SELECT grp, {counts}, sum(held * NOT lapsed) AS holding, count(answered) AS answered,
               count(CASE WHEN answered IS NULL AND NOT lapsed AND due < :last_working_day
                     THEN 1 END) AS overdue_now, sum(lapsed) AS lapsed
        FROM facts GROUP BY grp
    ),
    waits AS (
        SELECT grp, max(0, a.n - tabled_n) AS wd, count(*) AS k
        FROM facts JOIN working_days a ON a.day = facts.answered GROUP BY grp, wd
    ),
    below AS (
        SELECT grp, wd, sum(k) OVER (PARTITION BY grp ORDER BY wd) AS upto,
               sum(k) OVER (PARTITION BY grp) AS total
        FROM waits
    ),
    medians AS (
        SELECT grp, (min(CASE WHEN upto >= (total + 1) / 2 THEN wd END)
                     + min(CASE WHEN upto >= total / 2 + 1 THEN wd END)) / 2.0 AS median
        FROM below GROUP BY grp
    )
    SELECT totals.*, medians.median FROM totals LEFT JOIN medians ON medians.grp IS totals.grp
    """


def _not_held_sql(scope: str, group: str) -> str:
    return f"""
    WITH {_due_cte(scope)}
    SELECT {group} AS grp, sum(is_not_held(t.answer_text)) AS not_held
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


def _rows(conn: sqlite3.Connection, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


def body_names(store: Store) -> dict[int | None, str]:
    """Every answering body's name: the store's, else the bot's table of departments."""
    names: dict[int | None, str] = {
        d.id: d.name for d in department_table() if d.id is not None
    }
    names.update(store.conn.execute("SELECT id, name FROM answering_bodies WHERE name != ''"))
    names[None] = UNKNOWN_DEPARTMENT
    return names


def last_working_day(day: date) -> date:
    """The last working day on or before ``day``: a question due before it is overdue on
    ``day`` (``duedates.working_days_between(due, day) >= 1``)."""
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def _months(first: date, last: date) -> list[str]:
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
    _register_functions(conn)
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
    figures = {r["grp"]: r for r in _rows(conn, _figures_sql(scope.sql, group), values)}
    not_held: dict[Any, int] = (
        dict(conn.execute(_not_held_sql(scope.sql, group), values)) if with_not_held else {}
    )
    overdue: dict[Any, int] = dict(conn.execute(_overdue_sql(scope.sql), values))

    def measured(key: Any) -> int | None:
        return not_held.get(key, 0) if with_not_held else None

    names = body_names(store)
    if scope.body_ids:
        rows = [
            _timeliness_row(figures.get(m), measured(m), month=m,
                            overdue_now=(figures.get(m) or {}).get("overdue_now", 0))
            for m in _months(since, end)
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


# -------------------------------------------------------------------------------- helpfulness


@dataclass(frozen=True)
class HelpfulnessRow:
    """Readers' votes on one department's answers."""

    department_id: int | None
    department_name: str
    answers: int  # answers with at least one vote
    yes: int
    no: int
    rank: int | None  # 1 is the worst; None below the minimum of votes

    @property
    def votes(self) -> int:
        """Votes cast, yes and no."""
        return self.yes + self.no

    @property
    def no_share(self) -> float | None:
        """The share of "No" votes; None without votes."""
        return _ratio(self.no, self.votes)

    @property
    def no_lower(self) -> float:
        """The lower bound of the 95% Wilson interval of the "No" share: what ranks."""
        return wilson_lower(self.no, self.votes)

    def as_json(self) -> dict[str, Any]:
        """The row as ``--json`` prints it."""
        return {
            "department": {"id": self.department_id, "name": self.department_name},
            "rank": self.rank,
            "answers": self.answers,
            "votes": self.votes,
            "yes": self.yes,
            "no": self.no,
            "no_share": _rounded(self.no_share),
            "no_lower_bound": _rounded(self.no_lower),
        }


@dataclass(frozen=True)
class DisputedAnswer:
    """One answer and its votes."""

    question_id: int
    uin: str
    house: str
    heading: str
    date_answered: str | None
    url: str | None
    yes: int
    no: int

    @property
    def no_lower(self) -> float:
        """The lower bound of the 95% Wilson interval of its "No" share."""
        return wilson_lower(self.no, self.yes + self.no)

    def as_json(self) -> dict[str, Any]:
        """The answer as ``--json`` prints it."""
        return {
            "id": self.question_id,
            "uin": self.uin,
            "house": self.house,
            "heading": self.heading,
            "date_answered": self.date_answered,
            "url": self.url,
            "yes": self.yes,
            "no": self.no,
            "no_lower_bound": _rounded(self.no_lower),
        }


@dataclass(frozen=True)
class HelpfulnessReport:
    """The league of departments by readers' votes, and one department's disputed answers."""

    since: date
    until: date
    as_of: date
    house: str | None
    min_votes: int
    rows: list[HelpfulnessRow]  # ranked worst first, then the unranked by votes
    department: HelpfulnessRow | None  # the department asked for (all its ids together)
    disputed: list[DisputedAnswer]  # its answers with "No" votes, most disputed first

    @property
    def ranked(self) -> list[HelpfulnessRow]:
        """The departments with enough votes, worst first."""
        return [row for row in self.rows if row.rank is not None]

    @property
    def unranked(self) -> list[HelpfulnessRow]:
        """The departments with votes, but fewer than ``min_votes``."""
        return [row for row in self.rows if row.rank is None]

    def as_json(self) -> dict[str, Any]:
        """``{"since", "until", "as_of", "house", "min_votes", "rows", "department",
        "disputed"}``."""
        return {
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "as_of": self.as_of.isoformat(),
            "house": self.house,
            "min_votes": self.min_votes,
            "rows": [row.as_json() for row in self.rows],
            "department": None if self.department is None else self.department.as_json(),
            "disputed": [answer.as_json() for answer in self.disputed],
        }

    def as_text(self) -> str:
        """The league (and a department's disputed answers) for the terminal."""
        house = f", {self.house}" if self.house else ""
        lines = [
            f'Readers\' votes on "Does this answer the above question?", answers dated '
            f"{self.since} to {self.until} (as of {self.as_of}){house}; worst first",
            "",
            f"{'rank':<5}{'department':<46}{'No':>6}{'≥ No':>7}{'votes':>8}{'yes':>6}{'no':>6}",
        ]
        for row in self.ranked:
            lines.append(
                f"{row.rank:<5}{_cut(row.department_name, 45):<46}{_percent(row.no_share):>6}"
                f"{_percent(row.no_lower):>7}{row.votes:>8}{row.yes:>6}{row.no:>6}"
            )
        if not self.ranked:
            lines.append(f"(no department has {self.min_votes} votes yet)")
        if self.unranked:
            rest = ", ".join(f"{r.department_name} ({r.votes})" for r in self.unranked)
            lines.append(f"Not ranked, fewer than {self.min_votes} votes: {rest}")
        if self.department is not None:
            lines += ["", f"{self.department.department_name}: {self.department.no} of "
                      f"{self.department.votes} votes say No; most disputed answers:"]
            lines += [
                f"  {a.question_id} {a.uin} ({a.date_answered}) {a.no}/{a.yes + a.no} No "
                f"- {_cut(a.heading, 60)} {a.url or ''}".rstrip()
                for a in self.disputed
            ] or ["  (none with a No vote)"]
        lines += ["", HELPFULNESS_DEFINITIONS.format(min_votes=self.min_votes)]
        return "\n".join(lines)


_VOTED = """
    FROM votes v JOIN questions q ON q.id = v.question_id
    WHERE q.date_answered BETWEEN :since AND :until AND substr(v.voted_at, 1, 10) <= :as_of
"""


def _league(conn: sqlite3.Connection, scope: QuestionScope, values: dict[str, Any],
            names: dict[int | None, str], min_votes: int) -> list[HelpfulnessRow]:
    counts = conn.execute(
        "SELECT q.answering_body_id, count(DISTINCT v.question_id), sum(v.helpful), "
        f"sum(1 - v.helpful) {_VOTED} {scope.sql} GROUP BY q.answering_body_id",
        values,
    ).fetchall()
    rows = [HelpfulnessRow(b, names.get(b, str(b)), a, y, n, None) for b, a, y, n in counts]
    ranked = sorted((r for r in rows if r.votes >= min_votes),
                    key=lambda r: (-r.no_lower, -r.votes, r.department_name))
    unranked = sorted((r for r in rows if r.votes < min_votes),
                      key=lambda r: (-r.votes, r.department_name))
    return [
        HelpfulnessRow(r.department_id, r.department_name, r.answers, r.yes, r.no, rank)
        for rank, r in enumerate(ranked, 1)
    ] + unranked


def _disputed(conn: sqlite3.Connection, scope: QuestionScope, values: dict[str, Any],
              limit: int) -> list[DisputedAnswer]:
    rows = _rows(
        conn,
        "SELECT q.id, q.uin, q.house, q.heading, q.date_answered, q.date_tabled, "
        f"sum(v.helpful) AS yes, sum(1 - v.helpful) AS no {_VOTED} {scope.sql} "
        "GROUP BY q.id HAVING no > 0 "
        "ORDER BY wilson_lower(no, yes + no) DESC, no DESC, q.id LIMIT :limit",
        {**values, "limit": limit},
    )
    return [
        DisputedAnswer(r["id"], r["uin"], r["house"], r["heading"], r["date_answered"],
                       parliament_url(r["date_tabled"], r["uin"]), r["yes"], r["no"])
        for r in rows
    ]


def helpfulness(
    store: Store,
    *,
    department_id: int | Sequence[int] | None = None,
    department_name: str | None = None,
    house: str | None = None,
    since: date | None = None,
    until: date | None = None,
    as_of: date | None = None,
    min_votes: int = MIN_VOTES,
    disputed: int = 10,
) -> HelpfulnessReport:
    """Readers' votes on the answers dated in [since, until], cast by the end of ``as_of``.

    ``rows``: every department with votes (in ``house``, if given), the ranked ones (at least
    ``min_votes`` votes) worst first by the Wilson lower bound of their "No" share, then the
    rest by votes. With ``department_id`` (an id, or a family of ids as for ``timeliness``):
    also its own row (``department``, every id together) and its ``disputed`` most disputed
    answers. Defaults as for ``timeliness``.
    """
    since, until, as_of = default_period(since, until, as_of)
    _register_functions(store.conn)
    house_name = normal_house(house, AccountabilityError)
    values = {"since": since.isoformat(), "until": until.isoformat(), "as_of": as_of.isoformat()}
    names = body_names(store)
    everyone = QuestionScope(house=house_name)
    league = _league(store.conn, everyone, {**values, **everyone.params}, names, min_votes)
    ids = body_ids(department_id, AccountabilityError)
    if not ids:
        return HelpfulnessReport(since, until, as_of, house_name, min_votes, league, None, [])
    scope = QuestionScope(ids, house_name)
    mine = [r for r in league if r.department_id in ids]
    name = department_name or names.get(ids[0], str(ids[0]))
    row = HelpfulnessRow(
        ids[0], name, sum(r.answers for r in mine), sum(r.yes for r in mine),
        sum(r.no for r in mine), mine[0].rank if len(mine) == 1 else None,
    )
    answers = _disputed(store.conn, scope, {**values, **scope.params}, disputed)
    return HelpfulnessReport(since, until, as_of, house_name, min_votes, league, row, answers)
