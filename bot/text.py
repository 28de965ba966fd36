"""Turning answer HTML into clean text, and spotting the list view's truncated texts."""

from __future__ import annotations

import re
import unicodedata
from html import unescape
from html.parser import HTMLParser

# The list endpoint cuts answers at 255 characters and appends "..."; questions are cut at 255
# with no marker at all.
LIST_CUT = 255
_BLOCK_TAGS = {
    "p",
    "div",
    "br",
    "tr",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "ul",
    "ol",
}
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n\s*")
_TAG = re.compile(r"<[a-zA-Z/][^>]*>")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._cells_in_row = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("td", "th"):
            if self._cells_in_row:
                self.parts.append(" | ")
            self._cells_in_row += 1
        elif tag == "li":
            self.parts.append("\n\n• ")
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n" if tag != "br" else "\n")
        if tag == "tr":
            self._cells_in_row = 0

    def handle_endtag(self, tag: str) -> None:
        if tag in ("p", "div", "table", "ul", "ol") or (tag.startswith("h") and len(tag) == 2):
            self.parts.append("\n\n")
        elif tag == "tr":
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(html: str | None) -> str:
    """Readable plain text of an answer: paragraphs split by blank lines, table cells by " | "."""
    if not html:
        return ""
    if not _TAG.search(html):
        return normalise_space(unescape(html))
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    return normalise_space("".join(extractor.parts))


def normalise_space(text: str) -> str:
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    joined = "\n".join(lines)
    return _BLANK_LINES.sub("\n\n", joined).strip()


def looks_like_html(text: str | None) -> bool:
    return bool(text) and bool(_TAG.search(text or ""))


def is_truncated_answer(text: str | None) -> bool:
    """True for a list-view answer: tags stripped, cut at 255 characters plus "..."."""
    return (
        bool(text)
        and len(text or "") == LIST_CUT + 3
        and text.endswith("...")
        and not (looks_like_html(text))
    )


def is_truncated_question(text: str | None) -> bool:
    """True when a question is exactly the list view's cut length (it carries no marker)."""
    return bool(text) and len(text or "") == LIST_CUT


def same_text_start(full: str, cut: str) -> bool:
    """Whether ``cut`` (a list-view text) is the start of ``full`` once both are plain text."""
    prefix = cut[:-3] if cut.endswith("...") else cut
    a = " ".join(full.split())
    b = " ".join(prefix.split())
    return a.startswith(b[: max(0, len(b) - 2)])


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
