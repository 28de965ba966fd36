"""What every name index returns: ranked candidates and whether the best is sure, and the word
index they look candidates up in."""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process

KINDS = ("member", "department", "topic")
AUTOCOMPLETE_LIMIT = 25
SURE_SCORE = 88.0
SURE_MARGIN = 6.0

@dataclass(frozen=True)
class Candidate:
    """One ranked match: its id, the name to show, a score from 0 to 100, and a note that tells it
    from others."""

    id: Any  # member or body id (int); the heading itself for topics
    name: str
    score: float
    note: str = ""  # a few words that tell candidates apart: party, house, count

    def as_json(self) -> dict[str, object]:
        """The candidate as JSON: id, name and score (to one decimal)."""
        return {"id": self.id, "name": self.name, "score": round(self.score, 1)}


@dataclass(frozen=True)
class Resolution:
    """What some text resolved to: the candidates, best first, whether the first is sure, and how
    many more matched than are listed (``more``: say "and N more")."""

    kind: str
    text: str
    candidates: list[Candidate] = field(default_factory=list)
    sure: bool = False
    more: int = 0

    @property
    def best(self) -> Candidate | None:
        """The match, when the resolution is sure of it."""
        return self.candidates[0] if self.sure and self.candidates else None

    def as_json(self) -> dict[str, object]:
        """The resolution as JSON (``resolve --json``)."""
        return {
            "kind": self.kind,
            "text": self.text,
            "sure": self.sure,
            "candidates": [c.as_json() for c in self.candidates],
            "more": self.more,
        }


def is_sure(ranked: list[Candidate]) -> bool:
    """Whether the best candidate is good enough, and far enough ahead, to act on."""
    if not ranked or ranked[0].score < SURE_SCORE:
        return False
    return len(ranked) == 1 or ranked[0].score - ranked[1].score >= SURE_MARGIN


_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "es", "ed", "s", "e", "y")


def stem(word: str) -> str:
    """A light stemmer: "vaccination", "vaccines", "vaccine" -> "vaccin"."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


class WordIndex:
    """Which items hold which words, for looking at the few items that share a word (or a
    near spelling, a prefix, a stem) with a query instead of comparing it with every item."""

    def __init__(self) -> None:
        self._adding: dict[str, set[Any]] = defaultdict(set)
        self._postings: dict[str, tuple[Any, ...]] = {}
        self._by_stem: dict[str, tuple[str, ...]] = {}
        self._vocabulary: list[str] = []
        self._pools: dict[tuple[int, float], list[str]] = {}  # see _near_in_length

    def add(self, item: Any, words: Iterable[str]) -> None:
        """Record that ``item`` holds each of ``words``."""
        for word in words:
            self._adding[word].add(item)

    def freeze(self) -> None:
        """Settle the index once the last item is added: each word's items as a tuple (a
        quarter of a set's memory), words by stem, the vocabulary sorted for prefix lookups."""
        by_stem: dict[str, list[str]] = defaultdict(list)
        for word, items in self._adding.items():
            self._postings[word] = tuple(items)
            by_stem[stem(word)].append(word)
        self._adding.clear()
        self._by_stem = {key: tuple(words) for key, words in by_stem.items()}
        self._vocabulary = sorted(self._postings)
        self._pools.clear()

    def _near_in_length(self, length: int, cutoff: float) -> list[str]:
        """The words of the vocabulary whose length lets ``fuzz.ratio`` with a word of
        ``length`` reach ``cutoff`` (it is at most 200 * the shorter length / the sum of the
        two), in the vocabulary's order: the same matches from a fraction of the comparisons
        (a member prefix of 3 letters is compared with the words of 2 to 5)."""
        key = (length, cutoff)
        pool = self._pools.get(key)
        if pool is None:
            pool = self._pools[key] = [
                w for w in self._vocabulary
                if 200 * min(length, len(w)) >= (cutoff - 1e-6) * (length + len(w))
            ]
        return pool

    def items(self, word: str) -> tuple[Any, ...]:
        """The items that hold exactly ``word``."""
        return self._postings.get(word, ())

    def similar_words(self, word: str, cutoff: float = 75) -> dict[str, float]:
        """Words like ``word``, with how alike (0-100): the same stem ("vaccine",
        "vaccination"), words it starts (what autocomplete sees mid-word), near spellings."""
        found: dict[str, float] = dict.fromkeys(self._by_stem.get(stem(word), ()), 100.0)
        if word in self._postings:
            found[word] = 100.0
        if word:
            start = bisect.bisect_left(self._vocabulary, word)
            for candidate in self._vocabulary[start : start + 200]:
                if not candidate.startswith(word):
                    break
                found.setdefault(candidate, 95.0)
        for candidate, score, _ in process.extract(
            word, self._near_in_length(len(word), cutoff), scorer=fuzz.ratio, limit=12,
            score_cutoff=cutoff,
        ):
            found.setdefault(candidate, score)
        return found


