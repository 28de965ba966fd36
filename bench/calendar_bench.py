"""What the working-day calendar's check costs at start, on a big store.

    python -m bench.calendar_bench --db COPY.db [--runs 20]

Times, on the store given (warm, after one open):

- opening the store for writing, as ``run`` and every command do (migrations already applied);
- the check alone (``Store.check_calendar`` when nothing changed): the table's ends, the
  questions' earliest and latest days from the indexes' ends, the ``holidays`` package asked
  once for the whole range, and each holiday looked up in the table; and each of those parts,
  beside a pass over the whole table (what the check avoids);
- making the table again, as after an upgrade of ``holidays`` (forced by removing a holiday
  from the table: so run it on a copy);
- ``upsert`` of 1,000 questions with and without the per-upsert cover check (the check is a
  string comparison per day).

Figures, not assertions.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date
from pathlib import Path

from bench.search_bench import pct
from bot.core.reports import duedates
from bot.core.store import calendar
from bot.core.store.database import Store


def _timed(fn, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with Store(args.db) as store:  # migrated, checked once (cold)
        questions = store.count_questions()
    rows: list[tuple[str, list[float]]] = []
    rows.append(("open the store for writing (migrations done)",
                 _timed(lambda: Store(args.db).close(), args.runs)))
    with Store(args.db) as store:
        conn = store.conn
        today = date.today()
        bounds = calendar.stored_bounds(conn)
        assert bounds is not None
        def check_at_start() -> None:
            duedates.bank_holidays_between.cache_clear()  # as in a new process
            store.check_calendar()

        rows.append(("the check at start, nothing to do (Store.check_calendar)",
                     _timed(check_at_start, args.runs)))
        rows.append(("the check again in the same process (the package's days cached)",
                     _timed(store.check_calendar, args.runs)))
        rows.append(("  the table's ends", _timed(lambda: calendar.stored_bounds(conn),
                                                   args.runs)))
        rows.append(("  the questions' earliest and latest days",
                     _timed(lambda: calendar.data_bounds(conn), args.runs)))
        def package_call() -> None:
            duedates.bank_holidays_between.cache_clear()  # as in a new process
            calendar.expected_holidays(*bounds)

        rows.append(("  the package's holidays, one call (first in a process)",
                     _timed(package_call, args.runs)))
        want = calendar.expected_holidays(*bounds)
        rows.append(("  the table's holidays against them (lookups)",
                     _timed(lambda: calendar.holidays_match(conn, want, *bounds), args.runs)))
        rows.append(("  (a pass over the table for its holiday weekdays, not used)",
                     _timed(lambda: calendar.stored_holidays(conn), args.runs)))

        def rebuild() -> None:
            with store.transaction():
                conn.execute("UPDATE working_days SET n = n + 1 WHERE day >= '2023-05-08'")
            duedates.working_day_calendar.cache_clear()
            for cached in (duedates.bank_holidays, duedates._weekday_holiday_ordinals,
                           duedates.bank_holidays_between):
                cached.cache_clear()
            assert store.check_calendar().rebuilt

        rows.append(("make the table again (after an upgrade of holidays), cold",
                     _timed(rebuild, max(3, args.runs // 5))))
        days = conn.execute("SELECT count(*) FROM working_days").fetchone()[0]
        cover = calendar.CalendarCover(conn)
        sample = [r for (r,) in conn.execute(
            "SELECT date_tabled FROM questions ORDER BY id DESC LIMIT 3000")]
        rows.append(("the per-upsert cover check, 3,000 days (1,000 questions)",
                     _timed(lambda: cover.cover(sample, today), args.runs)))
    print(f"{args.db.name}: {questions:,} questions; working_days {days:,} rows, "
          f"{bounds[0]} to {bounds[1]}\n")
    print("| what | p50 ms | p95 ms | max ms | runs |\n|---|---|---|---|---|")
    for name, times in rows:
        print(f"| {name} | {statistics.median(times):.2f} | {pct(times, 95):.2f} | "
              f"{max(times):.2f} | {len(times)} |")


if __name__ == "__main__":
    main()
