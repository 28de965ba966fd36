"""``due_days``: the questions counted by due day, department and outcome, for ``/timeliness``.

The timeliness figures for every department over a year read every question due in it: about
255,000 at 3,000,000 questions, each joined to the working-day calendar twice, 0.8 s. This table
holds the same facts already counted: one row per due day, answering body, kind (ordinary, named
day, Lords), working days from tabling to the substantive answer, on time or not, holding answer
or not, lapsed or not, with how many questions share them. A year is a few rows a department-day.

Triggers on ``questions`` keep it: each insert adds one to its row, each delete takes one away,
each update of a column it reads does both. So every writer (``upsert``, bulk loads, the
migrations that merge printings or members) keeps it without knowing about it, in the same
transaction. Withdrawn questions, and questions whose tabling day is outside the calendar, are
left out, as the report's SQL leaves them out.

The counts are the outcomes as stored, so they are the report's figures when nothing stored
happened after the report's ``as_of`` (no tabling, holding answer or substantive answer dated
after it). ``last_event`` keeps the latest such day a row has counted (it only grows, so it may
be later than needed, never earlier), and ``covers`` says whether the table can answer for an
``as_of``; when it cannot (a report as of a day in the past) the report reads the questions.

Due days and waits come from the ``working_days`` table. It is made again only when the
``holidays`` package's bank holidays change or when it is extended; an extension leaves every
existing day's due days and the differences of its working-day numbers as they were, but a
change of holidays moves them, so ``Store.check_calendar`` rebuilds this table when it makes
the calendar again (seconds at a million questions, after an upgrade of ``holidays`` only).
"""

from __future__ import annotations

import sqlite3

from bot.core.store import recounts

# The due day and the kind of question ``q``, given ``c``, the calendar row of its tabling day
# (bot.core.reports.duedates's rules; tested against them). ``{q}`` is a table alias or the
# trigger's NEW / OLD.
_DUE_DAY = (
    "CASE WHEN {q}.date_for_answer IS NOT NULL AND ({q}.house = 'Lords' OR {q}.is_named_day = 1) "
    "THEN {q}.date_for_answer WHEN {q}.house = 'Lords' THEN c.lords_due ELSE c.ordinary_due END"
)
_KIND = (
    "CASE WHEN {q}.house = 'Lords' THEN 'lords' "
    "WHEN {q}.is_named_day = 1 AND {q}.date_for_answer IS NOT NULL THEN 'named_day' "
    "ELSE 'ordinary' END"
)
_SUBSTANTIVE = "{q}.status IN ('answered', 'corrected') AND {q}.date_answered IS NOT NULL"
_HOLDING_DAY = (
    "coalesce({q}.date_holding_answer, CASE WHEN {q}.is_holding = 1 THEN {q}.date_answered END)"
)

DUE_DAY_SQL = _DUE_DAY.format(q="q")
KIND_SQL = _KIND.format(q="q")

#: The key columns, in the table's primary key order.
KEY = ("due", "body", "kind", "wait", "on_time", "held", "lapsed")
#: ``wait`` of a question with no substantive answer.
NOT_ANSWERED = -1
#: ``wait`` of a substantive answer dated on a day the calendar lacks (no working-day count).
WAIT_UNKNOWN = -2
#: ``wait`` of a question answered or corrected without an answer day: not answered in the
#: figures, as the report's SQL reads it, but not waiting either.
NO_ANSWER_DAY = -3
#: ``body`` of a question without an answering body.
NO_BODY = -1

