"""TheyWorkForYou's archive as it is listed and served: its folders, their HTML indexes and
``changedates.txt``, each day's newest version, and the polite client that downloads them
(see ``archive`` for the run that loads them)."""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from urllib.parse import unquote, urlsplit

from bot.core.sources.http import USER_AGENT, HTTPError, PoliteClient

log = logging.getLogger(__name__)

# House -> (folder, file name prefix) under ARCHIVE_BASE_URL.
FOLDERS = {"commons": ("wrans", "answers"), "lords": ("lordswrans", "lordswrans")}
HOUSE_NAMES: tuple[str, ...] = tuple(FOLDERS)
CHANGEDATES = "changedates.txt"
_ANCHOR = re.compile(
    r"""<a\s[^>]*?href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))[^>]*>.*?</a\s*>""",
    re.IGNORECASE | re.DOTALL,
)
_TAG = re.compile(r"<[^>]*>")
_ROW_END = re.compile(r"\n|<tr[\s>]|<br", re.IGNORECASE)
_TIME = re.compile(r"\d+(?:\.\d+)?")


class ArchiveError(RuntimeError):
    """The archive could not be read (after retries); what was loaded before is kept."""




# --------------------------------------------------------------------------- what is listed


@dataclass(frozen=True)
class ArchiveFile:
    """One day's file as listed: ``answers2009-10-28b.xml`` is the Commons, 28 October 2009,
    scrape version ``b``; ``stamp`` says which state of it was listed (None: unknown)."""

    house: str
    folder: str
    name: str
    day: str
    version: str
    stamp: str | None

    @property
    def path(self) -> str:
        """The file's path under the archive's base URL."""
        return f"{self.folder}/{self.name}"

    @property
    def version_key(self) -> tuple[int, str]:
        """Orders versions: none < a < b < ... < z < aa."""
        return version_key(self.version)


def version_key(letters: str) -> tuple[int, str]:
    """The order of scrape versions: the file without a letter first, then a, b, ..., z, aa."""
    return (len(letters), letters)


def parse_index(page: str) -> dict[str, str | None]:
    """The names an HTML directory index links to, each with the text beside its link (the
    modified date and size, in Apache's and nginx's indexes), or None when there is none."""
    found: dict[str, str | None] = {}
    anchors = list(_ANCHOR.finditer(page))
    for number, anchor in enumerate(anchors):
        href = html.unescape(anchor.group(1) or anchor.group(2) or anchor.group(3) or "")
        name = unquote(urlsplit(href).path.rsplit("/", 1)[-1])
        if not name:
            continue
        end = anchors[number + 1].start() if number + 1 < len(anchors) else len(page)
        beside = _ROW_END.split(page[anchor.end() : end], maxsplit=1)[0]
        text = " ".join(html.unescape(_TAG.sub(" ", beside)).split())
        found[name] = text or None
    return found


def parse_changedates(text: str) -> dict[str, int]:
    """``changedates.txt`` as {file name: its latest time}. ParlParse writes ``unixtime,name``
    lines and appends one at each change; the other order, spaces and paths are accepted too,
    and a line that is neither is ignored."""
    stamps: dict[str, int] = {}
    for line in text.splitlines():
        parts = [p for p in re.split(r"[,;\s]+", line.strip()) if p]
        if len(parts) != 2:
            continue
        first, second = parts
        if _TIME.fullmatch(first) and not _TIME.fullmatch(second):
            moment, name = first, second
        elif _TIME.fullmatch(second) and not _TIME.fullmatch(first):
            moment, name = second, first
        else:
            continue
        name = name.rsplit("/", 1)[-1]
        value = int(float(moment))
        if value > stamps.get(name, -1):
            stamps[name] = value
    return stamps


