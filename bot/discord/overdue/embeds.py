"""``/overdue`` as embeds: a page of overdue questions. Pure functions over data, within
Discord's limits (``embeds``' constants)."""

from __future__ import annotations

import discord
from discord.utils import escape_markdown

from bot.core.reports.overdue import OVERDUE_RULES, OverdueList, OverdueQuestion
from bot.core.text import cut_at_word
from bot.discord.embeds import (
    DESCRIPTION_LIMIT,
    FIELD_VALUE_LIMIT,
    LICENCE_FOOTER,
    SELECT_LABEL_LIMIT,
    TITLE_LIMIT,
    plural,
    pretty_date,
)

NAMED_DAY_MARK = "📅 named day"
HOLDING_MARK = "⏳ holding answer"


def overdue_title(parts: list[str]) -> str:
    """ "Overdue written questions — Department for Education · asked by Ann Asker"."""
    shown = [p for p in parts if p]
    return cut_at_word(
        "Overdue written questions — " + (" · ".join(shown) if shown else "most overdue first"),
        TITLE_LIMIT,
    )


def overdue_block(item: OverdueQuestion) -> str:
    """One question: heading and UIN; due day, working days overdue and markers; who asked
    which department, and when."""
    heading = escape_markdown(cut_at_word(item.heading or "(no heading)", 120))
    title = f"**[{heading}]({item.url})**" if item.url else f"**{heading}**"
    marks = [f"due {pretty_date(item.due)}",
             f"**{plural(item.working_days_overdue, 'working day')} overdue**"]
    if item.named_day:
        marks.append(NAMED_DAY_MARK)
    if item.holding:
        marks.append(f"{HOLDING_MARK} {pretty_date(item.holding_date)}".strip())
    asker = escape_markdown((item.asked_by["name"] if item.asked_by else None) or "—")
    department = escape_markdown((item.department["name"] if item.department else None) or "—")
    return "\n".join([
        f"{title} · {item.house} {escape_markdown(item.uin)}",
        " · ".join(marks),
        f"{asker} → {department} · tabled {pretty_date(item.date_tabled)}",
    ])


def overdue_embed(listing: OverdueList, title: str, page: int, pages: int) -> discord.Embed:
    """A page of the overdue list, with how it is counted and where the page is."""
    blocks = [overdue_block(item) for item in listing.results]
    description = "\n\n".join(blocks) or "Nothing is overdue."
    embed = discord.Embed(
        title=cut_at_word(title, TITLE_LIMIT),
        description=cut_at_word(description, DESCRIPTION_LIMIT),
    )
    embed.add_field(name="How it is counted",
                    value=cut_at_word(OVERDUE_RULES, FIELD_VALUE_LIMIT), inline=False)
    count = plural(listing.total, "question")
    embed.set_footer(
        text=f"Page {page + 1} of {max(pages, 1)} · {count} overdue as of "
        f"{pretty_date(listing.as_of.isoformat())} · {LICENCE_FOOTER}"
    )
    return embed


def open_option_text(item: OverdueQuestion) -> tuple[str, str]:
    """The label and description of a question in the "Open a question…" menu."""
    label = cut_at_word(item.heading or "(no heading)", SELECT_LABEL_LIMIT)
    description = cut_at_word(
        f"{item.uin} · due {pretty_date(item.due)} · "
        f"{plural(item.working_days_overdue, 'working day')} overdue",
        SELECT_LABEL_LIMIT,
    )
    return label, description
