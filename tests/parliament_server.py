"""A local stand-in for the UK Parliament Written Questions API, for tests.

It speaks real HTTP on 127.0.0.1 so the bot's HTTP client, its fetch command and its poller are
exercised end to end (connection pooling, timeouts, status codes) rather than through mocks.

Behaviour follows the live API as far as it is known (see FORMATS.md section 1):

* ``GET /api/writtenquestions/questions`` -- list with paging, filters and the list view's
  truncated texts; newest activity first.
* ``GET /api/writtenquestions/questions/{id}`` and ``.../questions/{yyyy-mm-dd}/{uin}`` -- one
  question with its full HTML answer and attachments.
* Errors are RFC 7807 problem documents (``application/problem+json``, as ASP.NET sends them).

Tests change the data while it runs (``publish``) and make it misbehave (``inject``); every
request is recorded in ``requests``.

Run by hand: ``python tests/parliament_server.py --port 8765 [--data DIR]``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import copy
import html
import json
import math
import re
import socket
import struct
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from aiohttp import web
from multidict import MultiDict

FaultKind = Literal["500", "status500", "429", "slow", "truncated", "reset"]
PathKind = Literal["list", "detail"]

FAULT_KINDS: tuple[str, ...] = ("500", "status500", "429", "slow", "truncated", "reset")
LIST_TEXT_LIMIT = 255  # the live list view cuts questionText/answerText at 255 characters
DEFAULT_TAKE = 20
MEMBER_FIELDS = (
    ("askingMemberId", "askingMember"),
    ("answeringMemberId", "answeringMember"),
    ("correctingMemberId", "correctingMember"),
)
_TAG_RE = re.compile(r"<[^>]*>")


# --------------------------------------------------------------------------- locating real data


def repo_root() -> Path:
    """The repository root (this file lives in ``<root>/tests``)."""
    return Path(__file__).resolve().parents[1]


def shared_data_dir() -> Path:
    """The real captured API responses committed in ``tests/fixtures/real/parliament-api``."""
    return repo_root() / "tests" / "fixtures" / "real" / "parliament-api"


# --------------------------------------------------------------------------- text helpers


def strip_html(text: str) -> str:
    """Drop tags and decode entities, inserting nothing (the live list view glues cells)."""
    return html.unescape(_TAG_RE.sub("", text))


def list_answer_text(text: str | None) -> str | None:
    """The list view's answerText: HTML stripped, cut at 255 characters plus "..."."""
    if text is None:
        return None
    plain = strip_html(text)
    if len(plain) > LIST_TEXT_LIMIT:
        plain = plain[:LIST_TEXT_LIMIT] + "..."
    return plain


def list_question_text(text: str | None) -> str | None:
    """The list view's questionText: cut at 255 characters with no marker."""
    return text if text is None else text[:LIST_TEXT_LIMIT]


def list_view_leaves_out(value: dict[str, Any]) -> bool:
    """Whether the list view of a question leaves something out that only its full view has,
    as far as a client can tell: a question or answer text it cuts (a question of exactly 255
    characters looks cut), or attachments."""
    answer = list_answer_text(value.get("answerText")) or ""
    return (
        len(value.get("questionText") or "") >= LIST_TEXT_LIMIT
        or len(strip_html(value.get("answerText") or "")) > LIST_TEXT_LIMIT
        or (answer.endswith("...") and len(answer) == LIST_TEXT_LIMIT + 3)
        or bool(value.get("attachmentCount") or value.get("attachments"))
    )


def _day(value: str | None) -> str | None:
    """The yyyy-mm-dd part of an API timestamp ("2021-02-01T00:00:00")."""
    return value[:10] if value else None


def _activity(value: dict[str, Any]) -> str:
    """Latest of the dates that move when a question changes; drives the list order."""
    dates = [value.get(k) for k in ("dateAnswered", "dateAnswerCorrected", "dateTabled")]
    return max((d for d in dates if d), default="")


# --------------------------------------------------------------------------- loading real data


def _state_key(value: dict[str, Any]) -> tuple[str, str, int]:
    """Orders two captures of one question: later answer, later correction, then substantive
    over holding (a substantive answer can land on the day the holding one did)."""
    return (
        value.get("dateAnswered") or "",
        value.get("dateAnswerCorrected") or "",
        0 if value.get("answerIsHolding") else 1,
    )


