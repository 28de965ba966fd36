"""Ingest, search and resolve benchmarks on synthetic stores of 10k, 100k and 1M questions.

    python -m bench.search_bench --sizes 10000,100000,1000000 [--queries 300] [--write]

Everything is measured side by side in one run and reported as figures (medians and 95th
percentiles; ratios to a floor), never asserted: these machines are noisy. Stores and corpora are
kept under bench/out/ (git-ignored) and reused; ``--rebuild`` makes them anew.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bench import corpus
from bot.core.names.matching import Resolver
from bot.core.records import question_tags, status_of
from bot.core.search.fulltext import BM25_WEIGHTS, Searcher, SearchQuery, fts_query
from bot.core.sources.api_json import iter_api_document
from bot.core.sources.ingest import ingest_paths
from bot.core.store.database import Store

OUT = Path(__file__).resolve().parent / "out"
README = Path(__file__).resolve().parent / "README.md"
PER_FILE = 50_000
STOPWORDS = {"and", "of", "the", "for", "in", "to", "on", "a", "an", "with", "by", "at", "or"}


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


_RESOLVER_MEMORY = """
import json, sys, tracemalloc
from bench.search_bench import rss_mb
from bot.core.names.matching import Resolver
from bot.core.store.database import Store
with Store(sys.argv[1], readonly=True) as store:  # as the bot reads them: on a reader
    before = rss_mb()
    tracemalloc.start()
    resolver = Resolver.from_store(store)
    held = tracemalloc.get_traced_memory()[0] / 2**20
    print(json.dumps([held, before, rss_mb()]))
