"""What channel subscriptions post and show: an answer's post, digests, the "nothing new"
notice, the preview before saving, and the list of a server's subscriptions."""

from __future__ import annotations

from typing import Any

import discord
from discord.utils import escape_markdown

from bot.core.news.rows import SubscriptionRow
from bot.core.news.schedules import stored_schedule
from bot.core.text import cut_at_word
from bot.discord.embeds import (
    DESCRIPTION_LIMIT,
    LICENCE_FOOTER,
    TITLE_LIMIT,
    name_of,
    pretty_date,
    with_party,
)


def post_embed(
    result: dict[str, Any], label: str, because: str, parties: dict[int, str]
) -> discord.Embed:
    """An auto-post: status label, heading, who asked → department, who answered, excerpt,
    link, and why this channel sees it."""
    from bot.core.news.kinds import LABEL_EMOJI

    heading = escape_markdown(result["heading"] or "(no heading)")
    title = cut_at_word(f"{LABEL_EMOJI.get(label, '')} {label} · {heading}".strip(), TITLE_LIMIT)
    from bot.core.news.kinds import TABLED_LABEL

    if label == TABLED_LABEL:  # a question tabled: who asked whom, when, and when it is due
        lines = [
            f"Asked by {with_party(result['asked_by'], parties)} → "
            f"{name_of(result['department'])}"
            + (f" · tabled {pretty_date(result['date_tabled'])}"
               if result.get("date_tabled") else ""),
        ]
        if result.get("due"):
            lines.append(f"Not answered yet: {result['due']}")
    else:
        lines = [
            f"{with_party(result['asked_by'], parties)} → {name_of(result['department'])}"
            + (
                f" · answered by {with_party(result['answered_by'], parties)}"
                if result.get("answered_by")
                else ""
            )
            + (f" · {pretty_date(result['date_answered'])}"
               if result.get("date_answered") else ""),
        ]
    if result.get("excerpt"):
        lines.append(f"> {result['excerpt']}")
    read = "the question" if label == TABLED_LABEL else "the full answer"
    more = f"[Read {read}]({result['url']}) · " if result.get("url") else ""
    lines.append(f"{more}followed here because: {escape_markdown(because)}")
    embed = discord.Embed(
        title=title,
        url=result.get("url") or None,
        description=cut_at_word("\n".join(lines), DESCRIPTION_LIMIT),
    )
    embed.set_footer(text=f"{result['house']} {result['uin']} · {LICENCE_FOOTER}")
    return embed



def digest_embed(
    items: list[tuple[str, dict[str, Any]]], because: str, title: str | None = None
) -> discord.Embed:
    """Several new answers for one channel at once (or a scheduled digest, with its
    ``title``): one message, grouped by department, one line and link each."""
    from bot.core.news.kinds import TABLED_LABEL

    footer = f"\n\nfollowed here because: {escape_markdown(because)}"
    # Every item must show: headings are shortened until all the lines fit.
    for heading_chars in (90, 70, 50, 35, 20):
        text = _digest_lines(items, heading_chars)
        if len(text) + len(footer) <= DESCRIPTION_LIMIT:
            break
    questions = sum(1 for label, _ in items if label == TABLED_LABEL)
    if not questions:
        count = f"{len(items)} new written answer" + ("s" if len(items) != 1 else "")
    elif questions == len(items):
        count = f"{len(items)} new written question" + ("s" if len(items) != 1 else "")
    else:
        count = f"{len(items)} new written questions and answers"
    embed = discord.Embed(
        title=cut_at_word(f"{title}: {count}" if title else count, TITLE_LIMIT),
        description=cut_at_word(text + footer, DESCRIPTION_LIMIT),
    )
    embed.set_footer(text=LICENCE_FOOTER)
    return embed



