"""History from TheyWorkForYou's archive (``python -m bot archive``): ParlParse's daily
written-answers XML, downloaded politely and loaded file by file as ``ingest`` loads one.

The archive (``ARCHIVE_BASE_URL``, by default https://www.theyworkforyou.com/pwdata/scrapedxml/)
has a folder per kind of record: ``wrans/answersYYYY-MM-DD{a,b,...}.xml`` for the Commons and
``lordswrans/lordswransYYYY-MM-DD{a,...}.xml`` for the Lords. A later letter is a later scrape of
the same day and supersedes the earlier ones; the files ParlParse has made from Parliament's API
since 2014 (``wrans-2014/parse.py``) have no letter at all, and are rewritten in place. Each
folder is served as an HTML index and holds ``changedates.txt``: a line ``unixtime,filename`` is
appended each time ParlParse's Hansard scraper writes a file (its API-made files are not in it,
so for those the index's modified date and size stand in).

A run lists the folders, keeps each day's newest version, and downloads only the files it has not
loaded with the same stamp: each file is recorded in ``archive_files`` once its load has
committed, so a second run downloads nothing and an interrupted one (Ctrl-C, SIGKILL, a server
that went away) resumes where it stopped. A file that is not well-formed XML is reported and
recorded as unreadable; nothing already stored is touched, and the run goes on.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import tempfile
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO

from bot.core.clock import utc_now_text
from bot.core.news.kinds import ARCHIVE_SOURCE_PREFIX
from bot.core.progress import Progress
from bot.core.progress import progress_for as generic_progress_for
from bot.core.sources.archive_listing import (
    CHANGEDATES,
    FOLDERS,
    HOUSE_NAMES,
    ArchiveClient,
    ArchiveError,
    ArchiveFile,
    Fetched,
    listed_files,
    newest_versions,
    parse_changedates,
    parse_index,
    version_key,
)
from bot.core.sources.ingest import BULK_CACHE_KIB, FileReport, read_file, store_parsed
from bot.core.store.database import Store

log = logging.getLogger(__name__)

LOOKAHEAD = 4  # files downloading while the last is parsed and stored
MAX_REJECTIONS_KEPT = 100  # rejected records listed in the summary (all are counted)


# --------------------------------------------------------------------------- the run


@dataclass
class ArchiveSummary:
    """What a run did; ``describe()`` for people, ``as_json()`` for ``--json``."""

    since: date | None
    until: date | None
    houses: tuple[str, ...]
    listed: int = 0  # written-answers files listed in the window, every version
    days: int = 0  # (House, day)s, each its newest version
    up_to_date: int = 0  # of those, already loaded in the listed state
    to_fetch: int = 0
    downloaded: int = 0
    ingested: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    file_bytes: int = 0  # bytes of the XML files downloaded
    bytes: int = 0  # every byte received, the indexes and changedates.txt included
    requests: int = 0
    seconds: float = 0.0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, why)
    rejections: list[tuple[str, str, str]] = field(default_factory=list)  # (file, where, why)
    unreadable: int = 0
    stopped: str | None = None

    @property
    def failed(self) -> bool:
        """The run stopped early, or a file or record could not be loaded."""
        return self.stopped is not None or self.unreadable > 0 or self.rejected > 0

    def as_json(self) -> dict[str, object]:
        """The summary as JSON-ready data."""
        return {
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "houses": list(self.houses),
            "files": {
                "listed": self.listed,
                "days": self.days,
                "up_to_date": self.up_to_date,
                "to_fetch": self.to_fetch,
                "downloaded": self.downloaded,
                "ingested": self.ingested,
                "skipped": len(self.skipped),
                "unreadable": self.unreadable,
            },
            "questions": {
                "new": self.new,
                "updated": self.updated,
                "unchanged": self.unchanged,
                "rejected": self.rejected,
            },
            "bytes": self.file_bytes,
            "bytes_received": self.bytes,
            "requests": self.requests,
            "seconds": round(self.seconds, 2),
            "skipped": [{"file": f, "reason": r} for f, r in self.skipped],
            "rejections": [{"file": f, "where": w, "reason": r} for f, w, r in self.rejections],
            "stopped": self.stopped,
        }

    def describe(self) -> str:
        """A few lines for the terminal."""
        lines = [
            f"Archive: {self.listed:,} files listed, {self.days:,} days "
            f"({self.up_to_date:,} already loaded); {self.downloaded:,} downloaded "
            f"({_size(self.file_bytes)}), {self.ingested:,} loaded",
            f"Questions: {self.new:,} new, {self.updated:,} updated, "
            f"{self.unchanged:,} unchanged, {self.rejected:,} rejected",
        ]
        for path, reason in self.skipped[:20]:
            lines.append(f"  skipped {path}: {reason}")
        if len(self.skipped) > 20:
            lines.append(f"  ... and {len(self.skipped) - 20} more skipped")
        for path, where, reason in self.rejections[:20]:
            lines.append(f"  rejected {path} {where}: {reason}")
        if self.rejected > 20:
            lines.append(f"  ... and {self.rejected - 20} more rejected")
        lines.append(
            f"{self.requests:,} requests, {_size(self.bytes)} received in {self.seconds:.1f} s"
        )
        if self.stopped:
            lines.append(f"Stopped: {self.stopped}. What was loaded is kept; run again to resume.")
        return "\n".join(lines)


def _size(count: int) -> str:
    if count >= 1_000_000:
        return f"{count / 1_000_000:,.1f} MB"
    if count >= 1_000:
        return f"{count / 1_000:,.1f} kB"
    return f"{count} bytes"


@dataclass(frozen=True)
class PlannedFile:
    """A file to download; ``etag``/``last_modified`` make it a conditional GET (a file listed
    without a stamp, loaded before)."""

    file: ArchiveFile
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class FileDone:
    """One planned file's outcome: ``ingested``, ``skipped`` (not loadable: see ``reason``),
    ``gone`` (404) or ``not-modified`` (304)."""

    file: ArchiveFile
    outcome: str
    bytes: int = 0
    report: FileReport | None = None
    reason: str | None = None

    def line(self) -> str:
        """One line for a log: the day, the House, the file and what it gave."""
        head = f"{self.file.day} {self.file.house} {self.file.name}"
        if self.outcome == "ingested" and self.report is not None:
            r = self.report
            text = f"{head}: {r.new} new, {r.updated} updated, {r.unchanged} unchanged"
            if r.rejected:
                text += f", {len(r.rejected)} rejected"
            return text + f" ({self.bytes:,} bytes)"
        if self.outcome == "not-modified":
            return f"{head}: not modified"
        return f"{head}: skipped — {self.reason}"


def planned_headline(summary: ArchiveSummary) -> str:
    """What a run listed and will fetch, in one line."""
    return (
        f"Archive listed: {summary.listed:,} files, {summary.days:,} days, "
        f"{summary.up_to_date:,} already loaded, {summary.to_fetch:,} to fetch"
    )


def show_file_done(show: Progress, done: FileDone, summary: ArchiveSummary) -> None:
    """One file is done (loaded, skipped, gone or not modified): its line, and the run so far."""
    show.step(
        done.line(),
        f"day={done.file.day}, questions={summary.new + summary.updated + summary.unchanged:,}, "
        f"MB={summary.file_bytes / 1_000_000:.1f}",
        notable=done.outcome in ("skipped", "gone"),
    )


def progress_for(stream: IO[str]) -> Progress:
    """A bar of files on a terminal, else a line a file."""
    return generic_progress_for(stream, unit="file", desc="archive")


async def import_archive(
    store: Store,
    base_url: str,
    *,
    since: date | None = None,
    until: date | None = None,
    houses: Sequence[str] = HOUSE_NAMES,
    client: ArchiveClient | None = None,
    progress: Progress | None = None,
) -> ArchiveSummary:
    """Load the newest version of each day's written answers between ``since`` and ``until``
    (inclusive; None: no bound) for ``houses``, skipping files loaded before in the same state.

    Problems with the archive itself (unreachable, failing after the retries) end the run with
    ``summary.stopped`` set; every file loaded before is kept and recorded.
    """
    summary = ArchiveSummary(since, until, tuple(houses))
    show = progress or Progress()
    started = time.monotonic()
    http = client or ArchiveClient(base_url)
    requests_before, bytes_before = http.requests_made, http.bytes_received
    try:
        async with contextlib.AsyncExitStack() as stack:
            if not http.is_open:  # ours, or a caller's not yet opened: open it for the run
                await stack.enter_async_context(http)
            try:
                plan = await _plan(store, http, summary)
                show.start(summary.to_fetch, planned_headline(summary))
                await _download_and_load(store, http, plan, summary, show)
            except ArchiveError as error:
                summary.stopped = str(error)
            if summary.new or summary.updated:  # speakers who are Parliament's members
                await asyncio.to_thread(store.merge_duplicates)
    finally:
        show.close()
        summary.requests = http.requests_made - requests_before
        summary.bytes = http.bytes_received - bytes_before
        summary.seconds = time.monotonic() - started
    return summary


async def _plan(store: Store, http: ArchiveClient, summary: ArchiveSummary) -> list[PlannedFile]:
    """List each House's folder and choose what to download."""
    recorded = {
        row["name"]: row
        for row in store.rows(
            "SELECT name, house, day, version, stamp, etag, last_modified FROM archive_files"
        )
    }
    held: dict[tuple[str, str], tuple[int, str]] = {}
    for row in recorded.values():
        key = (row["house"], row["day"])
        held[key] = max(held.get(key, (-1, "")), version_key(row["version"]))
    first = summary.since.isoformat() if summary.since else ""
    last = summary.until.isoformat() if summary.until else "9999"
    plan: list[PlannedFile] = []
    for house in summary.houses:
        folder, _ = FOLDERS[house]
        listing = await http.get(f"{folder}/")
        if listing.status != 200:
            raise ArchiveError(f"no folder index at {http.url(folder + '/')} ({listing.status})")
        changes = await http.get(f"{folder}/{CHANGEDATES}")
        changed = parse_changedates(changes.body.decode("utf-8", "replace"))
        index = parse_index(listing.body.decode("utf-8", "replace"))
        files = [f for f in listed_files(house, index, changed) if first <= f.day <= last]
        summary.listed += len(files)
        newest = newest_versions(files)
        summary.days += len(newest)
        for file in newest:
            loaded = recorded.get(file.name)
            if loaded is not None and file.stamp is not None and loaded["stamp"] == file.stamp:
                summary.up_to_date += 1
            elif held.get((house, file.day), (-1, "")) > file.version_key:
                summary.up_to_date += 1  # a later scrape of the day is loaded already
            elif loaded is not None and file.stamp is None:
                plan.append(PlannedFile(file, loaded["etag"], loaded["last_modified"]))
            else:
                plan.append(PlannedFile(file))
    plan.sort(key=lambda p: (p.file.day, p.file.house))
    summary.to_fetch = len(plan)
    return plan


