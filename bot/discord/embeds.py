"""What every embed shares: Discord's limits, the licence footer, dates, names with parties,
status words and vote labels."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import discord
from discord.ui.view import BaseView
from discord.utils import escape_markdown

from bot.core.records import optional_id, optional_text, text_of
from bot.core.votes import NO_EMOJI, YES_EMOJI

LICENCE_FOOTER = "Parliamentary information licensed under the Open Parliament Licence v3.0"
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000
LABEL_LIMIT = 80
SELECT_LABEL_LIMIT = 100
VOTE_HINT = f"Vote with the buttons below; {YES_EMOJI} / {NO_EMOJI} reactions count too."
PAGE_CHARS = 3500  # room for the heading lines and the page marker within 4096
STATUS_LABELS = {
    "answered": "answered",
    "holding": "holding answer",
    "corrected": "corrected",
    "unanswered": "not yet answered",
    "lapsed": "lapsed",
}


def pretty_date(value: str | None) -> str:
    """'2021-02-01' -> '1 Feb 2021'."""
    if not value:
        return ""
    day = date.fromisoformat(value)
    return f"{day.day} {day:%b %Y}"


def vote_labels(yes: int, no: int) -> tuple[str, str]:
    """The seed page's wording: "Yes — 3 people think so", "No — 1 person thinks not"."""

    def people(n: int, verb: str) -> str:
        return f"{n} person {verb}s" if n == 1 else f"{n} people {verb}"

    return f"Yes — {people(yes, 'think')} so", f"No — {people(no, 'think')} not"


def name_of(ref: Mapping[str, object] | None, fallback: str = "—") -> str:
    """A member's or body's name (``{"id", "name"}`` JSON) for markdown, or ``fallback``."""
    name = text_of(ref, "name") if ref else ""
    return escape_markdown(name) if name else fallback


def with_party(ref: Mapping[str, object] | None, parties: dict[int, str]) -> str:
    name = name_of(ref)
    member_id = optional_id(ref, "id") if ref else None
    party = parties.get(member_id) if member_id is not None else None
    return f"{name} ({party})" if party else name


def status_line(result: Mapping[str, object]) -> str:
    status = text_of(result, "status")
    when = pretty_date(optional_text(result, "date_answered"))
    if status == "unanswered":
        tabled = pretty_date(optional_text(result, "date_tabled"))
        return f"not yet answered (tabled {tabled})" if tabled else "not yet answered"
    return f"{STATUS_LABELS[status]} {when}".strip()


def plural(n: int, word: str) -> str:
    """ "1 working day", "3 working days"."""
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def split_pages(text: str, limit: int = PAGE_CHARS) -> list[str]:
    """Long text in pages of at most ``limit`` characters, split between paragraphs where it
    can, else between words; nothing is dropped."""
    pages: list[str] = []
    current = ""
    for paragraph in text.split("\n\n"):
        while len(paragraph) > limit:  # a paragraph longer than a page: split at a word
            cut = paragraph.rfind(" ", 0, limit)
            cut = cut if cut > limit // 2 else limit
            piece, paragraph = paragraph[:cut], paragraph[cut:].lstrip()
            if current:
                pages.append(current)
                current = ""
            pages.append(piece)
        candidate = f"{current}\n\n{paragraph}" if current else paragraph
        if len(candidate) > limit:
            pages.append(current)
            current = paragraph
        else:
            current = candidate
    if current or not pages:
        pages.append(current)
    return pages


def item_label(item: discord.ui.Item[BaseView]) -> str | None:
    """The label of a button rebuilt from its custom_id."""
    return getattr(item, "label", None)
