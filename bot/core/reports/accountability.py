"""The accountability reports' shared parts: the standards and definitions they cite, the
period a report covers, the Wilson lower bound, and the text helpers of their tables. The
reports themselves: ``timeliness`` (how promptly each department answers) and ``helpfulness``
(how helpful readers find its answers). Discord-free; ``/timeliness``, ``/helpfulness`` and
``python -m bot stats`` share these numbers."""

from __future__ import annotations

import math
import sqlite3
from datetime import date, timedelta
from typing import Any

from bot.core.clock import london_today
from bot.core.names.departments import department_table
from bot.core.reports.not_held import is_not_held
from bot.core.store.database import Store
from bot.core.store.rows import query_dicts

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


def register_functions(conn: sqlite3.Connection) -> None:
    """The Python the SQL below calls: the not-held detector and the Wilson bound."""
    conn.create_function("is_not_held", 1, lambda text: int(is_not_held(text)), deterministic=True)
    # With the question: a decline after figures counts when it names a part that was asked.
    conn.create_function(
        "is_not_held",
        2,
        lambda text, question: int(is_not_held(text, question)),
        deterministic=True,
    )
    conn.create_function("wilson_lower", 2, wilson_lower, deterministic=True)


def ratio(part: int, whole: int) -> float | None:
    """``part / whole``, or None when nothing was due."""
    return None if whole == 0 else part / whole


def rounded(value: float | None, digits: int = 4) -> float | None:
    """A share rounded for JSON (None stays None)."""
    return None if value is None else round(value, digits)


def percent(value: float | None) -> str:
    """A share as a whole percentage for a table, "-" when there is none."""
    return "-" if value is None else f"{value:.0%}"


def cut(text: str, width: int) -> str:
    """``text`` within ``width`` characters, an ellipsis marking a cut."""
    return text if len(text) <= width else text[: width - 1] + "…"


def text_line(label: str, *cells: str) -> str:
    """One row of a report's text table: the label, then each cell in its column."""
    widths = (18, 18, 18, 9, 10, 9, 9, 7)
    cells_text = "".join(f"{cell:<{width}}" for cell, width in zip(cells, widths, strict=True))
    return f"{cut(label, 40):<41}{cells_text}".rstrip()


def query_rows(conn: sqlite3.Connection, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """A query's rows as dicts keyed by column name."""
    return query_dicts(conn, sql, params)


def body_names(store: Store) -> dict[int | None, str]:
    """Every answering body's name: the store's, else the bot's table of departments."""
    names: dict[int | None, str] = {d.id: d.name for d in department_table() if d.id is not None}
    names.update(store.conn.execute("SELECT id, name FROM answering_bodies WHERE name != ''"))
    names[None] = UNKNOWN_DEPARTMENT
    return names
