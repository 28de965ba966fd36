"""Search and autocomplete of this checkout beside another one (an older commit), on one store,
alternating in one run: the search benchmark's figures without rebuilding anything.

    python -m bench.search_compare --db STORE.db --tree OTHER_CHECKOUT [--rounds 3]
        [--queries 300]

Each round runs each checkout in a fresh process, reading the store as the bot's reader
threads do (read-only, with that checkout's page cache): 20 warming searches, then the search
benchmark's query mix (text alone, text with a filter), filters alone, its five broadest words,
and 300 member and topic autocompletes (their wall time, and their CPU time, which other jobs on
the machine disturb less). Reports medians over rounds of each p50 / p95 / max (ms) and the load
average. Only reads the store.
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

from bench.checkouts import ROOT, alternate, run_in

_RUN = r"""
import json, random, sys, time
sys.path.insert(0, sys.argv[2])
from bench import corpus
from bench.search_bench import broad_words, filter_only, pct, query_mix, timed
from bot.core.names.matching import Resolver
from bot.core.search.fulltext import Searcher, SearchQuery
from bot.core.store.database import Store

with Store(sys.argv[1], readonly=True) as store:
    resolver = Resolver.from_store(store)
    searcher = Searcher(store, resolver)
    mix = query_mix(int(sys.argv[3]))
    for query in mix[:20]:
        searcher.search(query)
    plain = [q for q in mix if not (q.department or q.answered_by or q.house or q.since)]
    filtered = [q for q in mix if q not in plain]
    found = {}
    for name, queries in (("text", plain), ("text+filter", filtered),
                          ("filter only", filter_only(max(30, len(mix) // 4)))):
        times = [timed(lambda q=q: searcher.search(q)) for q in queries]
        found[name] = (pct(times, 50), pct(times, 95), max(times))
    words = broad_words(store)
    times = [timed(lambda w=w: searcher.search(SearchQuery(text=w))) for w in words]
    found["broadest words"] = (min(times), statistics.median(times), max(times))
    rng = random.Random(9)
    names = [m["name"] for m in corpus.members()]
    inputs = {"member": [rng.choice(names)[: rng.randint(3, 12)] for _ in range(300)],
              "topic": [rng.choice(corpus.headings()).split(":")[0][: rng.randint(3, 14)]
                        for _ in range(300)]}
    for kind, texts in inputs.items():
        times, cpu = [], []
        for text in texts:
            started, used = time.perf_counter(), time.process_time()
            resolver.autocomplete(kind, text)
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - used)
        found[f"{kind} autocomplete"] = (pct(times, 50), pct(times, 95), max(times))
        found[f"{kind} autocomplete, CPU"] = (pct(cpu, 50), pct(cpu, 95), max(cpu))
print(json.dumps(found))
""".replace("import json, random, sys, time", "import json, random, statistics, sys, time")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--tree", type=Path, required=True, help="the other checkout")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    trees = {"other": args.tree.resolve(), "this": ROOT}
    runs, loads = alternate(args.rounds, trees,
                            lambda _name, tree: run_in(tree, _RUN, args.db, tree, args.queries))
    print(f"{args.db.name}: medians of {args.rounds} rounds, ms (p50 / p95 / max; broadest "
          f"words: min / median / max); load average {min(loads):.1f}-{max(loads):.1f}")
    keys = list(runs["this"][0])
    print("| checkout | " + " | ".join(keys) + " |")
    print("|---" * (len(keys) + 1) + "|")
    for name, found in runs.items():
        cells = []
        for key in keys:
            trio = [statistics.median(r[key][i] for r in found) * 1000 for i in range(3)]
            cells.append(" / ".join(f"{v:.1f}" for v in trio))
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
