"""Excerpts of answers around the words searched for, marked for bold in Discord markdown."""

from __future__ import annotations

import re

from bot.core.names.matching import stem
from bot.core.records import QuestionRow
from bot.core.text import cut_at_word, fold

EXCERPT_LIMIT = 300


_MD_SPECIAL = re.compile(r"([\\*_~`|>])")


def escape_markdown(text: str) -> str:
    """``text`` with Discord markdown's special characters escaped by a backslash."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def make_excerpt(row: QuestionRow, terms: list[str], limit: int = EXCERPT_LIMIT) -> str:
    """About ``limit`` characters of the answer (or the question, when there is no answer yet)
    around the first matched word, cut at word boundaries with "…", matched words in **bold**."""
    text = " ".join((row.get("answer_text") or row.get("question_text") or "").split())
    if not text:
        return ""
    stems = {stem(fold(t)) for t in terms if fold(t)}
    # Without search words there is nothing to mark: the words are not read at all.
    words = list(re.finditer(r"[^\W_]+(?:['’][^\W_]+)*", text)) if stems else []

    def matches(word: str) -> bool:
        folded = fold(word)
        return bool(folded) and any(
            stem(folded) == s or folded.startswith(s) for s in stems if len(s) >= 2
        )

    hits = [m for m in words if matches(m.group())] if stems else []
    start = 0
    if hits:
        # Start a little before the first hit, at a word boundary, so it reads in context.
        first = hits[0]
        if first.end() > limit - 20 and len(text) > limit:
            start = text.rfind(" ", 0, max(1, first.start() - limit // 4)) + 1
    window = text[start:]
    prefix = "…" if start > 0 else ""
    cut = cut_at_word(window, limit - len(prefix))
    end = start + len(cut.rstrip("…"))
    pieces: list[str] = []
    cursor = start
    for hit in hits:
        if hit.start() < start or hit.end() > end:
            continue
        pieces.append(escape_markdown(text[cursor : hit.start()]))
        pieces.append("**" + escape_markdown(hit.group()) + "**")
        cursor = hit.end()
    pieces.append(escape_markdown(text[cursor:end]))
    suffix = "…" if end < len(text) else ""
    return prefix + "".join(pieces).strip() + suffix
