"""An aiohttp client for the Written Questions API: paging, pacing and retries.

The live API has no documented rate limit, but public clients keep to about 10 requests a
second, Cloudflare has blocked bursts, and the list endpoint sometimes answers 200 with a JSON
body ``{"status": 500, ...}``. So: a pace limit, a few requests at a time, and retries with
backoff on network errors, timeouts, 5xx, those bodies, truncated JSON and 429 (honouring
``Retry-After``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from collections.abc import AsyncIterator, Mapping
from typing import Any

import aiohttp

log = logging.getLogger(__name__)

QUESTIONS_PATH = "/writtenquestions/questions"


class ParliamentAPIError(RuntimeError):
    """The API could not be reached or kept failing after the retries."""


class _Pace:
    """At most ``per_second`` request starts a second, across every task using it."""

    def __init__(self, per_second: float) -> None:
        self.interval = 1.0 / per_second if per_second > 0 else 0.0
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self._lock:
            now = time.monotonic()
            delay = self._next - now
            self._next = max(now, self._next) + self.interval
        if delay > 0:
            await asyncio.sleep(delay)


class ParliamentAPI:
    """``async with ParliamentAPI(base_url) as api: ...``"""

    def __init__(
        self,
        base_url: str,
        *,
        requests_per_second: float = 10.0,
        concurrency: int = 4,
        attempts: int = 5,
        backoff_seconds: float = 0.5,
        max_backoff_seconds: float = 30.0,
        timeout_seconds: float = 30.0,
        session: aiohttp.ClientSession | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.attempts = attempts
        self.backoff_seconds = backoff_seconds
        self.max_backoff_seconds = max_backoff_seconds
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._pace = _Pace(requests_per_second)
        self._slots = asyncio.Semaphore(concurrency)
        self._session = session
        self._own_session = session is None
        self.requests_made = 0

    async def __aenter__(self) -> ParliamentAPI:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                timeout=self._timeout, headers={"Accept": "application/json"}
            )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._own_session and self._session is not None:
            await self._session.close()
            self._session = None

    async def get_json(self, path: str, params: Mapping[str, Any] | list[tuple[str, str]]) -> Any:
        """GET ``path`` and return the decoded JSON, retrying what is worth retrying.

        Returns None for a 404 (an unknown question). Raises ``ParliamentAPIError`` after the
        last attempt, or at once for other 4xx answers.
        """
        assert self._session is not None, "use 'async with ParliamentAPI(...)'"
        url = self.base_url + path
        last_problem = "no attempt made"
        for attempt in range(1, self.attempts + 1):
            retry_after: float | None = None
            async with self._slots:
                await self._pace.wait()
                self.requests_made += 1
                try:
                    async with self._session.get(url, params=params, timeout=self._timeout) as resp:
                        body = await resp.read()
                        if resp.status == 404:
                            return None
                        if resp.status == 429:
                            retry_after = _retry_after(resp.headers.get("Retry-After"))
                            last_problem = "rate limited (429)"
                        elif resp.status >= 500:
                            last_problem = f"server error {resp.status}"
                        elif resp.status >= 400:
                            raise ParliamentAPIError(
                                f"{resp.status} from {path}: {_problem_detail(body)}"
                            )
                        else:
                            try:
                                data = json.loads(body)
                            except ValueError:
                                last_problem = "a response that is not complete JSON"
                            else:
                                if isinstance(data, dict) and _is_error_body(data):
                                    last_problem = f"an error body (status {data.get('status')})"
                                else:
                                    return data
                except (aiohttp.ClientError, TimeoutError) as error:
                    last_problem = f"{type(error).__name__}: {error}".rstrip(": ")
            if attempt < self.attempts:
                delay = retry_after if retry_after is not None else self._backoff(attempt)
                log.debug("retrying %s in %.2fs after %s", path, delay, last_problem)
                await asyncio.sleep(delay)
        raise ParliamentAPIError(f"{path} failed {self.attempts} times; last: {last_problem}")

    def _backoff(self, attempt: int) -> float:
        base = self.backoff_seconds * (2 ** (attempt - 1))
        return min(self.max_backoff_seconds, base) * random.uniform(0.8, 1.2)

    async def list_page(self, params: Mapping[str, Any], skip: int, take: int) -> dict[str, Any]:
        """One page of the list endpoint, ``take`` results from ``skip``; ``ParliamentAPIError``
        when it has no ``results`` list."""
        query = [*_query(params), ("skip", str(skip)), ("take", str(take))]
        data = await self.get_json(QUESTIONS_PATH, query)
        if not isinstance(data, dict) or not isinstance(data.get("results"), list):
            raise ParliamentAPIError("the list endpoint answered with an unexpected shape")
        return data

    async def iter_pages(
        self, params: Mapping[str, Any], take: int = 100
    ) -> AsyncIterator[tuple[int, int, list[dict[str, Any]]]]:
        """Yield ``(page number, total results, values)`` until ``skip >= totalResults``."""
        skip, page = 0, 0
        while True:
            data = await self.list_page(params, skip, take)
            total = int(data.get("totalResults") or 0)
            values = [r["value"] for r in data["results"] if isinstance(r, dict) and "value" in r]
            page += 1
            yield page, total, values
            skip += take
            if skip >= total or not data["results"]:
                return

    async def question(self, question_id: int) -> dict[str, Any] | None:
        """The detail view (full HTML answer, attachments) of one question, or None if unknown."""
        data = await self.get_json(f"{QUESTIONS_PATH}/{question_id}", {"expandMember": "true"})
        if data is None:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("value"), dict):
            raise ParliamentAPIError(f"question {question_id}: unexpected response shape")
        return data["value"]


def _query(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Repeat list-valued keys (``answeringBodies=1&answeringBodies=2``), as the API wants."""
    query: list[tuple[str, str]] = []
    for key, value in params.items():
        if value is None:
            continue
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            query.append((key, str(item).lower() if isinstance(item, bool) else str(item)))
    return query


def _is_error_body(data: dict[str, Any]) -> bool:
    status = data.get("status")
    return (
        isinstance(status, int) and status >= 400 and "results" not in data and "value" not in data
    )


def _retry_after(value: str | None) -> float:
    try:
        return max(0.0, float(value)) if value else 1.0
    except ValueError:
        return 1.0


def _problem_detail(body: bytes) -> str:
    try:
        data = json.loads(body)
    except ValueError:
        return body[:200].decode("utf-8", "replace")
    if isinstance(data, dict):
        return str(data.get("detail") or data.get("title") or data)[:200]
    return str(data)[:200]
