"""Exports: the rows of a search, the overdue list, or a timeliness or helpfulness table, as
CSV or JSON, written as they are read.

The rows are those of the ``--json`` outputs (``render.result_json``, ``OverdueQuestion.as_json``,
the reports' ``as_json``), so an export and the JSON of a command never disagree. JSON keeps
that shape: the command's keys, then the rows under ``results`` (or ``rows``), then ``total``
(the rows written) and, when a cap stopped it, ``truncated``. CSV has a header row and one line
per row, with what is nested flattened into columns (``asked_by`` becomes ``asked_by_id`` and
``asked_by_name``); it is UTF-8 with a byte-order mark, so that Excel reads it as UTF-8 too, and
a text cell that a spreadsheet would take for a formula (it starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return) starts with a single quote.

Nothing holds every row: searches and the overdue list are read from one cursor in batches
(``Searcher.stream``, ``iter_overdue``), each row written as soon as it is made. Discord-free.

The rows and the keys around them are JSON documents that other tools read, made by the
commands' renderers: here they are only written out, so they are typed as read-only mappings of
JSON values (``Mapping[str, object]``), each value narrowed (``cell``, ``flatten``) where it is
written.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import BinaryIO, cast

from bot.core.records import BodyRow, MemberRow
from bot.core.reports.accountability import london_today
from bot.core.reports.helpfulness import HelpfulnessReport
from bot.core.reports.overdue import iter_overdue
from bot.core.reports.timeliness import TimelinessReport
from bot.core.search.fulltext import Searcher, SearchOutcome, SearchQuery
from bot.core.search.render import result_json, search_json
from bot.core.store.database import Store

FORMATS = ("csv", "json")
KINDS = ("search", "overdue", "timeliness", "helpfulness")
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}
BOM = "\ufeff"
# Cells a spreadsheet would read as a formula (OWASP's list for CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Bytes kept free under a byte cap for the end of a JSON export.
JSON_TAIL_ROOM = 200

SEARCH_COLUMNS = (
    "id", "uin", "house", "heading", "department_id", "department_name", "asked_by_id",
    "asked_by_name", "answered_by_id", "answered_by_name", "date_tabled", "date_answered",
    "status", "excerpt", "url", "votes_yes", "votes_no",
)
OVERDUE_COLUMNS = (
    "id", "uin", "house", "heading", "department_id", "department_name", "asked_by_id",
    "asked_by_name", "date_tabled", "due", "working_days_overdue", "named_day", "holding",
    "status",
)
_RATES = tuple(f"{kind}_{part}" for kind in ("ordinary", "named_day", "lords")
               for part in ("due", "on_time", "rate"))
_TIMELINESS_FIGURES = (*_RATES, "holding_rate", "median_working_days", "overdue_now",
                       "not_held_rate")
TIMELINESS_COLUMNS = ("department_id", "department_name", *_TIMELINESS_FIGURES)
TIMELINESS_MONTH_COLUMNS = ("month", *_TIMELINESS_FIGURES)
HELPFULNESS_COLUMNS = (
    "department_id", "department_name", "rank", "answers", "votes", "yes", "no", "no_share",
    "no_lower_bound",
)


class ExportError(ValueError):
    """An export that cannot be made as asked (a name that is not clear, a bad option); the
    message says why in a line."""


@dataclass
class Export:
    """What an export writes: the JSON keys that come before the rows (``head``), the key the
    rows go under, the rows themselves (each in the JSON shape, made as they are read), and the
    CSV columns."""

    kind: str
    head: Mapping[str, object]
    rows_key: str
    rows: Iterator[Mapping[str, object]]
    columns: tuple[str, ...]
    tail: Mapping[str, object] | None = None  # keys after the total (a helpfulness report's)

    def close(self) -> None:
        """Stop reading (closes the cursor of a stream left part-read)."""
        close = getattr(self.rows, "close", None)
        if close is not None:
            close()


@dataclass(frozen=True)
class Written:
    """What was written: rows, bytes, and whether a cap cut it (``cut``: "rows" or "bytes")."""

    rows: int
    bytes: int
    cut: str | None = None
    format: str = "csv"

    @property
    def media_type(self) -> str:
        """The file's media type."""
        return MEDIA_TYPES[self.format]


