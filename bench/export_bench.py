"""Exports of 100,000 rows (time and peak memory, CSV and JSON) and the MCP tools' latency.

    python -m bench.export_bench --db STORE.db [--rows 100000] [--runs 40] [--part export|mcp]
        [--only text]

``STORE.db`` is a bench store, for example the 1,000,000-question one that
``python -m bench.corpus --n 1000000 --per-file 50000 --out DIR/part.json`` and
``python -m bot ingest DIR --db STORE.db`` build. It is only read.

Exports: each is written to a file in a temporary folder, once timed alone and once under
``tracemalloc`` for the peak of Python's heap (tracing slows it, so the two are separate runs);
the process's peak RSS is reported too (it includes SQLite's page cache, 128 MB at most per
connection). The same export of a tenth of the rows is measured beside it: memory that stays
flat does not grow tenfold.

MCP: the server of ``bot.mcp.server`` with the SDK's in-memory client over JSON-RPC (what a
stdio client costs, less the pipe), each tool called ``--runs`` times with varied arguments
after a warm-up; p50 and p95 in ms.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import corpus
from bench.search_bench import STOPWORDS, ms, pct
from bot.core.exports import Export, overdue_export, search_export, write_export
from bot.core.names.matching import Resolver
from bot.core.search.fulltext import Searcher, SearchQuery
from bot.core.store.database import Store


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def export_once(make: Callable[[], Export], fmt: str, rows: int, folder: Path,
                traced: bool) -> tuple[float, int, int, float]:
    """(seconds, rows written, bytes, peak traced MB)."""
    target = folder / f"export.{fmt}"
    if traced:
        tracemalloc.start()
        tracemalloc.reset_peak()
    started = time.perf_counter()
    with target.open("wb") as out:
        written = write_export(make(), fmt, out, max_rows=rows)
    elapsed = time.perf_counter() - started
    peak = 0.0
    if traced:
        peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
        tracemalloc.stop()
    return elapsed, written.rows, written.bytes, peak


def bench_exports(db: Path, rows: int, only: list[str]) -> list[str]:
    lines = ["| export | rows | format | seconds | rows/s | MB written | peak Python heap MB "
             "(tracemalloc) | peak RSS MB |", "|---|---|---|---|---|---|---|---|"]
    with Store(db, readonly=True) as store, tempfile.TemporaryDirectory() as tmp:
        resolver = Resolver.from_store(store)
        cases: list[tuple[str, Callable[[], Export]]] = [
            ("search, filters only (House of Commons), newest first",
             lambda: search_export(store, Searcher(store, resolver),
                                   SearchQuery(house="commons"))),
            ("search, text (`school`), by relevance",
             lambda: search_export(store, Searcher(store, resolver),
                                   SearchQuery(text="school"))),
            ("search, text (`department`, in most answers), by relevance",
             lambda: search_export(store, Searcher(store, resolver),
                                   SearchQuery(text="department"))),
            ("overdue, every question", lambda: overdue_export(store)),
        ]
        for label, make in cases:
            if only and not any(word in label for word in only):
                continue
            for count in (rows // 10, rows):
                for fmt in ("csv", "json"):
                    export_once(make, fmt, min(count, 1000), Path(tmp), traced=False)  # warm
                    seconds, written, size, _ = export_once(make, fmt, count, Path(tmp), False)
                    _, _, _, peak = export_once(make, fmt, count, Path(tmp), traced=True)
                    lines.append(
                        f"| {label} | {written:,} | {fmt} | {seconds:.1f} | "
                        f"{written / seconds:,.0f} | {size / 1e6:,.1f} | {peak:.1f} | "
                        f"{peak_rss_mb():.0f} |")
                    print(lines[-1], flush=True)
    return lines


def tool_calls(db: Path, runs: int, seed: int = 11) -> dict[str, list[dict[str, Any]]]:
    """Varied arguments for each tool."""
    rng = random.Random(seed)
    headings = corpus.headings()
    weights = corpus.heading_weights()
    bodies = [b["name"] for b in corpus.answering_bodies() if b["to"] is None]
    members = [m["name"] for m in corpus.ministers()]
    with Store(db, readonly=True) as store:
        low, high = store.conn.execute("SELECT min(id), max(id) FROM questions").fetchone()
        ids = []
        while len(ids) < runs:
            found = store.conn.execute("SELECT id FROM questions WHERE id >= ? LIMIT 1",
                                       (rng.randint(low, high),)).fetchone()
            if found:
                ids.append(str(found[0]))

    def words() -> str:
        heading = rng.choices(headings, weights)[0]
        chosen = [w for w in heading.replace(":", " ").split() if w.lower() not in STOPWORDS]
        return " ".join(rng.sample(chosen, min(len(chosen), rng.randint(1, 3))))

    calls: dict[str, list[dict[str, Any]]] = {name: [] for name in (
        "search_answers", "get_question", "similar_questions", "overdue_questions",
        "department_timeliness", "resolve_name")}
    for i in range(runs):
        search: dict[str, Any] = {"query": words(), "limit": 10}
        if i % 2:
            search["department"] = rng.choice(bodies)
        calls["search_answers"].append(search)
        calls["get_question"].append({"id_or_uin": ids[i]})
        calls["similar_questions"].append({"id_or_uin": ids[i], "limit": 10})
        calls["overdue_questions"].append(
            {"limit": 20} if i % 2 else {"department": rng.choice(bodies), "limit": 20})
        year = {"since": "2024-01-01", "until": "2024-12-31", "as_of": "2025-06-30"}
        calls["department_timeliness"].append(
            year if i % 4 == 0 else {**year, "department": rng.choice(bodies)})
        calls["resolve_name"].append(
            {"kind": "member", "text": rng.choice(members)} if i % 2
            else {"kind": "department", "text": rng.choice(bodies)})
    return calls


async def bench_mcp(db: Path, runs: int) -> list[str]:
    from mcp import Client

    from bot.mcp.server import build_server

    calls = tool_calls(db, runs)
    server, reader = build_server(db)
    lines = ["| tool | calls | p50 ms | p95 ms | max ms | errors |", "|---|---|---|---|---|---|"]
    try:
        async with Client(server, mode="legacy") as client:
            await client.call_tool("resolve_name", {"kind": "department", "text": "dfe"})
            for tool, arguments in calls.items():
                await client.call_tool(tool, arguments[0])  # warm the page cache
                times, errors = [], 0
                for argument in arguments:
                    started = time.perf_counter()
                    result = await client.call_tool(tool, argument)
                    times.append(time.perf_counter() - started)
                    if result.is_error:
                        errors += 1
                        print(f"  {tool} {argument}: {result.content[0].text[:160]}",  # type: ignore[union-attr]
                              flush=True)
                lines.append(f"| `{tool}` | {len(times)} | {ms(pct(times, 50))} | "
                             f"{ms(pct(times, 95))} | {ms(max(times))} | {errors} |")
                print(lines[-1], flush=True)
    finally:
        reader.close()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--part", choices=("export", "mcp", "both"), default="both")
    parser.add_argument("--only", action="append", default=[], metavar="WORD",
                        help="only the exports whose label has this word (text, overdue...)")
    args = parser.parse_args()
    with Store(args.db, readonly=True) as store:
        print(f"store: {store.count_questions():,} questions")
    if args.part in ("export", "both"):
        print("\n".join(bench_exports(args.db, args.rows, args.only)))
    if args.part in ("mcp", "both"):
        print("\n".join(asyncio.run(bench_mcp(args.db, args.runs))))


if __name__ == "__main__":
    main()
