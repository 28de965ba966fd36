"""Polling Parliament: fetch what was answered, corrected or tabled lately, and never skip a day.

Each poll re-scans from the day of the last successful poll (at least the last two days: the
API has day precision and no "modified since"), so an outage of any length is caught up when the
API returns. Failures back off exponentially and are logged once per outage. A poll asks for a
question's full view only when its list view cannot give everything (``fetch.needs_full_view``),
so on a quiet day it costs its list calls alone; the calls of each poll are logged (debug) and
counted in the metrics.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from typing import Unpack

from bot.core.clock import london_today
from bot.core.metrics import POLL_CALLS, POLL_CALLS_PER_POLL, POLLS
from bot.core.sources.api_client import APIOptions, ParliamentAPI
from bot.core.sources.fetch import ALL_WINDOWS, FetchError, FetchSummary, fetch_window
from bot.core.store.access import Writer, inline
from bot.core.store.database import Store

log = logging.getLogger(__name__)

LAST_SUCCESS = "poll_last_success_day"
MAX_BACKOFF_SECONDS = 3600.0


@dataclass
class PollResult:
    """One poll: whether it fetched, and what it fetched or why it failed."""

    ok: bool
    summary: FetchSummary | None = None
    error: str | None = None


class Poller:
    """Fetches recently answered, corrected and tabled questions into the store, one poll at a
    time, backing off while the API is down."""

    def __init__(
        self,
        store: Store,
        base_url: str,
        interval_seconds: float,
        api_factory: type[ParliamentAPI] = ParliamentAPI,
        writer: Writer = inline,
        **api_options: Unpack[APIOptions],
    ) -> None:
        self.store = store
        self.writer = writer  # every store call goes through it (see store_access)
        self.base_url = base_url
        self.interval = interval_seconds
        self.api_factory = api_factory
        self.api_options = api_options
        self.failures = 0
        # Called after each successful poll, e.g. to embed what it stored (services.py).
        self.after_store: list[Callable[[], Awaitable[None]]] = []

    def window(self, today: date | None = None) -> tuple[date, date]:
        """The days to fetch, inclusive: from yesterday, or from the last successful poll's day when
        that is earlier, to today."""
        today = today or london_today()
        since = today - timedelta(days=1)
        last = self.store.get_state(LAST_SUCCESS)
        if last is not None:
            since = min(since, date.fromisoformat(last))
        return since, today

    async def poll_once(self, today: date | None = None) -> PollResult:
        """Fetch the window into the store; never raises for an unreachable API."""
        since, until = await self.writer(partial(self.window, today))
        try:
            async with self.api_factory(self.base_url, **self.api_options) as api:
                summary = await fetch_window(
                    self.store,
                    self.base_url,
                    since,
                    until,
                    api=api,
                    source="poll",
                    writer=self.writer,
                    windows=ALL_WINDOWS,
                )
        except FetchError as error:
            POLLS.labels("failure").inc()
            self.failures += 1
            if self.failures == 1:
                log.warning("Parliament API unavailable (%s); backing off, will catch up", error)
            else:
                log.debug("Parliament API still unavailable (%s)", error)
            return PollResult(False, error=str(error))
        if self.failures:
            log.warning(
                "Parliament API back after %d failed polls; caught up from %s", self.failures, since
            )
        self.failures = 0
        POLLS.labels("success").inc()
        POLL_CALLS.labels("list").inc(summary.pages)
        POLL_CALLS.labels("full view").inc(summary.details)
        POLL_CALLS_PER_POLL.observe(summary.pages + summary.details)
        log.debug(
            "poll of %s to %s: %d list calls, %d full views; %d new, %d updated",
            since,
            until,
            summary.pages,
            summary.details,
            summary.new,
            summary.updated,
        )
        await self.writer(partial(self.store.set_state, LAST_SUCCESS, until.isoformat()))
        for hook in self.after_store:
            try:
                await hook()
            except Exception:
                log.exception("after-poll step failed")
        return PollResult(True, summary)

    def next_wait(self) -> float:
        """The interval, doubled for each failure in a row (up to an hour)."""
        if not self.failures:
            return self.interval
        return min(MAX_BACKOFF_SECONDS, max(self.interval, self.interval * 2.0**self.failures))
