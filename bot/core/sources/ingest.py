"""Loading files into the store: API JSON, ParlParse XML and ParlParse's people.json crosswalk,
a file at a time, each atomic."""

from __future__ import annotations

import contextlib
import gc
import json
import multiprocessing
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.core.names.identities import is_people_document
from bot.core.records import ParsedQuestion, RecordError
from bot.core.sources.api_json import NotQuestionsError, iter_api_document
from bot.core.sources.parlparse import NotWransError, parse_parlparse
from bot.core.store.database import Store, UpsertResult
from bot.core.store.states import file_capture_time

INGESTIBLE_SUFFIXES = (".json", ".xml")
BULK_CACHE_KIB = -524_288  # 512 MB of SQLite page cache while loading (negative: KiB)
PARALLEL_MIN_BYTES = 32 * 1024 * 1024  # smaller loads are done before a second process starts


@dataclass
class FileReport:
    """What loading one file did: its kind, records new, updated, unchanged and rejected, and the
    stored questions its redirects moved to new ids."""

    path: str
    kind: str = ""  # "api-json", "parlparse-xml", or "" when the file could not be read
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (where, reason)
    skipped: str | None = None  # why the whole file was not loaded
    redirects: int = 0
    named: bool = False  # named itself on the command line, not found in a folder named
    people: int = 0  # ParlParse references a people.json mapped to Parliament's members
    merged: int = 0  # speakers already stored that a people.json merged into members

    @property
    def yielded_nothing(self) -> bool:
        """Whether no question (or, of a people.json, no member reference) was loaded."""
        return self.new + self.updated + self.unchanged + self.people == 0

    def why_nothing(self) -> str:
        """Why the file yielded nothing, in a few words."""
        if self.skipped:
            return self.skipped
        if self.rejected:
            return f"all {len(self.rejected)} records rejected"
        return "it holds no questions"

    @property
    def failed(self) -> bool:
        """Whether a record was rejected or the file was not loaded; a file that holds no questions
        is not a failure."""
        return bool(self.rejected) or (self.skipped is not None and self.kind != "not-questions")


@dataclass
class IngestReport:
    """What an ingest did, file by file."""

    files: list[FileReport] = field(default_factory=list)
    merged: int = 0  # questions moved to the Parliament member a ParlParse speaker is

    @property
    def failed(self) -> bool:
        """Whether any file failed (see ``FileReport.failed``)."""
        return any(f.failed for f in self.files)

    def named_but_empty(self) -> list[FileReport]:
        """The files named themselves (not found in a folder) that yielded no question."""
        return [f for f in self.files if f.named and f.yielded_nothing]

    def totals(self) -> dict[str, int]:
        """Counts over every file: files, records new, updated, unchanged and rejected, and files
        skipped."""
        return {
            "files": len(self.files),
            "new": sum(f.new for f in self.files),
            "updated": sum(f.updated for f in self.files),
            "unchanged": sum(f.unchanged for f in self.files),
            "rejected": sum(len(f.rejected) for f in self.files),
            "skipped_files": sum(1 for f in self.files if f.skipped),
        }


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files named, and the ``.json``/``.xml`` files under folders named, in a stable order."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in INGESTIBLE_SUFFIXES
            )
        else:
            yield path


def ingest_paths(
    store: Store, paths: Iterable[str | Path], captured_at: str | None = None
) -> IngestReport:
    """Load files and folders, a file per transaction, in order.

    ``captured_at`` (the store's capture-time text, ``store.capture_time``) says when every
    file was captured; without it, each file's modification time does. Of two captures of one
    question in one answer state, the newer wins whatever order they are loaded in.

    A bulk load gets a bigger page cache while it runs: the indexes of a big store no longer
    fit in the usual one, and re-reading their pages made the last 50,000 questions of a
    400,000 load go in at 3,004 records/s instead of 4,976. A load of many megabytes parses
    each next file in a second process while this one stores the last (PARALLEL_MIN_BYTES).
    """
    report = IngestReport()
    paths = list(paths)
    named = {Path(p) for p in paths if not Path(p).is_dir()}
    files = list(iter_files(paths))
    previous = store.conn.execute("PRAGMA cache_size").fetchone()[0]
    store.conn.execute(f"PRAGMA cache_size={BULK_CACHE_KIB}")
    # Parsed records hold no reference cycles, so the cycle collector finds nothing to free;
    # left on, it re-scans every live object as a file's records pile up, and parsing a
    # 50,000-record file took 73-110 us a record instead of 55.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for parsed in _parsed_in_order(files, captured_at):
            file_report = store_parsed(store, parsed)
            file_report.named = Path(file_report.path) in named
            report.files.append(file_report)
    finally:
        if collecting:
            gc.enable()
        store.conn.execute(f"PRAGMA cache_size={int(previous)}")
    if any(f.new or f.updated for f in report.files):
        report.merged = store.merge_duplicates().questions
    return report


