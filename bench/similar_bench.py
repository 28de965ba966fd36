"""Similar questions at scale: /similar by words and fused, fused /answers, embedding
throughput, the index's build time and memory, and a projection to 3,000,000 questions.

    python -m bench.similar_bench --db COPY.db [--model NAME_OR_FOLDER] [--runs 200]

Works on a copy of a store (it writes vectors and an index beside it). Without ``--model`` it
makes a model of potion-base-8M's shape (a 29,528-word vocabulary from the store's own words,
256 dimensions, random values): speed does not depend on the values, quality does (see
tests/eval/README.md for quality).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from bench.search_bench import query_mix
from bot.core.names.matching import Resolver
from bot.core.search.fulltext import Searcher
from bot.core.search.meaning import Meaning
from bot.core.search.similar import find_similar
from bot.core.store.database import Store


def speed_model(store: Store, folder: Path, vocab_size: int = 29_528, ndim: int = 256) -> Path:
    """A model2vec folder of potion-base-8M's shape: the store's commonest words, random
    vectors."""
    import json

    from safetensors.numpy import save_file
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers

    store.conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.bench_words "
                       "USING fts5vocab(main, questions_fts, row)")
    words = [r[0] for r in store.conn.execute(
        "SELECT term FROM temp.bench_words ORDER BY doc DESC LIMIT ?", (vocab_size - 2,))]
    vocab = {"[PAD]": 0, "[UNK]": 1, **{w: i + 2 for i, w in enumerate(words)}}
    tokenizer = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.Lowercase()
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    folder.mkdir(parents=True, exist_ok=True)
    vectors = np.random.default_rng(1).normal(size=(len(vocab), ndim)).astype(np.float32)
    save_file({"embeddings": vectors}, str(folder / "model.safetensors"))
    tokenizer.save(str(folder / "tokenizer.json"))
    (folder / "config.json").write_text(json.dumps({"normalize": True}))
    return folder


def percentiles(times: list[tuple[float, float]]) -> str:
    """Wall-clock p50 / p95 / max, then the CPU time the call itself used (p50 / p95): on a
    shared machine the first is what a person waits, the second what the work costs."""

    def three(values: list[float]) -> tuple[float, float, float]:
        ms = sorted(v * 1000 for v in values)
        return statistics.median(ms), ms[min(len(ms) - 1, int(len(ms) * 0.95))], ms[-1]

    wall, cpu = three([t[0] for t in times]), three([t[1] for t in times])
    return (f"{wall[0]:.1f} / {wall[1]:.1f} / {wall[2]:.1f} (CPU {cpu[0]:.1f} / "
            f"{cpu[1]:.1f})")


def timed(function: Callable[[], object]) -> tuple[float, float]:
    started, cpu = time.perf_counter(), time.thread_time()
    function()
    return time.perf_counter() - started, time.thread_time() - cpu


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.similar_bench")
    parser.add_argument("--db", type=Path, required=True, help="a COPY of a store")
    parser.add_argument("--model", help="a model2vec model (default: one of potion's shape)")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--reuse-index", action="store_true",
                        help="load the index saved by an earlier run instead of building it")
    args = parser.parse_args(argv)
    out: list[str] = []

    def say(line: str) -> None:
        out.append(line)
        print(line, file=sys.stderr)

    with Store(args.db) as store:
        count = store.count_questions()
        say(f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
            f" on {os.cpu_count()} cores")
        say(f"store: {count:,} questions ({args.db.stat().st_size / 1e9:.2f} GB)")
        rng = random.Random(25)
        high = store.conn.execute("SELECT max(rowid) FROM questions").fetchone()[0]
        ids: list[int] = []
        while len(ids) < args.runs:
            row = store.conn.execute("SELECT id FROM questions WHERE id >= ? LIMIT 1",
                                     (rng.randint(1, high),)).fetchone()
            if row:
                ids.append(row[0])
        drafts = [store.question(i)["question_text"][:300] for i in ids[: args.runs // 4]]

        find_similar(store, str(ids[0]))  # temp tables, caches
        lexical = [timed(lambda i=i: find_similar(store, str(i))) for i in ids]
        say(f"/similar by words, ms p50 / p95 / max: {percentiles(lexical)} "
            f"({len(ids)} questions by id)")
        draft_times = [timed(lambda t=t: find_similar(store, t)) for t in drafts]
        say(f"/similar of a draft by words: {percentiles(draft_times)} ({len(drafts)} drafts)")

        with tempfile.TemporaryDirectory() as folder:
            name = args.model or str(speed_model(store, Path(folder) / "potion-shape"))
            started = time.perf_counter()
            meaning = Meaning.load(name)
            say(f"model {args.model or 'of potion-base-8M shape (random)'}: {meaning.ndim} "
                f"dims, loaded in {time.perf_counter() - started:.2f} s")
            meaning.check_model(store)
            before = store.conn.execute("SELECT count(*) FROM question_vectors").fetchone()[0]
            started = time.perf_counter()
            cpu = time.process_time()
            done = meaning.embed_missing(store)
            seconds = time.perf_counter() - started
            embed_cpu = time.process_time() - cpu
            if done:
                say(f"embedding: {done:,} questions in {seconds:.1f} s ({embed_cpu:.1f} CPU s) = "
                    f"{done / seconds:,.0f} a second (embed, int8, committed in batches of 2,000)")
            else:
                say(f"embedding: all {before:,} were embedded already")
            index_file = Path(f"{args.db}.vectors.usearch")
            if not args.reuse_index:
                index_file.unlink(missing_ok=True)
                Path(f"{index_file}.json").unlink(missing_ok=True)
            rss = rss_mb()
            started, cpu = time.perf_counter(), time.process_time()
            meaning.open_index(store)
            build = time.perf_counter() - started
            build_cpu = time.process_time() - cpu
            memory = meaning.index.memory_usage / 1e6
            say(f"index: {len(meaning.index):,} vectors built and saved in {build:.1f} s "
                f"({build_cpu:.1f} CPU s); "
                f"{memory:,.0f} MB in memory (usearch), file {index_file.stat().st_size / 1e6:,.0f}"
                f" MB; process peak RSS {rss:,.0f} -> {rss_mb():,.0f} MB")
            started = time.perf_counter()
            Meaning.load(name).open_index(store)
            say(f"index loaded from its file in {time.perf_counter() - started:.2f} s")
            vectors_mb = count * meaning.ndim / 1e6
            say(f"vectors table: {vectors_mb:,.0f} MB of int8 for {count:,} questions")

            neighbours = meaning.neighbours_function(store)
            fused = [timed(lambda i=i: find_similar(store, str(i), neighbours=neighbours))
                     for i in ids]
            say(f"/similar fused, ms p50 / p95 / max: {percentiles(fused)}")
            fused_drafts = [timed(lambda t=t: find_similar(store, t, neighbours=neighbours))
                            for t in drafts]
            say(f"/similar of a draft fused: {percentiles(fused_drafts)}")

            resolver = Resolver.from_store(store)
            queries = [q for q in query_mix(args.runs) if q.text]
            plain = Searcher(store, resolver)
            fusing = Searcher(store, resolver, meaning.search_fusion)
            lexical_answers = [timed(lambda q=q: plain.search(q)) for q in queries]
            fused_answers = [timed(lambda q=q: fusing.search(q)) for q in queries]
            say(f"/answers by words, ms p50 / p95 / max: {percentiles(lexical_answers)} "
                f"({len(queries)} queries of the search bench's mix)")
            say(f"/answers fused: {percentiles(fused_answers)}")
            scale = 3_000_000 / count
            say(f"projection to 3,000,000: vectors {vectors_mb * scale:,.0f} MB, index about "
                f"{memory * scale:,.0f} MB in memory, build about {build * scale * 1.15:,.0f} s "
                "(HNSW: a little over linear), embedding "
                f"{3_000_000 / (done / seconds) if done else float('nan'):,.0f} s")
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
