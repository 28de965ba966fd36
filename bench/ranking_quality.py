"""What the ranking budget changes: each query of the search benchmark's mix run twice on one
store, as the bot ranks it (bm25 within ``ranking.RANK_BUDGET``, else the window by heading) and
with bm25 always (the budget lifted), in one run.

    python -m bench.ranking_quality --db STORE.db [--queries 300]

Reports p50 / p95 / max ms of each way, how many queries are over the budget, and for those how
many of the top five results hold a searched word in their heading under each way, and the
share of the top five the two ways have in common. Only reads the store.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from bench.search_bench import pct, query_mix
from bot.core.names.matching import Resolver
from bot.core.search import ranking
from bot.core.search.fulltext import Searcher, SearchOutcome, fts_query
from bot.core.store.database import Store
from bot.core.text import fold


def heading_hits(outcome: SearchOutcome) -> int:
    """Results whose heading holds the start of a searched word (a rough stem)."""
    return sum(
        1 for result in outcome.results
        if any(fold(term)[:5] in fold(result.row["heading"]) for term in outcome.terms)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    budget = ranking.RANK_BUDGET
    with Store(args.db, readonly=True) as store:
        searcher = Searcher(store, Resolver.from_store(store))
        mix = query_mix(args.queries)
        for query in mix[:20]:
            searcher.search(query)
        ours, exact, overlap = [], [], []
        hits = [0, 0]
        for query in mix:
            started = time.perf_counter()
            found = searcher.search(query)
            ours.append(time.perf_counter() - started)
            match = searcher._match(fts_query(query.text),
                                    searcher._filters(query, searcher.resolve_names(query)))
            over = match is not None and not ranking.within_budget(store.conn, match[0])
            counts = dict(ranking._COUNTS)
            ranking.RANK_BUDGET, ranking._COUNTS = 10**12, {}
            try:
                started = time.perf_counter()
                best = searcher.search(query)
                exact.append(time.perf_counter() - started)
            finally:
                ranking.RANK_BUDGET, ranking._COUNTS = budget, counts
            if over:
                ids = {r.row["id"] for r in found.results}
                top = {r.row["id"] for r in best.results}
                overlap.append(len(ids & top) / max(1, len(top)))
                hits[0] += heading_hits(found)
                hits[1] += heading_hits(best)
    print(f"{args.db.name}, {len(mix)} queries, load average {os.getloadavg()[0]:.1f}")
    for name, times in (("as the bot ranks", ours), ("bm25 always", exact)):
        print(f"  {name:18} p50 / p95 / max ms: {pct(times, 50) * 1000:.1f} / "
              f"{pct(times, 95) * 1000:.1f} / {max(times) * 1000:.1f}")
    print(f"  over the budget: {len(overlap)} queries; top-5 results with a searched word in the "
          f"heading: {hits[0]} against {hits[1]} of {5 * len(overlap)}; top-5 in common "
          f"{sum(overlap) / max(1, len(overlap)):.2f}")


if __name__ == "__main__":
    main()
