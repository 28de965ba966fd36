"""Searches (and requests waiting for a name to be picked) kept in the store, so the buttons
of a message keep working after a restart: a custom_id holds at most 100 characters.

A saved search holds the ids its names resolved to (``SearchQuery.pinned``), so turning a page
never resolves a name again. Sessions older than ``SESSION_DAYS`` are pruned; their buttons
then say the search has expired.

In the bot, ``SessionKeeper`` saves behind the reply: a bulk ``ingest`` can hold the store's
write lock for many seconds, and a person's results must not wait for it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Concatenate, ParamSpec, Protocol, TypeVar

from bot.core.clock import utc_now, utc_now_text
from bot.core.privacy.retention import SAVED_SEARCH_DAYS
from bot.core.search.fulltext import SearchQuery
from bot.core.store.database import Store

SESSION_DAYS = SAVED_SEARCH_DAYS
EXPIRED_SEARCH = (
    f"That search has expired (searches are kept {SESSION_DAYS} days); run /answers again."
)
EXPIRED_REQUEST = "That request has expired; run /subscribe again."


log = logging.getLogger(__name__)
T = TypeVar("T")
P = ParamSpec("P")


def save_session(
    store: Store,
    query: SearchQuery,
    session_id: int | None = None,
    user_id: int | None = None,
    guild_id: int | None = None,
) -> int:
    """Keep a search shown in Discord, so its buttons still work after a restart; returns its
    id (``session_id`` when given, else the next free one). ``user_id`` and ``guild_id``: who
    asked, and where, so the search goes when their data is deleted."""
    cursor = store.conn.execute(
        "INSERT INTO search_sessions (id, query, created_at, user_id, guild_id) "
        "VALUES (?, ?, ?, ?, ?)",
        (session_id, json.dumps(query.as_json()), utc_now_text(), user_id, guild_id),
    )
    return int(cursor.lastrowid or 0)


def replace_session(
    store: Store,
    query: SearchQuery,
    session_id: int,
    user_id: int | None = None,
    guild_id: int | None = None,
) -> None:
    """Write ``query`` as session ``session_id``, whether or not it was saved before (keeping
    who asked and where when not given again)."""
    store.conn.execute(
        "INSERT INTO search_sessions (id, query, created_at, user_id, guild_id) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET query = excluded.query, "
        "created_at = excluded.created_at, "
        "user_id = coalesce(excluded.user_id, search_sessions.user_id), "
        "guild_id = coalesce(excluded.guild_id, search_sessions.guild_id)",
        (session_id, json.dumps(query.as_json()), utc_now_text(), user_id, guild_id),
    )


def load_session(store: Store, session_id: int) -> SearchQuery | None:
    """The search saved as ``session_id``, or None when it was pruned (or never was)."""
    row = store.conn.execute(
        "SELECT query FROM search_sessions WHERE id = ?", (session_id,)
    ).fetchone()
    return None if row is None else SearchQuery.from_json(json.loads(row[0]))


def prune_sessions(store: Store, days: int = SESSION_DAYS, now: datetime | None = None) -> int:
    """Forget searches saved more than ``days`` before ``now`` (default: the clock's now);
    returns how many went."""
    now = now or utc_now()
    cutoff = (now - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return store.conn.execute(
        "DELETE FROM search_sessions WHERE created_at < ?", (cutoff,)
    ).rowcount


class StoreWork(Protocol):
    """The parts of ``StoreAccess`` a ``SessionKeeper`` uses."""

    def read(
        self, fn: Callable[Concatenate[Store, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> Awaitable[T]:
        """``fn(store, *args)`` on a reader thread with its own read-only connection."""
        ...

    def write(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> Awaitable[T]:
        """``fn(*args)`` on the writer thread, after every write asked for before it."""
        ...


class SessionKeeper:
    """Saved searches for the bot, written behind the reply.

    ``save`` gives the id at once and writes on the writer thread afterwards; until that write
    lands, ``load`` answers from memory, so a button pressed meanwhile still works. Ids are
    microseconds since the epoch (kept increasing), so ids given before a restart are never
    given again.
    """

    def __init__(self, db: StoreWork, store: Store) -> None:
        self._db = db
        self._store = store  # the writer's: used on the writer thread only
        self._last_id = 0
        self._pending: dict[int, SearchQuery] = {}
        self._askers: dict[int, tuple[int | None, int | None]] = {}
        self._writes: set[asyncio.Task[None]] = set()

    def _new_id(self) -> int:
        self._last_id = max(self._last_id + 1, time.time_ns() // 1000)
        return self._last_id

    def save(
        self, query: SearchQuery, user_id: int | None = None, guild_id: int | None = None
    ) -> int:
        """Keep ``query`` (asked by ``user_id`` in ``guild_id``) and return its session id now;
        the store write follows."""
        session_id = self._new_id()
        self._askers[session_id] = (user_id, guild_id)
        self._keep(session_id, query)
        return session_id

    def update(self, session_id: int, query: SearchQuery) -> None:
        """Replace a saved search (a name was picked for it); the store write follows."""
        self._keep(session_id, query)

    async def load(self, session_id: int) -> SearchQuery | None:
        """The search saved as ``session_id`` (a copy), or None when it was pruned."""
        pending = self._pending.get(session_id)
        if pending is not None:
            return SearchQuery.from_json(pending.as_json())
        return await self._db.read(load_session, session_id)

    async def flush(self) -> None:
        """Wait until every save asked for so far is in the store."""
        while self._writes:
            await asyncio.gather(*self._writes, return_exceptions=True)

    def _keep(self, session_id: int, query: SearchQuery) -> None:
        kept = SearchQuery.from_json(query.as_json())
        self._pending[session_id] = kept
        task = asyncio.get_running_loop().create_task(self._write(session_id, kept))
        self._writes.add(task)
        task.add_done_callback(self._writes.discard)

    async def _write(self, session_id: int, query: SearchQuery) -> None:
        try:
            user_id, guild_id = self._askers.pop(session_id, (None, None))
            await self._db.write(
                replace_session, self._store, query, session_id, user_id, guild_id
            )
        except Exception:  # the reply went out; its buttons will say the search expired
            log.exception("could not save search session %s", session_id)
        finally:
            if self._pending.get(session_id) is query:
                del self._pending[session_id]
