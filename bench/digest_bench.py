"""Scheduled digests and the /subscribe preview at scale.

    python -m bench.digest_bench [--channels 500] [--items 200] [--preview-db STORE.db] [--runs 5]

Digests: ``--channels`` channels each follow the Department for Education on a daily digest,
and ``--items`` answers arrive for it, so every channel's digest holds that many. Timed, in one
run: claiming (``plan``), making the digests at their time (``due_digests``), reading them back
(``batches``), building every message as the bot would (``Poster.read`` and ``render``: embeds
and the "Open an answer…" menu), and sending them through ``send_outbox`` with Discord's pace
(5 messages per 5 s per channel, 20 per second in all) on a virtual clock, which gives how long
the posting takes in real time without waiting for it.

Preview: with ``--preview-db`` (a copy of a bench store, e.g. ``bench/out/overdue-1000000.db``;
it is opened as a store, so migrations run on it), ``SubscriptionBook.preview`` for a department,
a busy member, a topic and the Lords, as of the newest answer in the store: median and max of
``--runs`` warm runs, and the first (cold) run.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import bot.core.news.outbox
from bot.core.news.deliveries import DeliveryQueue
from bot.core.news.outbox import Batch, Pacer, Posted, SendWith, send_outbox
from bot.core.news.schedules import make_schedule
from bot.core.news.subscriptions import Posting, SubscriptionBook
from bot.core.sources.api_json import parse_question_value
from bot.core.store.database import Store
from bot.discord.subscriptions.poster import Poster

BASE: dict[str, Any] = {
    "house": "Commons", "memberId": 4001, "questionText": "To ask the Secretary of State...",
    "answerText": "<p>The answer, at some length, as answers are.</p>",
    "answeringMemberId": 4002, "dateTabled": "2026-11-23T00:00:00",
    "dateAnswered": "2026-11-30T00:00:00", "answeringBodyName": "Department for Education",
    "answeringBodyId": 60, "isNamedDay": False, "answerIsHolding": False,
    "answerIsCorrection": False, "isWithdrawn": False, "attachments": [],
    "groupedQuestions": [],
}


def digests(channels: int, items: int) -> dict[str, float]:
    """Build and pace a daily digest for every channel; the timings, in seconds."""
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "digests.db")
        book = SubscriptionBook(store)
        made = datetime(2026, 11, 30, 9, tzinfo=UTC)
        daily = Posting(schedule=make_schedule("daily", "08:00"))
        for channel in range(channels):
            book.subscribe(channel // 50, 10_000 + channel, {"department_id": 60}, "DfE", 1,
                           "u", 10**6, daily, made)
        with store.transaction():
            store.upsert([parse_question_value(dict(BASE, id=n, uin=str(n),
                                                    heading=f"Schools: Subject {n}"))
                          for n in range(1, items + 1)], source="poll")
        queue = DeliveryQueue(store, book)
        start = time.perf_counter()
        claimed = queue.plan()
        figures["plan_s"] = time.perf_counter() - start
        start = time.perf_counter()
        messages = queue.due_digests(datetime(2026, 12, 1, 8, tzinfo=UTC))
        figures["due_digests_s"] = time.perf_counter() - start
        start = time.perf_counter()
        batches = queue.batches()
        figures["batches_s"] = time.perf_counter() - start
        poster = Poster(None, SimpleNamespace(  # type: ignore[arg-type]
            store=store, book=book, queue=queue, votes=None))
        start = time.perf_counter()
        for batch in batches:
            poster.render(poster.read(batch), batch)
        figures["render_s"] = time.perf_counter() - start
        figures["claimed"] = claimed
        figures["messages"] = messages
        figures["paced_send_s"] = paced_send(queue, len(batches))
        store.close()
    return figures


def paced_send(queue: DeliveryQueue, expected: int) -> float:
    """How long ``send_outbox`` takes at Discord's pace, on a virtual clock (seconds)."""
    now = [0.0]

    async def virtual_sleep(seconds: float) -> None:
        now[0] += seconds

    async def sender(batch: Batch) -> Posted:
        return Posted(batch.id)

    real_sleep = bot.core.news.outbox.asyncio.sleep
    bot.core.news.outbox.asyncio.sleep = virtual_sleep  # type: ignore[assignment]
    try:
        posted = asyncio.run(send_outbox(queue.batches, queue.outbox, SendWith(sender),
                                         Pacer(clock=lambda: now[0])))
    finally:
        bot.core.news.outbox.asyncio.sleep = real_sleep  # type: ignore[assignment]
    assert posted == expected, (posted, expected)
    return now[0]


def previews(path: Path, runs: int) -> dict[str, tuple[float, float, float]]:
    """(cold, median, max) ms of each preview."""
    store = Store(path)
    book = SubscriptionBook(store)
    newest = store.conn.execute("SELECT max(date_answered) FROM questions").fetchone()[0]
    today = date.fromisoformat(newest[:10])
    member = store.conn.execute(
        "SELECT asking_member_id FROM questions WHERE date_answered >= ? "
        "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1", (newest[:10],)).fetchone()[0]
    cases = {
        "department (DfE)": {"department_id": 60},
        "busiest member": {"member_id": member},
        "topic 'school'": {"topic": "school"},
        "House of Lords": {"house": "Lords"},
    }
    results: dict[str, tuple[float, float, float]] = {}
    for name, filters in cases.items():
        times: list[float] = []
        for _ in range(runs + 1):
            start = time.perf_counter()
            count, _ = book.preview(filters, today)
            times.append((time.perf_counter() - start) * 1000)
        warm = times[1:]
        results[f"{name}: {count} items"] = (times[0], statistics.median(warm), max(warm))
    store.close()
    return results


def main() -> None:
    """Run the digest figures, and the preview's with ``--preview-db``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--channels", type=int, default=500)
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--preview-db", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    figures = digests(args.channels, args.items)
    print(f"digests: {args.channels} channels x {args.items} items")
    for key, value in figures.items():
        print(f"  {key:16} {value:,.2f}" if key.endswith("_s") else f"  {key:16} {value:,.0f}")
    if args.preview_db:
        print(f"preview at {args.preview_db.name} (ms: cold, median, max of {args.runs})")
        for name, (cold, median, worst) in previews(args.preview_db, args.runs).items():
            print(f"  {name:40} {cold:8.1f} {median:8.1f} {worst:8.1f}")


if __name__ == "__main__":
    main()
