"""An aiohttp client for the Written Questions API: paging, pacing and retries.

The live API has no documented rate limit, but public clients keep to about 10 requests a
second, Cloudflare has blocked bursts, and the list endpoint sometimes answers 200 with a JSON
body ``{"status": 500, ...}``. So: a pace limit, a few requests at a time, and retries with
backoff on network errors, timeouts, 5xx, those bodies, truncated JSON and 429 (honouring
``Retry-After``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Mapping
from typing import TypedDict

import aiohttp

from bot.core.sources.http import HTTPError, PoliteClient, Response
from bot.core.sources.json_values import json_items, json_object

log = logging.getLogger(__name__)

QUESTIONS_PATH = "/writtenquestions/questions"


class ParliamentAPIError(RuntimeError):
    """The API could not be reached or kept failing after the retries."""


class APIOptions(TypedDict, total=False):
    """``ParliamentAPI``'s keyword options, as a caller that builds one later passes them on."""

    requests_per_second: float
    concurrency: int
    attempts: int
    backoff_seconds: float
    max_backoff_seconds: float
    timeout_seconds: float
    session: aiohttp.ClientSession | None


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
        self.http = PoliteClient(
            requests_per_second=requests_per_second,
            concurrency=concurrency,
            attempts=attempts,
            backoff_seconds=backoff_seconds,
            max_backoff_seconds=max_backoff_seconds,
            timeout_seconds=timeout_seconds,
            headers={"Accept": "application/json"},
            session=session,
        )

    @property
    def requests_made(self) -> int:
        """Requests sent so far, retries included."""
        return self.http.requests_made

    async def __aenter__(self) -> ParliamentAPI:
        await self.http.__aenter__()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.http.__aexit__(*exc)

    async def get_json(
        self, path: str, params: Mapping[str, str] | list[tuple[str, str]]
    ) -> object:
        """GET ``path`` and return the decoded JSON, retrying what is worth retrying (a body
        that is not complete JSON, or an error body sent with 200, included).

        Returns None for a 404 (an unknown question). Raises ``ParliamentAPIError`` after the
        last attempt, or at once for other 4xx answers.
        """
        decoded: list[object] = []

        def check(response: Response) -> str | None:
            if response.status == 404:
                return None
            try:
                data = json.loads(response.body)
            except ValueError:
                return "a response that is not complete JSON"
            error_body = json_object(data)
            if error_body is not None and _is_error_body(error_body):
                return f"an error body (status {error_body.get('status')})"
            decoded.append(data)
            return None

        try:
            response = await self.http.get(
                self.base_url + path, params=params, final=(200, 404), check=check
            )
        except HTTPError as error:
            if error.status is not None:
                raise ParliamentAPIError(
                    f"{error.status} from {path}: {_problem_detail(error.body)}"
                ) from None
            raise ParliamentAPIError(str(error)) from None
        return None if response.status == 404 else decoded[-1]

    async def list_page(
        self, params: Mapping[str, object], skip: int, take: int
    ) -> Mapping[str, object]:
        """One page of the list endpoint, ``take`` results from ``skip``; ``ParliamentAPIError``
        when it has no ``results`` list."""
        query = [*_query(params), ("skip", str(skip)), ("take", str(take))]
        data = json_object(await self.get_json(QUESTIONS_PATH, query))
        if data is None or not isinstance(data.get("results"), list):
            raise ParliamentAPIError("the list endpoint answered with an unexpected shape")
        return data

    async def iter_pages(
        self, params: Mapping[str, object], take: int = 100
    ) -> AsyncIterator[tuple[int, int, list[object]]]:
        """Yield ``(page number, total results, values)`` until ``skip >= totalResults``."""
        skip, page = 0, 0
        while True:
            data = await self.list_page(params, skip, take)
            total = _count(data.get("totalResults"))
            results = json_items(data.get("results"))
            values = [
                r["value"] for r in map(json_object, results) if r is not None and "value" in r
            ]
            page += 1
            yield page, total, values
            skip += take
            if skip >= total or not results:
                return

    async def question(self, question_id: int) -> Mapping[str, object] | None:
        """The detail view (full HTML answer, attachments) of one question, or None if unknown."""
        data = await self.get_json(f"{QUESTIONS_PATH}/{question_id}", {"expandMember": "true"})
        if data is None:
            return None
        body = json_object(data)
        value = json_object(body.get("value")) if body is not None else None
        if value is None:
            raise ParliamentAPIError(f"question {question_id}: unexpected response shape")
        return value


def _query(params: Mapping[str, object]) -> list[tuple[str, str]]:
    """Repeat list-valued keys (``answeringBodies=1&answeringBodies=2``), as the API wants."""
    query: list[tuple[str, str]] = []
    for key, value in params.items():
        if value is None:
            continue
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            query.append((key, str(item).lower() if isinstance(item, bool) else str(item)))
    return query


def _count(value: object) -> int:
    """``totalResults`` as a number (0 when absent)."""
    if not value:
        return 0
    if isinstance(value, int | float | str):
        return int(value)
    raise TypeError(f"totalResults is not a number: {value!r}")


def _is_error_body(data: Mapping[str, object]) -> bool:
    status = data.get("status")
    return (
        isinstance(status, int) and status >= 400 and "results" not in data and "value" not in data
    )


def _problem_detail(body: bytes) -> str:
    try:
        data = json.loads(body)
    except ValueError:
        return body[:200].decode("utf-8", "replace")
    if isinstance(data, dict):
        return str(data.get("detail") or data.get("title") or data)[:200]
    return str(data)[:200]
