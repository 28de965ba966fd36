"""Reading back what the outbox sent (bot/core/news/outbox.py): a message's mark in its embed's
footer or its last line, and where to look for it after a restart, over REST (never the cache):
a channel's or a thread's history, a forum's posts (archived ones too), a person's DMs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import discord

from bot.core.news.outbox import Batch, carries, mark, with_mark

if TYPE_CHECKING:  # discord.py's payload types are for type checking only
    from discord.types.message import Message as MessagePayload

# How far before the recorded attempt to look: the bot's clock and Discord's may differ a little.
CLOCK_MARGIN = timedelta(minutes=2)
# A send that began at the attempt has landed by then, if at all (discord.py's retries of 429s
# included): later messages need not be read.
SEND_BOUND = timedelta(minutes=15)
# Messages read at most, however busy the channel.
HISTORY_LIMIT = 1000
# Threads (forum posts) made since the attempt whose starter message is read at most.
THREAD_LIMIT = 50
FOOTER_LIMIT = 2048
CONTENT_LIMIT = 2000


def marked(embed: discord.Embed, batch: Batch) -> discord.Embed:
    """``embed`` with the batch's mark at the end of its footer."""
    embed.set_footer(
        text=with_mark(embed.footer.text, batch, FOOTER_LIMIT), icon_url=embed.footer.icon_url
    )
    return embed


def marked_text(text: str, batch: Batch) -> str:
    """A plain message's text with the batch's mark as a small last line (``text`` must leave
    room for it: ``CONTENT_LIMIT - mark_room()``)."""
    return f"{text}\n-# {mark(batch)}"


def mark_room() -> int:
    """Characters a mark line takes from a plain message."""
    return 48


def since(batch: Batch) -> datetime:
    """From when to look for the batch's message: its recorded attempt, less a margin."""
    attempted = datetime.fromisoformat((batch.attempted_at or "").replace("Z", "+00:00"))
    return attempted.astimezone(UTC) - CLOCK_MARGIN


def _carries(message: discord.Message, batch: Batch) -> bool:
    return carries(message.content, batch) or any(
        carries(embed.footer.text, batch) for embed in message.embeds
    )


async def find_in_history(
    channel: discord.abc.Messageable, batch: Batch, me: int
) -> discord.Message | None:
    """The bot's message carrying the batch's mark in ``channel`` (a channel, a thread, a DM
    channel) since its attempt, or None."""
    start = since(batch)
    until = start + CLOCK_MARGIN * 2 + SEND_BOUND
    async for message in channel.history(after=start, limit=HISTORY_LIMIT, oldest_first=True):
        if message.created_at > until:
            break
        if message.author.id == me and _carries(message, batch):
            return message
    return None


def _payload_carries(message: MessagePayload, batch: Batch) -> bool:
    return carries(message.get("content"), batch) or any(
        carries(footer.get("text"), batch)
        for embed in message.get("embeds") or []
        if (footer := embed.get("footer")) is not None
    )


async def find_forum_post(
    client: discord.Client, guild_id: int, forum_id: int, batch: Batch
) -> int | None:
    """The id of the bot's forum post (its thread, whose starter message has the same id)
    carrying the batch's mark made since its attempt, active or archived, or None."""
    http = client.http
    me = client.user.id if client.user else 0
    start = since(batch)
    floor = discord.utils.time_snowflake(start)
    active = await http.get_active_threads(guild_id)
    threads = [t for t in active.get("threads", []) if int(t.get("parent_id") or 0) == forum_id]
    before: str | None = None
    while len(threads) < THREAD_LIMIT:
        page = await http.get_public_archived_threads(forum_id, before=before, limit=100)
        found = page.get("threads", [])
        recent = [
            t for t in found
            if datetime.fromisoformat(t["thread_metadata"]["archive_timestamp"]) >= start
        ]
        threads += recent  # most recently archived first: the rest were archived before
        if len(recent) < len(found) or not page.get("has_more") or not found:
            break
        before = found[-1]["thread_metadata"]["archive_timestamp"]
    for thread in threads[:THREAD_LIMIT]:
        if int(thread["id"]) < floor or int(thread.get("owner_id") or 0) != me:
            continue
        try:
            starter = await http.get_message(thread["id"], thread["id"])
        except discord.NotFound:
            continue  # its starter message was deleted
        if _payload_carries(starter, batch):
            return int(thread["id"])
    return None