# -- what to export ----------------------------------------------------------------------------


def search_export(store: Store, searcher: Searcher, query: SearchQuery) -> Export:
    """Every answer ``query`` finds (``search --json``'s results), best or newest first as it
    asks. ``ExportError`` when a name option is not clear, with its candidates."""
    outcome, results = searcher.stream(query)
    if outcome.ambiguous:
        raise ExportError(unclear_names(outcome))
    data = search_json(store, outcome)
    asked = {k: v for k, v in outcome.query.as_json().items() if k not in ("limit", "offset")}
    head = {"query": asked, "resolved": data["resolved"]}
    names = cast(Store, _NamesRemembered(store))
    rows = (result_json(names, r.row, r.excerpt) for r in results)
    return Export("search", head, "results", rows, SEARCH_COLUMNS)


class _NamesRemembered:
    """A store whose members and answering bodies are read once per export: a few thousand
    names, where the rows are up to a million. Everything else goes to the store."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._members: dict[int | None, MemberRow | None] = {}
        self._bodies: dict[int | None, BodyRow | None] = {}

    def member(self, member_id: int | None) -> MemberRow | None:
        if member_id not in self._members:
            self._members[member_id] = self._store.member(member_id)
        return self._members[member_id]

    def body(self, body_id: int | None) -> BodyRow | None:
        if body_id not in self._bodies:
            self._bodies[body_id] = self._store.body(body_id)
        return self._bodies[body_id]

    def __getattr__(self, name: str) -> object:
        return getattr(self._store, name)


def unclear_names(outcome: SearchOutcome) -> str:
    """A line per name option that did not resolve surely, with its best candidates."""
    lines = []
    for option, resolution in outcome.ambiguous.items():
        names = "; ".join(c.name for c in resolution.candidates[:5]) or "nothing close"
        if resolution.more:
            names += f"; and {resolution.more} more"
        typed = str(getattr(outcome.query, option, None) or "")[:60]
        lines.append(f"{option}: {typed!r} is not clear. Did you mean: {names}?")
    return "\n".join(lines)


def overdue_export(
    store: Store,
    *,
    department_id: int | tuple[int, ...] | None = None,
    answering_member_id: int | None = None,
    asking_member_id: int | None = None,
    member_id: int | None = None,
    house: str | None = None,
    as_of: date | None = None,
) -> Export:
    """Every question overdue on ``as_of``, most overdue first (``overdue --json``'s results);
    the filters of ``overdue.overdue``, whose ``OverdueError`` it raises."""
    items = iter_overdue(store, department_id=department_id,
                         answering_member_id=answering_member_id,
                         asking_member_id=asking_member_id, member_id=member_id, house=house,
                         as_of=as_of)
    first = next(items, None)  # checks the options now, not when the first row is written
    head = {"as_of": (as_of or london_today()).isoformat()}

    def rows() -> Iterator[Mapping[str, object]]:
        if first is None:
            return
        yield first.as_json()
        for item in items:
            yield item.as_json()

    return Export("overdue", head, "results", _closing(rows(), items), OVERDUE_COLUMNS)


def _closing(
    rows: Iterator[Mapping[str, object]], source: Iterator[object]
) -> Iterator[Mapping[str, object]]:
    """``rows``, closing ``source`` too when it is closed."""
    try:
        yield from rows
    finally:
        close = getattr(source, "close", None)
        if close is not None:
            close()


def report_export(report: TimelinessReport | HelpfulnessReport) -> Export:
    """A timeliness or helpfulness table (``stats ... --json``): its rows, one per department
    or per month; a helpfulness report's own department and disputed answers come after them
    in JSON."""
    data = report.as_json()
    del data["rows"]
    rows = [row.as_json() for row in report.rows]
    if isinstance(report, TimelinessReport):
        columns = (TIMELINESS_MONTH_COLUMNS if report.department_name is not None
                   else TIMELINESS_COLUMNS)
        return Export("timeliness", data, "rows", iter(rows), columns)
    tail = {"department": data.pop("department"), "disputed": data.pop("disputed")}
    return Export("helpfulness", data, "rows", iter(rows), HELPFULNESS_COLUMNS, tail)


# -- how it is written -------------------------------------------------------------------------


def flatten(row: Mapping[str, object], prefix: str = "") -> dict[str, object]:
    """A JSON row as CSV cells: nested objects become ``outer_inner`` columns (a null object
    leaves them empty), lists become JSON text."""
    cells: dict[str, object] = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            cells.update(flatten(value, f"{name}_"))
        elif isinstance(value, list):
            cells[name] = json.dumps(value, ensure_ascii=False)
        else:
            cells[name] = value
    return cells


def cell(value: object) -> str:
    """One CSV cell: "" for null, true / false, numbers as they are, and text that would start
    a formula behind a single quote."""
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if value is None:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    return repr(value) if isinstance(value, float) else str(value)


def csv_line(values: Iterable[object]) -> str:
    """One CSV record (RFC 4180: quoted when it must be, CRLF at the end)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(list(values))
    return buffer.getvalue()


def _csv_chunks(export: Export) -> tuple[str, Callable[[Mapping[str, object]], str]]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # one writer for every row

    def line(row: Mapping[str, object]) -> str:
        cells = flatten(row)
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([cell(cells.get(c)) for c in export.columns])
        return buffer.getvalue()

    return BOM + csv_line(export.columns), line


def _json_chunks(export: Export) -> tuple[str, Callable[[Mapping[str, object]], str]]:
    head = json.dumps(export.head, ensure_ascii=False)[:-1]
    opening = head + (", " if export.head else "") + json.dumps(export.rows_key) + ": ["

    def line(row: Mapping[str, object]) -> str:
        return "\n" + json.dumps(row, ensure_ascii=False)

    return opening, line


def _json_tail(export: Export, rows: int, cut: str | None) -> str:
    tail: dict[str, object] = {"total": rows}
    if cut:
        tail["truncated"] = cut
    tail.update(export.tail or {})
    return "\n], " + json.dumps(tail, ensure_ascii=False)[1:] + "\n"


def write_export(
    export: Export,
    fmt: str,
    out: BinaryIO,
    *,
    max_rows: int | None = None,
    max_bytes: int | None = None,
) -> Written:
    """Write ``export`` to ``out`` as ``fmt`` ("csv" or "json"), a row at a time, stopping
    before ``max_rows`` rows or ``max_bytes`` bytes would be passed (then ``Written.cut`` says
    which). A JSON export stays valid JSON when cut."""
    if fmt not in FORMATS:
        raise ExportError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    opening, line = (_csv_chunks if fmt == "csv" else _json_chunks)(export)
    room = JSON_TAIL_ROOM + len(json.dumps(export.tail or {}).encode()) if fmt == "json" else 0
    written = _put(out, opening)
    rows = 0
    cut: str | None = None
    try:
        for row in export.rows:
            if max_rows is not None and rows >= max_rows:
                cut = "rows"
                break
            chunk = line(row)
            if fmt == "json" and rows:
                chunk = "," + chunk
            data = chunk.encode()
            if max_bytes is not None and written + len(data) + room > max_bytes:
                cut = "bytes"
                break
            out.write(data)
            written += len(data)
            rows += 1
    finally:
        export.close()
    if fmt == "json":
        written += _put(out, _json_tail(export, rows, cut))
    return Written(rows, written, cut, fmt)


def _put(out: BinaryIO, text: str) -> int:
    data = text.encode()
    out.write(data)
    return len(data)


def filename(kind: str, fmt: str, day: date) -> str:
    """The file name an export is offered under: ``written-answers-search-2024-01-31.csv``."""
    return f"written-answers-{kind}-{day.isoformat()}.{fmt}"