TABLE_STATEMENTS = (
    """CREATE TABLE IF NOT EXISTS due_days (
        due TEXT NOT NULL,
        body INTEGER NOT NULL,
        kind TEXT NOT NULL,
        wait INTEGER NOT NULL,
        on_time INTEGER NOT NULL,
        held INTEGER NOT NULL,
        lapsed INTEGER NOT NULL,
        n INTEGER NOT NULL,
        last_event TEXT NOT NULL,
        PRIMARY KEY (due, body, kind, wait, on_time, held, lapsed)
    ) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS due_days_last_event ON due_days (last_event)",
    # The questions still waiting, by department: /timeliness's "overdue now" over all time.
    "CREATE INDEX IF NOT EXISTS due_days_waiting ON due_days (body, due, n) "
    "WHERE wait = -1 AND lapsed = 0",
)


def _facts(q: str, *, from_questions: bool = False) -> str:
    """A SELECT of the key columns and ``last_event`` for question ``q``: the trigger's NEW or
    OLD, or (``from_questions``) every row of ``questions`` as ``q``. Nothing for a withdrawn
    question or one whose tabling day is not in the calendar."""
    substantive = _SUBSTANTIVE.format(q=q)
    holding_day = _HOLDING_DAY.format(q=q)
    due = _DUE_DAY.format(q=q)
    source = (
        "questions q JOIN working_days c ON c.day = q.date_tabled" if from_questions
        else "working_days c"
    )
    tabled = "" if from_questions else f"c.day = {q}.date_tabled AND"
    return f"""
    SELECT * FROM (
        SELECT {due} AS due,
               coalesce({q}.answering_body_id, {NO_BODY}) AS body,
               {_KIND.format(q=q)} AS kind,
               CASE WHEN {substantive} THEN coalesce(max(0, a.n - c.n), {WAIT_UNKNOWN})
                    WHEN {q}.status IN ('answered', 'corrected') THEN {NO_ANSWER_DAY}
                    ELSE {NOT_ANSWERED} END AS wait,
               ({substantive}) AND {q}.date_answered <= ({due}) AS on_time,
               {holding_day} IS NOT NULL AS held,
               coalesce({q}.status = 'lapsed', 0) AS lapsed,
               max({q}.date_tabled,
                   coalesce(CASE WHEN {substantive} THEN {q}.date_answered END, ''),
                   coalesce({holding_day}, '')) AS last_event
        FROM {source} LEFT JOIN working_days a ON a.day = {q}.date_answered
        WHERE {tabled} {q}.is_withdrawn = 0
    ) WHERE due IS NOT NULL"""


_KEY = ", ".join(KEY)


def _add(q: str) -> str:
    return f"""
        INSERT INTO due_days ({_KEY}, n, last_event)
        SELECT {_KEY}, 1, last_event FROM ({_facts(q)}) WHERE 1
        ON CONFLICT ({_KEY}) DO UPDATE SET n = n + 1,
            last_event = max(last_event, excluded.last_event);"""


def _take_away(q: str) -> str:
    return f"""
        UPDATE due_days SET n = n - 1 WHERE ({_KEY}) IN (SELECT {_KEY} FROM ({_facts(q)}));"""


# The columns the facts read: an update of any other column leaves the table alone.
_READ = ("answering_body_id", "house", "is_named_day", "date_for_answer", "date_tabled",
         "date_answered", "date_holding_answer", "is_holding", "status", "is_withdrawn")

TRIGGER_STATEMENTS = (
    f"CREATE TRIGGER IF NOT EXISTS due_days_insert AFTER INSERT ON questions "
    f"BEGIN {_add('new')} END",
    f"CREATE TRIGGER IF NOT EXISTS due_days_delete AFTER DELETE ON questions "
    f"BEGIN {_take_away('old')} END",
    f"CREATE TRIGGER IF NOT EXISTS due_days_update AFTER UPDATE OF {', '.join(_READ)} "
    f"ON questions WHEN {' OR '.join(f'old.{c} IS NOT new.{c}' for c in _READ)} "
    f"BEGIN {_take_away('old')} {_add('new')} END",
    # A row no question shares any more goes.
    f"CREATE TRIGGER IF NOT EXISTS due_days_emptied AFTER UPDATE OF n ON due_days "
    f"WHEN new.n <= 0 BEGIN DELETE FROM due_days WHERE "
    f"{' AND '.join(f'{c} = new.{c}' for c in KEY)}; END",
)


def create(conn: sqlite3.Connection) -> None:
    """Create the table, its indexes and the triggers that keep it, and fill it (call in a
    transaction)."""
    for statement in (*TABLE_STATEMENTS, *TRIGGER_STATEMENTS):
        conn.execute(statement)
    rebuild(conn)


def rebuild(conn: sqlite3.Connection) -> None:
    """Count every question again (call in a transaction)."""
    conn.execute("DELETE FROM due_days")
    conn.execute(
        f"INSERT INTO due_days ({_KEY}, n, last_event) "
        f"SELECT {_KEY}, count(*), max(last_event) FROM ({_facts('q', from_questions=True)}) "
        f"GROUP BY {_KEY}"
    )


def covers(conn: sqlite3.Connection, as_of: str) -> bool:
    """Whether the counts are the figures as of ``as_of`` (an ISO day): nothing they counted
    happened after it."""
    kept = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = 'due_days_insert'"
    ).fetchone()
    if not kept or "due_days_" in recounts.pending(conn):  # a bulk load's: the counts lag it
        return False
    latest = conn.execute("SELECT max(last_event) FROM due_days").fetchone()[0]
    return latest is None or latest <= as_of
