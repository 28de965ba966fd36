"""``heading_counts`` and ``member_counts``: what the name indexes are built from at start-up,
kept counted, so that a start reads a few thousand rows whatever the store's size.

The name indexes (``bot.core.names.matching.Resolver.from_store``) need every heading with its
number of questions and its newest question's id, and every member's questions asked and
answered with the first and last day one was answered. Counted from the questions, that reads
three indexes: 240 MB at 3,000,000 questions, 4 to 12 s when the file's pages are not in the
OS's cache (a first start after a bulk load or a reboot). These two tables hold the same
counts; triggers on ``questions`` keep them in the same transaction as every write, exactly: a
question leaving a heading or a member takes one away, and the newest id or the first and last
days are looked up again through the index that orders them (a few pages). A bulk load sets
the triggers aside and counts again at its end (``bulk.py``); while they are aside, ``kept``
is false and the name indexes count the questions, as before.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from bot.core.store import recounts

ROLES = ("asking_member_id", "answering_member_id")  # member_counts.role is the position

TABLE_STATEMENTS = (
    """CREATE TABLE IF NOT EXISTS heading_counts (
        heading TEXT PRIMARY KEY,
        n INTEGER NOT NULL,
        max_id INTEGER NOT NULL
    ) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS member_counts (
        member_id INTEGER NOT NULL,
        role INTEGER NOT NULL,
        n INTEGER NOT NULL,
        latest TEXT,
        first TEXT,
        PRIMARY KEY (member_id, role)
    ) WITHOUT ROWID""",
)


def _add_heading(q: str) -> str:
    return f"""
        INSERT INTO heading_counts (heading, n, max_id) SELECT {q}.heading, 1, {q}.id
        WHERE {q}.heading != ''
        ON CONFLICT (heading) DO UPDATE SET n = n + 1, max_id = max(max_id, excluded.max_id);"""


def _take_heading(q: str) -> str:
    # After the row is gone or changed: the newest id left, through the heading's index.
    return f"""
        UPDATE heading_counts SET n = n - 1,
            max_id = coalesce((SELECT max(id) FROM questions WHERE heading = {q}.heading), 0)
        WHERE heading = {q}.heading;
        DELETE FROM heading_counts WHERE heading = {q}.heading AND n <= 0;"""


def _add_member(q: str, role: int) -> str:
    column = ROLES[role]
    return f"""
        INSERT INTO member_counts (member_id, role, n, latest, first)
        SELECT {q}.{column}, {role}, 1, {q}.date_answered, {q}.date_answered
        WHERE {q}.{column} IS NOT NULL
        ON CONFLICT (member_id, role) DO UPDATE SET n = n + 1,
            latest = CASE WHEN latest IS NULL THEN excluded.latest
                          WHEN excluded.latest IS NULL THEN latest
                          ELSE max(latest, excluded.latest) END,
            first = CASE WHEN first IS NULL THEN excluded.first
                         WHEN excluded.first IS NULL THEN first
                         ELSE min(first, excluded.first) END;"""


def _take_member(q: str, role: int) -> str:
    # The first and last days left, through the member's (member, date_answered) index.
    column = ROLES[role]
    return f"""
        UPDATE member_counts SET n = n - 1,
            latest = (SELECT max(date_answered) FROM questions
                      WHERE {column} = {q}.{column}),
            first = (SELECT min(date_answered) FROM questions
                     WHERE {column} = {q}.{column} AND date_answered IS NOT NULL)
        WHERE member_id = {q}.{column} AND role = {role};
        DELETE FROM member_counts WHERE member_id = {q}.{column} AND role = {role} AND n <= 0;"""


def _add(q: str) -> str:
    return _add_heading(q) + _add_member(q, 0) + _add_member(q, 1)


def _take(q: str) -> str:
    return _take_heading(q) + _take_member(q, 0) + _take_member(q, 1)


_READ = ("id", "heading", "asking_member_id", "answering_member_id", "date_answered")

TRIGGER_STATEMENTS = (
    f"CREATE TRIGGER IF NOT EXISTS name_counts_insert AFTER INSERT ON questions "
    f"BEGIN {_add('new')} END",
    f"CREATE TRIGGER IF NOT EXISTS name_counts_delete AFTER DELETE ON questions "
    f"BEGIN {_take('old')} END",
    f"CREATE TRIGGER IF NOT EXISTS name_counts_update AFTER UPDATE OF {', '.join(_READ)} "
    f"ON questions WHEN {' OR '.join(f'old.{c} IS NOT new.{c}' for c in _READ)} "
    f"BEGIN {_take('old')} {_add('new')} END",
)


def create(conn: sqlite3.Connection) -> None:
    """Create the tables and the triggers that keep them, and count (call in a transaction)."""
    for statement in (*TABLE_STATEMENTS, *TRIGGER_STATEMENTS):
        conn.execute(statement)
    rebuild(conn)


def rebuild(conn: sqlite3.Connection) -> None:
    """Count every question again (call in a transaction)."""
    conn.execute("DELETE FROM heading_counts")
    conn.execute("INSERT INTO heading_counts (heading, n, max_id) " + HEADINGS_SQL)
    conn.execute("DELETE FROM member_counts")
    for role, column in enumerate(ROLES):
        conn.execute(
            f"INSERT INTO member_counts (member_id, role, n, latest, first) "
            f"SELECT {column}, {role}, count(*), max(date_answered), min(date_answered) "
            f"FROM questions WHERE {column} IS NOT NULL GROUP BY {column}"
        )


#: Every heading, its questions and its newest question's id, counted from the questions.
HEADINGS_SQL = (
    "SELECT heading, count(*), max(id) FROM questions WHERE heading != '' GROUP BY heading"
)


def kept(conn: sqlite3.Connection) -> bool:
    """Whether the tables hold the counts: their triggers are in place and no bulk load has
    left them to be counted again (``recounts``)."""
    present = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = 'name_counts_insert'"
    ).fetchone() is not None
    return present and "name_counts_" not in recounts.pending(conn)


def headings(conn: sqlite3.Connection) -> list[Any]:
    """(heading, questions, newest id) for every heading, from the table when it is kept."""
    if kept(conn):
        return conn.execute("SELECT heading, n, max_id FROM heading_counts").fetchall()
    return conn.execute(HEADINGS_SQL).fetchall()


def member_rows(conn: sqlite3.Connection) -> list[tuple[int, int, int, str | None, str | None]]:
    """(member id, role, questions, last day answered, first day answered) per member and role
    (role 0 asking, 1 answering), from the table when it is kept."""
    if kept(conn):
        return conn.execute(
            "SELECT member_id, role, n, latest, first FROM member_counts").fetchall()
    rows = []
    for role, column in enumerate(ROLES):
        rows += [(member, role, n, latest, first) for member, n, latest, first in conn.execute(
            f"SELECT {column}, count(*), max(date_answered), min(date_answered) FROM questions "
            f"WHERE {column} IS NOT NULL GROUP BY {column}")]
    return rows
