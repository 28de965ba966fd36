"""``/member`` and ``/department``: who they are, their numbers and recent answers."""

from __future__ import annotations

import discord
from discord.utils import escape_markdown

from bot.core.records import MemberRow, QuestionRow
from bot.core.text import cut_at_word
from bot.discord.embeds import (
    FIELD_VALUE_LIMIT,
    LICENCE_FOOTER,
    TITLE_LIMIT,
    pretty_date,
)


def member_embed(
    member: MemberRow, asked: int, answered: int, recent: list[QuestionRow]
) -> discord.Embed:
    who = [
        member.get("party"),
        member.get("member_from"),
        f"House of {member['house']}" if member.get("house") else None,
    ]
    embed = discord.Embed(
        # The name may be NULL in the table, but /member only reaches members the resolver
        # knows, and it indexes named ones only (a name, once stored, is never cleared).
        title=cut_at_word(escape_markdown(member["name"] or ""), TITLE_LIMIT),
        description=" · ".join(escape_markdown(w) for w in who if w) or None,
    )
    embed.add_field(name="Questions asked", value=f"{asked:,}")
    embed.add_field(name="Questions answered", value=f"{answered:,}")
    if recent:
        embed.add_field(name="Most recent", value=recent_list(recent), inline=False)
    if member.get("thumbnail_url"):
        embed.set_thumbnail(url=member["thumbnail_url"])
    embed.set_footer(text=LICENCE_FOOTER)
    return embed



def department_embed(
    name: str,
    total: int,
    answerers: list[tuple[str, int]],
    recent: list[QuestionRow],
    note: str = "",
) -> discord.Embed:
    embed = discord.Embed(
        title=cut_at_word(escape_markdown(name), TITLE_LIMIT),
        description=f"{total:,} questions in the store" + (f" · {note}" if note else ""),
    )
    if answerers:
        value = "\n".join(f"{escape_markdown(n)} — {c:,}" for n, c in answerers)
        embed.add_field(
            name="Who answers for it", value=cut_at_word(value, FIELD_VALUE_LIMIT), inline=False
        )
    if recent:
        embed.add_field(name="Recent answers", value=recent_list(recent), inline=False)
    embed.set_footer(text=LICENCE_FOOTER)
    return embed



def recent_list(rows: list[QuestionRow]) -> str:
    lines: list[str] = []
    for row in rows:
        heading = escape_markdown(cut_at_word(row["heading"] or "(no heading)", 90))
        when = pretty_date(row.get("date_answered") or row.get("date_tabled"))
        link = row.get("source_url") or row.get("twfy_url")
        text = f"[{heading}]({link})" if link else heading
        line = f"• {text} · {row['uin']} · {when}"
        if len("\n".join([*lines, line])) > FIELD_VALUE_LIMIT:
            break
        lines.append(line)
    return "\n".join(lines)
