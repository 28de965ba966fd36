"""History through the API: ``python -m bot backfill`` and the first run's background backfill.

A backfill walks its window one day at a time, newest first, through each day's answered,
corrected and tabled lists: ``fetch.fetch_window`` with ``ALL_WINDOWS``, the path ``fetch`` and
the poller take, so it asks for a question's full view only when the list view cannot give
everything, and never for a question stored complete and unchanged. Each day is recorded in
``backfill_days`` once everything it listed is stored, so a run stopped by Ctrl-C, a kill or a
network failure resumes at the first day not finished and never lists a finished day again;
``refresh`` redoes them. Today is never recorded: it is not over.

Its change-log entries carry the source ``backfill`` (``subscriptions.HISTORY_SOURCE``), which
the delivery queue never posts: a backfill is history, not news.

``FirstFill`` is the bot's own: a store that holds only the seed (a first run) gets the last
``BACKFILL_DAYS`` days in the background, through the bot's writer thread, while the bot answers
commands; the name indexes are rebuilt every few days of it, and it resumes after a restart.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from typing import IO, TYPE_CHECKING

from bot.core.clock import london_today, utc_now_text
from bot.core.news.kinds import HISTORY_SOURCE
from bot.core.progress import LogProgress, Progress
from bot.core.progress import progress_for as generic_progress_for
from bot.core.sources.api_client import ParliamentAPI
from bot.core.sources.fetch import ALL_WINDOWS, FetchError, FetchSummary, fetch_window
from bot.core.store.access import Writer, inline
from bot.core.store.database import Store

if TYPE_CHECKING:
    from bot.core.services import Services

log = logging.getLogger(__name__)

SOURCE = HISTORY_SOURCE  # the change log's source for what a backfill stores: never posted
FIRST_FILL = "first_backfill"  # state key: "running", then "done"
REFRESH_EVERY_DAYS = 5  # the first run rebuilds the name indexes after this many days
RETRY_SECONDS = 60.0  # the first run retries a stopped backfill after this, doubling
MAX_RETRY_SECONDS = 3600.0
SEED_SOURCES = "ingest:seed-%"  # what ``cli.open_store`` loads into a new store (LIKE pattern)
SEED_MAX = 10  # a store of more questions than this holds more than the seed


@dataclass
class BackfillSummary:
    """What a backfill did: days, API calls, questions stored, and why it stopped if it did."""

    since: date
    until: date
    days: int = 0  # days fetched by this run
    days_skipped: int = 0  # finished by an earlier run, not fetched again
    list_calls: int = 0
    detail_calls: int = 0  # full views
    listed: int = 0  # questions listed (counted once a day)
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[str] = field(default_factory=list)
    seconds: float = 0.0
    stopped: str | None = None  # the API kept failing: finished days are kept; run again

    @property
    def days_in_window(self) -> int:
        """How many days ``since`` to ``until`` spans."""
        return (self.until - self.since).days + 1

    def add(self, fetched: FetchSummary) -> None:
        """Count what one day's fetch did (a whole day, or what a failing one did)."""
        self.list_calls += fetched.pages
        self.detail_calls += fetched.details
        self.listed += fetched.listed
        self.new += fetched.new
        self.updated += fetched.updated
        self.unchanged += fetched.unchanged
        self.rejected.extend(fetched.rejected)

    def describe(self) -> str:
        """The summary in a line or two, for the terminal."""
        text = (
            f"Backfilled {self.since} to {self.until}: {self.days} days fetched "
            f"({self.days_skipped} finished before), {self.list_calls:,} list calls, "
            f"{self.detail_calls:,} detail calls; {self.listed:,} questions listed: "
            f"{self.new:,} new, {self.updated:,} updated, {self.unchanged:,} unchanged, "
            f"{len(self.rejected):,} rejected"
        )
        if self.rejected:
            text += f" ({'; '.join(self.rejected[:3])})"
        if self.stopped:
            text += f"\nStopped: {self.stopped}. The days finished are kept: run again to resume."
        return text

    def as_json(self) -> dict[str, object]:
        """The summary as JSON-ready data."""
        return {
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "days": self.days,
            "days_skipped": self.days_skipped,
            "days_in_window": self.days_in_window,
            "list_calls": self.list_calls,
            "detail_calls": self.detail_calls,
            "listed": self.listed,
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": len(self.rejected),
            "rejections": self.rejected[:100],
            "seconds": round(self.seconds, 2),
            "stopped": self.stopped,
        }


