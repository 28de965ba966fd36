"""Timeliness and helpfulness at scale: the figures, the charts, and the migration that makes
them fast.

    python -m bench.accountability_bench --db COPY.db [--runs 20] [--department 60]
        [--as-of 2025-12-31] [--votes 200000]

Opening the store migrates it (migration 5 builds the working-days calendar and three indexes)
and ``--votes`` adds synthetic votes, so point ``--db`` at a copy of a bench store (for example
``cp bench/out/responsive-1000000.db bench/out/acc.db``), never at one other benchmarks reuse.

Reports p50 / p95 / max in ms over ``--runs`` warm runs of ``timeliness`` for all departments
(without and with the "not held" share) and for one department, of each chart, and of
``helpfulness``; then the whole ``/timeliness`` work (figures and chart) for both views.
``--as-of`` defaults to the corpus's last day, after everything stored, as a report as of
today is: ``timeliness`` then reads ``due_days``. A day before it (2025-11-30, the default
until due_days) makes it count the questions, as a report as of a past day does.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from bench.search_bench import ms, pct
from bot.core.reports.charts import department_chart, helpfulness_chart, timeliness_chart
from bot.core.reports.helpfulness import helpfulness
from bot.core.reports.timeliness import timeliness
from bot.core.store.database import Store


def timed(fn: Callable[[], Any], runs: int) -> tuple[list[float], Any]:
    fn()  # warm the page cache and the caches of duedates
    times = []
    result = None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return times, result


def add_votes(store: Store, count: int, seed: int = 14) -> None:
    """``count`` votes on random answered questions, a third of them "No" and a fifth of the
    departments twice as disputed, from buttons and reactions."""
    rng = random.Random(seed)
    ids = [r[0] for r in store.conn.execute(
        "SELECT id FROM questions WHERE status = 'answered' ORDER BY random() LIMIT ?",
        (max(1, count // 4),))]
    with store.transaction():
        store.conn.executemany(
            "INSERT OR IGNORE INTO votes (question_id, user_id, helpful, via, message_id, "
            "voted_at) VALUES (?, ?, ?, ?, NULL, '2025-06-01T12:00:00Z')",
            [
                (qid, rng.randrange(1, 50_000), int(rng.random() > (0.55 if qid % 5 else 0.3)),
                 rng.choice(("button", "reaction")))
                for qid in (rng.choice(ids) for _ in range(count))
            ],
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="a copy: it is migrated")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--department", type=int, default=60)
    parser.add_argument("--as-of", default="2025-12-31")
    parser.add_argument("--votes", type=int, default=0, help="add this many synthetic votes")
    args = parser.parse_args()
    as_of = date.fromisoformat(args.as_of)

    start = time.perf_counter()
    with Store(args.db) as writer:
        migrated = time.perf_counter() - start
        questions = writer.count_questions()
        if args.votes:
            add_votes(writer, args.votes)
    print(f"{questions:,} questions; opening (and migrating, the first time) took "
          f"{migrated:.1f} s")

    store = Store(args.db, readonly=True)
    cases: list[tuple[str, Callable[[], Any]]] = [
        ("timeliness, all departments",
         lambda: timeliness(store, as_of=as_of, with_not_held=False)),
        ("timeliness, all departments, with not held",
         lambda: timeliness(store, as_of=as_of, with_not_held=True)),
        ("timeliness, one department (with not held)",
         lambda: timeliness(store, department_id=args.department, as_of=as_of)),
        ("timeliness, one department, without not held",
         lambda: timeliness(store, department_id=args.department, as_of=as_of,
                            with_not_held=False)),
        ("helpfulness, all departments", lambda: helpfulness(store, as_of=as_of)),
        ("helpfulness, one department",
         lambda: helpfulness(store, department_id=args.department, as_of=as_of)),
    ]
    results: dict[str, Any] = {}
    print("\n| what | p50 ms | p95 ms | max ms | runs |\n|---|---|---|---|---|")
    for name, fn in cases:
        runs = max(3, args.runs // 4) if name.endswith(", with not held") else args.runs
        times, results[name] = timed(fn, runs)
        print(f"| {name} | {ms(pct(times, 50))} | {ms(pct(times, 95))} | {ms(max(times))} "
              f"| {runs} |")
    charts: list[tuple[str, Callable[[], bytes]]] = [
        ("chart, all departments",
         lambda: timeliness_chart(results["timeliness, all departments"])),
        ("chart, one department",
         lambda: department_chart(results["timeliness, one department (with not held)"])),
        ("chart, helpfulness", lambda: helpfulness_chart(results["helpfulness, all departments"])),
        ("figures + chart, all departments",
         lambda: timeliness_chart(timeliness(store, as_of=as_of, with_not_held=False))),
        ("figures + chart, one department",
         lambda: department_chart(timeliness(store, department_id=args.department, as_of=as_of))),
    ]
    for name, draw in charts:
        times, png = timed(draw, max(5, args.runs // 2))
        print(f"| {name} ({len(png) // 1024} KB) | {ms(pct(times, 50))} | {ms(pct(times, 95))} "
              f"| {ms(max(times))} | {len(times)} |")
    store.close()


if __name__ == "__main__":
    main()
