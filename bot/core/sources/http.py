"""The one polite HTTP client every source uses: the Parliament API, TheyWorkForYou's archive
and ParlParse's people.json.

Polite means: a pace (request starts a second, across every task using the client), a cap on
requests at once, a ``User-Agent`` that says what is asking, retries with jittered backoff on
network errors, timeouts and 5xx, and a 429 or 503 waited out as its ``Retry-After`` says (in
seconds or as an HTTP date), up to a limit past which the run stops with the time to come back.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import random
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata

import aiohttp

from bot.core.clock import utc_now

log = logging.getLogger(__name__)

_SECONDS = re.compile(r"\d+(?:\.\d+)?")


def _user_agent() -> str:
    try:
        version = metadata.version("written-answers-bot")
    except metadata.PackageNotFoundError:
        version = "dev"
    return (
        f"written-answers-bot/{version} (UK Parliament written answers; "
        f"aiohttp/{aiohttp.__version__})"
    )


USER_AGENT = _user_agent()


class HTTPError(RuntimeError):
    """A request failed for good: after the last attempt, on a 4xx not worth retrying, or when
    told to wait longer than the client will."""

    def __init__(self, message: str, status: int | None = None, body: bytes = b"") -> None:
        super().__init__(message)
        self.status = status
        self.body = body


class Pace:
    """At most ``per_second`` request starts a second, across every task using it."""

    def __init__(self, per_second: float) -> None:
        self.interval = 1.0 / per_second if per_second > 0 else 0.0
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        """Until this request may start."""
        async with self._lock:
            now = time.monotonic()
            delay = self._next - now
            self._next = max(now, self._next) + self.interval
        if delay > 0:
            await asyncio.sleep(delay)


@dataclass
class Response:
    """A response the caller takes as final (its status is one ``final`` names)."""

    status: int
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float:
    """``Retry-After`` in seconds: a number of seconds or an HTTP date (RFC 9110); 1 when it
    is missing or neither."""
    if not value:
        return 1.0
    value = value.strip()
    if _SECONDS.fullmatch(value):
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 1.0
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - (now or utc_now())).total_seconds())


class PoliteClient:
    """``async with PoliteClient(...) as http: await http.get(url)``."""

    def __init__(
        self,
        *,
        requests_per_second: float,
        concurrency: int,
        attempts: int = 5,
        backoff_seconds: float = 0.5,
        max_backoff_seconds: float = 30.0,
        max_retry_after_seconds: float = 900.0,
        timeout_seconds: float = 30.0,
        user_agent: str = USER_AGENT,
        headers: Mapping[str, str] | None = None,
        session: aiohttp.ClientSession | None = None,
    ) -> None:
        self.attempts = attempts
        self.backoff_seconds = backoff_seconds
        self.max_backoff_seconds = max_backoff_seconds
        self.max_retry_after_seconds = max_retry_after_seconds
        self.user_agent = user_agent
        self._headers = {"User-Agent": user_agent, **(headers or {})}
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._pace = Pace(requests_per_second)
        self._slots = asyncio.Semaphore(concurrency)
        self._session = session
        self._own_session = session is None
        self.requests_made = 0
        self.bytes_received = 0

    async def __aenter__(self) -> PoliteClient:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self._timeout, headers=self._headers)
            self._own_session = True
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._own_session and self._session is not None:
            await self._session.close()
            self._session = None

    @property
    def is_open(self) -> bool:
        """Inside ``async with`` (its HTTP session is open)."""
        return self._session is not None

    async def get(
        self,
        url: str,
        *,
        params: Mapping[str, str] | list[tuple[str, str]] | None = None,
        headers: Mapping[str, str] | None = None,
        final: tuple[int, ...] = (200,),
        check: Callable[[Response], str | None] | None = None,
    ) -> Response:
        """GET ``url`` until a response with a ``final`` status that ``check`` (if given) finds
        no problem with; ``check`` returns a problem to retry on (a truncated body, an error
        body sent with 200). Raises ``HTTPError`` after the last attempt, at once on another
        4xx, and when told to wait longer than ``max_retry_after_seconds``."""
        assert self._session is not None, "use 'async with' around the client"
        problem = "no attempt made"
        for attempt in range(1, self.attempts + 1):
            wait: float | None = None
            async with self._slots:
                await self._pace.wait()
                self.requests_made += 1
                try:
                    async with self._session.get(
                        url, params=params, headers=headers, timeout=self._timeout
                    ) as resp:
                        body = await resp.read()
                        self.bytes_received += len(body)
                        status = resp.status
                        if status in final:
                            response = Response(status, body, resp.headers)
                            problem = (check(response) if check else None) or ""
                            if not problem:
                                return response
                        else:
                            problem = f"{status} {resp.reason or ''}".strip()
                            if status in (429, 503):
                                wait = retry_after_seconds(resp.headers.get("Retry-After"))
                            elif 400 <= status < 500:
                                raise HTTPError(f"{url}: {problem}", status, body)
                except (aiohttp.ClientError, TimeoutError) as error:
                    problem = f"{type(error).__name__}: {error}".rstrip(": ")
            if wait is not None and wait > self.max_retry_after_seconds:
                raise HTTPError(
                    f"{url}: the server asks us to wait {wait:.0f} s ({problem}); "
                    "run again later to resume"
                )
            if attempt < self.attempts:
                delay = wait if wait is not None else self._backoff(attempt)
                log.debug("retrying %s in %.2fs after %s", url, delay, problem)
                await asyncio.sleep(delay)
        raise HTTPError(f"{url} failed {self.attempts} times; last: {problem}")

    def _backoff(self, attempt: int) -> float:
        base = self.backoff_seconds * 2.0 ** (attempt - 1)
        return min(self.max_backoff_seconds, base) * random.uniform(0.8, 1.2)


async def fetch_bytes(url: str, timeout_seconds: float = 120.0) -> bytes:
    """One document over HTTP, politely (one request at a time, retried)."""
    async with PoliteClient(
        requests_per_second=1.0, concurrency=1, timeout_seconds=timeout_seconds
    ) as http:
        return (await http.get(url)).body