async def _download_and_load(
    store: Store,
    http: ArchiveClient,
    plan: list[PlannedFile],
    summary: ArchiveSummary,
    show: Progress,
) -> None:
    """Download the planned files a few ahead, and load each in order on a worker thread."""
    if not plan:
        return
    previous_cache = store.conn.execute("PRAGMA cache_size").fetchone()[0]
    store.conn.execute(f"PRAGMA cache_size={BULK_CACHE_KIB}")
    # As in ingest_paths: parsed records hold no cycles; the collector only slows a load.
    collecting = gc.isenabled()
    gc.disable()
    pending = iter(plan)
    ahead: deque[tuple[PlannedFile, asyncio.Task[Fetched]]] = deque()

    def fill() -> None:
        while len(ahead) < LOOKAHEAD and (item := next(pending, None)) is not None:
            task = asyncio.create_task(
                http.get(item.file.path, etag=item.etag, last_modified=item.last_modified)
            )
            ahead.append((item, task))

    try:
        with tempfile.TemporaryDirectory(prefix="archive-") as scratch:
            fill()
            while ahead:
                item, task = ahead.popleft()
                fetched = await task
                fill()
                load = asyncio.ensure_future(
                    asyncio.to_thread(_load, store, item, fetched, Path(scratch))
                )
                try:
                    done = await asyncio.shield(load)
                except asyncio.CancelledError:
                    # Ctrl-C: let the file being stored commit and be recorded, then stop.
                    with contextlib.suppress(Exception):
                        await load
                    raise
                _count(summary, done)
                show_file_done(show, done, summary)
    finally:
        for _, task in ahead:
            task.cancel()
        await asyncio.gather(*(task for _, task in ahead), return_exceptions=True)
        if collecting:
            gc.enable()
        store.conn.execute(f"PRAGMA cache_size={int(previous_cache)}")


