"""The summary tables a bulk load has left to count again.

``due_days`` and the name counts are kept by triggers on ``questions``; a bulk load sets the
triggers aside (``bulk.py``) and names the tables here, in the ``state`` table, in the same
transaction. Until they are counted again the tables lag what is stored, so their readers count
the questions instead. The mark is this code's own: a release that knew the triggers but not
this mark (one that puts set-aside triggers back without counting) cannot make a table look
counted, and the next start counts it.
"""

from __future__ import annotations

import json
import sqlite3

KEY = "bulk_load_recounts"  # the state key holding ["due_days_", ...]: trigger prefixes


def pending(conn: sqlite3.Connection) -> list[str]:
    """The trigger prefixes of the tables waiting to be counted again ([] for none)."""
    try:
        row = conn.execute("SELECT value FROM state WHERE key = ?", (KEY,)).fetchone()
    except sqlite3.OperationalError:  # a store from before the state table
        return []
    return [] if row is None else [str(p) for p in json.loads(row[0])]


def mark(conn: sqlite3.Connection, prefixes: list[str]) -> None:
    """Name tables as waiting to be counted again (call in the transaction that sets their
    triggers aside)."""
    waiting = sorted(set(pending(conn)) | set(prefixes))
    conn.execute("INSERT INTO state (key, value) VALUES (?, ?) "
                 "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                 (KEY, json.dumps(waiting)))


def clear(conn: sqlite3.Connection) -> None:
    """The tables were counted again (call in the transaction that counted them)."""
    conn.execute("DELETE FROM state WHERE key = ?", (KEY,))
