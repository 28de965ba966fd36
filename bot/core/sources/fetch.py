"""Pulling a date window from the live API into the store: ``fetch``, the poller and
``backfill`` share this one path.

A question is found by the day it was answered, corrected (a correction does not move
``dateAnswered``) or tabled: ``fetch`` reads the first two windows, the poller and ``backfill``
all three. Withdrawn questions are asked for too, so that they are marked. List pages are
stored as they arrive (so nothing fetched is lost if a later call fails); then a question's
full view is asked for only when its list view cannot give everything (``needs_full_view``):
its answer or question text is cut, it has attachments, or what is stored is of an older state.
Nothing stored complete and unchanged is fetched again, so a poll on a quiet day costs its list
calls and nothing else.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial

from bot.core.clock import london_today, utc_now_text
from bot.core.progress import Progress, status_for
from bot.core.records import ParsedQuestion, RecordError, text_of, version_of
from bot.core.sources.api_client import ParliamentAPI, ParliamentAPIError
from bot.core.sources.api_json import parse_question_value
from bot.core.sources.json_values import json_items, json_object
from bot.core.store.access import Writer, inline
from bot.core.store.database import Store, UpsertResult
from bot.core.text import same_text_start

Window = tuple[str, str, str]  # name, and the API's From and To parameters
ANSWERED_WINDOW: Window = ("answered", "answeredWhenFrom", "answeredWhenTo")
CORRECTED_WINDOW: Window = ("corrected", "correctedWhenFrom", "correctedWhenTo")
TABLED_WINDOW: Window = ("tabled", "tabledWhenFrom", "tabledWhenTo")
ANSWER_WINDOWS = (ANSWERED_WINDOW, CORRECTED_WINDOW)  # fetch: what was answered or corrected
ALL_WINDOWS = (*ANSWER_WINDOWS, TABLED_WINDOW)  # the poller and backfill: every question
DETAIL_BATCH = 50


class FetchError(RuntimeError):
    """The fetch stopped early; what was fetched before is stored, and counted in ``summary``."""

    summary: FetchSummary | None = None


@dataclass
class FetchSummary:
    """What a fetch did: the window, the API calls made, what was stored, and each change logged,
    as (question id, kind)."""

    since: date
    until: date
    pages: int = 0  # list calls
    listed: int = 0  # questions listed (one listed in two windows counts once)
    details: int = 0  # full-view calls
    # What the list views did to the store (the full views complete those questions):
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[str] = field(default_factory=list)
    changes: list[tuple[int, str]] = field(default_factory=list)

    def describe(self) -> str:
        """The summary in one line, for the terminal and ``poll --once``."""
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
    today = today or london_today()
    try:
        end = date.fromisoformat(until) if until else today
        start = date.fromisoformat(since) if since else end - timedelta(days=1)
    except ValueError:
        raise ValueError("Dates must be written YYYY-MM-DD, e.g. --since 2024-01-31") from None
    if start > end:
        raise ValueError(f"--since {start} is after --until {end}")
    return start, end


def version_text(record: Mapping[str, object]) -> str:
    """A record's state (``version_of``) as the text ``full_views`` keeps."""
    answered, corrected, substantive = version_of(record)
    return f"{answered}|{corrected}|{substantive}"


def needs_full_view(
    listed: Mapping[str, object],
    attachments: int,
    stored: Mapping[str, object] | None,
    viewed: str | None = None,
) -> bool:
    """Whether a question's list view (parsed, ``listed``) leaves something only its full view
    has, given what is stored for it (``stored``: its row, or None) and the state whose full
    view was last stored (``viewed``, from ``full_views``).

    The list view cuts the question and the answer at 255 characters and never carries
    attachments (``attachments`` is its ``attachmentCount``). A cut text is complete in the
    store when the stored text is whole and starts as the listed one does, and, for the answer,
    is of the same state (a new answer or correction is a new text); attachments likewise. A
    list view older than what is stored has nothing to add.
    """
    version = version_of(listed)
    if stored is not None and version < version_of(stored):
        return False
    same_state = stored is not None and version_of(stored) == version
    # A full view of this very state was stored: what looks cut in it (a question of exactly
    # 255 characters) is whole.
    seen_whole = viewed is not None and viewed == version_text(listed)
    if listed["question_truncated"] and not (
        stored is not None
        and (not stored["question_truncated"] or viewed is not None)
        and same_text_start(text_of(stored, "question_text"), text_of(listed, "question_text"))
    ):
        return True
    if listed["answer_truncated"] and not (
        same_state
        and stored is not None
        and (not stored["answer_truncated"] or seen_whole)
        and same_text_start(text_of(stored, "answer_text"), text_of(listed, "answer_text"))
    ):
        return True
    return bool(attachments) and not (
        same_state and stored is not None and (stored["attachments"] or seen_whole)
    )


def _parse(values: Sequence[object], summary: FetchSummary) -> list[tuple[ParsedQuestion, int]]:
    """Each value parsed, with its ``attachmentCount``; the unusable ones noted as rejected."""
    parsed = []
    for value in values:
        obj = json_object(value)
        if obj is None:
            summary.rejected.append("question ?: record is not an object")
            continue
        try:
            record = parse_question_value(obj, f"question {obj.get('id')}")
        except RecordError as error:
            summary.rejected.append(f"question {obj.get('id')}: {error}")
            continue
        count = obj.get("attachmentCount")
        attachments = count if isinstance(count, int) else len(json_items(obj.get("attachments")))
        parsed.append((record, attachments))
    return parsed


