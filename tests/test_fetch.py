"""The API client and ``fetch`` over real HTTP against the local Parliament API server."""

import asyncio
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO_ROOT
from parliament_server import (
    ParliamentAPIServer,
    list_view_leaves_out,
    load_real_questions,
)

from bot.core.sources.api_client import ParliamentAPI, ParliamentAPIError
from bot.core.sources.fetch import FetchError, fetch_window, parse_window
from bot.core.store.database import Store


def fixture_value(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())["value"]


def fast_api(server: ParliamentAPIServer, **kwargs) -> ParliamentAPI:
    options = {"backoff_seconds": 0.01, "requests_per_second": 1000, **kwargs}
    return ParliamentAPI(server.base_url, **options)


async def fetch(store: Store, server: ParliamentAPIServer, since: str, until: str, **kwargs):
    async with fast_api(server, **kwargs) as api:
        return await fetch_window(
            store, server.base_url, date.fromisoformat(since), date.fromisoformat(until), api=api
        )


def real_questions() -> list[dict]:
    return load_real_questions()


async def test_fetch_stores_every_answer_of_the_window_with_full_text(store: Store) -> None:
    questions = real_questions()
    async with ParliamentAPIServer(questions) as server:
        summary = await fetch(store, server, "2021-02-01", "2021-02-01")
        answered = [q for q in questions if (q["dateAnswered"] or "").startswith("2021-02-01")]
        assert summary.new == len(answered) > 20
        assert {r[0] for r in store.conn.execute("SELECT id FROM questions")} == {
            q["id"] for q in answered
        }
        # Pages of 100 were walked; only the questions whose list view is cut had their full
        # view fetched, once each.
        details = [r.path.rsplit("/", 1)[1] for r in server.requests_of("detail")]
        cut = {str(q["id"]) for q in answered if list_view_leaves_out(q)}
        assert sorted(details) == sorted(cut) and 0 < len(cut) < len(answered)
        lists = server.requests_of("list")
        assert all(r.query.get("expandMember") == "true" for r in lists)
        assert {r.query.get("answeredWhenFrom") for r in lists} >= {"2021-02-01"}
        assert {r.query.get("correctedWhenFrom") for r in lists} >= {"2021-02-01"}


async def test_detail_replaces_truncated_list_text_and_adds_attachments(store: Store) -> None:
    value = fixture_value("substantive.json")
    async with ParliamentAPIServer([value]) as server:
        await fetch(store, server, "2021-02-03", "2021-02-03")
    row = store.question(value["id"])
    assert row["answer_truncated"] == 0
    assert row["answer_text"].endswith("2020 | £7.2bn")
    assert json.loads(row["attachments"])[0]["title"] == "High needs table"


async def test_corrections_are_found_by_the_corrected_window(store: Store) -> None:
    corrected = fixture_value("corrected.json")  # answered 3 Feb, corrected 10 Feb
    async with ParliamentAPIServer([fixture_value("substantive.json")]) as server:
        await fetch(store, server, "2021-02-03", "2021-02-03")
        server.publish(corrected)
        summary = await fetch(store, server, "2021-02-10", "2021-02-10")
    assert (corrected["id"], "corrected") in summary.changes
    assert store.question(corrected["id"])["status"] == "corrected"


@pytest.mark.parametrize("kind", ["500", "status500", "truncated", "429", "slow"])
async def test_faults_are_retried_to_success(store: Store, kind: str) -> None:
    async with ParliamentAPIServer([fixture_value("substantive.json")]) as server:
        server.inject(kind, count=2, retry_after=0, delay=0.6)
        summary = await fetch(store, server, "2021-02-03", "2021-02-03", timeout_seconds=0.3)
    assert summary.new == 1
    assert store.question(500001)["answer_truncated"] == 0


async def test_connection_resets_are_retried(store: Store) -> None:
    async with ParliamentAPIServer([fixture_value("substantive.json")]) as server:
        server.inject("reset", count=3)
        summary = await fetch(store, server, "2021-02-03", "2021-02-03")
    assert summary.new == 1


async def test_retry_after_is_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    waits = record_sleeps(monkeypatch)
    async with ParliamentAPIServer([fixture_value("substantive.json")]) as server:
        server.inject("429", count=1, retry_after=7)
        async with fast_api(server) as api:
            assert (await api.question(500001))["id"] == 500001
    assert 7 in waits  # the client waited as told, not its own short back-off


def record_sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every ``asyncio.sleep`` asked for from now on, recorded and not slept (only yielded)."""
    waits: list[float] = []
    real_sleep = asyncio.sleep

    async def recorded(delay: float, result: object = None) -> object:
        waits.append(delay)
        return await real_sleep(0, result)

    monkeypatch.setattr(asyncio, "sleep", recorded)
    return waits


async def test_a_lasting_outage_is_a_clear_error_and_keeps_what_was_fetched(store: Store) -> None:
    async with ParliamentAPIServer([fixture_value("substantive.json")]) as server:
        server.inject("500", count=100, path="detail")
        with pytest.raises(FetchError, match="could not be fetched"):
            await fetch(store, server, "2021-02-03", "2021-02-03", attempts=3)
    # The list view was stored before the details failed.
    assert store.question(500001)["answer_truncated"] == 1


async def test_client_keeps_to_its_pace() -> None:
    questions = [dict(fixture_value("substantive.json"), id=600000 + i) for i in range(12)]
    async with ParliamentAPIServer(questions) as server:
        async with ParliamentAPI(server.base_url, requests_per_second=20) as api:
            for q in questions:
                await api.question(q["id"])
        times = [r.time for r in server.requests_of("detail")]
    # 12 requests at 20 a second span at least 11 intervals of 50 ms.
    assert times[-1] - times[0] >= 0.5


async def test_unknown_question_is_none_and_a_400_is_an_error() -> None:
    async with ParliamentAPIServer([]) as server, fast_api(server) as api:
        assert await api.question(999) is None
        with pytest.raises(ParliamentAPIError, match="400"):
            await api.list_page({"answeredWhenFrom": "not-a-date"}, 0, 10)


def test_window_parsing() -> None:
    assert parse_window(None, None, today=date(2024, 3, 5)) == (date(2024, 3, 4), date(2024, 3, 5))
    assert parse_window("2024-01-01", "2024-01-31") == (date(2024, 1, 1), date(2024, 1, 31))
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_window("31/01/2024", None)
    with pytest.raises(ValueError, match="after"):
        parse_window("2024-02-01", "2024-01-01")


async def test_fetch_command_end_to_end(tmp_path: Path) -> None:
    async with ParliamentAPIServer([fixture_value("substantive.json")]) as server:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_PATH"}
        env["PARLIAMENT_API_BASE_URL"] = server.base_url
        import asyncio

        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "fetch",
            "--since",
            "2021-02-01",
            "--until",
            "2021-02-05",
            "--db",
            str(tmp_path / "f.db"),
            cwd=REPO_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, err.decode()
    assert "1 questions listed, 1 full texts; 1 new" in out.decode()