def listed_files(
    house: str, index: dict[str, str | None], changed: dict[str, int]
) -> list[ArchiveFile]:
    """The written-answers files of one House's folder, each with its stamp: the time
    ``changedates.txt`` gives it, else the index's date and size."""
    folder, prefix = FOLDERS[house]
    pattern = re.compile(rf"{prefix}(\d{{4}}-\d{{2}}-\d{{2}})([a-z]*)\.xml")
    files = []
    for name, beside in index.items():
        match = pattern.fullmatch(name)
        if not match:
            continue
        if name in changed:
            stamp: str | None = f"changed {changed[name]}"
        else:
            stamp = f"listed {beside}" if beside else None
        files.append(ArchiveFile(house, folder, name, match.group(1), match.group(2), stamp))
    return files


def newest_versions(files: Iterable[ArchiveFile]) -> list[ArchiveFile]:
    """Each (House, day)'s newest scrape, oldest day first."""
    best: dict[tuple[str, str], ArchiveFile] = {}
    for file in files:
        key = (file.house, file.day)
        if key not in best or file.version_key > best[key].version_key:
            best[key] = file
    return sorted(best.values(), key=lambda f: (f.day, f.house))


def parse_archive_window(since: str | None, until: str | None) -> tuple[date | None, date | None]:
    """``--since``/``--until`` as dates; either may be absent (the archive's first or last day)."""
    try:
        start = date.fromisoformat(since) if since else None
        end = date.fromisoformat(until) if until else None
    except ValueError:
        raise ValueError("Dates must be written YYYY-MM-DD, e.g. --since 2009-10-28") from None
    if start and end and start > end:
        raise ValueError(f"--since {start} is after --until {end}")
    return start, end


# --------------------------------------------------------------------------- HTTP


@dataclass
class Fetched:
    """A response worth keeping: 200 with its body, 304 (not modified) or 404 (gone)."""

    status: int
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None


class ArchiveClient:
    """``async with ArchiveClient(base_url) as client: await client.get("wrans/")``.

    Polite by default (``http.PoliteClient``): at most 3 request starts a second, 2 at a time,
    a User-Agent that says what it is, and retries with backoff on network errors, timeouts and
    5xx; a 429 or 503 waits as its ``Retry-After`` says (up to ``max_retry_after_seconds``;
    longer stops the run with the time to come back).
    """

    def __init__(
        self,
        base_url: str,
        *,
        requests_per_second: float = 3.0,
        concurrency: int = 2,
        attempts: int = 5,
        backoff_seconds: float = 1.0,
        max_backoff_seconds: float = 60.0,
        max_retry_after_seconds: float = 900.0,
        timeout_seconds: float = 120.0,
        user_agent: str = USER_AGENT,
    ) -> None:
        self.base_url = base_url.rstrip("/") + "/"
        self.http = PoliteClient(
            requests_per_second=requests_per_second,
            concurrency=concurrency,
            attempts=attempts,
            backoff_seconds=backoff_seconds,
            max_backoff_seconds=max_backoff_seconds,
            max_retry_after_seconds=max_retry_after_seconds,
            timeout_seconds=timeout_seconds,
            user_agent=user_agent,
        )

    async def __aenter__(self) -> ArchiveClient:
        await self.http.__aenter__()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.http.__aexit__(*exc)

    @property
    def is_open(self) -> bool:
        """Inside ``async with`` (its HTTP session is open)."""
        return self.http.is_open

    @property
    def requests_made(self) -> int:
        """Requests sent so far, retries included."""
        return self.http.requests_made

    @property
    def bytes_received(self) -> int:
        """Bytes of response bodies received so far."""
        return self.http.bytes_received

    def url(self, path: str) -> str:
        """The full URL of a path under the base URL."""
        return self.base_url + path.lstrip("/")

    async def get(
        self, path: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Fetched:
        """GET a path under the base URL; with ``etag``/``last_modified``, a conditional GET.

        Returns 200 with the body, 304 or 404; raises ``ArchiveError`` after the last attempt,
        at once on another 4xx, and when told to wait longer than ``max_retry_after_seconds``.
        """
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            response = await self.http.get(
                self.url(path), headers=headers, final=(200, 304, 404)
            )
        except HTTPError as error:
            raise ArchiveError(str(error)) from None
        return Fetched(
            response.status,
            response.body if response.status == 200 else b"",
            response.headers.get("ETag"),
            response.headers.get("Last-Modified"),
        )