def _total_bytes(files: list[Path]) -> int:
    total = 0
    for path in files:
        with contextlib.suppress(OSError):  # read_file reports it
            total += path.stat().st_size
    return total


def _parsed_in_order(files: list[Path], captured_at: str | None = None) -> Iterator[ParsedFile]:
    """Each file parsed, in order. For a big load, a second process parses file n + 1 while
    the caller stores file n: storing and parsing each take about half the time, and the
    records cost 9 us each to unpickle; 300,000 questions went in at 7,773 records/s instead
    of 6,619. Started with "spawn", not "fork": the caller may hold threads and a connection."""
    if len(files) < 2 or _total_bytes(files) < PARALLEL_MIN_BYTES:
        yield from (read_file(path, captured_at) for path in files)
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=context, initializer=gc.disable) as parser:

        def submit(path: Path) -> Future[ParsedFile] | None:
            try:
                return parser.submit(read_file, path, captured_at)
            except BrokenProcessPool:
                return None

        ahead = submit(files[0])
        for index, path in enumerate(files):
            current = ahead
            if index + 1 < len(files):
                ahead = submit(files[index + 1])
            try:
                yield current.result() if current else read_file(path, captured_at)
            except BrokenProcessPool:  # the parsing process died (out of memory): go on here
                yield read_file(path, captured_at)


@dataclass
class ParsedFile:
    """A file read and parsed, not yet stored (what the parsing process hands back)."""

    report: FileReport
    accepted: list[ParsedQuestion] = field(default_factory=list)
    redirects: list[tuple[str, str]] = field(default_factory=list)
    captured_at: str | None = None  # when the file was captured (store.capture_time's form)
    people: Any = None  # a ParlParse people.json document, loaded as a crosswalk


def read_file(path: Path, captured_at: str | None = None) -> ParsedFile:
    """Read and parse one file; problems go in its report, nothing touches the store.
    ``captured_at``: when the file was captured; by default its modification time."""
    report = FileReport(str(path))
    parsed = ParsedFile(report)
    try:
        data = path.read_bytes()
        parsed.captured_at = captured_at or file_capture_time(path)
    except FileNotFoundError:
        report.skipped = "no such file"
        return parsed
    except OSError as error:
        report.skipped = f"cannot read: {error.strerror or error}"
        return parsed
    head = data.lstrip()[:1]
    if not head:
        report.skipped = "empty file"
        return parsed
    if head in (b"{", b"["):
        report.kind = "api-json"
        records, redirects = _read_json(data, report, parsed)
    elif head == b"<":
        report.kind = "parlparse-xml"
        records, redirects = _read_xml(path, report)
    else:
        report.skipped = "neither JSON nor XML"
        return parsed
    if report.skipped:
        return parsed
    for where, item in records:
        if isinstance(item, RecordError):
            report.rejected.append((where, str(item)))
        else:
            parsed.accepted.append(item)
    parsed.redirects = [(r.old_gid, r.new_gid) for r in redirects]
    return parsed


def store_parsed(store: Store, parsed: ParsedFile, source: str | None = None) -> FileReport:
    """Store one parsed file in one transaction; ``source`` names the load in the change log
    (default ``ingest:FILE``)."""
    report = parsed.report
    if report.skipped:
        return report
    if parsed.people is not None:
        report.people, merge = store.load_people(parsed.people)
        report.merged = len(merge.members)
        return report
    with store.transaction():
        # Redirects first, so this file's own records take the newer ids it names.
        report.redirects = store.add_redirects(parsed.redirects)
        name = Path(report.path).name
        result: UpsertResult = store.upsert(
            parsed.accepted, source=source or f"ingest:{name}", captured_at=parsed.captured_at
        )
    report.new, report.updated, report.unchanged = result.new, result.updated, result.unchanged
    return report


def _read_json(data: bytes, report: FileReport, parsed: ParsedFile) -> tuple[list, list]:
    try:
        doc = json.loads(data)
    except UnicodeDecodeError:
        report.skipped = "not valid UTF-8 text"
        return [], []
    except json.JSONDecodeError as error:
        report.skipped = f"not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        return [], []
    if is_people_document(doc):
        report.kind = "people-json"
        parsed.people = doc
        return [], []
    try:
        return list(iter_api_document(doc)), []
    except NotQuestionsError as error:
        report.kind = "not-questions"
        report.skipped = f"not questions: {error}"
        return [], []


def _read_xml(path: Path, report: FileReport) -> tuple[list, list]:
    try:
        records, redirects = parse_parlparse(path)
    except ET.ParseError as error:
        line, column = error.position
        report.skipped = f"not well-formed XML (line {line}, column {column})"
        return [], []
    except NotWransError as error:
        report.kind = "not-questions"
        report.skipped = f"not questions: {error}"
        return [], []
    except RecordError as error:
        report.skipped = str(error)
        return [], []
    return records, redirects
