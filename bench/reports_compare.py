"""``/timeliness`` of this checkout beside another one (an older commit), on one store,
alternating in one run: the report's figures without rebuilding anything.

    python -m bench.reports_compare --db STORE.db --tree OTHER_CHECKOUT [--other-db COPY.db]
        [--rounds 3] [--runs 5]

Each round runs each checkout in a fresh process on the same store (read-only, as the bot's
reader threads open it, after the checkout has opened it once for writing so that its own
migrations have run: when this checkout adds one, give the other checkout its own copy made
before, ``--other-db``): ``--runs`` calls of the report for
every department (figures only, then figures and chart) and for one department by month.
Reports medians over rounds of each p50 / p95 (ms) and the load average.
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path
from typing import Any

from bench.checkouts import ROOT, alternate, run_in

_RUN = r"""
import json, sys, time
from datetime import date
sys.path.insert(0, sys.argv[2])
from bot.core.reports.charts import timeliness_chart
from bot.core.reports.timeliness import timeliness
from bot.core.store.database import Store

db, runs = sys.argv[1], int(sys.argv[3])
as_of, department = date.fromisoformat(sys.argv[4]), int(sys.argv[5])
with Store(db):
    pass  # this checkout's migrations, if any
cases = {
    "all departments, figures": lambda s: timeliness(s, as_of=as_of, with_not_held=False),
    "all departments, figures and chart": lambda s: timeliness_chart(
        timeliness(s, as_of=as_of, with_not_held=False)),
    "one department by month, figures": lambda s: timeliness(
        s, department_id=department, as_of=as_of, with_not_held=False),
}
found = {}
with Store(db, readonly=True) as store:
    for name, fn in cases.items():
        fn(store)  # warm
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            fn(store)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        found[name] = (times[len(times) // 2], times[round(0.95 * (len(times) - 1))])
print(json.dumps(found))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--tree", type=Path, required=True, help="the other checkout")
    parser.add_argument("--other-db", type=Path, help="the other checkout's copy of the store")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--as-of", default="2025-12-31",
                        help="the generated corpus's last day, so that due_days answers")
    parser.add_argument("--department", type=int, default=60)
    args = parser.parse_args()
    trees = {"other": args.tree.resolve(), "this": ROOT}

    def measure(name: str, tree: Path) -> dict[str, Any]:
        db = args.other_db if name == "other" and args.other_db else args.db
        return run_in(tree, _RUN, db, tree, args.runs, args.as_of, args.department)

    runs, loads = alternate(args.rounds, trees, measure)
    print(f"{args.rounds} rounds of {args.runs} runs; load {min(loads):.1f}-{max(loads):.1f}")
    print("| /timeliness | other p50 / p95 ms | this p50 / p95 ms |\n|---|---|---|")
    for case in runs["this"][0]:
        cells = []
        for name in trees:
            p50 = statistics.median(r[case][0] for r in runs[name])
            p95 = statistics.median(r[case][1] for r in runs[name])
            cells.append(f"{p50:.0f} / {p95:.0f}")
        print(f"| {case} | {cells[0]} | {cells[1]} |")


if __name__ == "__main__":
    main()
