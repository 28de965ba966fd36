"""Posting batches of news to channels: used by the running bot and by `poll --once`."""

from __future__ import annotations

import contextlib
from typing import Any

import discord

from bot.delivery import Batch, ChannelUnavailable
from bot.render import result_json
from bot.render_discord import digest_embed, post_embed
from bot.stats import party_abbreviations
from bot.store import Store
from bot.subscriptions import SubscriptionBook
from bot.votes import VoteLedger
from cogs.ui import vote_buttons


class Poster:
    """Sends a batch as one message (an answer with vote buttons, or a digest)."""

    def __init__(
        self, client: discord.Client, store: Store, book: SubscriptionBook, votes: VoteLedger
    ) -> None:
        self.client = client
        self.store = store
        self.book = book
        self.votes = votes

    async def send(self, batch: Batch) -> int:
        channel: Any = self.client.get_channel(batch.channel_id)
        try:
            if channel is None:
                channel = await self.client.fetch_channel(batch.channel_id)
            embed, view = self.render(batch)
            # The nonce makes Discord return the first message if this batch was sent before a
            # crash stopped us recording it.
            message = await channel.send(embed=embed, view=view, nonce=batch.nonce)
        except discord.NotFound:
            raise ChannelUnavailable("the channel was deleted") from None
        except discord.Forbidden:
            name = f"#{channel.name}" if getattr(channel, "name", None) else "the channel"
            raise ChannelUnavailable(
                f"the bot can no longer post in {name} (missing permission)"
            ) from None
        return message.id

    async def after_sent(self, batch: Batch, message_id: int) -> None:
        """A single-answer post takes reaction votes: remember it and add 👍 and 👎."""
        if batch.is_digest:
            return
        channel = self.client.get_channel(batch.channel_id)
        guild_id = getattr(getattr(channel, "guild", None), "id", None)
        self.votes.remember_message(
            message_id, batch.channel_id, guild_id, batch.deliveries[0]["question_id"]
        )
        message = self.client.get_partial_messageable(batch.channel_id).get_partial_message(
            message_id
        )
        for emoji in ("👍", "👎"):
            with contextlib.suppress(discord.HTTPException):
                await message.add_reaction(emoji)

    def render(self, batch: Batch) -> tuple[discord.Embed, discord.ui.View | None]:
        becauses: list[str] = []
        items = []
        for delivery in batch.deliveries:
            sub = self.book.get(delivery["subscription_id"])
            because = sub["description"] if sub else "a subscription since removed"
            if because not in becauses:
                becauses.append(because)
            row = self.store.question(delivery["question_id"])
            if row is not None:
                items.append((delivery["kind"], result_json(self.store, row)))
        if len(items) == 1:
            label, result = items[0]
            ids = [r["id"] for r in (result["asked_by"], result["answered_by"]) if r]
            embed = post_embed(
                result, label, "; ".join(becauses), party_abbreviations(self.store, ids)
            )
            view = discord.ui.View(timeout=None)
            yes, no = self.votes.counts(result["id"])
            for item in vote_buttons(result["id"], yes, no):
                view.add_item(item)
            return embed, view
        return digest_embed(items, "; ".join(becauses)), None
