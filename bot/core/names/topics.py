"""Topics by words: question headings, matched by stems and near spellings."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any

from rapidfuzz import fuzz

from bot.core.names.candidates import (
    Candidate,
    Resolution,
    WordIndex,
    is_sure,
)
from bot.core.text import fold

MAX_TOPIC_CANDIDATES = 400

class TopicIndex:
    """Headings, found by their words (see ``WordIndex``)."""

    def __init__(self, headings: Iterable[tuple[Any, ...]]) -> None:
        """``headings``: (heading, how many questions[, id of its newest question])."""
        self.headings: list[str] = []
        self.counts: list[int] = []
        self.latest: dict[str, Any] = {}
        self._exact: dict[str, int] = {}
        self._index = WordIndex()
        # Each heading's distinct words, as one tuple of interned strings: 35,000 headings
        # share a few thousand words (15 MB as a frozenset of fresh strings each).
        self._words: list[tuple[str, ...]] = []
        # Each heading kept once (its first spelling), most used first, so that an index's
        # order is its popularity (see _score). Remembered as positions, not as new tuples:
        # 35,000 containers kept alive set off full garbage collections (60-100 ms holding the
        # interpreter, the event loop waiting) while the indexes are built.
        rows = list(headings)
        first: dict[str, int] = {}
        for position, row in enumerate(rows):
            folded = fold(row[0].strip())
            if row[0].strip() and folded not in first:
                first[folded] = position
        for folded in sorted(first, key=lambda f: -rows[first[f]][1]):
            heading, count, *latest = rows[first[folded]]
            heading = heading.strip()
            if latest:
                self.latest[heading] = latest[0]
            index = len(self.headings)
            self._exact[folded] = index
            self.headings.append(heading)
            self.counts.append(count)
            words = tuple(dict.fromkeys(sys.intern(w) for w in folded.split()))
            self._words.append(words)
            self._index.add(index, words)
        self._index.freeze()

    def _score(self, words: list[str]) -> dict[int, float]:
        similar = [self._index.similar_words(w) for w in words]
        candidates: set[int] = set()
        for found in similar:
            for word in found:
                candidates.update(self._index.items(word))
        if len(candidates) > MAX_TOPIC_CANDIDATES:
            # A word or two letters found in thousands of headings: score the most used.
            candidates = set(sorted(candidates)[:MAX_TOPIC_CANDIDATES])  # the most used
        asked = set().union(*similar)
        # How alike each query word is to each heading word, remembered for this query:
        # the candidates share most of their words.
        alike = [dict(found) for found in similar]
        scores: dict[int, float] = {}
        for index in candidates:
            heading_words = self._words[index]
            best = [
                max((memo.get(h) or memo.setdefault(h, fuzz.ratio(w, h)) for h in heading_words),
                    default=0.0)
                for w, memo in zip(words, alike, strict=True)
            ]
            coverage = sum(best) / len(best)
            # Words of the heading the query did not ask for rank it lower; popularity breaks
            # ties among equally good headings.
            unmatched = sum(1 for h in heading_words if h not in asked)
            score = coverage - 1.5 * unmatched + min(2.0, self.counts[index] / 1000)
            if score >= 50:
                scores[index] = min(99.0, score)
        return scores

    def resolve(self, text: str, limit: int = 5) -> Resolution:
        """Rank the headings that hold the words of ``text`` (or their stems, starts or near
        spellings), best first."""
        words = list(dict.fromkeys(fold(text).split()))[:12]
        if not words:
            return Resolution("topic", text)
        scores = self._score(words)
        if len(words) > 1:  # "bed bugs" for "Bedbugs"
            for index, score in self._score(["".join(words)]).items():
                scores[index] = max(score, scores.get(index, 0.0))
        if (exact := self._exact.get(fold(text))) is not None:
            scores[exact] = 100.0
        # Candidates made for the few shown (and the second, which says whether the first is
        # sure), not for every heading scored.
        order = sorted(scores, key=lambda i: (-scores[i], self.headings[i]))
        ranked = [
            Candidate(self.headings[i], self.headings[i], scores[i],
                      f"{self.counts[i]:,} question" + ("" if self.counts[i] == 1 else "s"))
            for i in order[: max(limit, 2)]
        ]
        return Resolution(
            "topic", text, ranked[:limit], is_sure(ranked), max(0, len(order) - limit)
        )


