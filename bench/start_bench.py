"""First start at scale: from opening the store to the first answer, the event loop's longest
tick meanwhile, and the resident memory after the name indexes and after a first use.

    python -m bench.start_bench --db COPY.db [--tree OTHER_CHECKOUT] [--rounds 3] [--searches 100]

Each start is a fresh process, as the bot starts: the writer's store opened (migrations, the
calendar check), the store's threads, the name indexes read on a reader thread while the loop
ticks every 5 ms (``Services.refresh_indexes``), then one search: the first answer. Then
``--searches`` searches of the search benchmark's mix and 300 topic autocompletes through the
reader threads, and the resident memory again (VmRSS; VmHWM is the peak). ``--tree`` runs
another checkout (an older commit) the same way, alternating with this one, so both are
measured in one run. The store is opened as a writer: point ``--db`` at a copy. ``--cold``
drops the store's pages from the OS's page cache before each start (``posix_fadvise``), as
after a reboot or a bulk load that pushed them out: a first start that reads from the disk.
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path
from typing import Any

from bench.checkouts import ROOT, alternate, run_in
from bench.responsiveness import evict_from_page_cache

_START = r"""
import asyncio, json, sys, time
started = time.perf_counter()
sys.path.insert(0, sys.argv[2])
from bench.search_bench import query_mix
from bot.core.names.matching import Resolver
from bot.core.search.fulltext import Searcher
from bot.core.store.access import StoreAccess
from bot.core.store.database import Store


def memory() -> dict:
    found = {}
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(("VmRSS:", "VmHWM:")):
                found[line.split(":")[0]] = int(line.split()[1]) / 1024
    return found


async def main() -> dict:
    loop = asyncio.get_running_loop()
    ticks = []
    stop = False

    async def ticker() -> None:
        last = loop.time()
        while not stop:
            await asyncio.sleep(0.005)
            now = loop.time()
            ticks.append((now - last - 0.005, time.perf_counter()))
            last = now

    beat = asyncio.ensure_future(ticker())
    resolver = await db.read(Resolver.from_store)
    indexed = time.perf_counter()
    await db.read(lambda s: Searcher(s, resolver).search(mix[0]))
    answered = time.perf_counter()
    stop = True
    await beat
    after_index = memory()
    for query in mix[1:]:
        await db.read(lambda s, q=query: Searcher(s, resolver).search(q))
    from bench import corpus
    for heading in corpus.headings()[:300]:
        await db.quick(lambda s, h=heading: resolver.autocomplete("topic", h.split(":")[0][:8]))
    used = memory()
    db.close()
    return {"import_s": imported - started, "open_s": opened - imported,
            "index_s": indexed - opened, "first_answer_s": answered - started,
            "max_tick_ms": max(t for t, _ in ticks) * 1000,
            "max_tick_indexing_ms": max(t for t, at in ticks if at <= indexed) * 1000,
            "ticks_over_100ms": sum(t > 0.1 for t, _ in ticks),
            "rss_after_index_mb": after_index["VmRSS"],
            "rss_after_use_mb": used["VmRSS"], "peak_mb": used["VmHWM"]}


imported = time.perf_counter()
mix = query_mix(int(sys.argv[3]))
started += time.perf_counter() - imported  # the benchmark's own work, not the bot's
imported = time.perf_counter()
with Store(sys.argv[1]) as store:  # opened before the loop starts, as ``python -m bot run`` does
    db = StoreAccess(store)
    opened = time.perf_counter()
    print(json.dumps(asyncio.run(main())))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="a copy: opened as a writer")
    parser.add_argument("--tree", type=Path, help="another checkout, measured alternately")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--searches", type=int, default=100)
    parser.add_argument("--cold", action="store_true",
                        help="drop the store's pages from the OS cache before each start")
    args = parser.parse_args()
    trees = {"this": ROOT, **({"other": args.tree.resolve()} if args.tree else {})}

    def start(_name: str, tree: Path) -> dict[str, Any]:
        if args.cold:
            evict_from_page_cache(args.db)
        # One first start of the store, the indexes and the first search.
        return run_in(tree, _START, args.db, tree, args.searches)

    runs, loads = alternate(args.rounds, trees, start)
    print(f"load average {min(loads):.1f}-{max(loads):.1f}; medians of {args.rounds} starts")
    keys = list(runs["this"][0])
    print("| tree | " + " | ".join(keys) + " |")
    print("|---" * (len(keys) + 1) + "|")
    for name, found in runs.items():
        cells = [f"{statistics.median(r[k] for r in found):.2f}" for k in keys]
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