def _stored_states(store: Store, ids: list[int]) -> dict[int, Mapping[str, object]]:
    """What ``needs_full_view`` compares for each stored question of ``ids``."""
    rows: dict[int, Mapping[str, object]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for row in store.rows(
            "SELECT q.id, q.date_answered, q.date_corrected, q.is_holding, q.question_text, "
            "q.question_truncated, q.answer_text, q.answer_truncated, "
            "q.attachments IS NOT NULL AS attachments, f.version AS viewed "
            "FROM questions q LEFT JOIN full_views f ON f.question_id = q.id "
            f"WHERE q.id IN ({','.join('?' * len(chunk))})",
            chunk,
        ):
            rows[row["id"]] = row
    return rows


def _count(summary: FetchSummary, result: UpsertResult) -> None:
    summary.new += result.new
    summary.updated += result.updated
    summary.unchanged += result.unchanged
    summary.changes.extend(result.changes)


def _store_list_page(
    store: Store, values: Sequence[object], summary: FetchSummary, source: str
) -> list[int]:
    """Store a list page in one transaction; returns the ids whose full view is needed (decided
    against the store before this page changes it)."""
    parsed = _parse(values, summary)
    if not parsed:
        return []
    with store.transaction():
        stored = _stored_states(store, [p.question["id"] for p, _ in parsed])
        wanted = []
        for record, attachments in parsed:
            row = stored.get(record.question["id"])
            viewed = text_of(row, "viewed") or None if row is not None else None
            if needs_full_view(record.question, attachments, row, viewed):
                wanted.append(record.question["id"])
        _count(summary, store.upsert([p for p, _ in parsed], source=source))
    return wanted


def _store_full_views(
    store: Store, values: Sequence[object], summary: FetchSummary, source: str
) -> None:
    """Store full views in one transaction, and the state each was fetched in. They complete
    questions the list views counted (new, updated or unchanged): only what they log counts."""
    parsed = [p for p, _ in _parse(values, summary)]
    if not parsed:
        return
    now = utc_now_text()
    with store.transaction():
        result = store.upsert(parsed, source=source)
        summary.new += result.new  # listed, but the list view was rejected
        summary.changes.extend(result.changes)
        store.conn.executemany(
            "INSERT INTO full_views (question_id, version, fetched_at) VALUES (?, ?, ?) "
            "ON CONFLICT (question_id) DO UPDATE SET version = excluded.version, "
            "fetched_at = excluded.fetched_at",
            [(p.question["id"], version_text(p.question), now) for p in parsed],
        )


def _first_sighting(value: object, listed: dict[int, int]) -> bool:
    """Whether this fetch meets ``value`` for the first time as it is now: a question answered
    on the day it was tabled is in two windows, and is stored once."""
    obj = json_object(value)
    qid = obj.get("id") if obj is not None else None
    if not isinstance(qid, int):
        return True  # it will be rejected, with a reason
    fingerprint = hash(json.dumps(value, sort_keys=True, default=str))
    if listed.get(qid) == fingerprint:
        return False
    listed[qid] = fingerprint
    return True


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
    windows: Sequence[Window] = ANSWER_WINDOWS,
) -> FetchSummary:
    """Fetch every question of ``windows`` between ``since`` and ``until`` (inclusive): by
    default those answered or corrected (``fetch``); the poller and ``backfill`` add the tabled
    window (``ALL_WINDOWS``). Withdrawn questions are included, and marked.

    List pages are stored as they arrive; then the full views the list views cannot stand in
    for (``needs_full_view``). Store writes go through ``writer`` (the bot's writer thread, so
    its event loop stays free). Raises ``FetchError`` when the API keeps failing; what was
    fetched before is stored.
    """
    summary = FetchSummary(since, until)
    status = status_for(progress)
    client = api or ParliamentAPI(base_url)
    try:
        async with contextlib.AsyncExitStack() as stack:
            if api is None:
                await stack.enter_async_context(client)
            listed: dict[int, int] = {}
            wanted: dict[int, None] = {}
            for name, from_key, to_key in windows:
                params = {
                    from_key: since.isoformat(),
                    to_key: until.isoformat(),
                    "house": "Bicameral",
                    "expandMember": "true",
                    "includeWithdrawn": "true",
                }
                try:
                    async for page, total, values in client.iter_pages(params):
                        summary.pages += 1
                        fresh = [v for v in values if _first_sighting(v, listed)]
                        summary.listed += len(fresh)
                        need = await writer(
                            partial(_store_list_page, store, fresh, summary, source)
                        )
                        wanted.update(dict.fromkeys(need))
                        status.status(
                            f"{name}: page {page} of {max(1, -(-total // 100))}, "
                            f"{summary.listed} questions listed"
                        )
                except ParliamentAPIError as error:
                    raise FetchError(f"listing the {name} window: {error}") from None
            await _fetch_full_views(client, store, list(wanted), summary, status, source, writer)
    except FetchError as error:
        error.summary = summary
        raise
    finally:
        status.close()
    return summary


async def _fetch_full_views(
    client: ParliamentAPI,
    store: Store,
    ids: list[int],
    summary: FetchSummary,
    status: Progress,
    source: str,
    writer: Writer,
) -> None:
    """Fetch and store the full views of ``ids``, a batch at a time (the client paces them)."""
    done = 0
    for start in range(0, len(ids), DETAIL_BATCH):
        batch = ids[start : start + DETAIL_BATCH]
        results = await asyncio.gather(*(client.question(i) for i in batch), return_exceptions=True)
        values = [r for r in results if isinstance(r, Mapping)]
        failures = [r for r in results if isinstance(r, BaseException)]
        summary.details += len(batch) - len(failures)
        done += len(values)
        await writer(partial(_store_full_views, store, values, summary, source))
        status.status(f"full texts: {done} of {len(ids)}")
        if failures:
            raise FetchError(
                f"full text of {len(failures)} questions could not be fetched "
                f"({failures[0]}); {done} of {len(ids)} stored"
            )
