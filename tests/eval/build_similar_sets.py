"""Build the similar-questions evaluation corpus and near-repeat set from real API data.

Source: mySociety's uk-parl-written-questions repository, whose ``data/raw/commons/YYYY-MM.json``
files are Written Questions API list responses (``[{"value": {...}}, ...]``) of Commons
questions. Give the files on the command line (from a checkout of that repository)::

    python tests/eval/build_similar_sets.py --commit 314d42a SRC/data/raw/commons/2023-12.json \
        SRC/data/raw/commons/2024-07.json SRC/data/raw/commons/2024-08.json \
        SRC/data/raw/commons/2024-09.json

Writes, beside this script:

- ``similar_corpus.json.gz``: every question of those files in the API's JSON shape (what
  ``python -m bot ingest`` reads), the answer cut to its first 300 characters (answers are not
  compared; the start keeps "lapsed" and the status right);
- ``similar_near_repeats.json``: the near-repeats found among them, as queries with the ids of
  every question that repeats them:
  * ``same_text``: the same asker and the same text once the addressee ("To ask the Secretary of
    State for X,") is gone and his/her/their are one word (``similar.comparable``);
  * ``alike``: texts at least 80% alike by words (rapidfuzz ``token_sort_ratio`` of the same
    comparable forms), whoever asked.

Finding the 80% pairs compares every pair of questions of similar length (minutes for 9,000).
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

from rapidfuzz import fuzz, process

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bot.core.search.similar import ALIKE, comparable

HERE = Path(__file__).resolve().parent
SOURCE_REPO = "mysociety/uk-parl-written-questions"
ANSWER_KEEP = 300
ALIKE_QUERIES = 300  # queries sampled among those with an 80%-alike partner only


def load(paths: list[Path]) -> list[dict]:
    seen: dict[int, dict] = {}
    for path in paths:
        for item in json.loads(path.read_text()):
            value = dict(item["value"])
            value["answerText"] = (value.get("answerText") or "")[:ANSWER_KEEP]
            for key in ("originalAnswerText", "comparableAnswerText"):
                value.pop(key, None)
            seen[value["id"]] = value
    return sorted(seen.values(), key=lambda v: v["id"])


def alike_pairs(texts: list[str]) -> set[tuple[int, int]]:
    """Index pairs (i < j) whose texts are at least ALIKE by token_sort_ratio. A ratio of 80
    needs the shorter at least two thirds the length of the longer: compare only those."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    pairs: set[tuple[int, int]] = set()
    block = 500
    for start in range(0, len(order), block):
        rows = order[start : start + block]
        longest = len(texts[rows[-1]])
        end = start + block
        while end < len(order) and len(texts[order[end]]) * 2 <= longest * 3:
            end += 1
        cols = order[start:end]
        scores = process.cdist([texts[i] for i in rows], [texts[j] for j in cols],
                               scorer=fuzz.token_sort_ratio, score_cutoff=ALIKE,
                               dtype="uint8", workers=-1)
        for r, i in enumerate(rows):
            for c, j in enumerate(cols):
                if i != j and scores[r][c] >= ALIKE and texts[i] and texts[j]:
                    pairs.add((min(i, j), max(i, j)))
    return pairs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--commit", required=True, help="the source repository's commit")
    args = parser.parse_args()
    questions = load(args.files)
    texts = [comparable(q["questionText"] or "") for q in questions]
    same: dict[tuple[int, str], list[int]] = defaultdict(list)
    for index, (q, text) in enumerate(zip(questions, texts, strict=True)):
        if text:
            same[(q["askingMemberId"], text)].append(index)
    relevant: dict[int, dict[int, str]] = defaultdict(dict)
    for group in same.values():
        for i in group:
            for j in group:
                if i != j:
                    relevant[i][j] = "same_text"
    for i, j in alike_pairs(texts):
        relevant[i].setdefault(j, "alike")
        relevant[j].setdefault(i, "alike")
    same_queries = sorted(i for i, r in relevant.items() if "same_text" in r.values())
    alike_only = sorted(i for i, r in relevant.items() if "same_text" not in r.values())
    random.Random(25).shuffle(alike_only)
    queries = []
    for i in same_queries + sorted(alike_only[:ALIKE_QUERIES]):
        q = questions[i]
        queries.append({
            "id": q["id"],
            "kind": "same_text" if i in same_queries else "alike",
            "relevant": {str(questions[j]["id"]): kind for j, kind in sorted(relevant[i].items())},
        })
    pairs = {(min(i, j), max(i, j)) for i, r in relevant.items() for j in r}
    with gzip.open(HERE / "similar_corpus.json.gz", "wt", encoding="utf-8") as out:
        json.dump([{"value": q} for q in questions], out, ensure_ascii=False)
    (HERE / "similar_near_repeats.json").write_text(json.dumps({
        "source": {
            "repository": SOURCE_REPO,
            "commit": args.commit,
            "files": [f"data/raw/{p.parent.name}/{p.name}" for p in args.files],
            "licence": "Open Parliament Licence v3.0 (Parliamentary information)",
        },
        "rule": {
            "same_text": "same asker, same text apart from the addressee (similar.comparable)",
            "alike": f"token_sort_ratio >= {ALIKE} of the comparable texts, any asker",
        },
        "corpus_questions": len(questions),
        "pairs": {
            "same_text": sum(1 for i, j in pairs if relevant[i][j] == "same_text"),
            "alike": sum(1 for i, j in pairs if relevant[i][j] == "alike"),
        },
        "queries": queries,
    }, indent=1, ensure_ascii=False) + "\n")
    print(f"{len(questions)} questions, {len(pairs)} near-repeat pairs, {len(queries)} queries")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
