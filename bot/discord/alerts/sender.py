"""Sending one personal alert by direct message."""

from __future__ import annotations

from typing import Any

import discord

from bot.core.news.alerts import AlertUndeliverable
from bot.core.reports.people import party_abbreviations
from bot.core.search.render import result_json
from bot.discord.base import AppBot
from bot.discord.subscriptions.poster import BatchContent, Poster

CLOSED_INBOX = ("I could not send you a direct message (your DMs are closed to the bot, or you "
                "share no server with it)")
UNKNOWN_USER = "Discord no longer knows your account"


class AlertSender:
    """Renders an alert's question as a post and sends it to the person with its nonce."""

    def __init__(self, bot: AppBot) -> None:
        self.bot = bot

    def read(self, delivery: dict[str, Any]) -> BatchContent | None:
        """What the direct message shows, read on the writer thread (it may follow a write)."""
        store = self.bot.store
        row = store.question(delivery["question_id"])
        if row is None:
            return None
        result = result_json(store, row)
        ids = [r["id"] for r in (result["asked_by"], result["answered_by"]) if r]
        yes, no = self.bot.services.votes.counts(result["id"])
        because = f"your alert: {delivery.get('description') or 'an alert since removed'}"
        return BatchContent([(delivery["kind"], result)], because,
                            party_abbreviations(store, ids), yes, no)

    async def send(self, delivery: dict[str, Any]) -> int:
        """Send one alert by direct message with its nonce; returns the message id. Raises
        ``AlertUndeliverable`` when the person cannot be messaged."""
        try:
            user: Any = self.bot.get_user(delivery["user_id"])
            if user is None:
                user = await self.bot.fetch_user(delivery["user_id"])
            channel = user.dm_channel or await user.create_dm()
            content = await self.bot.services.db.write(self.read, delivery)
            if content is None:
                raise AlertUndeliverable("the question is no longer stored")
            embed, view = Poster.render(content)
            message = await channel.send(embed=embed, view=view, nonce=delivery["nonce"])
        except discord.NotFound:
            raise AlertUndeliverable(UNKNOWN_USER) from None
        except discord.Forbidden:
            raise AlertUndeliverable(CLOSED_INBOX) from None
        return int(message.id)
