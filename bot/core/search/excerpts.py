"""Excerpts of answers around the words searched for, marked for bold in Discord markdown."""

from __future__ import annotations

import re

from bot.core.names.candidates import stem
from bot.core.records import QuestionRow
from bot.core.text import cut_at_word, fold

EXCERPT_LIMIT = 300


_MD_SPECIAL = re.compile(r"([\\*_~`|>])")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


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
    known: dict[str, bool] = {}

    def matches(word: str) -> bool:
        if word not in known:
            folded = fold(word)
            known[word] = bool(folded) and any(
                stem(folded) == s or folded.startswith(s) for s in stems if len(s) >= 2
            )
        return known[word]

    # The words are read up to the end of the excerpt only (all of them when none matches):
    # an export marks tens of thousands of answers. Without search words, none is read.
    hits: list[re.Match[str]] = []
    start, end = 0, -1
    for word in _WORD.finditer(text) if stems else ():
        if hits and word.start() >= end:
            break
        if matches(word.group()):
            hits.append(word)
            if len(hits) == 1:
                start, end = _window(text, word, limit)
    if not hits:
        start, end = _window(text, None, limit)
    prefix = "…" if start > 0 else ""
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


def _window(text: str, first: re.Match[str] | None, limit: int) -> tuple[int, int]:
    """Where an excerpt of ``text`` starts and ends: from the start, or a little before the
    first hit (at a word boundary, so that it reads in context) when that would not show."""
    start = 0
    if first is not None and first.end() > limit - 20 and len(text) > limit:
        start = text.rfind(" ", 0, max(1, first.start() - limit // 4)) + 1
    prefix = "…" if start > 0 else ""
    cut = cut_at_word(text[start:], limit - len(prefix))
    return start, start + len(cut.rstrip("…"))
