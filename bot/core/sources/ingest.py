"""Loading files into the store: API JSON, ParlParse XML and ParlParse's people.json crosswalk,
a file at a time, each atomic."""

from __future__ import annotations

import contextlib
import gc
import itertools
import json
import logging
import multiprocessing
import queue
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
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
# A bulk load (store/bulk.py): at least this many bytes, bringing (at BYTES_PER_QUESTION) at
# least a quarter as many questions as are stored. Building the indexes after costs about
# 10 us a stored question, inserting into them about 60 us a new one.
BULK_MIN_BYTES = PARALLEL_MIN_BYTES
BYTES_PER_QUESTION = 2_400  # about what one takes in the API's JSON
PART_RECORDS = 5_000  # records the parsing process sends at a time
PARTS_AHEAD = 4  # parts it may have parsed before the caller takes them

log = logging.getLogger(__name__)


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
    400,000 load go in at 3,004 records/s instead of 4,976. A load of many megabytes is parsed
    in a second process, in parts this one stores as they come (PARALLEL_MIN_BYTES), and a load
    big beside the store builds the read-side indexes once at its end (``_is_bulk``,
    ``store/bulk.py``).
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
    aside = store.set_aside_indexes() if _is_bulk(store, files) else 0
    try:
        for parts in _parsed_in_order(files, captured_at):
            file_report = store_parts(store, parts)
            file_report.named = Path(file_report.path) in named
            report.files.append(file_report)
    finally:
        if aside:
            _restore_indexes(store, aside)
        if collecting:
            gc.enable()
        store.conn.execute(f"PRAGMA cache_size={int(previous)}")
    if any(f.new or f.updated for f in report.files):
        report.merged = store.merge_duplicates().questions
    return report


def _is_bulk(store: Store, files: list[Path]) -> bool:
    """Whether a load is big enough, beside the store, to build the read-side indexes after it
    instead of inserting into them question by question (``BULK_MIN_BYTES``)."""
    size = _total_bytes(files)
    return size >= BULK_MIN_BYTES and 4 * size // BYTES_PER_QUESTION >= store.count_questions()


def _restore_indexes(store: Store, aside: int) -> None:
    started = time.monotonic()
    log.info("bulk load: building the %d indexes set aside", aside)
    store.restore_indexes()
    log.info("bulk load: indexes built in %.1f s", time.monotonic() - started)


def _total_bytes(files: list[Path]) -> int:
    total = 0
    for path in files:
        with contextlib.suppress(OSError):  # read_file reports it
            total += path.stat().st_size
    return total


def _parsed_in_order(
    files: list[Path], captured_at: str | None = None
) -> Iterator[Iterator[ParsedFile]]:
    """Each file parsed, in order, as its parts (``read_file_parts``). For a big load a second
    process parses while the caller stores, part by part: the caller stores the first part of a
    file while the rest is parsed, and the next file is parsed while it stores the last. Started
    with "spawn", not "fork": the caller may hold threads and a connection."""
    # A single file stays here: its parse overlaps its storing only with a core to spare, and
    # on a busy machine the second process cost more than it saved (one 50,000-question file,
    # load average 5-9: parsed in parts elsewhere 0.57-0.92x as fast as the code before).
    if len(files) < 2 or _total_bytes(files) < PARALLEL_MIN_BYTES:
        yield from (iter([read_file(path, captured_at)]) for path in files)
        return
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    pool = ProcessPoolExecutor(1, mp_context=context, initializer=_start_parser,
                               initargs=(sender,))
    # The receiver closes before the pool waits for its process: a parsing process still
    # sending (the caller stopped on an error) then stops instead of waiting for ever.
    with pool as parser, receiver, sender:

        def submit(path: Path) -> Future[None] | None:
            try:
                return parser.submit(send_parts, path, captured_at, PART_RECORDS)
            except BrokenProcessPool:
                return None

        ahead = submit(files[0])
        # The process has started with its end of the pipe: with ours closed, a read fails at
        # once, instead of waiting for ever, if that process dies.
        sender.close()
        for index, path in enumerate(files):
            current = ahead
            if index + 1 < len(files):
                ahead = submit(files[index + 1])
            yield _received(receiver, current is not None, path, captured_at)


# In the parsing process: the parts parsed and not yet sent, and the thread sending them.
_outbox: queue.Queue[ParsedFile | None] = queue.Queue(maxsize=PARTS_AHEAD)
_sender: list[threading.Thread] = []


def _start_parser(channel: Connection) -> None:
    gc.disable()  # as in ingest_paths
    thread = threading.Thread(target=_send_all, args=(channel,), daemon=True)
    thread.start()
    _sender.append(thread)


def _send_all(channel: Connection) -> None:
    try:
        with contextlib.suppress(OSError):  # the caller closed its end: nothing more to send
            while True:
                channel.send(_outbox.get())
    finally:
        # However the sending stopped, the caller then reads the end of the pipe and parses
        # the rest itself, instead of waiting for parts that will not come.
        channel.close()


def send_parts(path: Path, captured_at: str | None, size: int) -> None:
    """In the parsing process: parse a file and queue its parts, in order, for the caller. Up
    to PARTS_AHEAD parts wait in the queue, so the next file is parsed while the caller stores
    this one's last parts. On a failure, a None tells the caller to parse the file itself.
    Each record's status and tags are worked out here too, off the storing process."""
    try:
        for part in read_file_parts(path, captured_at, size):
            part.accepted = [item.with_status() for item in part.accepted]
            _queue_part(part)
    except BaseException:
        _queue_part(None)
        raise


