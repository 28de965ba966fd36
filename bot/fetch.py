"""Pulling a date window from the live API into the store (``fetch``; the poller reuses it).

Answers are found by two windows, since a correction does not move ``dateAnswered``: the
answered window and the corrected window. List pages are stored as they arrive (so nothing
fetched is lost if a later call fails), then each question's detail view replaces the list
view's shortened texts and adds attachments.
"""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from typing import Any

from bot.parliament_api import ParliamentAPI, ParliamentAPIError
from bot.records import RecordError
from bot.sources.api_json import parse_question_value
from bot.store import Store
from bot.store_access import Writer, inline

WINDOWS = (
    ("answered", "answeredWhenFrom", "answeredWhenTo"),
    ("corrected", "correctedWhenFrom", "correctedWhenTo"),
)
DETAIL_BATCH = 50


class FetchError(RuntimeError):
    """The fetch stopped early; what was fetched before is stored."""


@dataclass
class FetchSummary:
    since: date
    until: date
    pages: int = 0
    listed: int = 0
    details: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[str] = field(default_factory=list)
    changes: list[tuple[int, str]] = field(default_factory=list)

    def describe(self) -> str:
        text = (
            f"Fetched {self.since} to {self.until}: {self.pages} pages, {self.listed} questions "
            f"listed, {self.details} full texts; {self.new} new, {self.updated} updated, "
            f"{self.unchanged} unchanged"
        )
        if self.rejected:
            text += f", {len(self.rejected)} rejected ({'; '.join(self.rejected[:3])})"
        return text


def parse_window(
    since: str | None, until: str | None, today: date | None = None
) -> tuple[date, date]:
    """``--since``/``--until`` as dates; by default yesterday and today."""
    today = today or date.today()
    try:
        end = date.fromisoformat(until) if until else today
        start = date.fromisoformat(since) if since else end - timedelta(days=1)
    except ValueError:
        raise ValueError("Dates must be written YYYY-MM-DD, e.g. --since 2024-01-31") from None
    if start > end:
        raise ValueError(f"--since {start} is after --until {end}")
    return start, end


class _Progress:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def show(self, text: str) -> None:
        if self.enabled:
            sys.stderr.write("\r\033[K" + text)
            sys.stderr.flush()

    def done(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")


def _store_values(
    store: Store, values: list[dict[str, Any]], summary: FetchSummary, source: str
) -> None:
    parsed = []
    for value in values:
        try:
            parsed.append(parse_question_value(value, f"question {value.get('id')}"))
        except RecordError as error:
            summary.rejected.append(
                f"question {value.get('id') if isinstance(value, dict) else '?'}: {error}"
            )
    with store.transaction():
        result = store.upsert(parsed, source=source)
    summary.new += result.new
    summary.updated += result.updated
    summary.unchanged += result.unchanged
    summary.changes.extend(result.changes)


async def fetch_window(
    store: Store,
    base_url: str,
    since: date,
    until: date,
    *,
    progress: bool = False,
    api: ParliamentAPI | None = None,
    source: str = "fetch",
    writer: Writer = inline,
) -> FetchSummary:
    """Fetch every question answered or corrected between ``since`` and ``until`` (inclusive).

    Store writes go through ``writer`` (the bot's writer thread, so its event loop stays free).
    """
    summary = FetchSummary(since, until)
    display = _Progress(progress)
    own_api = api is None
    client = api or ParliamentAPI(base_url)
    if own_api:
        await client.__aenter__()
    try:
        ids: dict[int, None] = {}
        for name, from_key, to_key in WINDOWS:
            params = {
                from_key: since.isoformat(),
                to_key: until.isoformat(),
                "house": "Bicameral",
                "expandMember": "true",
            }
            try:
                async for page, total, values in client.iter_pages(params):
                    summary.pages += 1
                    summary.listed += len(values)
                    await writer(partial(_store_values, store, values, summary, source))
                    ids.update((v["id"], None) for v in values if isinstance(v.get("id"), int))
                    display.show(
                        f"{name}: page {page} of {max(1, -(-total // 100))}, "
                        f"{summary.listed} questions listed"
                    )
            except ParliamentAPIError as error:
                raise FetchError(f"listing the {name} window: {error}") from None
        await _fetch_details(client, store, list(ids), summary, display, source, writer)
    finally:
        display.done()
        if own_api:
            await client.__aexit__(None, None, None)
    return summary


async def _fetch_details(
    client: ParliamentAPI,
    store: Store,
    ids: list[int],
    summary: FetchSummary,
    display: _Progress,
    source: str,
    writer: Writer,
) -> None:

    for start in range(0, len(ids), DETAIL_BATCH):
        batch = ids[start : start + DETAIL_BATCH]
        results = await asyncio.gather(*(client.question(i) for i in batch), return_exceptions=True)
        values = [r for r in results if isinstance(r, dict)]
        summary.details += len(values)
        await writer(partial(_store_values, store, values, summary, source))
        display.show(f"full texts: {summary.details} of {len(ids)}")
        failures = [r for r in results if isinstance(r, BaseException)]
        if failures:
            raise FetchError(
                f"full text of {len(failures)} questions could not be fetched "
                f"({failures[0]}); {summary.details} of {len(ids)} stored"
            )
