"""Store work off the event loop: concurrency, planning that scales with the news, the watchdog."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
import time
from functools import partial
from pathlib import Path

import pytest
from conftest import grow_change_log, hand_fixtures

from bot.core.names.matching import Resolver
from bot.core.news.deliveries import DeliveryQueue
from bot.core.news.outbox import PLAN_SPAN
from bot.core.news.subscriptions import SubscriptionBook
from bot.core.search.fulltext import Searcher, SearchQuery
from bot.core.search.sessions import SessionKeeper, load_session
from bot.core.sources.ingest import ingest_paths
from bot.core.store.access import StoreAccess
from bot.core.store.database import Store
from bot.core.votes import VoteLedger
from bot.discord.watchdog import LoopWatchdog


@pytest.fixture
def loaded(tmp_path: Path) -> Store:
    with Store(tmp_path / "answers.db") as store:
        assert not ingest_paths(store, hand_fixtures()).failed
        yield store


async def test_two_votes_by_one_person_at_once_count_once(loaded: Store) -> None:
    access = StoreAccess(loaded)
    votes = VoteLedger(loaded)
    question_id = loaded.conn.execute("SELECT min(id) FROM questions").fetchone()[0]
    try:
        outcomes = await asyncio.gather(*(
            access.write(partial(votes.vote, question_id, 42, helpful, "button", None))
            for helpful in (True, False, True, True, False)
        ))
    finally:
        access.close()
    counts = loaded.vote_counts(question_id)
    assert counts["yes"] + counts["no"] == 1
    assert counts == {"yes": 0, "no": 1}  # the writes ran in order: the last one stands
    assert [o.yes + o.no for o in outcomes] == [1, 1, 1, 1, 1]


async def test_a_search_during_a_write_sees_old_or_new_never_an_error(loaded: Store) -> None:
    access = StoreAccess(loaded)
    resolver = Resolver.from_store(loaded)
    before = Searcher(loaded, resolver).search(SearchQuery(text="schools", limit=50)).total
    extra = loaded.conn.execute("SELECT * FROM questions LIMIT 1").fetchone()
    assert extra is not None
    started, searched = threading.Event(), threading.Event()

    def slow_write() -> None:
        with loaded.transaction():
            loaded.conn.execute(
                "UPDATE questions SET heading = heading || ' schools' WHERE id IN "
                "(SELECT id FROM questions LIMIT 3)"
            )
            started.set()
            searched.wait(10)  # the transaction stays open until the search has run

    def search(store: Store) -> int:
        return Searcher(store, resolver).search(SearchQuery(text="schools", limit=50)).total

    try:
        writing = asyncio.ensure_future(access.write(slow_write))
        await asyncio.to_thread(started.wait, 5)
        during = await access.read(search)
        searched.set()
        await writing
        after = await access.read(search)
    finally:
        searched.set()
        access.close()
    assert during == before  # the reader saw the last commit, not half a write
    assert after >= before


async def test_reads_run_off_the_event_loop_thread(loaded: Store) -> None:
    access = StoreAccess(loaded)
    try:
        thread = await access.read(lambda store: threading.current_thread().name)
        quick = await access.quick(lambda store: threading.current_thread().name)
        writer = await access.write(lambda: threading.current_thread().name)
    finally:
        access.close()
    assert thread.startswith("store-read") and quick.startswith("store-quick")
    assert writer.startswith("store-write")
    assert threading.current_thread().name not in (thread, quick, writer)


def test_with_no_subscription_the_cursor_jumps_in_one_statement(loaded: Store) -> None:
    grow_change_log(loaded, 50_000)
    queue = DeliveryQueue(loaded, SubscriptionBook(loaded))
    statements: list[str] = []
    loaded.conn.set_trace_callback(statements.append)
    step = queue.plan_step()
    loaded.conn.set_trace_callback(None)
    assert step.done and step.claimed == 0
    assert loaded.get_state("delivery_cursor") == str(loaded.last_change_seq())
    assert not any("FROM changes c" in s for s in statements)  # no event was read


def test_planning_reads_only_what_subscriptions_could_want(loaded: Store) -> None:
    book = SubscriptionBook(loaded)
    book.subscribe(1, 10, {"department_id": 60}, "DfE", 5, "u", 50)
    grow_change_log(loaded, 3 * PLAN_SPAN)
    queue = DeliveryQueue(loaded, book)
    steps = []
    while not (step := queue.plan_step()).done:
        steps.append(step)
    steps.append(step)
    assert len(steps) >= 3  # bounded steps, each one short transaction
    expected = loaded.conn.execute(
        "SELECT count(*) FROM changes c JOIN questions q ON q.id = c.question_id "
        "WHERE c.source = 'bulk' AND q.answering_body_id = 60"
    ).fetchone()[0]
    claimed = loaded.conn.execute("SELECT count(*) FROM deliveries").fetchone()[0]
    # Each bulk entry for a DfE question is a fresh claim; nothing else is.
    assert claimed == expected > 0
    assert sum(s.claimed for s in steps) == claimed


async def test_the_watchdog_names_a_blocking_step(caplog: pytest.LogCaptureFixture) -> None:
    watchdog = LoopWatchdog(limit=0.1)
    ticked, lagged = asyncio.Event(), asyncio.Event()

    def observe(lag: float) -> None:
        ticked.set()
        if lag >= 0.3:
            lagged.set()

    watchdog.lag_observers.append(observe)
    watchdog.start()
    await asyncio.wait_for(ticked.wait(), 10)  # the ticker runs

    def a_slow_blocking_step() -> None:
        time.sleep(0.4)  # the behaviour watched: it holds the event loop, nothing else runs

    with caplog.at_level(logging.WARNING, logger="bot.discord.watchdog"):
        a_slow_blocking_step()
        await asyncio.wait_for(lagged.wait(), 10)  # the ticker's first beat after the block
    await watchdog.stop()
    assert watchdog.warnings == 1
    assert watchdog.max_lag >= 0.3
    warning = next(r.getMessage() for r in caplog.records if "blocked" in r.getMessage())
    assert "a_slow_blocking_step" in warning


async def test_a_saved_search_is_usable_at_once_while_an_ingest_holds_the_write_lock(
    loaded: Store,
) -> None:
    """A results message's buttons work before the save reaches the store, and the save lands
    when the lock frees (a bulk ingest holds it for seconds)."""
    access = StoreAccess(loaded)
    keeper = SessionKeeper(access, loaded)
    blocker = sqlite3.connect(loaded.path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another process's ingest, mid-transaction
    try:
        query = SearchQuery(text="schools", pinned={"department": 17})
        # Neither waits for the lock (30 s, then "database is locked"): both stay in memory.
        first, second = keeper.save(query), keeper.save(query)
        loaded_back = await keeper.load(first)
        assert first != second
        assert loaded_back is not None and loaded_back.as_json() == query.as_json()
        query.text = "changed after saving"  # the keeper holds its own copy
        assert (await keeper.load(first)).text == "schools"  # type: ignore[union-attr]
        assert load_session(loaded, first) is None  # not yet in the store
        blocker.execute("COMMIT")
        await asyncio.wait_for(keeper.flush(), 10)
        stored = load_session(loaded, first)
        assert stored is not None and stored.pinned == {"department": 17}
        keeper.update(first, SearchQuery(text="picked"))
        await keeper.flush()
        assert load_session(loaded, first).text == "picked"  # type: ignore[union-attr]
        # Ids keep growing across a restart: a new keeper never reuses one.
        after_restart = SessionKeeper(access, loaded)
        assert after_restart.save(query) > second
        await after_restart.flush()
    finally:
        if blocker.in_transaction:
            blocker.execute("ROLLBACK")
        blocker.close()
        await keeper.flush()
        access.close()


async def test_the_same_read_asked_while_it_runs_is_run_once(loaded: Store) -> None:
    access = StoreAccess(loaded)
    runs: list[str] = []
    gate = threading.Event()
    running = threading.Semaphore(0)

    def count(store: Store, word: str) -> int:
        runs.append(word)
        running.release()
        gate.wait(5)
        return Searcher(store, Resolver.empty()).search(SearchQuery(text=word)).total

    try:
        burst = [asyncio.ensure_future(access.read_shared(("s", w), count, w))
                 for w in ["schools"] * 5 + ["funding"] * 3]
        for _ in range(2):  # both distinct reads run (every caller joined one on its first step)
            assert await asyncio.to_thread(running.acquire, True, 10)
        gate.set()
        totals = await asyncio.gather(*burst)
        assert sorted(runs) == ["funding", "schools"]  # one run per distinct key
        assert len(set(totals[:5])) == 1 and len(set(totals[5:])) == 1
        assert totals[0] == count(loaded, "schools")  # the shared result is the right one
        # Once it finished, the same key runs again (fresh data), not from a cache.
        runs.clear()
        await access.read_shared(("s", "schools"), count, "schools")
        assert runs == ["schools"]
    finally:
        gate.set()
        access.close()


def test_reader_connections_keep_a_smaller_page_cache_than_the_writer(tmp_path) -> None:
    """Each reader thread's connection has its own page cache: readers keep 16 MB, so four of
    them filled by a first start stay within the memory the bot is allowed."""
    from bot.core.store.database import READER_CACHE_KB, WRITER_CACHE_KB, Store

    with Store(tmp_path / "c.db") as writer, Store(tmp_path / "c.db", readonly=True) as reader:
        assert writer.conn.execute("PRAGMA cache_size").fetchone()[0] == -WRITER_CACHE_KB
        assert reader.conn.execute("PRAGMA cache_size").fetchone()[0] == -READER_CACHE_KB
        assert READER_CACHE_KB * 4 < WRITER_CACHE_KB
