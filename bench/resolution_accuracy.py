"""Top-1 / top-5 accuracy of name resolution on the labelled set, beside a naive baseline.

The baseline is what a first attempt would do: rapidfuzz's WRatio over the raw names (member
names, answering body names, headings), no normalisation, no aliases.

    python -m bench.resolution_accuracy --db data/answers.db
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from bot.core.names.matching import Resolver

CASES_FILE = Path(__file__).resolve().parents[1] / "tests" / "eval" / "resolution_cases.json"


def load_cases(path: Path = CASES_FILE) -> dict[str, Any]:
    return json.loads(path.read_text("utf-8"))


@dataclass
class Accuracy:
    cases: int = 0
    top1: int = 0
    top5: int = 0

    def add(self, ranked_ids: list[Any], expect: Any) -> None:
        self.cases += 1
        self.top1 += bool(ranked_ids[:1] == [expect])
        self.top5 += expect in ranked_ids[:5]

    def rate(self, hits: int) -> float:
        return hits / self.cases if self.cases else 0.0


class Baseline:
    """WRatio over raw names, default processing off."""

    def __init__(self, store: Any) -> None:
        conn = store.conn
        self.choices = {
            "member": dict(conn.execute("SELECT id, name FROM members WHERE name IS NOT NULL")),
            "department": dict(conn.execute("SELECT id, name FROM answering_bodies")),
            "topic": {
                h: h
                for (h,) in conn.execute(
                    "SELECT DISTINCT heading FROM questions WHERE heading != ''"
                )
            },
        }

    def ranked(self, kind: str, text: str) -> list[Any]:
        choices = self.choices[kind]
        found = process.extract(text, choices, scorer=fuzz.WRatio, limit=5, processor=None)
        return [key for _, _, key in found]


def evaluate(resolver: Resolver, baseline: Baseline, cases: list[dict[str, Any]]):
    """Accuracy per kind (and "all") for the resolver and for the baseline, and the misses."""
    ours: dict[str, Accuracy] = defaultdict(Accuracy)
    naive: dict[str, Accuracy] = defaultdict(Accuracy)
    misses: list[tuple[dict[str, Any], list[Any]]] = []
    for case in cases:
        kind, text, expect = case["kind"], case["text"], case["expect"]
        ranked = [c.id for c in resolver.resolve(kind, text, limit=5).candidates]
        base = baseline.ranked(kind, text)
        for key in (kind, "all"):
            ours[key].add(ranked, expect)
            naive[key].add(base, expect)
        if ranked[:1] != [expect]:
            misses.append((case, ranked))
    return ours, naive, misses


def table(ours: dict[str, Accuracy], naive: dict[str, Accuracy]) -> str:
    lines = [
        "| kind | cases | top-1 | top-5 | baseline top-1 | baseline top-5 |",
        "|---|---|---|---|---|---|",
    ]
    for kind in ("member", "department", "topic", "all"):
        a, b = ours[kind], naive[kind]
        lines.append(
            f"| {kind} | {a.cases} | {a.rate(a.top1):.1%} | {a.rate(a.top5):.1%} "
            f"| {b.rate(b.top1):.1%} | {b.rate(b.top5):.1%} |"
        )
    return "\n".join(lines)


def main() -> None:
    from bot.cli.common import open_store

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--db",
        type=Path,
        required=True,
        help="a store loaded with the sample data (python -m bot ingest ...)",
    )
    parser.add_argument("--misses", action="store_true", help="list the cases top-1 missed")
    args = parser.parse_args()
    with open_store(args.db) as store:
        ours, naive, misses = evaluate(
            Resolver.from_store(store), Baseline(store), load_cases()["cases"]
        )
    print(table(ours, naive))
    if args.misses:
        for case, ranked in misses:
            print(
                f"{case['kind']:10} {case['text']!r:40} "
                f"expected {case['expect']!r}, got {ranked[:3]}"
            )


if __name__ == "__main__":
    main()
