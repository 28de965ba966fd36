"""``backfill``, the poller's tabled window and polite polling, over real HTTP against the local
Parliament API server (whose list view cuts texts and drops attachments as the live one does)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
import subprocess
import sys
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, REPO_ROOT
from parliament_server import (
    ParliamentAPIServer,
    list_view_leaves_out,
    load_real_questions,
)

from bench.corpus import generate_questions
from bot.cli.common import open_store
from bot.config import Settings
from bot.core.metrics import POLL_CALLS
from bot.core.names.matching import Resolver
from bot.core.news.deliveries import DeliveryQueue
from bot.core.news.subscriptions import SubscriptionBook
from bot.core.search.fulltext import Searcher, SearchQuery
from bot.core.services import build_services
from bot.core.sources.api_client import ParliamentAPI
from bot.core.sources.api_json import parse_question_value
from bot.core.sources.backfill import (
    FIRST_FILL,
    FirstFill,
    backfill,
    claim_first_fill,
    holds_only_seed,
    parse_backfill_window,
)
from bot.core.sources.fetch import needs_full_view
from bot.core.sources.poller import Poller
from bot.core.store.database import Store
from bot.core.text import same_text

# The generated questions: 600, ten tabled a sitting day from July to October 2025, answered up
# to December; holding answers, corrections, attachments, withdrawals and unanswered ones.
GENERATED_WINDOW = ("2025-09-02", "2025-10-31")
REAL_WINDOW = ("2021-01-18", "2021-03-18")  # the captured responses: tabled and answered then
DATE_FIELDS = ("dateTabled", "dateAnswered", "dateAnswerCorrected")
DFE = 60


def generated() -> list[dict[str, Any]]:
    return list(generate_questions(600, seed=5, per_day=10))


def real() -> list[dict[str, Any]]:
    return load_real_questions()


def in_window(value: dict[str, Any], since: str, until: str) -> bool:
    return any(since <= (value.get(k) or "")[:10] <= until for k in DATE_FIELDS if value.get(k))


def fast_api(server: ParliamentAPIServer, **options: Any) -> ParliamentAPI:
    return ParliamentAPI(
        server.base_url, **{"backoff_seconds": 0.01, "requests_per_second": 1000, **options}
    )


async def run_backfill(
    store: Store, server: ParliamentAPIServer, window: tuple[str, str], **options: Any
):
    api_options = {k: options.pop(k) for k in ("attempts", "requests_per_second") if k in options}
    async with fast_api(server, **api_options) as api:
        return await backfill(
            store, server.base_url, date.fromisoformat(window[0]),
            date.fromisoformat(window[1]), api=api, **options,
        )


def detail_ids(server: ParliamentAPIServer) -> list[int]:
    return [int(r.path.rsplit("/", 1)[1]) for r in server.requests_of("detail")]


def question_rows(store: Store) -> dict[int, tuple]:
    """Every stored question as it would be shown, without the times it was written and
    captured."""
    rows = store.rows("SELECT * FROM questions ORDER BY id")
    times = ("first_seen", "updated_at", "captured_at")
    return {r["id"]: tuple(v for k, v in r.items() if k not in times) for r in rows}


def change_pairs(store: Store) -> list[tuple[int, str]]:
    return sorted(store.conn.execute("SELECT question_id, kind FROM changes").fetchall())


# -- a backfill ---------------------------------------------------------------------------------


@pytest.mark.parametrize("data", ["generated", "real"])
async def test_a_60_day_backfill_stores_every_question_whole_with_few_full_views(
    store: Store, data: str
) -> None:
    questions, window = (generated(), GENERATED_WINDOW) if data == "generated" else (
        real(), REAL_WINDOW
    )
    expected = {q["id"]: q for q in questions if in_window(q, *window)}
    async with ParliamentAPIServer(questions) as server:
        summary = await run_backfill(store, server, window)
        assert summary.stopped is None
        assert summary.days == 60 == summary.days_in_window
        assert summary.list_calls == len(server.requests_of("list")) >= 60 * 3
        # The answered, corrected and tabled windows of each day, withdrawn questions included.
        lists = server.requests_of("list")
        for key in ("answeredWhenFrom", "correctedWhenFrom", "tabledWhenFrom"):
            assert len({r.query[key] for r in lists if key in r.query}) == 60
        assert all(r.query["includeWithdrawn"] == "true" for r in lists)

        # Every question of the window, with the texts and attachments of its full view.
        assert set(question_rows(store)) == set(expected)
        for value in expected.values():
            full = parse_question_value(value).question
            row = store.question(value["id"])
            for column in ("question_text", "is_withdrawn", "date_answered", "date_corrected",
                           "is_holding", "heading"):
                assert row[column] == full[column], (value["id"], column)
            # A short answer is whole in the list view, as plain text (its tags dropped);
            # the rest have the full view's text, HTML and attachments.
            assert same_text(row["answer_text"], full["answer_text"]), value["id"]
            if list_view_leaves_out(value):
                for column in ("answer_text", "answer_html", "attachments"):
                    assert row[column] == full[column], (value["id"], column)

        # A full view only for the questions whose list view leaves something out, once each.
        details = detail_ids(server)
        assert len(details) == len(set(details)) == summary.detail_calls
        needing = {i for i, v in expected.items() if list_view_leaves_out(v)}
        assert set(details) <= needing
        assert len(details) <= len(needing) < len(expected)

        # Unanswered questions arrived as "tabled"; withdrawn ones are marked.
        unanswered = {i for i, v in expected.items() if not v.get("dateAnswered")}
        tabled = {i for i, kind in change_pairs(store) if kind == "tabled"}
        assert tabled == unanswered
        withdrawn = {i for i, v in expected.items() if v.get("isWithdrawn")}
        assert {r[0] for r in store.conn.execute(
            "SELECT id FROM questions WHERE is_withdrawn = 1")} == withdrawn
        if data == "generated":
            assert unanswered and withdrawn

        # A second run has nothing to do; with --refresh it lists again, and fetches no full
        # view: everything stored is complete and unchanged.
        server.requests.clear()
        again = await run_backfill(store, server, window)
        assert (again.days, again.days_skipped, server.requests) == (0, 60, [])
        before = question_rows(store), change_pairs(store)
        refreshed = await run_backfill(store, server, window, refresh=True)
        assert refreshed.days == 60 and refreshed.list_calls >= 180
        assert server.requests_of("detail") == [] and refreshed.detail_calls == 0
        assert (refreshed.new, refreshed.updated) == (0, 0)
        assert (question_rows(store), change_pairs(store)) == before


async def test_a_run_stopped_midway_resumes_with_nothing_missing_or_doubled(
    tmp_path: Path,
) -> None:
    questions = generated()
    async with ParliamentAPIServer(questions) as server:
        with Store(tmp_path / "reference.db") as reference:
            await run_backfill(reference, server, GENERATED_WINDOW)
            expected_rows, expected_changes = question_rows(reference), change_pairs(reference)
        with Store(tmp_path / "stopped.db") as store:
            # The server fails after 120 calls: the run stops and keeps the finished days.
            server.requests.clear()
            server.inject("500", count=100_000, after=120)
            first = await run_backfill(store, server, GENERATED_WINDOW, attempts=2)
            assert first.stopped and "500" in first.stopped
            assert 0 < first.days < 60
            finished = {r[0] for r in store.conn.execute("SELECT day FROM backfill_days")}
            assert len(finished) == first.days
            server.clear_faults()

            # Cancelled midway (Ctrl-C, or the bot stopping).
            server.requests.clear()
            task = asyncio.create_task(
                run_backfill(store, server, GENERATED_WINDOW, requests_per_second=200)
            )
            await server.wait_for_requests(60)
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            assert task.cancelled()
            finished_now = {r[0] for r in store.conn.execute("SELECT day FROM backfill_days")}
            assert finished <= finished_now and len(finished_now) < 60

            # The third run completes, and never lists a day finished before.
            server.requests.clear()
            last = await run_backfill(store, server, GENERATED_WINDOW)
            assert last.stopped is None
            assert last.days_skipped == len(finished_now)
            listed_days = {r.query.get("answeredWhenFrom") for r in server.requests_of("list")}
            assert not listed_days & finished_now
            # Nothing missing, nothing doubled.
            assert question_rows(store) == expected_rows
            assert change_pairs(store) == expected_changes
            assert len(set(expected_changes)) == len(expected_changes)


async def test_a_killed_backfill_command_resumes(tmp_path: Path) -> None:
    """``python -m bot backfill`` killed with SIGKILL midway, then run again, paced as in life
    (10 requests a second), on a short window."""
    window = ("2025-10-27", "2025-10-30")
    questions = generated()
    db = tmp_path / "killed.db"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_PATH"}

    def command(*extra: str) -> list[str]:
        return [sys.executable, "-m", "bot", "backfill", "--since", window[0], "--until",
                window[1], "--db", str(db), *extra]

    async with ParliamentAPIServer(questions) as server:
        env["PARLIAMENT_API_BASE_URL"] = server.base_url
        with open_store(tmp_path / "reference.db") as reference:  # with the seed, as the CLI
            await run_backfill(reference, server, window)
            expected_rows, expected_changes = question_rows(reference), change_pairs(reference)
        total = len(server.requests)
        assert total > 40
        server.requests.clear()
        process = await asyncio.create_subprocess_exec(
            *command(), cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        try:  # until half its calls are made (or it ends, which the counts below catch)
            halfway = asyncio.ensure_future(server.wait_for_requests(total // 2, timeout=60))
            ended = asyncio.ensure_future(process.wait())
            await asyncio.wait({halfway, ended}, return_when=asyncio.FIRST_COMPLETED)
            for waiting in (halfway, ended):
                waiting.cancel()
        finally:
            process.send_signal(signal.SIGKILL)
            await process.wait()
        assert process.returncode == -signal.SIGKILL
        with Store(db) as store:
            finished = store.conn.execute("SELECT count(*) FROM backfill_days").fetchone()[0]
        assert finished < 4
        process = await asyncio.create_subprocess_exec(
            *command("--json"), cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, err.decode()
    summary = json.loads(out)
    assert summary["days_skipped"] == finished
    assert summary["days"] + finished == 4
    assert {"days", "list_calls", "detail_calls", "new", "updated", "unchanged",
            "rejected"} <= set(summary)
    assert summary["rejected"] == 0 and summary["stopped"] is None
    assert "2025-10-" in err.decode()  # a line a day on a non-terminal
    with Store(db) as store:
        assert question_rows(store) == expected_rows
        assert change_pairs(store) == expected_changes


def test_backfill_window_parsing() -> None:
    today = date(2024, 3, 5)
    assert parse_backfill_window("2024-01-01", None, today) == (date(2024, 1, 1), today)
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_backfill_window("1/1/2024", None, today)
    with pytest.raises(ValueError, match="after"):
        parse_backfill_window("2024-04-01", None, today)


async def test_today_is_fetched_but_never_recorded_as_finished(store: Store) -> None:
    value = answered_on(date.today(), 990001)
    async with ParliamentAPIServer([value]) as server:
        today = date.today().isoformat()
        summary = await run_backfill(store, server, (today, today))
        assert summary.new == 1
        assert store.conn.execute("SELECT count(*) FROM backfill_days").fetchone()[0] == 0
        again = await run_backfill(store, server, (today, today))
        assert again.days == 1 and again.detail_calls == 0


# -- which questions need a full view -------------------------------------------------------------


def fixture_value(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text())["value"]


def test_needs_full_view() -> None:
    full = parse_question_value(fixture_value("substantive.json")).question
    listed = parse_question_value(json.loads(
        (FIXTURES / "substantive-list.json").read_text())["results"][0]["value"]).question
    assert listed["answer_truncated"] and not full["answer_truncated"]
    row = dict(full, attachments=full["attachments"])
    # Nothing stored: the cut answer and the attachment need the full view.
    assert needs_full_view(listed, 1, None)
    # Stored whole, in the same state: nothing.
    assert not needs_full_view(listed, 1, row)
    # Stored whole, but attachments missing: the full view.
    assert needs_full_view(listed, 1, dict(row, attachments=None))
    # Stored in an older state (a holding answer): the new answer's full view.
    holding = parse_question_value(fixture_value("holding.json")).question
    assert needs_full_view(listed, 0, holding)
    # A list view older than the store: nothing to learn.
    corrected = parse_question_value(fixture_value("corrected.json")).question
    assert not needs_full_view(listed, 1, corrected)
    # A whole short answer, no attachment: the list view is the question.
    short = dict(listed, answer_text="Yes.", answer_truncated=0)
    assert not needs_full_view(short, 0, None)
    # The full view of this state was stored and still looks cut (the captured data): done.
    cut_row = dict(listed, attachments=None)
    assert needs_full_view(listed, 0, cut_row)
    from bot.core.sources.fetch import version_text

    assert not needs_full_view(listed, 0, cut_row, version_text(listed))
    # ... unless the listed text is not the stored one (reworded without a date moving).
    reworded = dict(listed, answer_text="Something else entirely " * 12)
    assert needs_full_view(reworded, 0, cut_row, version_text(listed))


# -- the poller: tabled questions, withdrawals, polite polls --------------------------------------


def answered_on(day: date, question_id: int, **changes: Any) -> dict[str, Any]:
    value = fixture_value("substantive.json")
    stamp = day.isoformat() + "T00:00:00"
    value.update(id=question_id, uin=str(question_id), dateTabled=stamp, dateAnswered=stamp,
                 dateHoldingAnswer=None, attachments=[], attachmentCount=0)
    value.update(changes)
    return value


def tabled_on(day: date, question_id: int, **changes: Any) -> dict[str, Any]:
    return answered_on(day, question_id, dateAnswered=None, answerText=None,
                       answeringMemberId=None, answeringMember=None, **changes)


def kinds_of(store: Store, question_id: int) -> list[str]:
    return [r[0] for r in store.conn.execute(
        "SELECT kind FROM changes WHERE question_id = ? ORDER BY seq", (question_id,))]


def poller_for(store: Store, server: ParliamentAPIServer) -> Poller:
    return Poller(store, server.base_url, 60, backoff_seconds=0.01, requests_per_second=1000)


async def test_a_tabled_question_arrives_unanswered_then_is_answered(store: Store) -> None:
    today = date.today()
    async with ParliamentAPIServer([tabled_on(today, 990101)]) as server:
        poller = poller_for(store, server)
        book = SubscriptionBook(store)
        book.subscribe(1, 10, {"department_id": DFE}, "DfE", 5, "someone", 50)
        queue = DeliveryQueue(store, book)
        assert (await poller.poll_once()).ok
        row = store.question(990101)
        assert row["status"] == "unanswered"
        assert row["date_for_answer"] == "2021-01-25"  # its due date, from the API
        assert kinds_of(store, 990101) == ["tabled"]
        assert queue.plan() == 0  # today's subscriptions do not post "tabled"
        assert {r.query.get("tabledWhenFrom") for r in server.requests_of("list")} >= {
            (today - timedelta(days=1)).isoformat()
        }
        server.publish(answered_on(today, 990101))
        assert (await poller.poll_once()).ok
        assert store.question(990101)["status"] == "answered"
        assert kinds_of(store, 990101) == ["tabled", "answered"]
        assert queue.plan() == 1
        delivery = store.rows("SELECT kind FROM deliveries")
        assert delivery == [{"kind": "New answer"}]


async def test_a_withdrawn_question_is_marked_and_leaves_unanswered_lists(store: Store) -> None:
    today = date.today()
    async with ParliamentAPIServer([tabled_on(today, 990201, heading="Ferries: Orkney")]) as api:
        poller = poller_for(store, api)
        await poller.poll_once()

        def unanswered() -> list[int]:
            outcome = Searcher(store, Resolver.from_store(store)).search(
                SearchQuery(text="ferries", status="unanswered")
            )
            return [r.row["id"] for r in outcome.results]

        assert unanswered() == [990201]
        api.publish(tabled_on(today, 990201, heading="Ferries: Orkney", isWithdrawn=True))
        await poller.poll_once()
        row = store.question(990201)
        assert row["is_withdrawn"] == 1
        assert kinds_of(store, 990201) == ["tabled", "withdrawn"]
        assert unanswered() == []


async def test_a_quiet_poll_costs_only_its_list_calls(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    today = date.today()
    values = [answered_on(today, 990300 + i) for i in range(5)]
    values.append(tabled_on(today, 990399, questionText="To ask " + "about ferries " * 30))
    async with ParliamentAPIServer(values) as server:
        poller = poller_for(store, server)
        first = await poller.poll_once()
        assert first.summary is not None
        assert first.summary.details == 6  # cut answers and one cut question
        server.requests.clear()
        full_views_before = POLL_CALLS.labels("full view")._value.get()
        with caplog.at_level(logging.DEBUG, logger="bot.core.sources.poller"):
            quiet = await poller.poll_once()
        assert quiet.summary is not None
        assert server.requests_of("detail") == []
        assert len(server.requests) == quiet.summary.pages == 3  # answered, corrected, tabled
        assert (quiet.summary.new, quiet.summary.updated) == (0, 0)
        assert POLL_CALLS.labels("full view")._value.get() == full_views_before
        assert "3 list calls, 0 full views" in caplog.text


# -- history is never posted ----------------------------------------------------------------------


async def test_nothing_a_backfill_stores_is_posted(store: Store) -> None:
    yesterday = date.today() - timedelta(days=1)
    async with ParliamentAPIServer([answered_on(yesterday, 990401)]) as server:
        book = SubscriptionBook(store)
        book.subscribe(1, 10, {"department_id": DFE}, "DfE", 5, "someone", 50)
        queue = DeliveryQueue(store, book)
        summary = await run_backfill(store, server, (yesterday.isoformat(),) * 2)
        assert summary.new == 1 and kinds_of(store, 990401) == ["new"]
        assert queue.plan() == 0
        row = store.question(990401)
        (verdict,) = book.explain(row, 1, 10)
        assert "backfill of history" in verdict[1]
        # News the poller brings is posted as ever.
        server.publish(answered_on(date.today(), 990402))
        await poller_for(store, server).poll_once()
        assert queue.plan() == 1


# -- the first run ------------------------------------------------------------------------------


def test_only_a_store_holding_the_seed_gets_the_first_run_backfill(tmp_path: Path) -> None:
    with open_store(tmp_path / "new.db") as store:
        assert store.count_questions() == 1  # the seed
        assert holds_only_seed(store)
        assert claim_first_fill(store)
        assert store.get_state(FIRST_FILL) == "running"
        assert claim_first_fill(store)  # stopped before it finished: it resumes
        store.set_state(FIRST_FILL, "done")
        assert not claim_first_fill(store)
    with open_store(tmp_path / "used.db") as store:
        from bot.core.sources.ingest import ingest_paths

        ingest_paths(store, [FIXTURES / "substantive.json"])
        assert not holds_only_seed(store)
        assert not claim_first_fill(store)
        assert store.get_state(FIRST_FILL) is None


async def test_the_first_run_backfill_loads_the_last_days_through_the_writer(
    tmp_path: Path,
) -> None:
    today = date.today()
    values = [answered_on(today - timedelta(days=n), 990500 + n, heading=f"Harbours: Day {n}")
              for n in range(1, 8)]
    async with ParliamentAPIServer(values) as server:
        settings = Settings(database_path=tmp_path / "first.db",
                            parliament_api_base_url=server.base_url, backfill_days=3)
        with open_store(settings.database_path) as store:
            services = build_services(settings, store)
            try:
                services.settings = replace(settings, backfill_days=0)
                assert await FirstFill.plan(services) is None  # 0 turns it off
                services.settings = settings
                fill = await FirstFill.plan(services)
                assert fill is not None
                assert (fill.since, fill.until) == (today - timedelta(days=3),
                                                    today - timedelta(days=1))
                await fill.run()
                assert fill.summary is not None and fill.summary.days == 3
                ids = {r[0] for r in store.conn.execute("SELECT id FROM questions")}
                assert {990501, 990502, 990503} <= ids and 990504 not in ids
                assert store.get_state(FIRST_FILL) == "done"
                # The name indexes know the new headings.
                topics = services.resolver.resolve("topic", "harbours day", 5)
                assert any("Harbours" in c.name for c in topics.candidates)
                assert await FirstFill.plan(services) is None  # done: never again
            finally:
                services.close()
