"""Ranking a text search's window of matches when bm25 would cost too much.

FTS5's bm25 starts each query by counting, for every phrase of the expression (the words, and
the filter words of the ``tags`` column), how many documents hold it: it reads each phrase's
whole doclist, whatever the LIMIT. For a word in half the questions that is most of the cost of
a search, and it grows with the store (three common words: 120 ms at a million questions). So
before ranking, the phrases are counted here within a budget (``rarity``, which stops at it):
within it, bm25 ranks as before; over it, the window of newest matches is ranked by
``in_heading``, which reads the doclists only across the window's id range: the matches with a
searched word in their heading first, newest first within each part.
bm25's heading weight makes that its main signal too; what is lost is each word's rarity and its
count in the question and answer, which move results less within a window where every match
holds every word.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence

# Documents the phrase counts may read, summed over the phrases: about 10 ms at three million
# questions. Under it, bm25 ranks every match exactly.
RANK_BUDGET = 50_000
_QUOTED = re.compile(r'"[^"]*"\*?')
_COUNTS: dict[str, int] = {}  # documents of each phrase counted, up to RANK_BUDGET + 1
_COUNTS_CAP = 100_000


def phrases(expression: str) -> list[str]:
    """The quoted phrases of an FTS5 expression that ``fulltext`` wrote, each once, in order."""
    return list(dict.fromkeys(_QUOTED.findall(expression)))


def count_matches(conn: sqlite3.Connection, expression: str, cap: int) -> int:
    """The questions matching an FTS5 ``expression``, counted up to ``cap``: only the
    doclists are read, and at most ``cap`` of their entries."""
    found: int = conn.execute(
        "SELECT count(*) FROM (SELECT 1 FROM questions_fts WHERE questions_fts MATCH ? "
        "LIMIT ?)", (expression, cap)).fetchone()[0]
    return found


def remember(counts: dict[str, int], key: str, count: int, size: int = _COUNTS_CAP) -> None:
    """Keep a count in a cache of counts (``_COUNTS``, ``similar``'s), emptied first once it
    holds ``size``: a bounded memory in a bot that runs for months."""
    if len(counts) > size:
        counts.clear()
    counts[key] = count


def within_budget(conn: sqlite3.Connection, expression: str) -> bool:
    """Whether bm25's first step, counting the documents of each phrase of ``expression``,
    reads at most ``RANK_BUDGET`` entries; counted here up to that, and remembered: a count a
    little out of date decides the same."""
    left = RANK_BUDGET
    for phrase in phrases(expression):
        count = _COUNTS.get(phrase)
        if count is None:
            count = count_matches(conn, phrase, left + 1)
            if count <= left or count > RANK_BUDGET:  # exact, or over on its own
                remember(_COUNTS, phrase, count)
        left -= count
        if left < 0:
            return False
    return True


def in_heading(
    conn: sqlite3.Connection, expression: str, positive: Sequence[str], window: Sequence[int]
) -> set[int]:
    """The ids of ``window`` (matches of ``expression``) with a searched phrase of ``positive``
    in their heading. One query across the window's id range, its matches driving (each
    heading phrase is skipped to them), so a common word's doclist is read only where the
    window is."""
    if not window:
        return set()
    heading = f"({{heading}} : ({' OR '.join(positive)})) AND ({expression})"
    found = conn.execute(
        "SELECT rowid FROM questions_fts WHERE questions_fts MATCH ? AND rowid BETWEEN ? AND ?",
        (heading, min(window), max(window)))
    return {rowid for (rowid,) in found} & set(window)
