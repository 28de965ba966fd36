"""Searches (and requests waiting for a name to be picked) kept in the store, so the buttons
of a message keep working after a restart: a custom_id holds at most 100 characters.

A saved search holds the ids its names resolved to (``SearchQuery.pinned``), so turning a page
never resolves a name again. Sessions older than ``SESSION_DAYS`` are pruned; their buttons
then say the search has expired.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from bot.clock import utc_now_text
from bot.search import SearchQuery
from bot.store import Store

SESSION_DAYS = 30
EXPIRED_SEARCH = (
    f"That search has expired (searches are kept {SESSION_DAYS} days); run /answers again."
)
EXPIRED_REQUEST = "That request has expired; run /subscribe again."


def save_session(store: Store, query: SearchQuery) -> int:
    """Keep a search shown in Discord, so its buttons still work after a restart."""
    cursor = store.conn.execute(
        "INSERT INTO search_sessions (query, created_at) VALUES (?, ?)",
        (json.dumps(query.as_json()), utc_now_text()),
    )
    return int(cursor.lastrowid or 0)


def load_session(store: Store, session_id: int) -> SearchQuery | None:
    """The search saved as ``session_id``, or None when it was pruned (or never was)."""
    row = store.conn.execute(
        "SELECT query FROM search_sessions WHERE id = ?", (session_id,)
    ).fetchone()
    return None if row is None else SearchQuery.from_json(json.loads(row[0]))


def update_session(store: Store, session_id: int, query: SearchQuery) -> None:
    """Replace a saved search (a name was picked for it)."""
    store.conn.execute(
        "UPDATE search_sessions SET query = ? WHERE id = ?",
        (json.dumps(query.as_json()), session_id),
    )


def prune_sessions(store: Store, days: int = SESSION_DAYS) -> int:
    """Forget searches saved more than ``days`` ago; returns how many went."""
    cutoff = (datetime.now(UTC) - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return store.conn.execute(
        "DELETE FROM search_sessions WHERE created_at < ?", (cutoff,)
    ).rowcount
