"""Bulk loads: the questions table's read-side indexes set aside while a big load runs, and
built once after it.

Each new question costs an insert into every index of ``questions``; most of them serve only
reads (lists by date, department, member and status, headings, due days). Inserting 100,000
questions with all eleven cost about 60 us a record more than with the two the load reads, and
building the others over the same rows afterwards about 10 us a record (a sort each instead of
random inserts). Eight are set aside; three stay (``KEPT``): the two the load reads, and the
partial index of the questions still waiting, which a load adds few rows to and ``/overdue``
needs to stay quick beside it.

Setting them aside is a committed change like any other: their definitions go into the
``state`` table in the transaction that drops them, and ``restore_indexes`` builds them again
and forgets the definitions in one transaction. A load killed in between leaves a store that
answers every query (an index changes how fast, never what) and still says which indexes it
lacks; ``Store`` builds them when it next opens the file for writing. The full-text index,
updated file by file as before, stays in place.

The triggers that keep ``due_days`` (``due_days.py``) and the name counts (``name_counts.py``)
are set aside the same way: ``due_days``' cost about 16 us a record during a load, and counting
every question again at the end about 4. While they are aside, ``due_days.covers`` and
``name_counts.kept`` are false, so ``/timeliness`` and the name indexes count the questions
themselves and never lag the load.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Mapping
from typing import Any

from bot.core.store import due_days, name_counts, recounts

ASIDE_KEY = "bulk_load_indexes"  # the state key holding [[name, sql], ...]
# The tables kept counted by triggers on questions, by their triggers' prefix: set aside with
# the indexes, and counted again when they are built.
RECOUNTS: dict[str, Callable[[sqlite3.Connection], None]] = {
    "due_days_": due_days.rebuild,
    "name_counts_": name_counts.rebuild,
}
KEPT = frozenset({
    # Read while loading: a UIN's printings (printings.py) and a re-scrape's gid redirects.
    "idx_questions_uin_house", "questions_gid",
    # Only the questions still waiting, few in a load, so it costs the load little; /overdue
    # and /timeliness read it. (At 3,000,000 questions, /overdue without it scanned the table:
    # 55 s from the disk, 0.85 s cached, against 0.15 s.)
    "questions_waiting",
})
# Every other index is set aside, the members' two among them; a query naming one by ``INDEXED
# BY`` takes it through ``IndexHints``, so that beside a load it runs slower, never fails.


def indexes_aside(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """The (name, CREATE statement) of each index a bulk load set aside and has not rebuilt."""
    row = conn.execute("SELECT value FROM state WHERE key = ?", (ASIDE_KEY,)).fetchone()
    return [] if row is None else [(str(n), str(s)) for n, s in json.loads(row[0])]


def set_aside_indexes(conn: sqlite3.Connection) -> int:
    """Drop the read-side indexes of ``questions``, remembering them; call in a transaction.
    Returns how many were dropped."""
    found = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'questions' "
        "AND sql IS NOT NULL ORDER BY name"
    ).fetchall()
    dropped = [(str(name), str(sql)) for name, sql in found if name not in KEPT]
    dropped += [(str(name), str(sql)) for name, sql in conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'questions' "
        "ORDER BY name") if str(name).startswith(tuple(RECOUNTS))]
    if not dropped:
        return 0
    conn.execute(
        "INSERT INTO state (key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (ASIDE_KEY, json.dumps(indexes_aside(conn) + dropped)),
    )
    recounts.mark(conn, [p for p in RECOUNTS if any(n.startswith(p) for n, _ in dropped)])
    for name, sql in dropped:
        kind = "TRIGGER" if sql.upper().startswith("CREATE TRIGGER") else "INDEX"
        conn.execute(f'DROP {kind} "{name}"')
    return len(dropped)


def restore_indexes(conn: sqlite3.Connection) -> int:
    """Build again the indexes and triggers a bulk load set aside, and count again the tables
    those triggers keep (``recounts``); call in a transaction. Returns how many were built (0
    when none was aside)."""
    aside = indexes_aside(conn)
    present = {r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type IN ('index', 'trigger')")}
    built = 0
    for name, sql in aside:
        if name not in present:
            conn.execute(sql)
            built += 1
    # Whoever put the triggers back (this code, or a release that did not count), what was
    # loaded while they were aside is counted here.
    waiting = recounts.pending(conn)
    for prefix in waiting:
        RECOUNTS[prefix](conn)
    if waiting:
        recounts.clear(conn)
    conn.execute("DELETE FROM state WHERE key = ?", (ASIDE_KEY,))
    return built


class IndexHints:
    """Takes out of a query each ``INDEXED BY`` naming an index that is not there: a bulk load
    sets the read-side indexes aside until it ends, and a query naming a missing index fails
    where it would only run slower. For every query that names an index not in ``KEPT``."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.present = {name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index'")}

    def __call__(self, sql: str) -> str:
        """``sql`` without the hints whose index is missing."""
        return _INDEXED_BY.sub(
            lambda m: m.group(0) if m.group(1) in self.present else "", sql)


_INDEXED_BY = re.compile(r"\bINDEXED BY (\w+)")


def execute_hinted(conn: sqlite3.Connection, sql_for: Callable[[IndexHints], str],
                   values: Mapping[str, Any]) -> sqlite3.Cursor:
    """Run the SQL ``sql_for`` builds for the indexes there now, without hints for missing
    ones; once more if a bulk load set one aside between reading which are there and running
    it (a read outside a transaction sees each commit as it lands)."""
    hints = IndexHints(conn)
    try:
        return conn.execute(hints(sql_for(hints)), values)
    except sqlite3.OperationalError as error:
        if "no such index" not in str(error):
            raise
    hints = IndexHints(conn)
    return conn.execute(hints(sql_for(hints)), values)
