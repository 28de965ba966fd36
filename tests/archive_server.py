"""A local stand-in for TheyWorkForYou's ParlParse archive (``/pwdata/scrapedxml/``), for tests
and the archive benchmark, and ParlParse-shaped written-answers files to serve from it.

The layout is the real one (FORMATS.md section 6, and ParlParse's ``runfilters.py`` and
``wrans-2014/parse.py``): a folder per kind (``wrans/``, ``lordswrans/``), each served as an
Apache ``mod_autoindex`` page, with ``changedates.txt`` lines ``unixtime,filename`` appended at
each write. Files answer with ``ETag`` and ``Last-Modified`` and honour conditional GETs.

Every request is recorded (``requests``); tests make it misbehave with ``fail_files_after`` (an
outage from the n-th file on), ``inject`` (a status, with ``Retry-After``, on the next requests)
and ``file_delay`` (slow files, to kill a run mid-way).
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from email.utils import formatdate
from pathlib import Path

from aiohttp import web

PREFIX = "/pwdata/scrapedxml"
CHANGEDATES = "changedates.txt"


@dataclass
class ServedFile:
    body: bytes
    mtime: float


@dataclass
class Request:
    path: str
    status: int
    headers: dict[str, str]
    time: float


@dataclass
class Fault:
    status: int
    count: int
    retry_after: str | None = None
    suffix: str = ""  # only paths ending so


def folder_for(name: str) -> str:
    """``answers2009-10-28b.xml`` -> ``wrans``; ``lordswrans...`` -> ``lordswrans``."""
    return "lordswrans" if name.startswith("lordswrans") else "wrans"


class ArchiveServer:
    """``async with ArchiveServer() as server: server.add(name, body); server.base_url``"""

    def __init__(self) -> None:
        self.folders: dict[str, dict[str, ServedFile]] = {"wrans": {}, "lordswrans": {}}
        self.changedates: dict[str, list[tuple[int, str]]] = {"wrans": [], "lordswrans": []}
        self.requests: list[Request] = []
        self.faults: list[Fault] = []
        # An outage from the (fail_after + 1)th file on, in the order a run loads them (by day,
        # then House): the same files fail whichever of two concurrent downloads arrives first.
        self.fail_after: int | None = None
        self.file_delay = 0.0
        self.bare_index = False  # links only: no dates or sizes beside them
        self.files_served = 0
        self._arrived = asyncio.Event()  # set and replaced on each request
        self._clock = 1_256_000_000  # 2009-10-20, moves on with each write
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- content ------------------------------------------------------------------------------

    def add(self, name: str, body: bytes, *, in_changedates: bool = True) -> None:
        """Publish (or rewrite) a file, as ParlParse does: a new mtime and, for the Hansard
        scraper's files, a changedates.txt line."""
        folder = folder_for(name)
        self._clock += 60
        self.folders[folder][name] = ServedFile(body, float(self._clock))
        if in_changedates:
            self.changedates[folder].append((self._clock, name))

    def add_real(self, path: Path, name: str | None = None) -> None:
        """Publish a real file under its real name (or ``name``)."""
        self.add(name or path.name, path.read_bytes())

    def inject(self, status: int, count: int = 1, retry_after: str | None = None,
               suffix: str = "") -> None:
        """Answer the next ``count`` requests (ending with ``suffix``) with ``status``."""
        self.faults.append(Fault(status, count, retry_after, suffix))

    def xml_requests(self) -> list[Request]:
        """Requests for written-answers files."""
        return [r for r in self.requests if r.path.endswith(".xml")]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{PREFIX}/"

    # -- serving ------------------------------------------------------------------------------

    async def __aenter__(self) -> ArchiveServer:
        app = web.Application()
        app.router.add_get(PREFIX + "/", self._root)
        app.router.add_get(PREFIX + "/{folder}/", self._index)
        app.router.add_get(PREFIX + "/{folder}/{name}", self._file)
        # handler_cancellation: a client that goes away (a killed run) frees a slow handler.
        self._runner = web.AppRunner(
            app, access_log=None, handler_cancellation=True, shutdown_timeout=0.5
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def _record(self, request: web.Request, status: int) -> None:
        self.requests.append(
            Request(request.path, status, dict(request.headers), time.monotonic())
        )
        self._arrived.set()
        self._arrived = asyncio.Event()

    async def next_request(self) -> None:
        """Wait for the next request to be answered (to look at a client's progress then)."""
        await self._arrived.wait()

    def _fault(self, request: web.Request) -> web.Response | None:
        for fault in self.faults:
            if fault.count > 0 and request.path.endswith(fault.suffix):
                fault.count -= 1
                headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
                self._record(request, fault.status)
                return web.Response(status=fault.status, text="fault", headers=headers)
        return None

    async def _root(self, request: web.Request) -> web.Response:
        self._record(request, 200)
        entries = [(f"{name}/", 0.0, None) for name in self.folders]
        return web.Response(text=apache_index(PREFIX + "/", entries), content_type="text/html")

    async def _index(self, request: web.Request) -> web.Response:
        if (fault := self._fault(request)) is not None:
            return fault
        folder = request.match_info["folder"]
        if folder not in self.folders:
            self._record(request, 404)
            raise web.HTTPNotFound()
        self._record(request, 200)
        files = self.folders[folder]
        entries: list[tuple[str, float, int | None]] = [
            (name, f.mtime, len(f.body)) for name, f in sorted(files.items())
        ]
        if self.changedates[folder]:
            text = self._changedates_text(folder)
            entries.append((CHANGEDATES, float(self._clock), len(text)))
        if self.bare_index:
            page = "".join(f'<a href="{html.escape(name)}">{html.escape(name)}</a>\n'
                           for name, _, _ in sorted(entries))
        else:
            page = apache_index(f"{PREFIX}/{folder}/", sorted(entries))
        return web.Response(text=page, content_type="text/html")

    def _load_position(self, name: str) -> int:
        """Where a file comes in a run's loading order: by day, then House."""
        def key(file_name: str) -> tuple[str, str]:
            day = re.search(r"\d{4}-\d\d-\d\d", file_name)
            return (day.group(0) if day else file_name, file_name)

        names = sorted((n for files in self.folders.values() for n in files
                        if n.endswith(".xml")), key=key)
        return names.index(name) if name in names else len(names)

    def _changedates_text(self, folder: str) -> str:
        return "".join(f"{t},{name}\n" for t, name in self.changedates[folder])

    async def _file(self, request: web.Request) -> web.StreamResponse:
        if (fault := self._fault(request)) is not None:
            return fault
        folder, name = request.match_info["folder"], request.match_info["name"]
        if name == CHANGEDATES and self.changedates.get(folder):
            self._record(request, 200)
            return web.Response(text=self._changedates_text(folder), content_type="text/plain")
        served = self.folders.get(folder, {}).get(name)
        if served is None:
            self._record(request, 404)
            raise web.HTTPNotFound()
        if self.fail_after is not None and self._load_position(name) >= self.fail_after:
            self._record(request, 500)
            return web.Response(status=500, text="archive down")
        if self.file_delay:
            await asyncio.sleep(self.file_delay)
        etag = '"' + hashlib.sha1(served.body).hexdigest()[:16] + '"'
        modified = formatdate(served.mtime, usegmt=True)
        if request.headers.get("If-None-Match") == etag:
            self._record(request, 304)
            return web.Response(status=304, headers={"ETag": etag, "Last-Modified": modified})
        self.files_served += 1
        self._record(request, 200)
        return web.Response(
            body=served.body,
            content_type="text/xml",
            headers={"ETag": etag, "Last-Modified": modified},
        )



def _apache_size(size: int | None) -> str:
    if size is None:
        return "  - "
    if size < 1024:
        return f"{size}"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f}K" if size >= 10 * 1024 else f"{size / 1024:.1f}K"
    return f"{size / 1024 / 1024:.1f}M"