def _is_prefix_of(short: str | None, full: str | None, *, marker: bool) -> bool:
    """Whether ``short`` is the list view's cut of ``full`` (compared as stripped text)."""
    if not short or not full or short == full:
        return False
    if marker:
        if not short.endswith("..."):
            return False
        short = short[:-3]
        full = strip_html(full)
    return len(full) > len(short) and full.startswith(short)


def _merge(current: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Keep the later state; keep full texts over a list view's cut of the same text."""
    winner, other = (new, current) if _state_key(new) > _state_key(current) else (current, new)
    winner = copy.deepcopy(winner)
    if _is_prefix_of(winner.get("questionText"), other.get("questionText"), marker=False):
        winner["questionText"] = other["questionText"]
    # Answers change (holding -> substantive, corrections): only borrow the full text and the
    # attachments of a capture of the same state, never an older answer sharing a prefix.
    if _state_key(other) == _state_key(winner):
        answer, full = winner.get("answerText"), other.get("answerText")
        if _is_prefix_of(answer, full, marker=True) or (
            # Same text, but the other capture still has its HTML (a detail response).
            answer and full and answer != full and answer == strip_html(full)
        ):
            winner["answerText"] = full
        if not winner.get("attachments") and other.get("attachments"):
            winner["attachments"] = copy.deepcopy(other["attachments"])
            winner["attachmentCount"] = other.get("attachmentCount", len(other["attachments"]))
    for id_key, obj_key in MEMBER_FIELDS:
        # A capture made without expandMember has null member objects: borrow the other's.
        if winner.get(obj_key) is None and winner.get(id_key) is not None:
            theirs = other.get(obj_key)
            if theirs and theirs.get("id") == winner[id_key]:
                winner[obj_key] = copy.deepcopy(theirs)
    return winner


def _iter_values(document: Any) -> Iterator[dict[str, Any]]:
    """Question values in a list response or a single-question response."""
    if isinstance(document, dict) and isinstance(document.get("results"), list):
        items = document["results"]
    elif isinstance(document, dict) and isinstance(document.get("value"), dict):
        items = [document]
    else:
        return
    for item in items:
        value = item.get("value") if isinstance(item, dict) else None
        # Written statements share the envelope but have no questionText: not ours.
        if isinstance(value, dict) and "questionText" in value and "id" in value:
            yield value


def load_real_questions(data_dir: str | Path | None = None) -> list[dict[str, Any]]:
    """Every question in the captured responses, merged by ``value.id`` (latest state wins).

    ``data_dir`` defaults to ``shared_data_dir()``; the committed real responses.
    """
    folder = Path(data_dir) if data_dir is not None else shared_data_dir()
    if folder is None or not folder.is_dir():
        raise FileNotFoundError(f"no captured Parliament API responses at {folder}")
    merged: dict[int, dict[str, Any]] = {}
    for path in sorted(folder.glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        for value in _iter_values(document):
            qid = int(value["id"])
            merged[qid] = _merge(merged[qid], value) if qid in merged else copy.deepcopy(value)
    return list(merged.values())


# --------------------------------------------------------------------------- request parsing


class BadParameter(ValueError):
    """A query parameter the live API would reject with 400."""

    def __init__(self, name: str, raw: str, expected: str) -> None:
        super().__init__(f"The value '{raw}' is not valid for {name} (expected {expected}).")
        self.name = name
        self.raw = raw


class _Query:
    """Query parameters looked up case-insensitively, as ASP.NET model binding does."""

    def __init__(self, query: Iterable[tuple[str, str]]) -> None:
        self._values: dict[str, list[str]] = {}
        self._names: dict[str, str] = {}
        for key, value in query:
            self._values.setdefault(key.lower(), []).append(value)
            self._names.setdefault(key.lower(), key)

    def all(self, name: str) -> list[str]:
        # Empty values ("?house=") count as absent, like the live API's binder.
        return [v for v in self._values.get(name.lower(), []) if v != ""]

    def one(self, name: str) -> str | None:
        values = self.all(name)
        return values[0] if values else None

    def date(self, name: str) -> str | None:
        raw = self.one(name)
        if raw is None:
            return None
        try:
            parsed = datetime.fromisoformat(raw) if "T" in raw else date.fromisoformat(raw)
            return parsed.strftime("%Y-%m-%d")
        except ValueError:
            raise BadParameter(name, raw, "a date yyyy-mm-dd") from None

    def integer(self, name: str, *, minimum: int | None = None) -> int | None:
        raw = self.one(name)
        return None if raw is None else self._int(name, raw, minimum)

    def integers(self, name: str) -> list[int]:
        return [self._int(name, raw, None) for raw in self.all(name)]

    @staticmethod
    def _int(name: str, raw: str, minimum: int | None) -> int:
        try:
            number = int(raw)
        except ValueError:
            raise BadParameter(name, raw, "an integer") from None
        if minimum is not None and number < minimum:
            raise BadParameter(name, raw, f"an integer >= {minimum}")
        return number

    def boolean(self, name: str, default: bool) -> bool:
        raw = self.one(name)
        if raw is None:
            return default
        if raw.lower() in ("true", "false"):
            return raw.lower() == "true"
        raise BadParameter(name, raw, "true or false")

    def choice(self, name: str, choices: tuple[str, ...], default: str) -> str:
        raw = self.one(name)
        if raw is None:
            return default
        for choice in choices:
            if raw.lower() == choice.lower():
                return choice
        raise BadParameter(name, raw, " | ".join(choices))


def _in_range(day: str | None, low: str | None, high: str | None) -> bool:
    """Inclusive day bounds; a missing date never matches a bound."""
    if low is None and high is None:
        return True
    if day is None:
        return False
    return (low is None or day >= low) and (high is None or day <= high)


# --------------------------------------------------------------------------- the server


@dataclass
class RecordedRequest:
    """One request as the server saw it."""

    method: str
    path: str
    query: MultiDict[str]
    kind: str  # "list", "detail" or "other"
    time: float  # time.monotonic() on arrival, for rate assertions
    fault: str | None = None  # the injected fault it received, if any


@dataclass
class _Fault:
    kind: str
    remaining: int
    path: str | None
    retry_after: int | None
    delay: float
    hits: int = field(default=0)
    skip: int = 0  # requests to let through before misbehaving


class ParliamentAPIServer:
    """The Written Questions API on 127.0.0.1; use ``async with`` or ``start()``/``stop()``."""

    def __init__(
        self,
        questions: Iterable[dict[str, Any]] | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.host = host
        self.port = port  # 0 picks a free port; the real one is known after start()
        self.questions: dict[int, dict[str, Any]] = {}
        self.requests: list[RecordedRequest] = []
        self._members: dict[int, dict[str, Any]] = {}
        self._faults: list[_Fault] = []
        self._runner: web.AppRunner | None = None
        self._stopping = asyncio.Event()
        self._arrived = asyncio.Event()  # set and replaced on each request
        for value in questions or ():
            self.publish(value)

    # ------------------------------------------------------------------ lifecycle

    @property
    def base_url(self) -> str:
        """What the bot's PARLIAMENT_API_BASE_URL should be, e.g. http://127.0.0.1:PORT/api."""
        if self._runner is None:
            raise RuntimeError("server not started")
        return f"http://{self.host}:{self.port}/api"

    @property
    def root_url(self) -> str:
        """Scheme, host and port only (paths in ``requests`` are relative to this)."""
        return self.base_url.removesuffix("/api")

    def make_app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/api/writtenquestions/questions", self._handle_list)
        app.router.add_get("/api/writtenquestions/questions/{id}", self._handle_detail)
        app.router.add_get("/api/writtenquestions/questions/{date}/{uin}", self._handle_by_uin)
        return app

    async def start(self) -> ParliamentAPIServer:
        self._stopping = asyncio.Event()
        # handler_cancellation: a client that gives up on a slow response frees its handler;
        # a short shutdown_timeout keeps stop() quick when handlers are still sleeping.
        runner = web.AppRunner(
            self.make_app(), access_log=None, handler_cancellation=True, shutdown_timeout=0.5
        )
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        self._runner = runner
        self.port = int(runner.addresses[0][1])
        return self

    async def stop(self) -> None:
        self._stopping.set()  # wakes "slow" handlers so shutdown does not wait for them
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def __aenter__(self) -> ParliamentAPIServer:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # ------------------------------------------------------------------ data

    def publish(self, value: dict[str, Any]) -> None:
        """Add or replace a question by ``id`` (a ``{"value": ...}`` envelope is accepted too).

        Stored as given: publish full HTML answers if the detail view should show them.
        """
        if "value" in value and isinstance(value["value"], dict):
            value = value["value"]
        if "id" not in value:
            raise ValueError("a question needs an 'id'")
        stored = copy.deepcopy(value)
        self.questions[int(stored["id"])] = stored
        for _, obj_key in MEMBER_FIELDS:
            member = stored.get(obj_key)
            if isinstance(member, dict) and member.get("id") is not None:
                self._members[int(member["id"])] = copy.deepcopy(member)

    def remove(self, question_id: int) -> None:
        """Forget a question entirely (the live API never does this; withdrawal is a flag)."""
        self.questions.pop(int(question_id), None)

    # ------------------------------------------------------------------ faults

    def inject(
        self,
        kind: FaultKind | str,
        count: int = 1,
        path: PathKind | str | None = None,
        *,
        retry_after: int | None = 1,
        delay: float = 2.0,
        after: int = 0,
    ) -> None:
        """Misbehave on the next ``count`` requests (of ``path`` kind "list"/"detail", or any),
        after letting ``after`` of them through normally (a server that fails midway).

        Kinds: "500" (HTTP 500), "status500" (HTTP 200 whose JSON is ``{"status": 500, ...}``),
        "429" (with ``Retry-After: retry_after`` seconds unless None), "slow" (answer normally
        after ``delay`` seconds), "truncated" (HTTP 200, JSON cut in half, consistent
        Content-Length), "reset" (TCP reset, no response). Faults queue in order; each request
        consumes one count of the first fault matching its path kind.

        aiohttp's client silently retries a GET once after a dropped connection, so a reset is
        only seen by the caller when ``count`` covers the retry too (``count=2``).
        """
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {FAULT_KINDS}")
        if path not in (None, "list", "detail"):
            raise ValueError(f"path must be 'list', 'detail' or None, not {path!r}")
        if count < 1:
            raise ValueError("count must be at least 1")
        self._faults.append(_Fault(kind, count, path, retry_after, delay, skip=after))

    def clear_faults(self) -> None:
        self._faults.clear()

    @property
    def pending_faults(self) -> int:
        """How many injected faults have not been served yet."""
        return sum(f.remaining for f in self._faults)

    def _take_fault(self, kind: str) -> _Fault | None:
        for fault in self._faults:
            if fault.path in (None, kind):
                if fault.skip > 0:
                    fault.skip -= 1
                    return None
                fault.remaining -= 1
                fault.hits += 1
                if fault.remaining <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    # ------------------------------------------------------------------ request helpers

    def requests_of(self, kind: str) -> list[RecordedRequest]:
        """Recorded requests of one kind ("list", "detail")."""
        return [r for r in self.requests if r.kind == kind]

    def _record(self, request: web.Request, kind: str) -> RecordedRequest:
        record = RecordedRequest(
            method=request.method,
            path=request.path,
            query=MultiDict(request.query),
            kind=kind,
            time=time.monotonic(),
        )
        self.requests.append(record)
        self._arrived.set()
        self._arrived = asyncio.Event()
        return record

    async def wait_for_requests(self, count: int, timeout: float = 30.0) -> None:
        """Wait until ``requests`` holds at least ``count`` (woken by each request as it
        arrives, not by polling)."""
        async with asyncio.timeout(timeout):
            while len(self.requests) < count:
                await self._arrived.wait()

    @staticmethod
    def _problem(
        request: web.Request, status: int, title: str, detail: str, **extra: Any
    ) -> web.Response:
        section = _RFC7231_SECTIONS.get(status, "6")
        body = {
            "type": f"https://tools.ietf.org/html/rfc7231#section-{section}",
            "title": title,
            "status": status,
            "detail": detail,
            "instance": request.path,
            **extra,
        }
        return web.Response(
            status=status,
            text=json.dumps(body),
            content_type="application/problem+json",
            charset="utf-8",
        )

    async def _serve(
        self,
        request: web.Request,
        kind: str,
        build: Callable[[], web.Response],
    ) -> web.StreamResponse:
        """Record, apply an injected fault if one is due, else answer with ``build()``."""
        record = self._record(request, kind)
        fault = self._take_fault(kind)
        if fault is not None:
            record.fault = fault.kind
            if fault.kind == "reset":
                return self._reset(request)
            if fault.kind == "500":
                return self._problem(
                    request, 500, "An error occurred while processing your request.", "injected"
                )
            if fault.kind == "status500":
                # The live API has been seen to answer 200 with an error document as the body.
                return web.json_response(
                    {"status": 500, "title": "An error occurred while processing your request."}
                )
            if fault.kind == "429":
                headers = {}
                if fault.retry_after is not None:
                    headers["Retry-After"] = str(math.ceil(fault.retry_after))
                response = self._problem(request, 429, "Too Many Requests", "injected")
                response.headers.update(headers)
                return response
            if fault.kind == "slow":
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), fault.delay)
        try:
            response: web.Response = build()
        except BadParameter as error:
            return self._problem(
                request,
                400,
                "One or more validation errors occurred.",
                str(error),
                errors={error.name: [str(error)]},
            )
        if fault is not None and fault.kind == "truncated" and response.body is not None:
            body = bytes(response.body)  # type: ignore[arg-type]
            response.body = body[: max(1, len(body) // 2)]
        return response

    @staticmethod
    def _reset(request: web.Request) -> web.StreamResponse:
        transport = request.transport
        if transport is not None:
            sock = transport.get_extra_info("socket")
            if sock is not None:
                # Linger 0 turns the close into a TCP RST, i.e. "connection reset by peer".
                with contextlib.suppress(OSError):
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            transport.abort()
        # Nothing can be written now; aiohttp drops the response of a closed connection.
        return web.Response(status=500)

    # ------------------------------------------------------------------ views

    def _member(self, member_id: Any, stored: Any) -> Any:
        if stored is not None:
            return stored
        if member_id is None:
            return None
        return copy.deepcopy(self._members.get(int(member_id)))

    def _view(self, value: dict[str, Any], *, expand: bool, list_view: bool) -> dict[str, Any]:
        out = copy.deepcopy(value)
        for id_key, obj_key in MEMBER_FIELDS:
            # Without expandMember the live API sends the ids only, objects null.
            out[obj_key] = self._member(value.get(id_key), value.get(obj_key)) if expand else None
        if list_view:
            out["questionText"] = list_question_text(out.get("questionText"))
            out["answerText"] = list_answer_text(out.get("answerText"))
            # The list view never carries attachments, only how many there are.
            out["attachmentCount"] = value.get(
                "attachmentCount", len(value.get("attachments") or [])
            )
            out["attachments"] = []
            for key in ("originalAnswerText", "comparableAnswerText"):
                if out.get(key):
                    out[key] = ""
        return out

    @staticmethod
    def _links(value: dict[str, Any]) -> list[dict[str, str]]:
        return [{"rel": "self", "href": f"/Questions/{value['id']}", "method": "GET"}]

    def _filter(self, query: _Query) -> list[dict[str, Any]]:
        bounds = {
            field_name: (query.date(f"{param}From"), query.date(f"{param}To"))
            for field_name, param in (
                ("dateTabled", "tabledWhen"),
                ("dateAnswered", "answeredWhen"),
                ("dateAnswerCorrected", "correctedWhen"),
                ("dateForAnswer", "dateForAnswerWhen"),
            )
        }
        asking = query.integer("askingMemberId")
        answering = query.integer("answeringMemberId")
        members = set(query.integers("members"))
        bodies = set(query.integers("answeringBodies"))
        house = query.choice("house", ("Bicameral", "Commons", "Lords"), "Bicameral")
        answered = query.choice("answered", ("Any", "Answered", "Unanswered"), "Any")
        include_withdrawn = query.boolean("includeWithdrawn", False)
        uin = query.one("uIN")
        search = (query.one("searchTerm") or "").lower()

        selected = []
        for value in self.questions.values():
            if any(
                not _in_range(_day(value.get(name)), low, high)
                for name, (low, high) in bounds.items()
            ):
                continue
            if asking is not None and value.get("askingMemberId") != asking:
                continue
            if answering is not None and value.get("answeringMemberId") != answering:
                continue
            if members and not members & {
                value.get("askingMemberId"),
                value.get("answeringMemberId"),
            }:
                continue
            if bodies and value.get("answeringBodyId") not in bodies:
                continue
            if house != "Bicameral" and value.get("house") != house:
                continue
            is_answered = value.get("dateAnswered") is not None
            if (answered == "Answered" and not is_answered) or (
                answered == "Unanswered" and is_answered
            ):
                continue
            if value.get("isWithdrawn") and not include_withdrawn:
                continue
            if uin is not None and str(value.get("uin", "")).lower() != uin.lower():
                continue
            if search and not any(
                search in strip_html(str(value.get(k) or "")).lower()
                for k in ("questionText", "answerText", "heading")
            ):
                continue
            selected.append(value)
        selected.sort(key=lambda v: (_activity(v), int(v["id"])), reverse=True)
        return selected

    async def _handle_list(self, request: web.Request) -> web.StreamResponse:
        def build() -> web.Response:
            query = _Query(request.query.items())
            skip = query.integer("skip", minimum=0) or 0
            take = query.integer("take", minimum=0)
            take = DEFAULT_TAKE if take is None else take
            expand = query.boolean("expandMember", False)
            matches = self._filter(query)
            page = matches[skip : skip + take]
            return web.json_response(
                {
                    "totalResults": len(matches),
                    "results": [
                        {
                            "value": self._view(v, expand=expand, list_view=True),
                            "links": self._links(v),
                        }
                        for v in page
                    ],
                }
            )

        return await self._serve(request, "list", build)

    def _detail_response(
        self, request: web.Request, value: dict[str, Any] | None, what: str
    ) -> web.Response:
        query = _Query(request.query.items())
        expand = query.boolean("expandMember", False)
        if value is None:
            return self._problem(request, 404, "Not Found", f"No written question {what}.")
        view = self._view(value, expand=expand, list_view=False)
        return web.json_response({"value": view, "links": self._links(value)})

    async def _handle_detail(self, request: web.Request) -> web.StreamResponse:
        def build() -> web.Response:
            raw = request.match_info["id"]
            try:
                qid = int(raw)
            except ValueError:
                raise BadParameter("id", raw, "an integer") from None
            return self._detail_response(request, self.questions.get(qid), f"with id {qid}")

        return await self._serve(request, "detail", build)

    async def _handle_by_uin(self, request: web.Request) -> web.StreamResponse:
        def build() -> web.Response:
            raw_date = request.match_info["date"]
            uin = request.match_info["uin"]
            day = _Query([("date", raw_date)]).date("date")
            found = next(
                (
                    v
                    for v in self.questions.values()
                    if _day(v.get("dateTabled")) == day
                    and str(v.get("uin", "")).lower() == uin.lower()
                ),
                None,
            )
            return self._detail_response(request, found, f"{uin} tabled on {day}")

        return await self._serve(request, "detail", build)


_RFC7231_SECTIONS = {400: "6.5.1", 404: "6.5.4", 429: "6.5", 500: "6.6.1"}


# --------------------------------------------------------------------------- command line


async def _serve_forever(host: str, port: int, data: Path | None) -> None:
    questions: list[dict[str, Any]] = []
    folder = data if data is not None else shared_data_dir()
    if folder is not None:
        questions = load_real_questions(folder)
    async with ParliamentAPIServer(questions, host=host, port=port) as server:
        print(f"{len(server.questions)} questions; PARLIAMENT_API_BASE_URL={server.base_url}")
        await asyncio.Event().wait()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Local Written Questions API for testing")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--data", type=Path, default=None, help="folder of captured responses")
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve_forever(args.host, args.port, args.data))


if __name__ == "__main__":
    main()
