"""Posting batches of news to channels: used by the running bot and by `poll --once`."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from functools import partial
from typing import Any

import discord

from bot.accountability import london_today
from bot.delivery import Batch, ChannelUnavailable, send_batches
from bot.discord.embeds import ask_for_votes, digest_embed, due_words, post_embed
from bot.discord.views import AlertButton, vote_buttons
from bot.overdue import question_due
from bot.render import result_json
from bot.services import Services
from bot.stats import party_abbreviations
from bot.subscriptions import TABLED_LABEL


@dataclass(frozen=True)
class BatchContent:
    """What a batch's message shows, read from the store."""

    items: list[tuple[str, dict[str, Any]]]  # (label, result_json)
    because: str
    parties: dict[int, str]
    yes: int
    no: int
    # The roles the message pings: those chosen by the subscriptions its deliveries came from.
    roles: tuple[int, ...] = ()


def mention_of(roles: tuple[int, ...]) -> tuple[str | None, discord.AllowedMentions]:
    """A post's content and allowed mentions: each chosen role's mention, and permission to ping
    exactly those roles and nothing else (so answer text in the embeds, or in the content, can
    never ping anyone); no content and no pings without a role."""
    if not roles:
        return None, discord.AllowedMentions.none()
    return " ".join(f"<@&{role}>" for role in roles), discord.AllowedMentions(
        everyone=False,
        users=False,
        roles=[discord.Object(role) for role in roles],
        replied_user=False,
    )


class Poster:
    """Sends a batch as one message (an answer with vote buttons, or a digest)."""

    def __init__(self, client: discord.Client, services: Services) -> None:
        self.client = client
        self.services = services

    async def send_pending(self) -> int:
        """Post everything that waits, paced; returns how many messages were posted."""
        services = self.services
        return await send_batches(
            services.queue, self.send, services.pacer, self.after_sent, services.db.write
        )

    async def send(self, batch: Batch) -> int:
        """Post one batch; returns the message id. Raises ``ChannelUnavailable``."""
        channel: Any = self.client.get_channel(batch.channel_id)
        try:
            if channel is None:
                channel = await self.client.fetch_channel(batch.channel_id)
            content = await self.services.db.write(self.read, batch)
            embed, view = self.render(content)
            text, allowed = mention_of(content.roles)
            # The nonce makes Discord return the first message if this batch was sent before a
            # crash stopped us recording it.
            message = await channel.send(
                content=text, embed=embed, view=view, nonce=batch.nonce, allowed_mentions=allowed
            )
        except discord.NotFound:
            raise ChannelUnavailable("the channel was deleted") from None
        except discord.Forbidden:
            name = f"#{channel.name}" if getattr(channel, "name", None) else "the channel"
            raise ChannelUnavailable(
                f"the bot can no longer post in {name} (missing permission)"
            ) from None
        return int(message.id)

    async def after_sent(self, batch: Batch, message_id: int) -> None:
        """A single-answer post takes reaction votes: remember it and add 👍 and 👎. A new
        question has no answer to vote on."""
        if batch.is_digest or batch.deliveries[0]["kind"] == TABLED_LABEL:
            return
        channel = self.client.get_channel(batch.channel_id)
        guild_id = getattr(getattr(channel, "guild", None), "id", None)
        await self.services.db.write(partial(
            self.services.votes.remember_message,
            message_id, batch.channel_id, guild_id, batch.deliveries[0]["question_id"],
        ))
        message = self.client.get_partial_messageable(batch.channel_id).get_partial_message(
            message_id
        )
        for emoji in ("👍", "👎"):
            with contextlib.suppress(discord.HTTPException):
                await message.add_reaction(emoji)

    def read(self, batch: Batch) -> BatchContent:
        """On the writer thread: the questions, reasons and votes a batch's message shows."""
        store, book = self.services.store, self.services.book
        becauses: list[str] = []
        roles: list[int] = []
        items = []
        for delivery in batch.deliveries:
            sub = book.get(delivery["subscription_id"])
            because = sub["description"] if sub else "a subscription since removed"
            role = sub.get("mention_role_id") if sub else None
            if role and int(role) not in roles:
                roles.append(int(role))
            if because not in becauses:
                becauses.append(because)
            row = store.question(delivery["question_id"])
            if row is not None:
                result = result_json(store, row)
                if delivery["kind"] == TABLED_LABEL:
                    today = london_today()
                    status = question_due(row, today)
                    result["due"] = due_words(status, today) if status else None
                items.append((delivery["kind"], result))
        parties: dict[int, str] = {}
        yes = no = 0
        if len(items) == 1:
            result = items[0][1]
            ids = [r["id"] for r in (result["asked_by"], result["answered_by"]) if r]
            parties = party_abbreviations(store, ids)
            yes, no = self.services.votes.counts(result["id"])
        return BatchContent(items, "; ".join(becauses), parties, yes, no, tuple(roles))

    @staticmethod
    def render(content: BatchContent) -> tuple[discord.Embed, discord.ui.View | None]:
        """The message: one answer with vote buttons and "Alert me", one new question ("Alert
        me" alone: nothing to vote on yet), or a digest."""
        if len(content.items) == 1:
            label, result = content.items[0]
            view = discord.ui.View(timeout=None)
            if label == TABLED_LABEL:  # nothing to vote on yet
                view.add_item(AlertButton(result["id"]))
                return post_embed(result, label, content.because, content.parties), view
            embed = ask_for_votes(post_embed(result, label, content.because, content.parties))
            for item in vote_buttons(result["id"], content.yes, content.no):
                view.add_item(item)
            view.add_item(AlertButton(result["id"]))
            return embed, view
        return digest_embed(content.items, content.because), None
