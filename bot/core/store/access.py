"""Store work off the event loop: reads on a small pool of threads, writes on one thread.

The bot's event loop must answer every interaction within Discord's 3 seconds and keep the
gateway's heartbeat, whatever the store is doing. So no store call runs on the loop:

- ``read(fn, *args)`` runs ``fn(store, *args)`` on one of ``READERS`` threads, each with its own
  read-only connection (WAL lets readers run beside the writer and see the last commit);
- ``quick(fn, *args)`` does the same on a thread of its own, for the one-row lookups that
  autocomplete makes: they never queue behind a search;
- ``write(fn, *args)`` runs ``fn(*args)`` on the single writer thread, in the order asked. The
  writer's ``Store`` (``self.store``) and the services built on it are used there only;
- ``read_shared(key, fn, *args)`` is ``read`` for work many people ask at once (a burst of the
  same search after a news story): callers with the same key while it runs share one result.

A thread pool with thread-local connections, rather than ``aiosqlite``, because the core's
store code is synchronous and shared with the command line: every query keeps one
implementation, and a read-only connection per reader thread is what WAL rewards.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Concatenate, ParamSpec, Protocol, TypeVar, cast

from bot.core.store.database import Store

READERS = 3
T = TypeVar("T")
P = ParamSpec("P")


class Writer(Protocol):
    """Runs a store write somewhere and awaits it: ``StoreAccess.write`` in the bot, ``inline``
    in the command line (which has no event loop to keep free)."""

    def __call__(self, fn: Callable[[], T], /) -> Awaitable[T]:
        """Run ``fn`` and await its result."""
        ...


async def inline(fn: Callable[[], T], /) -> T:
    """Run ``fn`` here and now: the ``Writer`` of code that owns its thread."""
    return fn()


class StoreAccess:
    """Awaitable reads and writes of one SQLite file, none of them on the event loop."""

    def __init__(self, store: Store, readers: int = READERS) -> None:
        self.store = store
        self.path = store.path
        self._local = threading.local()
        self._opened: list[Store] = []
        self._lock = threading.Lock()
        self._readers = ThreadPoolExecutor(readers, thread_name_prefix="store-read")
        self._quick = ThreadPoolExecutor(1, thread_name_prefix="store-quick")
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="store-write")
        self._flights: dict[Hashable, asyncio.Future[object]] = {}

    def _reader(self) -> Store:
        store: Store | None = getattr(self._local, "store", None)
        if store is None:
            store = Store(self.path, readonly=True)
            self._local.store = store
            with self._lock:
                self._opened.append(store)
        return store

    def _call_with_reader(
        self, fn: Callable[Concatenate[Store, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        return fn(self._reader(), *args, **kwargs)

    async def read(
        self, fn: Callable[Concatenate[Store, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """``fn(store, *args)`` on a reader thread with its own read-only connection."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._readers, partial(self._call_with_reader, fn, *args, **kwargs)
        )

    async def read_shared(
        self,
        key: Hashable,
        fn: Callable[Concatenate[Store, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """As ``read``, but a caller asking ``key`` while the same key runs gets that run's
        result (treat it as read-only: it is shared). A burst of 100 searches for seven words
        runs seven searches instead of queueing 100 on the reader threads."""
        flight = self._flights.get(key)
        if flight is None:
            started: asyncio.Future[object] = asyncio.ensure_future(
                self.read(fn, *args, **kwargs)
            )
            started.add_done_callback(lambda _: self._flights.pop(key, None))
            self._flights[key] = flight = started
        # Shielded: one caller giving up must not cancel the others' result.
        return cast(T, await asyncio.shield(flight))

    async def quick(
        self, fn: Callable[Concatenate[Store, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """As ``read``, on a thread kept for lookups that must answer at once (autocomplete)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._quick, partial(self._call_with_reader, fn, *args, **kwargs)
        )

    async def write(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """``fn(*args)`` on the writer thread, after every write asked for before it."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._writer, partial(fn, *args, **kwargs))

    def close(self) -> None:
        """Finish queued work and close the readers' connections (not the writer's store)."""
        for pool in (self._writer, self._quick, self._readers):
            pool.shutdown(wait=True)
        with self._lock:
            for store in self._opened:
                store.close()
            self._opened.clear()