def apache_index(path: str, entries: Iterable[tuple[str, float, int | None]]) -> str:
    """A directory index as Apache's mod_autoindex writes it (FancyIndexing, HTMLTable)."""
    rows = [
        '<tr><td valign="top"><img src="/icons/back.gif" alt="[PARENTDIR]"></td>'
        f'<td><a href="{html.escape(path.rsplit("/", 2)[0] + "/")}">Parent Directory</a></td>'
        '<td>&nbsp;</td><td align="right">  - </td><td>&nbsp;</td></tr>'
    ]
    for name, mtime, size in entries:
        stamp = time.strftime("%Y-%m-%d %H:%M", time.gmtime(mtime)) if mtime else ""
        rows.append(
            '<tr><td valign="top"><img src="/icons/text.gif" alt="[TXT]"></td>'
            f'<td><a href="{html.escape(name)}">{html.escape(name)}</a></td>'
            f'<td align="right">{stamp}  </td><td align="right">{_apache_size(size)}</td>'
            "<td>&nbsp;</td></tr>"
        )
    return (
        '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">\n<html>\n <head>\n'
        f"  <title>Index of {html.escape(path)}</title>\n </head>\n <body>\n"
        f"<h1>Index of {html.escape(path)}</h1>\n  <table>\n"
        '   <tr><th valign="top"><img src="/icons/blank.gif" alt="[ICO]"></th>'
        '<th><a href="?C=N;O=D">Name</a></th><th><a href="?C=M;O=A">Last modified</a></th>'
        '<th><a href="?C=S;O=A">Size</a></th><th><a href="?C=D;O=A">Description</a></th></tr>\n'
        '   <tr><th colspan="5"><hr></th></tr>\n'
        + "\n".join(rows)
        + '\n   <tr><th colspan="5"><hr></th></tr>\n</table>\n'
        "<address>Apache/2.4.62 (Debian) Server at www.theyworkforyou.com Port 443</address>\n"
        "</body></html>\n"
    )