def _digest_lines(items: list[tuple[str, dict[str, Any]]], heading_chars: int) -> str:
    """A digest's lines, under a header per department (alphabetical)."""
    by_department: dict[str, list[str]] = {}
    for label, result in items:
        heading = escape_markdown(cut_at_word(result["heading"] or "(no heading)", heading_chars))
        link = f"[{heading}]({result['url']})" if result.get("url") else heading
        who = name_of(result["asked_by"])
        by_department.setdefault(name_of(result["department"]), []).append(
            f"• **{label}** · {link} · {who}"
        )
    lines: list[str] = []
    for department in sorted(by_department):
        lines += [f"__{department}__", *by_department[department]]
    return "\n".join(lines)



def preview_embed(
    words: str, where: str, when: str, count: int, latest: list[dict[str, Any]], days: int = 30
) -> discord.Embed:
    """``/subscribe``'s preview: what the subscription would have posted in the last ``days``
    days (how many, and the latest few), before Confirm saves it."""
    lines = [
        f"{escape_markdown(words)}, to {where}, {when}.",
        "",
        f"In the last {days} days it would have posted **{count}** "
        + ("item." if count == 1 else "items.")
        + (" The latest:" if latest else " Nothing matched in that time; it may still suit "
           "news to come."),
    ]
    for result in latest:
        heading = escape_markdown(cut_at_word(result["heading"] or "(no heading)", 90))
        link = f"[{heading}]({result['url']})" if result.get("url") else heading
        day = pretty_date(result.get("date_answered") or result.get("date_tabled"))
        lines.append(f"• {link} · {name_of(result['department'])} · {day}")
    lines += ["", "Confirm to save it, or Cancel."]
    embed = discord.Embed(
        title="Preview of this subscription",
        description=cut_at_word("\n".join(lines), DESCRIPTION_LIMIT),
    )
    embed.set_footer(text=LICENCE_FOOTER)
    return embed



def nothing_new_embed(title: str, because: str) -> discord.Embed:
    """A scheduled digest's period that brought nothing, for subscribers who asked to hear."""
    embed = discord.Embed(
        title=cut_at_word(f"{title}: nothing new", TITLE_LIMIT),
        description=cut_at_word(
            f"No new answers since the last digest.\n\nfollowed here because: "
            f"{escape_markdown(because)}",
            DESCRIPTION_LIMIT,
        ),
    )
    embed.set_footer(text=LICENCE_FOOTER)
    return embed



def subscriptions_embed(
    rows: list[SubscriptionRow], counts: dict[int, tuple[int, str | None]], guild_name: str
) -> discord.Embed:
    """``/subscriptions``: each of a server's subscriptions, who made it, what it posts (answers,
    or answers and new questions), the role it pings, its posts and status."""
    from bot.core.news.kinds import EVENTS_WORDS

    lines: list[str] = []
    for number, row in enumerate(rows, 1):
        posted, last = counts.get(row["id"], (0, None))
        # created_by 0: its maker deleted their data (bot/core/privacy/person.py).
        maker = f"<@{row['created_by']}>" if row["created_by"] else "(name removed)"
        line = (
            f"{number}. <#{row['channel_id']}> — {escape_markdown(row['description'])} · "
            f"by {maker} on {pretty_date(row['created_at'][:10])} · "
            f"posts {EVENTS_WORDS.get(row['events'] or 'answers', 'answers')} · "
            f"{posted} posted" + (f", last {pretty_date(last[:10])}" if last else "")
        )
        schedule = stored_schedule(row)
        if schedule.is_digest:
            line += f" · as {schedule.words()}"
        if row["thread_per_answer"]:
            line += " · a thread on each post"
        if row["mention_role_id"]:
            line += f" · pings <@&{row['mention_role_id']}>"
        if row["status"] != "active":
            line += (
                f" · ⏸ paused: {row['paused_reason']}. `/subscription resume` (or /subscribe "
                "again) resumes it."
            )
        lines.append(line)
    return discord.Embed(
        title=f"{len(rows)} subscriptions in {escape_markdown(guild_name)}",
        description=cut_at_word("\n".join(lines), DESCRIPTION_LIMIT),
    )