# -- progress -------------------------------------------------------------------------------


def _day_line(day: date, fetched: FetchSummary, summary: BackfillSummary, total: int) -> str:
    return (
        f"{day}: {fetched.listed} questions listed, {fetched.pages} list calls, "
        f"{fetched.details} full texts; {fetched.new} new, {fetched.updated} updated "
        f"({summary.days} of {total} days)"
    )


def progress_for(stream: IO[str] = sys.stderr) -> Progress:
    """A bar of days on a terminal, else a line a day."""
    return generic_progress_for(stream, unit="day", desc="backfill")


# -- the backfill ---------------------------------------------------------------------------


def parse_backfill_window(
    since: str | None, until: str | None, today: date | None = None
) -> tuple[date, date]:
    """``--since`` (required) and ``--until`` (default today) as dates."""
    if not since:
        raise ValueError("--since is needed, e.g. --since 2024-01-01")
    try:
        start = date.fromisoformat(since)
        end = date.fromisoformat(until) if until else today or london_today()
    except ValueError:
        raise ValueError("Dates must be written YYYY-MM-DD, e.g. --since 2024-01-31") from None
    if start > end:
        raise ValueError(f"--since {start} is after --until {end}")
    return start, end


def finished_days(store: Store, since: date, until: date) -> set[str]:
    """The days of the window a backfill has finished (``YYYY-MM-DD``)."""
    return {
        row[0]
        for row in store.conn.execute(
            "SELECT day FROM backfill_days WHERE day BETWEEN ? AND ?",
            (since.isoformat(), until.isoformat()),
        )
    }


def record_day(store: Store, day: date, fetched: FetchSummary) -> None:
    """Record a day as finished: everything its lists gave is stored."""
    with store.transaction():
        store.conn.execute(
            "INSERT INTO backfill_days (day, list_calls, detail_calls, listed, new, updated, "
            "unchanged, rejected, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (day) DO UPDATE SET list_calls = excluded.list_calls, "
            "detail_calls = excluded.detail_calls, listed = excluded.listed, "
            "new = excluded.new, updated = excluded.updated, unchanged = excluded.unchanged, "
            "rejected = excluded.rejected, finished_at = excluded.finished_at",
            (
                day.isoformat(),
                fetched.pages,
                fetched.details,
                fetched.listed,
                fetched.new,
                fetched.updated,
                fetched.unchanged,
                len(fetched.rejected),
                utc_now_text(),
            ),
        )


DayDone = Callable[[date, FetchSummary], Awaitable[None]]


async def _days_to_fetch(
    store: Store, summary: BackfillSummary, refresh: bool, writer: Writer
) -> list[date]:
    """The window's days not finished before (every day with ``refresh``), newest first; the
    others are counted in ``summary.days_skipped``."""
    since, until = summary.since, summary.until
    done = set() if refresh else await writer(partial(finished_days, store, since, until))
    days = [until - timedelta(days=n) for n in range(summary.days_in_window)]
    todo = [day for day in days if day.isoformat() not in done]
    summary.days_skipped = len(days) - len(todo)
    return todo


async def backfill(
    store: Store,
    base_url: str,
    since: date,
    until: date,
    *,
    refresh: bool = False,
    api: ParliamentAPI | None = None,
    writer: Writer = inline,
    progress: Progress | None = None,
    on_day: DayDone | None = None,
    today: date | None = None,
) -> BackfillSummary:
    """Fetch every question answered, corrected or tabled from ``since`` to ``until``
    (inclusive), a day at a time, newest first, skipping the days finished before unless
    ``refresh``. Every store call goes through ``writer``; ``on_day`` runs after each day.

    The API failing after its retries ends the run with ``summary.stopped`` set; every day
    finished before is kept. A cancelled run (Ctrl-C) keeps them too.
    """
    summary = BackfillSummary(since, until)
    show = progress or Progress()
    today = today or london_today()
    started = time.monotonic()
    todo = await _days_to_fetch(store, summary, refresh, writer)
    client = api or ParliamentAPI(base_url)
    fetch_day = partial(fetch_window, store, base_url, api=client, source=SOURCE, writer=writer)
    try:
        show.start(
            len(todo),
            f"backfill {summary.since} to {summary.until}: {len(todo)} days to fetch, "
            f"{summary.days_skipped} finished before",
        )
        if api is None:
            await client.__aenter__()
        for day in todo:
            try:
                fetched = await fetch_day(day, day, windows=ALL_WINDOWS)
            except FetchError as error:
                if error.summary is not None:
                    summary.add(error.summary)
                summary.stopped = f"{day}: {error}"
                break
            summary.add(fetched)
            summary.days += 1
            if day < today:  # a day is over once it has passed; today is fetched, not recorded
                await writer(partial(record_day, store, day, fetched))
            show.step(
                _day_line(day, fetched, summary, len(todo)),
                f"{day} · {summary.listed:,} questions · {summary.detail_calls:,} full texts",
            )
            if on_day is not None:
                await on_day(day, fetched)
    finally:
        show.close()
        if api is None:
            await client.__aexit__(None, None, None)
        summary.seconds = time.monotonic() - started
    return summary


