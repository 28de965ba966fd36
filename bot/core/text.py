"""Turning answer HTML into clean text, and spotting the list view's truncated texts."""

from __future__ import annotations

import re
import unicodedata
from html import unescape

# The list endpoint cuts answers at 255 characters and appends "..."; questions are cut at 255
# with no marker at all.
LIST_CUT = 255
_TAG = re.compile(r"<[a-zA-Z/][^>]*>")


_CELL_GAP = re.compile(r"</t[dh]>\s*<t[dh][^>]*>", re.IGNORECASE)
_ROW_END = re.compile(r"</tr\s*>", re.IGNORECASE)
_LIST_ITEM = re.compile(r"<li[^>]*>", re.IGNORECASE)
_LINE_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_BLOCK = re.compile(
    r"</?(?:p|div|table|tbody|thead|ul|ol|h[1-6]|blockquote)(?:\s[^>]*)?>", re.IGNORECASE
)
_ANY_TAG = re.compile(r"<[^>]*>")


def html_to_text(html: str | None) -> str:
    """Readable plain text of an answer: paragraphs split by blank lines, table cells by " | ",
    list items as bullets. Regular expressions rather than a parser: answers are simple HTML,
    and this runs for every record ingested."""
    if not html:
        return ""
    if not _TAG.search(html):
        return normalise_space(unescape(html))
    text = html
    lower = html.lower()
    # Tables, lists and line breaks are rare; a substring test is far cheaper than a regex pass.
    if "<t" in lower:
        text = _CELL_GAP.sub(" | ", text)
        text = _ROW_END.sub("\n", text)
    if "<li" in lower:
        text = _LIST_ITEM.sub("\n\n• ", text)
    if "<br" in lower:
        text = _LINE_BREAK.sub("\n", text)
    text = _BLOCK.sub("\n\n", text)
    text = _ANY_TAG.sub("", text)
    return normalise_space(unescape(text))


def normalise_space(text: str) -> str:
    """Runs of white space as one space, no spaces around line breaks, at most one blank line.

    Line by line with ``str.split`` rather than regular expressions: a regex substitution
    visits every gap between words, and took three quarters of the time of ingesting a record.
    """
    lines: list[str] = []
    for line in text.split("\n"):
        words = line.split()
        if words:
            lines.append(" ".join(words))
        elif lines and lines[-1]:
            lines.append("")  # one blank line, however many there were
    if lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def looks_like_html(text: str | None) -> bool:
    """Whether ``text`` holds something like an HTML tag."""
    return bool(text) and bool(_TAG.search(text or ""))


def is_truncated_answer(text: str | None) -> bool:
    """True for a list-view answer: tags stripped, cut at 255 characters plus "..."."""
    return (
        text is not None
        and len(text) == LIST_CUT + 3
        and text.endswith("...")
        and not (looks_like_html(text))
    )


def is_truncated_question(text: str | None) -> bool:
    """True when a question is exactly the list view's cut length (it carries no marker)."""
    return bool(text) and len(text or "") == LIST_CUT


# What ``html_to_text`` puts between paragraphs, table cells and list items, and the list view
# does not (it drops the tags and glues what they separated): left out when the two are compared.
_LAYOUT = re.compile(r"[\s|•]+")


def _bare(text: str) -> str:
    return _LAYOUT.sub("", text)


def same_text_start(full: str, cut: str) -> bool:
    """Whether ``cut`` (a list-view text) is the start of ``full`` once both are plain text,
    white space and layout aside (the list view glues paragraphs and cells together)."""
    prefix = cut[:-3] if cut.endswith("...") else cut
    a = _bare(full)
    b = _bare(prefix)
    return a.startswith(b[: max(0, len(b) - 2)])


def same_text(a: str, b: str) -> bool:
    """Whether two plain texts say the same, white space and layout aside: a list view's answer
    (tags dropped) and ours of the same HTML."""
    return _bare(a) == _bare(b)


_APOSTROPHES = re.compile(r"[’'`´]")
_NON_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Lower case, accents and punctuation gone, hyphens as spaces: "O'Hara" -> "ohara",
    "Rees-Mogg" -> "rees mogg", "Zoë" -> "zoe". The key every fuzzy comparison uses."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    stripped = _APOSTROPHES.sub("", stripped.lower())
    return _NON_WORD.sub(" ", stripped).strip()


def cut_at_word(text: str, limit: int, marker: str = "…") -> str:
    """``text`` shortened to at most ``limit`` characters at a word boundary, with ``marker``."""
    if len(text) <= limit:
        return text
    room = max(1, limit - len(marker))
    cut = text[:room]
    space = cut.rfind(" ")
    if space > room // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–—") + marker
