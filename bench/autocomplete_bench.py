"""A member autocomplete's cost on the loop: ``Resolver.autocomplete`` over many prefixes, with
near spellings looked for among the words of a fitting length (as the bot does) and among every
word of the vocabulary (as it did).

    python -m bench.autocomplete_bench --db STORE.db [--prefixes 500] [--rounds 3]

The prefixes are those of ``bench.responsiveness --distinct-prefixes``: the first 3 to 5 letters
of the words of the stored members' names, all different.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from bench.responsiveness import distinct_prefixes
from bot.cli.common import open_store
from bot.core.names.candidates import WordIndex
from bot.core.names.matching import Resolver


def every_word(self: WordIndex, length: int, cutoff: float) -> list[str]:
    return self._vocabulary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--prefixes", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with open_store(args.db) as store:
        resolver = Resolver.from_store(store)
    typed = distinct_prefixes(args.db)[: args.prefixes]
    fitting = WordIndex._near_in_length
    ways = {"every word (before)": every_word, "words of a fitting length": fitting}
    times: dict[str, list[float]] = {name: [] for name in ways}
    for _ in range(args.rounds):
        for name, pool in ways.items():
            WordIndex._near_in_length = pool  # type: ignore[method-assign]
            started = time.perf_counter()
            for text in typed:
                resolver.autocomplete("member", text)
            times[name].append((time.perf_counter() - started) / len(typed) * 1000)
    WordIndex._near_in_length = fitting  # type: ignore[method-assign]
    print(f"{len(typed)} prefixes, {args.rounds} rounds; ms per member autocomplete\n")
    print("| near spellings among | median | rounds |\n|---|---|---|")
    for name, values in times.items():
        print(f"| {name} | {statistics.median(values):.2f} | "
              f"{', '.join(f'{v:.2f}' for v in values)} |")


if __name__ == "__main__":
    main()
