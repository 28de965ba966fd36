"""The overdue list (``bot.core.reports.overdue``, behind ``/overdue`` and ``python -m bot
overdue``) at scale.

    python -m bench.overdue_bench --db COPY.db [--waiting 20000] [--runs 50] [--as-of 2026-11-30]

``--waiting N`` first leaves N questions still waiting (unanswered or holding, not withdrawn)
and marks the others answered, so write only to a copy of a bench store (for example
``cp bench/out/responsive-1000000.db bench/out/overdue-1000000.db``): the synthetic corpus
leaves about 90,000 of a million questions waiting, spread over twelve years, where Parliament
has a few thousand. Without it the store is only read.

Reports p50 / p95 / max in ms over ``--runs`` warm runs of one page (5 questions, as ``/overdue``
shows) with its total: every question; by department (a different department each run, over
every department with questions waiting, and the one with the most); by the member who asked and
the member answering (the busiest of each); the Lords; and as of a year before ``--as-of``.
"""

from __future__ import annotations

import argparse
import itertools
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench.search_bench import ms, pct
from bot.core.reports.overdue import overdue
from bot.core.store.database import Store

PAGE = 5
WAITING = "status IN ('unanswered', 'holding') AND is_withdrawn = 0"


def leave_waiting(path: Path, keep: int) -> int:
    """Mark all but ``keep`` of the questions still waiting answered (a fixed pseudo-random
    choice, spread over every year); returns how many were answered."""
    with Store(path) as store:
        count = f"SELECT count(*) FROM questions WHERE {WAITING}"
        waiting = store.conn.execute(count).fetchone()[0]
        excess = waiting - keep
        if excess <= 0:
            return 0
        with store.transaction():
            store.conn.execute(
                "UPDATE questions SET status = 'answered', is_holding = 0, "
                "date_answered = coalesce(date_answered, date(date_tabled, '+5 days')) "
                f"WHERE id IN (SELECT id FROM questions WHERE {WAITING} "
                "ORDER BY (id * 2654435761) % 4294967296 LIMIT ?)",
                (excess,),
            )
        return excess


def timed(fn: Callable[[], Any], runs: int) -> tuple[list[float], Any]:
    fn()  # warm the page cache
    times = []
    result = None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return times, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--waiting", type=int, default=None,
                        help="leave this many questions waiting first (writes: use a copy)")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--as-of", default=date.today().isoformat())
    args = parser.parse_args()
    as_of = date.fromisoformat(args.as_of)
    if args.waiting is not None:
        start = time.perf_counter()
        answered = leave_waiting(args.db, args.waiting)
        print(f"marked {answered:,} waiting questions answered in "
              f"{time.perf_counter() - start:.1f} s")

    store = Store(args.db, readonly=True)
    conn = store.conn
    questions = conn.execute("SELECT count(*) FROM questions").fetchone()[0]
    waiting = conn.execute(f"SELECT count(*) FROM questions WHERE {WAITING}").fetchone()[0]
    by_body = conn.execute(
        f"SELECT answering_body_id, count(*) AS n FROM questions WHERE {WAITING} "
        "AND answering_body_id IS NOT NULL GROUP BY 1 ORDER BY n DESC"
    ).fetchall()
    asker = conn.execute(
        f"SELECT asking_member_id, count(*) AS n FROM questions WHERE {WAITING} "
        "AND asking_member_id IS NOT NULL GROUP BY 1 ORDER BY n DESC LIMIT 1"
    ).fetchone()
    answerer = conn.execute(
        f"SELECT answering_member_id, count(*) AS n FROM questions WHERE {WAITING} "
        "AND answering_member_id IS NOT NULL GROUP BY 1 ORDER BY n DESC LIMIT 1"
    ).fetchone()
    asker_total = conn.execute("SELECT count(*) FROM questions WHERE asking_member_id = ?",
                               (asker[0],)).fetchone()[0]
    answerer_total = conn.execute("SELECT count(*) FROM questions WHERE answering_member_id = ?",
                                  (answerer[0],)).fetchone()[0]
    print(f"{questions:,} questions, {waiting:,} waiting (unanswered or holding, not "
          f"withdrawn), {len(by_body)} departments with questions waiting; as of {as_of}")

    departments = itertools.cycle([body for body, _ in by_body])
    year_before = as_of - timedelta(days=365)
    cases: list[tuple[str, Callable[[], Any]]] = [
        ("every question", lambda: overdue(store, as_of=as_of, limit=PAGE)),
        ("by department, each in turn",
         lambda: overdue(store, department_id=next(departments), as_of=as_of, limit=PAGE)),
        (f"by department, the largest ({by_body[0][1]:,} waiting)",
         lambda: overdue(store, department_id=by_body[0][0], as_of=as_of, limit=PAGE)),
        (f"asked by the busiest asker ({asker[1]:,} waiting of {asker_total:,} asked)",
         lambda: overdue(store, asking_member_id=asker[0], as_of=as_of, limit=PAGE)),
        (f"answering member, the busiest ({answerer[1]:,} waiting of {answerer_total:,})",
         lambda: overdue(store, answering_member_id=answerer[0], as_of=as_of, limit=PAGE)),
        ("the Lords", lambda: overdue(store, house="lords", as_of=as_of, limit=PAGE)),
        ("page 50 of every question",
         lambda: overdue(store, as_of=as_of, limit=PAGE, offset=49 * PAGE)),
        (f"as of {year_before} (answers since then read too)",
         lambda: overdue(store, as_of=year_before, limit=PAGE)),
    ]
    print("\n| what | overdue | p50 ms | p95 ms | max ms | runs |\n|---|---|---|---|---|---|")
    for name, fn in cases:
        runs = args.runs if "as of" not in name else max(5, args.runs // 5)
        times, result = timed(fn, runs)
        total = f"{result.total:,}" if "each in turn" not in name else "varies"
        print(f"| {name} | {total} | {ms(pct(times, 50))} | {ms(pct(times, 95))} "
              f"| {ms(max(times))} | {runs} |")
    store.close()


if __name__ == "__main__":
    main()
