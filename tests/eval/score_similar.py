"""Score similar questions on the kept evaluation sets: recall@5, recall@10 and MRR.

    python tests/eval/score_similar.py [--model PATH_OR_NAME] [--json]

Builds a store from ``similar_corpus.json.gz`` (8,885 real Commons questions, see
``build_similar_sets.py``) in a temporary folder, then asks ``find_similar`` for:

- ``similar_near_repeats.json``: each query question by id; its relevant set is every question
  that repeats it. recall@k = |top k ∩ relevant| / min(k, |relevant|) (a group of ten repeats
  can fill only five places), averaged over queries; MRR = 1 / rank of the first relevant.
- ``similar_paraphrases.json``: each hand-written rewording as a draft's text; the one relevant
  question is the real one it rewords; also scored in two halves, ``dev`` (even ids) and
  ``test`` (odd ids), so that a choice made on one half can be checked on the other.

Rankings: ``lexical`` (bm25 alone, what the bot does without a model), and with ``--model``
(a model2vec model: a folder or a name in the local Hugging Face cache) ``semantic`` (nearest
by embedding alone) and ``fused`` (reciprocal rank fusion of the two, what the bot does with
``EMBEDDING_MODEL`` set).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bot.core.search.similar import Neighbours, find_similar
from bot.core.sources.ingest import ingest_paths
from bot.core.store.database import Store

HERE = Path(__file__).resolve().parent
DEPTH = 10
# The paraphrases in two halves by id, fixed before any tuning: a choice (the fusion's weights)
# may be made on "dev"; "test" is then scored, not looked into.
SPLIT = {"dev": 0, "test": 1}


def build_store(folder: Path) -> Store:
    corpus = folder / "corpus.json"
    with gzip.open(HERE / "similar_corpus.json.gz", "rt", encoding="utf-8") as source:
        corpus.write_text(source.read())
    store = Store(folder / "similar-eval.db")
    report = ingest_paths(store, [corpus])
    assert not report.failed, report
    return store


def metrics(ranked: Sequence[int], relevant: set[int]) -> dict[str, float]:
    out = {}
    for k in (5, 10):
        out[f"recall@{k}"] = len(set(ranked[:k]) & relevant) / min(k, len(relevant))
    rank = next((i for i, qid in enumerate(ranked, start=1) if qid in relevant), None)
    out["mrr"] = 1.0 / rank if rank else 0.0
    return out


def average(rows: list[dict[str, float]]) -> dict[str, float]:
    return {key: round(sum(r[key] for r in rows) / len(rows), 3) for key in rows[0]} if rows \
        else {}


Ranker = Callable[[str], list[int]]


def rankers(store: Store, model: str | None) -> dict[str, Ranker]:
    def lexical(query: str) -> list[int]:
        return [r.row["id"] for r in find_similar(store, query, DEPTH).results]

    out: dict[str, Ranker] = {"lexical": lexical}
    if model:
        from bot.core.search.meaning import Meaning

        meaning = Meaning.load(model)
        started = time.perf_counter()
        count = meaning.embed_missing(store)
        meaning.open_index(store)
        print(f"embedded and indexed {count:,} questions in "
              f"{time.perf_counter() - started:.1f} s", file=sys.stderr)
        neighbours: Neighbours = meaning.neighbours_function(store)

        def semantic(query: str) -> list[int]:
            row = store.question(query) if query.isdigit() else None
            text = row["question_text"] if row else query
            exclude = row["id"] if row else None
            return [q for q in neighbours(exclude, text) if q != exclude][:DEPTH]

        def fused(query: str) -> list[int]:
            return [r.row["id"] for r in find_similar(store, query, DEPTH,
                                                      neighbours=neighbours).results]

        out["semantic"] = semantic
        out["fused"] = fused
    return out


def score(store: Store, model: str | None) -> dict:
    near = json.loads((HERE / "similar_near_repeats.json").read_text())
    para = json.loads((HERE / "similar_paraphrases.json").read_text())
    results: dict = {"near_repeats": {}, "paraphrases": {}, "misses": {}}
    for name, rank in rankers(store, model).items():
        rows, misses = [], []
        for query in near["queries"]:
            relevant = {int(i) for i in query["relevant"]}
            got = metrics(rank(str(query["id"])), relevant)
            rows.append(got)
        results["near_repeats"][name] = {**average(rows), "queries": len(rows)}
        for kind in ("same_text", "alike"):
            subset = [r for r, q in zip(rows, near["queries"], strict=True) if q["kind"] == kind]
            results["near_repeats"][f"{name} ({kind})"] = {**average(subset),
                                                           "queries": len(subset)}
        rows = []
        for pair in para["pairs"]:
            got = metrics(rank(pair["rewording"]), {pair["id"]})
            rows.append(got)
            if got["recall@10"] == 0:
                misses.append(pair["id"])
        results["paraphrases"][name] = {**average(rows), "queries": len(rows)}
        for half, parity in SPLIT.items():
            subset = [r for r, p in zip(rows, para["pairs"], strict=True) if p["id"] % 2 == parity]
            results["paraphrases"][f"{name} ({half})"] = {**average(subset),
                                                          "queries": len(subset)}
        results["misses"][name] = misses
    return results


def table(results: dict) -> str:
    lines = ["| set | ranking | queries | recall@5 | recall@10 | MRR |",
             "|---|---|---|---|---|---|"]
    for part in ("near_repeats", "paraphrases"):
        for name, m in results[part].items():
            lines.append(f"| {part.replace('_', '-')} | {name} | {m['queries']} | "
                         f"{m['recall@5']:.3f} | {m['recall@10']:.3f} | {m['mrr']:.3f} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description="Score similar questions on the kept sets.")
    parser.add_argument("--model", help="a model2vec model (folder or name): adds semantic, fused")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = build_store(Path(folder))
        try:
            results = score(store, args.model)
        finally:
            store.close()
    print(json.dumps(results, indent=1) if args.json else table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
