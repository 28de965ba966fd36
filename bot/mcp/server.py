"""The MCP server: read-only tools over the store, on the official ``mcp`` SDK (2.x, where
``FastMCP`` became ``MCPServer``).

Six tools, each with a JSON schema drawn from its typed arguments and a description written for
a model: ``search_answers``, ``get_question``, ``similar_questions``, ``overdue_questions``,
``department_timeliness``, ``resolve_name``. Their results are the JSON shapes of the command
line (``search --json``, ``show --json``, ``overdue --json``, ``stats timeliness --json``,
``resolve --json``), cut to a size a model can read, with a ``note`` saying so when they are.
Those results are JSON objects emitted as they are (their schema says only "an object"), so
they are typed ``dict[str, object]``: this module adds keys and cuts texts, and reads no more.
A bad argument, an unclear name or a question not stored is a tool error with a one-line message
(names come with their candidates); an unexpected failure is logged on stderr and reported as a
short message, never a traceback.

The store is opened read-only (SQLite ``mode=ro``, the reader connections of ``StoreAccess``), so
the server runs beside the bot on the same file and never writes to it. The name indexes are
read once, then again when the store has changed (looked at no more than once a minute).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Concatenate, Literal, ParamSpec, TypeVar

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.transport_security import TransportSecuritySettings
from mcp_types import ToolAnnotations
from pydantic import Field

from bot.core.exports import unclear_names
from bot.core.names.matching import Resolution, Resolver
from bot.core.reports.accountability import AccountabilityError
from bot.core.reports.overdue import OverdueError, overdue
from bot.core.reports.timeliness import timeliness
from bot.core.search.fulltext import Searcher, SearchError, SearchQuery, parse_day_option
from bot.core.search.render import question_json, search_json
from bot.core.store.access import StoreAccess
from bot.core.store.database import Store, StoreError

log = logging.getLogger(__name__)

T = TypeVar("T")
P = ParamSpec("P")

NAME = "written-answers"
INSTRUCTIONS = (
    "UK Parliament written questions and their answers, from a local store that follows "
    "Parliament's Written Questions API. Find answers with search_answers, read one in full "
    "with get_question, find related questions with similar_questions, see what is late with "
    "overdue_questions and department_timeliness, and turn a name into the member or "
    "department it means with resolve_name. Everything is read-only. Cite the url of an "
    "answer when you quote it; the text is Parliament's, under the Open Parliament Licence."
)
SEARCH_MAX = 50
OVERDUE_MAX = 100
ROWS_MAX = 100
RESOLVE_MAX = 25
SIMILAR_MAX = 25
TEXT_MAX = 20_000  # characters of a question's or an answer's text
REFRESH_SECONDS = 60.0
READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True,
                            open_world_hint=False)

House = Literal["commons", "lords"]
Status = Literal["answered", "holding", "corrected", "unanswered"]
Day = Annotated[str | None, Field(
    description="A day: 2024-01-31, 31/01/2024 or 31 Jan 2024", max_length=40)]
NameText = Annotated[str | None, Field(
    description="A name as people write it (typos and abbreviations are fine), or the id "
    "resolve_name gave", max_length=200)]


class Reader:
    """The store's read-only connections and the name indexes, refreshed when the store
    changes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._store = Store(path, readonly=True)  # only to give StoreAccess the path
        self.db = StoreAccess(self._store, readers=2)
        self._resolver: Resolver | None = None
        self._seq = -1
        self._checked = 0.0
        self._lock = asyncio.Lock()

    async def resolver(self) -> Resolver:
        """The name indexes, read again when the store has changed since (at most once every
        ``REFRESH_SECONDS``)."""
        async with self._lock:
            now = time.monotonic()
            if self._resolver is None or now - self._checked >= REFRESH_SECONDS:
                self._checked = now
                seq = await self.db.read(lambda store: store.last_change_seq())
                if self._resolver is None or seq != self._seq:
                    self._resolver = await self.db.read(Resolver.from_store)
                    self._seq = seq
            return self._resolver

    async def read(
        self, fn: Callable[Concatenate[Store, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """``fn(store, *args)`` on a reader thread."""
        return await self.db.read(fn, *args, **kwargs)

    def close(self) -> None:
        """Close every connection."""
        self.db.close()
        self._store.close()


async def _guarded(tool: str, work: Awaitable[T]) -> T:
    """Run a tool's work: the core's own errors become tool errors with their message; anything
    else is logged with its traceback and reported in a line."""
    try:
        return await work
    except ToolError:
        raise
    except (SearchError, OverdueError, AccountabilityError, ValueError) as error:
        raise ToolError(str(error)) from None
    except StoreError as error:
        raise ToolError(f"the store cannot be read: {error}") from None
    except Exception:
        log.exception("tool %s failed", tool)
        raise ToolError(f"{tool} failed unexpectedly; the server's log has the details") from None


def _day(value: str | None, name: str) -> date | None:
    return parse_day_option(value, name)


def _pinned_id(text: str | None) -> int | None:
    """An id given in place of a name (``resolve_name`` gives them)."""
    if text is None:
        return None
    stripped = text.strip()
    return int(stripped) if stripped.lstrip("-").isdigit() else None


def _resolve_id(resolver: Resolver, kind: str, text: str | None) -> tuple[int, str] | None:
    """The member or department whose id ``text`` is, with its name; None when it is not an
    id, or not one of a stored member or department."""
    pinned = _pinned_id(text)
    if pinned is None:
        return None
    name = (resolver.members.members.get(pinned, {}).get("name") if kind == "member"
            else resolver.departments.names.get(pinned))
    return (pinned, name) if name else None


def _unclear(option: str, resolution: Resolution) -> ToolError:
    if not resolution.candidates:
        return ToolError(f"{option}: nothing matches {resolution.text[:60]!r}; "
                         "resolve_name lists what is close")
    names = "; ".join(f"{c.name} (id {c.id})" for c in resolution.candidates[:5])
    return ToolError(f"{option}: {resolution.text[:60]!r} is not clear. Did you mean: {names}? "
                     "Call again with the name or the id.")


def _resolve(resolver: Resolver, option: str, kind: str, text: str | None,
             role: str | None = None) -> tuple[int, str] | None:
    """The id and name ``text`` means for ``option``, None for no text; ``ToolError`` with the
    candidates when it is not sure."""
    if text is None or not text.strip():
        return None
    if (found := _resolve_id(resolver, kind, text)) is not None:
        return found
    resolution = resolver.resolve(kind, text.strip()[:200], role=role)
    if resolution.best is None:
        raise _unclear(option, resolution)
    return int(resolution.best.id), resolution.best.name


def _cut(data: dict[str, object], key: str, notes: list[str]) -> None:
    text = data.get(key)
    if isinstance(text, str) and len(text) > TEXT_MAX:
        data[key] = text[:TEXT_MAX]
        notes.append(f"{key} cut at {TEXT_MAX:,} of {len(text):,} characters; the url has "
                     "the whole text")


# -- the tools' work, on a reader thread -------------------------------------------------------


def _search(store: Store, resolver: Resolver, query: SearchQuery) -> dict[str, object]:
    outcome = Searcher(store, resolver).search(query)
    if outcome.ambiguous:
        raise ToolError(unclear_names(outcome) + " Call again with one of the names, or its id "
                        "from resolve_name.")
    data = search_json(store, outcome)
    shown = len(outcome.results)
    more = query.offset + shown < outcome.total
    data.update(offset=query.offset, returned=shown, more=more)
    if more or outcome.total_is_estimate:
        total = f"{outcome.total:,}{'+' if outcome.total_is_estimate else ''}"
        data["note"] = (f"Results {query.offset + 1}-{query.offset + shown} of {total}, at "
                        f"most {SEARCH_MAX} a call: ask again with offset={query.offset + shown}"
                        " for more, or narrow the search.")
    return data


def _question(store: Store, id_or_uin: str) -> dict[str, object]:
    row = store.question(id_or_uin.strip())
    if row is None:
        raise ToolError(f"no question with id or UIN {id_or_uin.strip()[:40]!r} is stored; "
                        "search_answers finds questions by words and names")
    data = question_json(store, row)
    data.pop("answer_html", None)  # the same text as "answer", as HTML
    notes: list[str] = []
    for key in ("question", "answer"):
        _cut(data, key, notes)
    if notes:
        data["note"] = "; ".join(notes)
    return data


def _similar(store: Store, id_or_uin: str, limit: int) -> dict[str, object]:
    """Questions like one question: ``similar``'s JSON (bm25 over heading and question text,
    near-repeats first, never the question itself)."""
    from bot.core.search.similar import SimilarError, find_similar, similar_json

    row = store.question(id_or_uin.strip())
    if row is None:
        raise ToolError(f"no question with id or UIN {id_or_uin.strip()[:40]!r} is stored")
    try:
        outcome = find_similar(store, str(row["id"]), limit)
    except SimilarError as error:
        raise ToolError(str(error)) from None
    return {**similar_json(store, outcome), "method": outcome.method}


def _overdue(store: Store, resolver: Resolver, department: str | None, member: str | None,
             asked_by: str | None, house: str | None, as_of: str | None, limit: int,
             offset: int) -> dict[str, object]:
    body = _resolve(resolver, "department", "department", department)
    answerer = _resolve(resolver, "member", "member", member, role="answered_by")
    asker = _resolve(resolver, "asked_by", "member", asked_by, role="asked_by")
    listing = overdue(
        store, department_id=resolver.departments.family(body[0]) if body else None,
        answering_member_id=answerer[0] if answerer else None,
        asking_member_id=asker[0] if asker else None, house=house,
        as_of=_day(as_of, "as_of"), limit=limit, offset=offset,
    )
    data = listing.as_json()
    data["results"] = [item.as_json() | {"url": item.url} for item in listing.results]
    data["filters"] = {"department": body and body[1], "member": answerer and answerer[1],
                       "asked_by": asker and asker[1], "house": house}
    more = offset + len(listing.results) < listing.total
    data.update(offset=offset, returned=len(listing.results), more=more)
    if more:
        data["note"] = (f"Questions {offset + 1}-{offset + len(listing.results)} of "
                        f"{listing.total:,}, at most {OVERDUE_MAX} a call: ask again with "
                        f"offset={offset + len(listing.results)} for more.")
    return data


def _timeliness(store: Store, resolver: Resolver, department: str | None, house: str | None,
                since: str | None, until: str | None, as_of: str | None) -> dict[str, object]:
    body = _resolve(resolver, "department", "department", department)
    report = timeliness(
        store, department_id=resolver.departments.family(body[0]) if body else None,
        department_name=body[1] if body else None, house=house,
        since=_day(since, "since"), until=_day(until, "until"), as_of=_day(as_of, "as_of"),
    )
    data = report.as_json()
    if len(report.rows) > ROWS_MAX:
        data["note"] = f"{ROWS_MAX} of {len(report.rows)} rows, worst first"
        data["rows"] = [row.as_json() for row in report.rows[:ROWS_MAX]]
    data["definitions"] = (
        "A rate is on_time / due (null when nothing was due). Due: Commons ordinary questions "
        "the 5th working day after tabling, named-day questions the day named, Lords questions "
        "their date for answer (else the 10th working day). On time: a substantive answer on "
        "or before the due day; a holding answer does not count. Rows are departments, worst "
        "first, or, for one department, months of the due day.")
    return data


# -- the server --------------------------------------------------------------------------------


def build_server(path: Path) -> tuple[MCPServer, Reader]:
    """The MCP server over the store at ``path`` (opened read-only), and its reader (close it
    when done)."""
    reader = Reader(path)
    server: MCPServer = MCPServer(NAME, instructions=INSTRUCTIONS, log_level="WARNING")

    @server.tool(annotations=READ_ONLY)
    async def search_answers(
        query: Annotated[str, Field(
            description='Words to look for: "a phrase", -word to leave out, word* for a '
            "prefix, OR between words", max_length=6000)] = "",
        asked_by: NameText = None,
        answered_by: NameText = None,
        member: NameText = None,
        department: NameText = None,
        house: House | None = None,
        since: Day = None,
        until: Day = None,
        status: Status | None = None,
        sort: Literal["relevance", "newest"] = "relevance",
        limit: Annotated[int, Field(ge=1, le=SEARCH_MAX)] = 10,
        offset: Annotated[int, Field(ge=0, le=100_000)] = 0,
    ) -> dict[str, object]:
        """Find written answers, as /answers does: by words, by who asked (asked_by, a member),
        who answered (answered_by, a minister), either (member), the answering department,
        House, the day answered (since, until) and status. Returns the total and a page of
        results, each with its id, UIN, heading, department, members, days, status, an excerpt
        (matched words in **bold**), the Parliament url and readers' votes. A name that could
        be several people is an error listing them: call again with one."""

        async def work() -> dict[str, object]:
            resolver = await reader.resolver()
            names = {"asked_by": asked_by, "answered_by": answered_by, "member": member,
                     "department": department}
            pinned = {}
            for option, text in names.items():
                kind = "department" if option == "department" else "member"
                if (found := _resolve_id(resolver, kind, text)) is not None:
                    pinned[option] = found[0]
            search = SearchQuery(
                text=query, asked_by=asked_by, answered_by=answered_by, member=member,
                department=department, house=house, since=_day(since, "since"),
                until=_day(until, "until"), status=status, sort=sort, limit=limit,
                offset=offset, pinned=pinned,
            )
            return await reader.read(_search, resolver, search)

        return await _guarded("search_answers", work())

    @server.tool(annotations=READ_ONLY)
    async def get_question(
        id_or_uin: Annotated[str, Field(
            description="The question's API id (1282662) or UIN (HL12274, 146900)",
            min_length=1, max_length=40)],
    ) -> dict[str, object]:
        """One written question in full: the question and answer texts (each up to 20,000
        characters), every date (tabled, due, answered, holding answer, corrected), the
        members and department, grouped questions, attachments, whether the answer says the
        information is not held, and readers' votes."""
        return await _guarded("get_question", reader.read(_question, id_or_uin))

    @server.tool(annotations=READ_ONLY)
    async def similar_questions(
        id_or_uin: Annotated[str, Field(
            description="The question's API id or UIN", min_length=1, max_length=40)],
        limit: Annotated[int, Field(ge=1, le=SIMILAR_MAX)] = 10,
    ) -> dict[str, object]:
        """Questions like one question (never the question itself): near-repeats first (the
        same text to another department, asked again, or 80% alike by words), then the most
        alike by the words of heading and question (bm25). Each with its id, UIN, heading,
        department, asker, day tabled, status, a score (higher is closer) and near_repeat."""
        return await _guarded("similar_questions", reader.read(_similar, id_or_uin, limit))

    @server.tool(annotations=READ_ONLY)
    async def overdue_questions(
        department: NameText = None,
        member: Annotated[str | None, Field(
            description="The minister answering (known once a holding answer is given)",
            max_length=200)] = None,
        asked_by: NameText = None,
        house: House | None = None,
        as_of: Day = None,
        limit: Annotated[int, Field(ge=1, le=OVERDUE_MAX)] = 20,
        offset: Annotated[int, Field(ge=0, le=1_000_000)] = 0,
    ) -> dict[str, object]:
        """Written questions past their due day without a substantive answer, most overdue
        first, as /overdue lists them (as of today unless as_of is given). Each with its due
        day, working days overdue, whether it is a named-day question and whether a holding
        answer was given. Due: Commons ordinary questions the 5th working day after tabling,
        named-day questions the day named, Lords questions their date for answer (else the
        10th working day); a holding answer does not stop the clock."""

        async def work() -> dict[str, object]:
            resolver = await reader.resolver()
            return await reader.read(_overdue, resolver, department, member, asked_by, house,
                                     as_of, limit, offset)

        return await _guarded("overdue_questions", work())

    @server.tool(annotations=READ_ONLY)
    async def department_timeliness(
        department: Annotated[str | None, Field(
            description="One department, month by month (default: every department, worst "
            "first)", max_length=200)] = None,
        house: House | None = None,
        since: Day = None,
        until: Day = None,
        as_of: Day = None,
    ) -> dict[str, object]:
        """How promptly departments answer, as /timeliness shows: for questions due in the
        period (default: the last 12 months), the share answered on time for ordinary,
        named-day and Lords questions, the share given a holding answer, the median working
        days to answer, how many are overdue now, and (for one department) the share of
        answers saying the information is not held."""

        async def work() -> dict[str, object]:
            resolver = await reader.resolver()
            return await reader.read(_timeliness, resolver, department, house, since, until,
                                     as_of)

        return await _guarded("department_timeliness", work())

    @server.tool(annotations=READ_ONLY)
    async def resolve_name(
        kind: Literal["member", "department", "topic"],
        text: Annotated[str, Field(description="The name as written", min_length=1,
                                   max_length=200)],
        limit: Annotated[int, Field(ge=1, le=RESOLVE_MAX)] = 5,
        role: Annotated[Literal["asked_by", "answered_by"] | None, Field(
            description="For a member: looked for as the one who asked or who answered "
            "(breaks ties between people of one name)")] = None,
    ) -> dict[str, object]:
        """Which member, department or topic (a heading) a name means, with typos,
        abbreviations (DfE, MoD) and old department names understood: the candidates, best
        first, each with its id and a score out of 100, and whether the best is sure. When it
        is not sure, the candidates are the ones to choose between."""

        async def work() -> dict[str, object]:
            resolver = await reader.resolver()
            resolution = resolver.resolve(kind, text.strip()[:200], limit, role=role)
            return resolution.as_json()

        return await _guarded("resolve_name", work())

    return server, reader


def serve(path: Path, http_port: int | None = None) -> None:
    """Serve until stopped: on stdio, or with ``http_port`` streamable HTTP on 127.0.0.1 only,
    with the Host and Origin headers checked (DNS-rebinding protection)."""
    server, reader = build_server(path)
    try:
        if http_port is None:
            server.run("stdio")
            return
        local = [f"127.0.0.1:{http_port}", f"localhost:{http_port}"]
        security = TransportSecuritySettings(
            enable_dns_rebinding_protection=True, allowed_hosts=local,
            allowed_origins=[f"http://{host}" for host in local],
        )
        server.run("streamable-http", host="127.0.0.1", port=http_port,
                   transport_security=security)
    finally:
        reader.close()