# --------------------------------------------------------------------------- generated files

_DTD = """<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE publicwhip
[
<!ENTITY pound  "&#163;" >
<!ENTITY ndash   "&#8211;">
<!ENTITY eacute "&#233;" >
<!ENTITY nbsp   "&#160;" >
]>
"""


@dataclass
class Question:
    """One written question and its answer, in the terms a ParlParse file needs."""

    uin: str
    heading: str
    department: str
    asker: tuple[int, str]
    answerer: tuple[int, str]
    text: str
    answer_html: str
    date_tabled: str = ""
    holding_date: str | None = None
    grouped: list[Question] = field(default_factory=list)  # answered together with this one


def simple_questions(
    day: str, count: int, *, house: str = "commons", start: int = 1000, note: str = ""
) -> list[Question]:
    """``count`` small, distinct questions answered on ``day``; ``note`` marks their answers."""
    lords = house == "lords"
    out = []
    for i in range(count):
        number = start + i
        uin = f"HL{number}" if lords else str(number)
        q = Question(
            uin=uin,
            heading=f"Subject {number % 7}: Part {number}",
            department="EDUCATION" if number % 2 else "HEALTH",
            asker=(40_000 + number % 50, f"Asker {number % 50}"),
            answerer=(50_000 + number % 5, f"Minister {number % 5}"),
            text=f"To ask the Secretary of State question number {number} about caf&eacute;s.",
            answer_html=f"<p>Answer {number}{(' ' + note) if note else ''}: &pound;{number}.</p>",
            date_tabled=day,
            holding_date=day if number % 10 == 3 else None,
        )
        if number % 25 == 7:  # a grouped question, answered with the one before
            q.grouped.append(
                Question(
                    uin=f"{uin}1",
                    heading=q.heading,
                    department=q.department,
                    asker=q.asker,
                    answerer=q.answerer,
                    text=f"To ask the Secretary of State grouped question {number}.",
                    answer_html="",
                    date_tabled=day,
                )
            )
        out.append(q)
    return out


def old_style_file(day: str, version: str, questions: Sequence[Question], *,
                   house: str = "commons", redirects: Sequence[tuple[str, str]] = ()) -> bytes:
    """A ParlParse Hansard-scraper file (1997-2014): ISO-8859-1 with an entity DTD, ids by
    column, a ``major-heading`` per department (Commons), ``speakerid``s, ``gidredirect``s."""
    lords = house == "lords"
    member = "lord" if lords else "member"
    parts = [_DTD, f'<publicwhip scrapeversion="{version}" latest="yes">\n']
    for old, new in redirects:
        parts.append(f'<gidredirect oldgid="{old}" newgid="{new}" matchtype="perfectmatch"/>\n')
    column = 100
    department = None
    if not lords:  # Hansard prints each department's answers together, under its heading
        order = {d: i for i, d in enumerate(dict.fromkeys(q.department for q in questions))}
        questions = sorted(questions, key=lambda q: order[q.department])
    for n, q in enumerate(questions):
        gid = f"uk.org.publicwhip/wrans/{day}{version}.{column + n // 4}W.{n}"
        if not lords and q.department != department:
            department = q.department
            parts.append(f'<major-heading id="{gid}.mh" nospeaker="true">\n\t{department}\n'
                         "</major-heading>\n")
        parts.append(f'<minor-heading id="{gid}.h" nospeaker="true">\n\t{q.heading}\n'
                     "</minor-heading>\n")
        for i, each in enumerate([q, *q.grouped]):
            parts.append(
                f'<ques id="{gid}.q{i}" speakerid="uk.org.publicwhip/{member}/{each.asker[0]}" '
                f'speakername="{each.asker[1]}" colnum="{column}W">\n'
                f'\t<p pid="a.{n}/{i}" qnum="{each.uin}">{each.text}</p>\n</ques>\n'
            )
        holding = (
            f'\t<p class="holdinganswer">holding answer <phrase class="date" '
            f'code="{q.holding_date}">{q.holding_date}</phrase></p>\n'
            if q.holding_date
            else ""
        )
        parts.append(
            f'<reply id="{gid}.r0" speakerid="uk.org.publicwhip/{member}/{q.answerer[0]}" '
            f'speakername="{q.answerer[1]}" colnum="{column}W">\n{holding}\t{q.answer_html}\n'
            "</reply>\n"
        )
    parts.append("</publicwhip>\n")
    return "".join(parts).encode("iso-8859-1", "xmlcharrefreplace")