def _queue_part(part: ParsedFile | None) -> None:
    while _sender and _sender[0].is_alive():
        with contextlib.suppress(queue.Full):
            _outbox.put(part, timeout=0.5)
            return
    raise BrokenPipeError("the caller stopped reading")


def _received(
    receiver: Connection, submitted: bool, path: Path, captured_at: str | None
) -> Iterator[ParsedFile]:
    """A file's parts from the parsing process; if it could not parse them (it died, out of
    memory), the rest of the file parsed here instead."""
    got = 0
    while True:
        part = _next_part(receiver) if submitted else None
        if part is None:
            rest = read_file(path, captured_at)
            if got:  # the first part carried the redirects, already stored
                rest.accepted, rest.redirects = rest.accepted[got:], []
            yield rest
            return
        got += len(part.accepted)
        yield part
        if not part.more:
            return


def _next_part(receiver: Connection) -> ParsedFile | None:
    """The next part sent, or None if the parsing process failed or has died."""
    try:
        part: ParsedFile | None = receiver.recv()
    except (EOFError, OSError):
        return None
    return part


@dataclass
class ParsedFile:
    """A file read and parsed, not yet stored (what the parsing process hands back), or a part
    of one (``read_file_parts``)."""

    report: FileReport
    accepted: list[ParsedQuestion] = field(default_factory=list)
    redirects: list[tuple[str, str]] = field(default_factory=list)
    captured_at: str | None = None  # when the file was captured (store.capture_time's form)
    people: Any = None  # a ParlParse people.json document, loaded as a crosswalk
    more: bool = False  # a part, with more of its file to come; the last part holds the report


def read_file(path: Path, captured_at: str | None = None) -> ParsedFile:
    """Read and parse one file; problems go in its report, nothing touches the store.
    ``captured_at``: when the file was captured; by default its modification time."""
    return next(read_file_parts(path, captured_at, size=None))


def read_file_parts(
    path: Path, captured_at: str | None = None, size: int | None = PART_RECORDS
) -> Iterator[ParsedFile]:
    """``read_file`` in parts of ``size`` accepted records (None: one part), in order: the
    first carries the file's redirects, the last its report (records rejected, or why the
    file was skipped) and no ``more``."""
    report = FileReport(str(path))
    parsed = ParsedFile(report)
    try:
        data = path.read_bytes()
        parsed.captured_at = captured_at or file_capture_time(path)
    except FileNotFoundError:
        report.skipped = "no such file"
        yield parsed
        return
    except OSError as error:
        report.skipped = f"cannot read: {error.strerror or error}"
        yield parsed
        return
    head = data.lstrip()[:1]
    records: Iterable[tuple[str, ParsedQuestion | RecordError]] = []
    redirects: list = []
    if not head:
        report.skipped = "empty file"
    elif head in (b"{", b"["):
        report.kind = "api-json"
        records = _read_json(data, report, parsed)
    elif head == b"<":
        report.kind = "parlparse-xml"
        records, redirects = _read_xml(path, report)
    else:
        report.skipped = "neither JSON nor XML"
    parsed.redirects = [(r.old_gid, r.new_gid) for r in redirects]
    for where, item in records:
        if isinstance(item, RecordError):
            report.rejected.append((where, str(item)))
            continue
        parsed.accepted.append(item)
        if size is not None and len(parsed.accepted) >= size:
            parsed.more = True
            yield parsed
            parsed = ParsedFile(report, captured_at=parsed.captured_at)
    yield parsed


def store_parsed(store: Store, parsed: ParsedFile, source: str | None = None) -> FileReport:
    """Store one parsed file in one transaction; ``source`` names the load in the change log
    (default ``ingest:FILE``)."""
    return store_parts(store, iter([parsed]), source)


def store_parts(
    store: Store, parts: Iterator[ParsedFile], source: str | None = None
) -> FileReport:
    """Store a file's parts (``read_file_parts``) in one transaction, each as it comes: the
    same rows and change log as the whole file at once, since each part's records are compared
    with what the earlier parts stored."""
    part = next(parts)
    if part.report.skipped:
        return part.report
    if part.people is not None:
        report = part.report
        report.people, merge = store.load_people(part.people)
        report.merged = len(merge.members)
        return report
    source = source or f"ingest:{Path(part.report.path).name}"
    total = UpsertResult()
    redirects = 0
    with store.transaction():
        while True:
            # Redirects first, so this file's own records take the newer ids it names.
            redirects += store.add_redirects(part.redirects)
            result = store.upsert(part.accepted, source=source, captured_at=part.captured_at)
            total.new += result.new
            total.updated += result.updated
            total.unchanged += result.unchanged
            if not part.more:
                break
            part = next(parts)
    report = part.report
    report.redirects = redirects
    report.new, report.updated, report.unchanged = total.new, total.updated, total.unchanged
    return report


def _read_json(data: bytes, report: FileReport, parsed: ParsedFile) -> Iterable[
    tuple[str, ParsedQuestion | RecordError]
]:
    """The records of an API JSON document, read as they are taken; a document of another
    shape is reported (and gives none) before the first."""
    try:
        doc = json.loads(data)
    except UnicodeDecodeError:
        report.skipped = "not valid UTF-8 text"
        return []
    except json.JSONDecodeError as error:
        report.skipped = f"not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        return []
    if is_people_document(doc):
        report.kind = "people-json"
        parsed.people = doc
        return []
    records = iter_api_document(doc)
    try:
        first = next(records, None)  # the document's shape is checked before the first record
    except NotQuestionsError as error:
        report.kind = "not-questions"
        report.skipped = f"not questions: {error}"
        return []
    return [] if first is None else itertools.chain([first], records)


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