# -- the first run --------------------------------------------------------------------------


def holds_only_seed(store: Store) -> bool:
    """Whether the store is empty or holds nothing but the seed ``open_store`` gives a new one."""
    if store.count_questions() > SEED_MAX:
        return False
    return (
        store.conn.execute(
            "SELECT 1 FROM questions WHERE id NOT IN "
            "(SELECT question_id FROM changes WHERE source LIKE ?) LIMIT 1",
            (SEED_SOURCES,),
        ).fetchone()
        is None
    )


def claim_first_fill(store: Store) -> bool:
    """Whether the first run's backfill is due: the store holds only the seed (it is then
    marked running), or a first run's backfill was stopped before it finished."""
    state = store.get_state(FIRST_FILL)
    if state == "running":
        return True
    if state is not None or not holds_only_seed(store):
        return False
    store.set_state(FIRST_FILL, "running")
    return True


class FirstFill:
    """The last ``BACKFILL_DAYS`` days, loaded in the background on a first run.

    ``await FirstFill.plan(services)`` before the poller's first poll (so that the store still
    holds only the seed), then run ``run()`` as a task.
    """

    def __init__(self, services: Services, since: date, until: date) -> None:
        self.services = services
        self.since = since
        self.until = until
        self.summary: BackfillSummary | None = None
        self._days_since_refresh = 0

    @classmethod
    async def plan(cls, services: Services, today: date | None = None) -> FirstFill | None:
        """The first run's backfill when it is due (``BACKFILL_DAYS`` > 0 and the store holds
        only the seed, or it was stopped); else None. The window ends yesterday: the poller
        has today."""
        days = services.settings.backfill_days
        if days <= 0:
            return None
        if not await services.db.write(partial(claim_first_fill, services.store)):
            return None
        today = today or london_today()
        return cls(services, today - timedelta(days=days), today - timedelta(days=1))

    async def _day_done(self, day: date, fetched: FetchSummary) -> None:
        if fetched.new or fetched.updated:
            self._days_since_refresh += 1
        if self._days_since_refresh >= REFRESH_EVERY_DAYS:
            self._days_since_refresh = 0
            await self.services.refresh_indexes()

    async def run(self) -> None:
        """Backfill to the end, retrying with backoff while the API is down; the name indexes
        are rebuilt every few days and at the end. Never raises but for cancellation; what it
        did is in ``summary``."""
        services = self.services
        log.info(
            "First run: loading the last %d days (%s to %s) from Parliament's API in the "
            "background; nothing it loads is posted to channels",
            services.settings.backfill_days,
            self.since,
            self.until,
        )
        wait = RETRY_SECONDS
        try:
            while True:
                summary = await backfill(
                    services.store,
                    services.settings.parliament_api_base_url,
                    self.since,
                    self.until,
                    writer=services.db.write,
                    progress=LogProgress(log, "backfill"),
                    on_day=self._day_done,
                )
                self.summary = summary
                if summary.stopped is None:
                    break
                log.warning(
                    "First-run backfill stopped (%s); retrying in %.0f s", summary.stopped, wait
                )
                await asyncio.sleep(wait)
                wait = min(MAX_RETRY_SECONDS, wait * 2)
            await services.refresh_indexes()
            await services.db.write(partial(services.store.set_state, FIRST_FILL, "done"))
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("First-run backfill failed; it resumes at the next start")
            return
        log.info("First-run backfill done: %s", summary.describe())