def _load(store: Store, item: PlannedFile, fetched: Fetched, scratch: Path) -> FileDone:
    """Load one downloaded file as ``ingest`` does, then record it (worker thread)."""
    file = item.file
    if fetched.status == 404:
        return FileDone(file, "gone", reason="no longer in the archive (404)")
    if fetched.status == 304:
        return FileDone(file, "not-modified")
    # The parser reads the House and the day from the file's name: keep the real one.
    path = scratch / file.name
    path.write_bytes(fetched.body)
    try:
        parsed = read_file(path)
    finally:
        path.unlink(missing_ok=True)
    parsed.report.path = file.path
    report = store_parsed(store, parsed, source=f"{ARCHIVE_SOURCE_PREFIX}{file.name}")
    if report.skipped is None:
        status, outcome = "ingested", "ingested"
    else:
        status = "not-questions" if report.kind == "not-questions" else "unreadable"
        outcome = "skipped"
    # Recorded once the load has committed: a run stopped in between loads the file again
    # next time, which changes nothing.
    with store.transaction():
        store.conn.execute(
            "INSERT INTO archive_files (name, house, day, version, stamp, etag, last_modified, "
            "bytes, questions, rejected, status, reason, recorded_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET stamp = excluded.stamp, etag = excluded.etag, "
            "last_modified = excluded.last_modified, bytes = excluded.bytes, "
            "questions = excluded.questions, rejected = excluded.rejected, "
            "status = excluded.status, reason = excluded.reason, "
            "recorded_at = excluded.recorded_at",
            (
                file.name,
                file.house,
                file.day,
                file.version,
                file.stamp,
                fetched.etag,
                fetched.last_modified,
                len(fetched.body),
                report.new + report.updated + report.unchanged,
                len(report.rejected),
                status,
                report.skipped,
                utc_now_text(),
            ),
        )
    return FileDone(file, outcome, len(fetched.body), report, report.skipped)


def _count(summary: ArchiveSummary, done: FileDone) -> None:
    if done.outcome == "not-modified":
        summary.up_to_date += 1
        return
    if done.outcome == "gone":
        summary.skipped.append((done.file.path, done.reason or "gone"))
        return
    summary.downloaded += 1
    summary.file_bytes += done.bytes
    report = done.report
    if report is None:
        return
    if done.outcome == "skipped":
        summary.skipped.append((done.file.path, report.skipped or "skipped"))
        if report.failed:
            summary.unreadable += 1
        return
    summary.ingested += 1
    summary.new += report.new
    summary.updated += report.updated
    summary.unchanged += report.unchanged
    summary.rejected += len(report.rejected)
    room = MAX_REJECTIONS_KEPT - len(summary.rejections)
    summary.rejections.extend((done.file.path, w, r) for w, r in report.rejected[:room])
