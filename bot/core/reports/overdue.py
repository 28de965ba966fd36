"""Questions still waiting past their due day: the list behind ``/overdue`` and
``python -m bot overdue``, and where one question stands against its due day (``/answer``).
Discord-free.

What counts as overdue
----------------------
Parliament's rules, as ``bot.core.reports.duedates`` states them: a Commons ordinary question is
due on the
5th working day after tabling, a named-day question on the day named, a Lords question on its
date for answer (else the 10th working day after tabling); working days exclude weekends and
England and Wales bank holidays. On a day ``as_of`` a question is **overdue** when

* it has not been withdrawn,
* it has no substantive answer dated on or before ``as_of`` (a holding answer does not stop the
  clock: such a question is listed, marked as holding), and
* at least one working day has passed since its due day.

Its **working days overdue** are the working days after the due day up to and including
``as_of``, exactly ``duedates.due_status(...).working_days_overdue`` (the tests compare them
question by question). Questions without a tabling day (some of the older archive's) have no due
day and are left out. The most overdue come first: the earliest due day, then the lowest id.

How it is computed
------------------
In SQL, with the due day of ``bot.core.reports.accountability.DUE_DAY_SQL`` over the
``working_days``
calendar (migration 5), so there is one set of rules. The questions still waiting are read from
the partial index ``questions_waiting``, which holds every column the due day needs, in one pass
that gives both the total and the page (20,000 waiting of a million questions: under 30 ms, one
department under 5 ms; ``bench/overdue_bench.py``); with a member filter, from that member's
index instead. For an ``as_of`` in the past, questions answered after it are read too, since on
that day they were still waiting. Only the page shown is read from the table.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.core.clock import london_today
from bot.core.records import parliament_url
from bot.core.reports.duedates import (
    CALENDAR_FIRST,
    CALENDAR_LAST,
    DueStatus,
    due_status,
    working_days_between,
)
from bot.core.reports.filters import QuestionScope, body_ids, normal_house
from bot.core.reports.timeliness import DUE_DAY_SQL, last_working_day
from bot.core.search.render import NameRef, body_named, member_named
from bot.core.store.bulk import IndexHints, execute_hinted
from bot.core.store.calendar import stored_bounds
from bot.core.store.database import Store

__all__ = [
    "DEFAULT_LIMIT",
    "OVERDUE_RULES",
    "OverdueError",
    "OverdueList",
    "OverdueQuestion",
    "iter_overdue",
    "overdue",
    "question_due",
]

#: Questions a list shows when no limit is given.
DEFAULT_LIMIT = 20
OVERDUE_RULES = (
    "Overdue: not withdrawn, no substantive answer (a holding answer does not stop the clock) "
    "and at least one working day past the due day. Due: a Commons ordinary question the 5th "
    "working day after it was tabled, a named-day question the day named, a Lords question its "
    "date for answer (else the 10th working day); working days skip weekends and England and "
    "Wales bank holidays."
)

# The indexes the questions still waiting are read from: by default the partial index of them
# all; with a member filter, the member's own (a member has hundreds of questions, not tens of
# thousands). sqlite-utils names the member indexes of migration 1.
_WAITING_INDEX = "questions_waiting"
_ASKER_INDEX = "idx_questions_asking_member_id_date_answered"
_ANSWERER_INDEX = "idx_questions_answering_member_id_date_answered"


class OverdueError(ValueError):
    """Options no list can be made with (an unknown House, a day outside the calendar); the
    message says so in a few words."""


@dataclass(frozen=True)
class OverdueQuestion:
    """One overdue question, as a list shows it."""

    id: int
    uin: str
    house: str  # "Commons" or "Lords"
    heading: str
    department: NameRef | None
    asked_by: NameRef | None
    date_tabled: str
    due: str  # the due day, ISO
    working_days_overdue: int
    named_day: bool  # a Commons named-day question, due on the day named
    holding: bool  # a holding answer was given by the list's ``as_of``
    holding_date: str | None  # that holding answer's day
    status: str  # the question's status now (after a past ``as_of``, it may be answered)
    url: str | None  # its page on the Parliament website (or TheyWorkForYou)

    def as_json(self) -> dict[str, object]:
        """The question as ``overdue --json`` prints it."""
        return {
            "id": self.id,
            "uin": self.uin,
            "house": self.house,
            "heading": self.heading,
            "department": self.department,
            "asked_by": self.asked_by,
            "date_tabled": self.date_tabled,
            "due": self.due,
            "working_days_overdue": self.working_days_overdue,
            "named_day": self.named_day,
            "holding": self.holding,
            "status": self.status,
        }


@dataclass(frozen=True)
class OverdueList:
    """A page of the questions overdue on ``as_of``, the most overdue first, and how many there
    are in all."""

    as_of: date
    total: int
    offset: int
    results: list[OverdueQuestion]

    def as_json(self) -> dict[str, object]:
        """``{"as_of", "total", "results"}``."""
        return {
            "as_of": self.as_of.isoformat(),
            "total": self.total,
            "results": [item.as_json() for item in self.results],
        }

    def as_text(self, title: str = "") -> str:
        """The list for a terminal: a line per question, then the rules."""
        plural = "" if self.total == 1 else "s"
        head = f"{self.total:,} question{plural} overdue as of {self.as_of}"
        lines = [f"{head}{' - ' + title if title else ''}; most overdue first", ""]
        if self.results:
            lines.append(f"{'wd':>5}  {'due':<10}  {'tabled':<10}  {'UIN':<10} department / "
                         "heading")
        for item in self.results:
            marks = "".join(
                mark for mark, on in ((" [named day]", item.named_day),
                                      (" [holding]", item.holding)) if on
            )
            department = item.department["name"] if item.department else "-"
            lines.append(
                f"{item.working_days_overdue:>5}  {item.due:<10}  {item.date_tabled:<10}  "
                f"{item.uin:<10} {department} / {item.heading or '(no heading)'}{marks}  "
                f"(id {item.id})"
            )
        shown = len(self.results)
        if shown < self.total:
            first = self.offset + 1 if shown else self.offset
            lines.append(f"(showing {first}-{self.offset + shown} of {self.total:,}; "
                         "--limit shows more)")
        lines += ["", "wd: working days overdue. " + OVERDUE_RULES]
        return "\n".join(lines)


def _source(scope: QuestionScope, hints: IndexHints) -> str:
    """How a scope's list reads the table: by its member's index, else by the index of the
    questions waiting; for a member in either role, the ids both member indexes give, first
    (CROSS JOIN keeps that order). While a bulk load has the member indexes aside, by the
    questions waiting (``scope.sql`` filters the member): at 3,000,000 questions 0.85 s, where
    reading the whole table for a member took 7 s."""
    if not {_ASKER_INDEX, _ANSWERER_INDEX} <= hints.present:
        return f"questions q INDEXED BY {_WAITING_INDEX}"
    if scope.asking_member_id is not None:
        return f"questions q INDEXED BY {_ASKER_INDEX}"
    if scope.answering_member_id is not None:
        return f"questions q INDEXED BY {_ANSWERER_INDEX}"
    if scope.member_id is not None:
        return (
            f"(SELECT id FROM questions INDEXED BY {_ASKER_INDEX} WHERE asking_member_id = :member"
            f" UNION SELECT id FROM questions INDEXED BY {_ANSWERER_INDEX}"
            " WHERE answering_member_id = :member) m CROSS JOIN questions q ON q.id = m.id"
        )
    return f"questions q INDEXED BY {_WAITING_INDEX}"


def _waiting_cte(scope: QuestionScope, hints: IndexHints) -> str:
    """``waiting``: (id, due) of the questions overdue on :as_of (due before its last working
    day, ``duedates.working_days_between(due, as_of) >= 1``): those still waiting now, and
    those answered after :as_of (none when it is today)."""
    columns = f"q.id, {DUE_DAY_SQL} AS due"
    return f"""
    WITH waiting AS MATERIALIZED (
        SELECT * FROM (
            SELECT {columns} FROM {_source(scope, hints)}
            JOIN working_days c ON c.day = q.date_tabled
            WHERE q.status IN ('unanswered', 'holding') AND q.is_withdrawn = 0
              AND q.date_tabled <= :as_of {scope.sql}
            UNION ALL
            SELECT {columns} FROM questions q
            JOIN working_days c ON c.day = q.date_tabled
            WHERE q.status IN ('answered', 'corrected') AND q.date_answered > :as_of
              AND q.is_withdrawn = 0 AND q.date_tabled <= :as_of {scope.sql}
        ) WHERE due < :last_working_day
    )"""


def _page_sql(scope: QuestionScope, hints: IndexHints) -> str:
    """The total (a row whose id is NULL) and the page: one pass over the index, the
    questions found kept for both (a count and a page apart took half as long again)."""
    return f"""{_waiting_cte(scope, hints)}
    SELECT NULL AS id, NULL AS due, (SELECT count(*) FROM waiting) AS total
    UNION ALL
    SELECT * FROM (SELECT id, due, NULL FROM waiting ORDER BY due, id LIMIT :limit OFFSET :offset)
    """


_DETAIL_COLUMNS = (
    "id, uin, house, heading, answering_body_id, asking_member_id, date_tabled, "
    "date_for_answer, is_named_day, status, is_holding, date_answered, date_holding_answer, "
    "source_url, twfy_url"
)


def _working_day_counts(conn: sqlite3.Connection, days: set[str]) -> dict[str, int]:
    marks = ", ".join("?" * len(days))
    return dict(conn.execute(f"SELECT day, n FROM working_days WHERE day IN ({marks})",
                             sorted(days)))


def _item(store: Store, row: dict[str, Any], due: str, overdue_days: int,
          as_of: date) -> OverdueQuestion:
    held_on = row["date_holding_answer"] or (row["date_answered"] if row["is_holding"] else None)
    held = held_on is not None and held_on <= as_of.isoformat()
    return OverdueQuestion(
        id=row["id"],
        uin=row["uin"],
        house=row["house"],
        heading=row["heading"],
        department=body_named(store, row["answering_body_id"]),
        asked_by=member_named(store, row["asking_member_id"]),
        date_tabled=row["date_tabled"],
        due=due,
        working_days_overdue=overdue_days,
        named_day=bool(row["house"] == "Commons" and row["is_named_day"]
                       and row["date_for_answer"]),
        holding=held,
        holding_date=held_on if held else None,
        status=row["status"],
        url=row["source_url"] or row["twfy_url"] or parliament_url(row["date_tabled"],
                                                                   row["uin"]),
    )


def overdue(
    store: Store,
    *,
    department_id: int | Sequence[int] | None = None,
    answering_member_id: int | None = None,
    asking_member_id: int | None = None,
    member_id: int | None = None,
    house: str | None = None,
    as_of: date | None = None,
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> OverdueList:
    """The questions overdue on ``as_of`` (default today in the UK), most overdue first: the
    page of ``limit`` from ``offset``, and the total.

    Filters: ``department_id``, a body id or a body and those it replaced (as
    ``DepartmentIndex.family`` gives); ``answering_member_id``, the member answering (most
    questions still waiting have none yet: those with a holding answer do);
    ``asking_member_id``; ``member_id``, a member in either role, asked or answering (as
    ``member`` in search); ``house``, "commons" or "lords" in any case. Raises
    ``OverdueError`` for an unknown House, a ``limit`` below 1, a negative ``offset``, or an
    ``as_of`` outside the working-day calendar (1997 to 2040 at least, and every day the
    questions carry: ``bot.core.store.calendar``).
    """
    if limit < 1:
        raise OverdueError(f"limit must be at least 1, not {limit}")
    if offset < 0:
        raise OverdueError(f"offset must not be negative, not {offset}")
    as_of, scope, values = _prepare(store, department_id, answering_member_id,
                                    asking_member_id, member_id, house, as_of)
    values.update(limit=limit, offset=offset)
    found = execute_hinted(store.conn, lambda hints: _page_sql(scope, hints), values).fetchall()
    total = next(count for question_id, _, count in found if question_id is None)
    page: list[tuple[int, str]] = [(i, due) for i, due, _ in found if i is not None]
    return OverdueList(as_of, total, offset, _items(store, page, as_of))


def iter_overdue(
    store: Store,
    *,
    department_id: int | Sequence[int] | None = None,
    answering_member_id: int | None = None,
    asking_member_id: int | None = None,
    member_id: int | None = None,
    house: str | None = None,
    as_of: date | None = None,
    batch: int = 500,
) -> Iterator[OverdueQuestion]:
    """Every question ``overdue`` would list, in its order, read from one cursor ``batch`` at
    a time (for exports: memory does not grow with the list). Same filters and errors."""
    as_of, scope, values = _prepare(store, department_id, answering_member_id,
                                    asking_member_id, member_id, house, as_of)
    cursor = execute_hinted(
        store.conn,
        lambda hints: f"{_waiting_cte(scope, hints)} SELECT id, due FROM waiting ORDER BY due, id",
        values)
    while page := cursor.fetchmany(batch):
        yield from _items(store, page, as_of)


def _prepare(
    store: Store, department_id: int | Sequence[int] | None, answering_member_id: int | None,
    asking_member_id: int | None, member_id: int | None, house: str | None, as_of: date | None,
) -> tuple[date, QuestionScope, dict[str, Any]]:
    """The day (default today in the UK), the scope and the parameters of a list; raises
    ``OverdueError`` for an unknown House or a day outside the working-day calendar."""
    as_of = as_of or london_today()
    first, last = stored_bounds(store.conn) or (CALENDAR_FIRST, CALENDAR_LAST)
    if not first <= as_of <= last:
        raise OverdueError(f"as of {as_of}: the working-day calendar covers {first} to {last}")
    scope = QuestionScope(body_ids(department_id, OverdueError),
                          normal_house(house, OverdueError), answering_member_id, asking_member_id,
                          member_id)
    values: dict[str, Any] = {
        "as_of": as_of.isoformat(),
        "last_working_day": last_working_day(as_of).isoformat(),
        **scope.params,
    }
    return as_of, scope, values


def _items(store: Store, page: Sequence[tuple[int, str]], as_of: date) -> list[OverdueQuestion]:
    """The questions of a page of (id, due day), read from the table, in the page's order."""
    if not page:
        return []
    marks = ", ".join("?" * len(page))
    rows = {r["id"]: r for r in store.rows(
        f"SELECT {_DETAIL_COLUMNS} FROM questions WHERE id IN ({marks})", [i for i, _ in page]
    )}
    counts = _working_day_counts(store.conn, {as_of.isoformat(), *(due for _, due in page)})
    results = []
    for question_id, due in page:
        try:
            days = counts[as_of.isoformat()] - counts[due]
        except KeyError:  # a date for answer outside the calendar: count it the long way
            days = working_days_between(date.fromisoformat(due), as_of)
        results.append(_item(store, rows[question_id], due, days, as_of))
    return results


def _day(value: Any) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def question_due(question: Mapping[str, Any], as_of: date | None = None) -> DueStatus | None:
    """Where one question stands against its due day at the end of ``as_of`` (default today in
    the UK): ``duedates.due_status`` with the question's substantive answer (a holding answer
    is not one). ``question`` is ``show --json`` data (``render.question_json``) or a stored
    row. None when it has no tabling day or no known House."""
    tabled = _day(question.get("date_tabled"))
    house = str(question.get("house") or "")
    if tabled is None or house.lower() not in ("commons", "lords"):
        return None
    substantive = question.get("status") in ("answered", "corrected")
    named = question.get("named_day", question.get("is_named_day"))
    withdrawn = question.get("withdrawn", question.get("is_withdrawn"))
    return due_status(
        house,
        tabled,
        _day(question.get("date_for_answer")),
        bool(named),
        _day(question.get("date_answered")) if substantive else None,
        _day(question.get("date_holding_answer")),
        bool(withdrawn),
        as_of or london_today(),
    )
