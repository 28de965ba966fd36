"""Store work off the event loop: reads on a small pool of threads, writes on one thread.

The bot's event loop must answer every interaction within Discord's 3 seconds and keep the
gateway's heartbeat, whatever the store is doing. So no store call runs on the loop:

- ``read(fn, *args)`` runs ``fn(store, *args)`` on one of ``READERS`` threads, each with its own
  read-only connection (WAL lets readers run beside the writer and see the last commit);
- ``quick(fn, *args)`` does the same on a thread of its own, for the one-row lookups that
  autocomplete makes: they never queue behind a search;
- ``write(fn, *args)`` runs ``fn(*args)`` on the single writer thread, in the order asked. The
  writer's ``Store`` (``self.store``) and the services built on it are used there only.

A thread pool with thread-local connections, rather than ``aiosqlite``, because the core's
store code is synchronous and shared with the command line: every query keeps one
implementation, and a read-only connection per reader thread is what WAL rewards.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Concatenate, ParamSpec, Protocol, TypeVar

from bot.store import Store

READERS = 3
T = TypeVar("T")
P = ParamSpec("P")


class Writer(Protocol):
    """Runs a store write somewhere and awaits it: ``StoreAccess.write`` in the bot, ``inline``
    in the command line (which has no event loop to keep free)."""

    def __call__(self, fn: Callable[[], T], /) -> Awaitable[T]: ...


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