"""


def resolver_memory(db: Path) -> tuple[float, float, float]:
    """MB the resolver's indexes hold (Python objects), and the resident MB of a fresh process
    with the store open read-only, as the bot's reader threads open it, before and after
    building them (SQLite's page cache included: reading every heading fills it). Measured
    apart: this process has already grown and freed memory."""
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-c", _RESOLVER_MEMORY, str(db)], cwd=root,
                          capture_output=True, text=True, check=True)
    held, before, after = json.loads(done.stdout)
    return held, before, after


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


@dataclass
class Built:
    size: int
    db: Path
    ingest_rate: float | None  # records/s of `ingest` for the whole build (None: reused)
    floor_rate: float  # records/s of a raw insert of one part into the same tables
    ingest_part_rate: float  # records/s of `ingest` of that same part into an empty store
    bytes_per_1000: float


def corpus_files(size: int, rebuild: bool) -> list[Path]:
    folder = OUT / f"corpus-{size}"
    files = sorted(folder.glob("part-*.json"))
    if files and not rebuild:
        return files
    for old in files:
        old.unlink()
    return corpus.write_corpus(folder / "part.json", size, seed=1,
                               per_file=min(PER_FILE, size))


def raw_insert(store: Store, rows: list[dict]) -> float:
    """The floor: parsed rows inserted straight into the same tables, in one transaction;
    returns the seconds it took."""
    columns = Store._INSERT_COLUMNS
    values = []
    for row in rows:
        row.update(status=status_of(row), tags=question_tags(row), first_seen="x",
                   updated_at="x")
        values.append([row.get(c) for c in columns])
    started = time.perf_counter()
    with store.transaction():
        store.conn.executemany(
            f"INSERT INTO questions ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' * len(columns))})",
            values,
        )
        store.conn.executemany(
            "INSERT INTO questions_fts(rowid, heading, question_text, answer_text, tags) "
            "VALUES (?, ?, ?, ?, ?)",
            [(r["id"], r["heading"], r["question_text"], r["answer_text"], r["tags"])
             for r in rows],
        )
    return time.perf_counter() - started


def raw_insert_rate(part: Path, db: Path) -> float:
    rows = [p.question for _, p in iter_api_document(json.loads(part.read_bytes()))]
    db.unlink(missing_ok=True)
    with Store(db) as store:
        return len(rows) / raw_insert(store, rows)


def ingest_rate(files: list[Path], db: Path) -> float:
    db.unlink(missing_ok=True)
    with Store(db) as store:
        started = time.perf_counter()
        report = ingest_paths(store, files)
        elapsed = time.perf_counter() - started
    return report.totals()["new"] / elapsed


def build(size: int, rebuild: bool, rebuild_store: bool = False) -> Built:
    files = corpus_files(size, rebuild)
    db = OUT / f"store-{size}.db"
    scratch = OUT / "scratch.db"
    # Floor and ingest of one part, into empty stores, one after the other.
    floor = raw_insert_rate(files[0], scratch)
    part = ingest_rate(files[:1], scratch)
    for suffix in ("", "-wal", "-shm"):
        Path(str(scratch) + suffix).unlink(missing_ok=True)
    whole = None
    if rebuild or rebuild_store or not db.exists():
        whole = ingest_rate(files, db)
    with Store(db) as store:
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        count = store.count_questions()
    return Built(size, db, whole, floor, part, db.stat().st_size / count * 1000)


def query_mix(count: int, seed: int = 7) -> list[SearchQuery]:
    """Words drawn from headings by their frequency, one to four, with and without filters."""
    rng = random.Random(seed)
    headings = corpus.headings()
    weights = corpus.heading_weights()
    bodies = [b for b in corpus.answering_bodies() if b["to"] is None]
    answerers = corpus.ministers()
    queries = []
    for i in range(count):
        heading = rng.choices(headings, weights)[0]
        words = [w for w in heading.replace(":", " ").split() if w.lower() not in STOPWORDS]
        extra = [w for w in corpus.policy_words() if " " not in w]
        if len(words) < 4:
            words += rng.sample(extra, 2)
        text = " ".join(rng.sample(words, rng.randint(1, min(4, len(words)))))
        query = SearchQuery(text=text, limit=5)
        if i % 2:
            choice = rng.randrange(4)
            if choice == 0:
                query.department = rng.choice(bodies)["name"]
            elif choice == 1:
                query.answered_by = rng.choice(answerers)["name"]
            elif choice == 2:
                query.house = rng.choice(["Commons", "Lords"])
            else:
                query.since = date(rng.randint(2015, 2024), 1, 1)
        queries.append(query)
    return queries


def filter_only(count: int, seed: int = 8) -> list[SearchQuery]:
    rng = random.Random(seed)
    bodies = [b for b in corpus.answering_bodies() if b["to"] is None]
    answerers = corpus.ministers()
    queries = []
    for i in range(count):
        query = SearchQuery(limit=5)
        if i % 3 == 0:
            query.department = rng.choice(bodies)["name"]
        elif i % 3 == 1:
            query.member = rng.choice(answerers)["name"]
        else:
            query.status = rng.choice(["holding", "corrected", "unanswered"])
            query.house = rng.choice(["Commons", "Lords"])
        queries.append(query)
    return queries


def broad_words(store: Store, count: int = 5) -> list[str]:
    """The words found in the most documents: the worst case for ranking."""
    store.conn.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.bench_vocab "
        "USING fts5vocab(main, questions_fts, col)"
    )
    rows = store.conn.execute(
        "SELECT term FROM temp.bench_vocab WHERE length(term) > 3 AND col != 'tags' "
        "GROUP BY term ORDER BY max(doc) DESC LIMIT ?",
        (count,),
    ).fetchall()
    return [r[0] for r in rows]


def timed(function: Callable[[], object]) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def raw_floor(store: Store, searcher: Searcher, query: SearchQuery) -> float:
    """The same FTS5 query run raw: MATCH, the same filters, ORDER BY bm25, LIMIT."""
    outcome_filters = searcher.search(SearchQuery(**{**query.__dict__, "text": ""}))
    filters = searcher._filters(query, outcome_filters)
    where, params = filters.where, filters.params
    expression = fts_query(query.text).expression
    weights = ", ".join(str(w) for w in BM25_WEIGHTS[:3])
    sql = (
        "SELECT q.id FROM questions_fts f JOIN questions q ON q.id = f.rowid "
        f"WHERE questions_fts MATCH ? AND {' AND '.join(where)} "
        f"ORDER BY bm25(questions_fts, {weights}) LIMIT 5"
    )
    return timed(lambda: store.conn.execute(sql, [expression, *params]).fetchall())


def bench_store(built: Built, n_queries: int) -> dict[str, object]:
    with Store(built.db) as store:
        store.conn.execute("PRAGMA cache_size=-65536")
        started = time.perf_counter()
        resolver = Resolver.from_store(store)
        index_seconds = time.perf_counter() - started
        searcher = Searcher(store, resolver)
        mix = query_mix(n_queries)
        for query in mix[:20]:  # warm the page cache
            searcher.search(query)
        text_plain = [q for q in mix if not (q.department or q.answered_by or q.house or q.since)]
        text_filtered = [q for q in mix if q not in text_plain]
        results: dict[str, object] = {"size": built.size}
        for name, queries in (("text", text_plain), ("text+filter", text_filtered),
                              ("filter only", filter_only(max(30, n_queries // 4)))):
            ours = [timed(lambda q=q: searcher.search(q)) for q in queries]
            results[name] = (pct(ours, 50), pct(ours, 95), max(ours))
            if name != "filter only":
                floors = [raw_floor(store, searcher, q) for q in queries]
                results[name + " floor"] = (pct(floors, 50), pct(floors, 95), max(floors))
        broad = broad_words(store)
        broad_ours = [timed(lambda w=w: searcher.search(SearchQuery(text=w))) for w in broad]
        broad_floor = [raw_floor(store, searcher, SearchQuery(text=w)) for w in broad]
        results["broad"] = (broad, max(broad_ours), max(broad_floor))
        rng = random.Random(9)
        names = [m["name"] for m in corpus.members()]
        member_inputs = [rng.choice(names)[: rng.randint(3, 12)] for _ in range(300)]
        heading_inputs = [rng.choice(corpus.headings()).split(":")[0][: rng.randint(3, 14)]
                          for _ in range(300)]
        for kind, inputs in (("member", member_inputs), ("topic", heading_inputs)):
            times = [timed(lambda t=t, k=kind: resolver.autocomplete(k, t)) for t in inputs]
            results[f"autocomplete {kind}"] = (pct(times, 50), pct(times, 95), max(times))
        results["index"] = (index_seconds, *resolver_memory(built.db),
                            len(resolver.members.members), len(resolver.topics.headings))
    return results


def report(builds: list[Built], runs: list[dict[str, object]]) -> str:
    lines = [
        "| size | ingest rec/s (whole build) | ingest rec/s, one part | raw insert floor, same "
        "part | ratio | DB bytes per 1,000 |",
        "|---|---|---|---|---|---|",
    ]
    for b in builds:
        whole = f"{b.ingest_rate:,.0f}" if b.ingest_rate else "(reused)"
        lines.append(
            f"| {b.size:,} | {whole} | {b.ingest_part_rate:,.0f} | {b.floor_rate:,.0f} | "
            f"{b.ingest_part_rate / b.floor_rate:.2f} | {b.bytes_per_1000:,.0f} |"
        )
    lines += ["", "Search, ms (p50 / p95 / max), ours beside the raw FTS5 query (MATCH + same "
              "filters + ORDER BY bm25 LIMIT 5):", "",
              "| size | text | raw | text+filter | raw | filter only | broadest words: ours max "
              "/ raw max |", "|---|---|---|---|---|---|---|"]
    for r in runs:
        def trio(key: str, r: dict = r) -> str:
            p50, p95, top = r[key]  # type: ignore[misc]
            return f"{ms(p50)} / {ms(p95)} / {ms(top)}"

        words, ours_max, raw_max = r["broad"]  # type: ignore[misc]
        lines.append(
            f"| {r['size']:,} | {trio('text')} | {trio('text floor')} | {trio('text+filter')} | "
            f"{trio('text+filter floor')} | {trio('filter only')} | {ms(ours_max)} / "
            f"{ms(raw_max)} ({', '.join(words)}) |"
        )
    lines += ["", "Resolution and autocomplete, ms (p50 / p95 / max), and the in-memory indexes:",
              "", "| size | member autocomplete | topic autocomplete | index build s | indexes MB "
              "| process RSS MB before / after | members | headings |",
              "|---|---|---|---|---|---|---|---|"]
    for r in runs:
        seconds, held, before, after, members, headings = r["index"]  # type: ignore[misc]
        m = r["autocomplete member"]
        t = r["autocomplete topic"]
        lines.append(
            f"| {r['size']:,} | {ms(m[0])} / {ms(m[1])} / {ms(m[2])} | {ms(t[0])} / {ms(t[1])} / "
            f"{ms(t[2])} | {seconds:.2f} | {held:.0f} | {before:.0f} / {after:.0f} | {members:,} | "
            f"{headings:,} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000",
                        help="comma-separated store sizes (e.g. 10000,100000,1000000)")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--rebuild", action="store_true", help="new corpora and stores")
    parser.add_argument("--rebuild-stores", action="store_true",
                        help="new stores from the corpora already generated")
    parser.add_argument("--write", action="store_true", help="write the tables to bench/README.md")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",")]
    builds, runs = [], []
    for size in sizes:
        print(f"building {size:,} ...", flush=True)
        built = build(size, args.rebuild, args.rebuild_stores)
        builds.append(built)
        print(f"benchmarking {size:,} ...", flush=True)
        runs.append(bench_store(built, args.queries))
    text = report(builds, runs)
    print(text)
    if args.write:
        command = f"python -m bench.search_bench --sizes {args.sizes} --queries {args.queries}"
        marker = "<!-- search-bench -->"
        body = f"{marker}\nProduced by `{command}` on {date.today()} ({os.cpu_count()} cores):\n\n"
        body += text + f"\n{marker}"
        old = README.read_text() if README.exists() else "# Benchmarks\n"
        if marker in old:
            head, _, rest = old.partition(marker)
            _, _, tail = rest.partition(marker)
            README.write_text(head + body + tail)
        else:
            README.write_text(old.rstrip() + "\n\n" + body + "\n")


if __name__ == "__main__":
    main()
