"""Searches (and requests waiting for a name to be picked) kept in the store, so the buttons
of a message keep working after a restart: a custom_id holds at most 100 characters."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from bot.search import SearchQuery


def save_session(store: Any, query: SearchQuery) -> int:
    """Keep a search shown in Discord, so its buttons still work after a restart."""
    cursor = store.conn.execute(
        "INSERT INTO search_sessions (query, created_at) VALUES (?, ?)",
        (json.dumps(query.as_json()), datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")),
    )
    return int(cursor.lastrowid)


def load_session(store: Any, session_id: int) -> SearchQuery | None:
    row = store.conn.execute(
        "SELECT query FROM search_sessions WHERE id = ?", (session_id,)
    ).fetchone()
    return None if row is None else SearchQuery.from_json(json.loads(row[0]))


def update_session(store: Any, session_id: int, query: SearchQuery) -> None:
    store.conn.execute(
        "UPDATE search_sessions SET query = ? WHERE id = ?",
        (json.dumps(query.as_json()), session_id),
    )