def modern_file(questions: Sequence[Question], *, house: str = "commons") -> bytes:
    """A file as ParlParse's ``wrans-2014/parse.py`` makes it from the API: UTF-8, no
    declaration, a ``major-heading`` per department, ids by tabling date and UIN,
    ``person_id`` and a ``url`` to the questions site."""
    by_department: dict[str, list[Question]] = {}
    for q in questions:
        by_department.setdefault(q.department, []).append(q)
    host = "https://questions-statements.parliament.uk"
    out = ["<publicwhip>\n"]
    for department, items in by_department.items():
        first = items[0]
        out.append(
            f'\n<major-heading id="uk.org.publicwhip/wrans/{first.date_tabled}.{first.uin}.mh" '
            f'nospeaker="true">\n    {department}\n</major-heading>\n'
        )
        for q in items:
            out.append(
                f'\n<minor-heading id="uk.org.publicwhip/wrans/{q.date_tabled}.{q.uin}.h" '
                f'nospeaker="true">\n    {q.heading}\n</minor-heading>\n'
            )
            for i, each in enumerate([q, *q.grouped]):
                out.append(
                    f'\n<ques id="uk.org.publicwhip/wrans/{each.date_tabled}.{each.uin}.q{i}" '
                    f'person_id="uk.org.publicwhip/person/{each.asker[0]}" '
                    f'speakername="{each.asker[1]}" '
                    f'url="{host}/written-questions/detail/{each.date_tabled}/{each.uin}">\n'
                    f'    <p qnum="{each.uin}">{each.text}</p>\n</ques>'
                )
            out.append(
                f'\n<reply id="uk.org.publicwhip/wrans/{q.date_tabled}.{q.uin}.r0" '
                f'person_id="uk.org.publicwhip/person/{q.answerer[0]}" '
                f'speakername="{q.answerer[1]}">\n    {q.answer_html}\n</reply>\n'
            )
    out.append("\n</publicwhip>")
    text = "".join(out).replace("&eacute;", "é").replace("&pound;", "£")
    return text.encode("utf-8")


def file_name(house: str, day: str, version: str = "") -> str:
    """The archive's name for a House's file of a day, scrape ``version`` ('' for none)."""
    return f"{'lordswrans' if house == 'lords' else 'answers'}{day}{version}.xml"


def main() -> None:  # pragma: no cover - by hand, and for bench/archive_bench.py
    """``python tests/archive_server.py DIR [--port N]``: serve the ``answers*.xml`` and
    ``lordswrans*.xml`` files of DIR (lettered ones listed in changedates.txt, as ParlParse's
    Hansard scraper does; API-made ones without a letter not). Prints the base URL, then serves
    until stopped."""
    import argparse

    parser = argparse.ArgumentParser(description="A local ParlParse archive server.")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()

    async def serve() -> None:
        server = ArchiveServer()
        for path in sorted(args.folder.glob("*.xml")):
            server.add(path.name, path.read_bytes(), in_changedates=not path.stem[-1].isdigit())
        server.port = args.port
        async with server:
            print(server.base_url, flush=True)
            await asyncio.Event().wait()

    asyncio.run(serve())


if __name__ == "__main__":  # pragma: no cover
    main()
