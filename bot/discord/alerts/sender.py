"""Sending one personal alert by direct message, through the one outbox: with its nonce and its
mark, and looked for in the person's DMs first when an earlier send may have happened."""

from __future__ import annotations

import discord

from bot.core.news.alerts import AlertUndeliverable
from bot.core.news.outbox import Batch, Posted
from bot.core.reports.people import party_abbreviations
from bot.core.search.render import result_json
from bot.discord.base import AppBot
from bot.discord.outbox import find_in_history, marked
from bot.discord.subscriptions.poster import BatchContent, Poster

CLOSED_INBOX = ("I could not send you a direct message (your DMs are closed to the bot, or you "
                "share no server with it)")
UNKNOWN_USER = "Discord no longer knows your account"


class AlertSender:
    """The outbox's transport for alerts: renders an alert's question as a post and sends it to
    the person."""

    def __init__(self, bot: AppBot) -> None:
        self.bot = bot

    def read(self, batch: Batch) -> BatchContent | None:
        """What the direct message shows, read on the writer thread (it may follow a write)."""
        store = self.bot.store
        delivery = batch.alert_deliveries[0]
        row = store.question(delivery["question_id"])
        if row is None:
            return None
        result = result_json(store, row)
        ids = [i for i in (row["asking_member_id"], row["answering_member_id"]) if i]
        yes, no = self.bot.services.votes.counts(row["id"])
        alert = store.conn.execute(
            "SELECT description FROM alerts WHERE id = ?", (delivery["alert_id"],)
        ).fetchone()
        because = f"your alert: {alert[0] if alert else 'an alert since removed'}"
        return BatchContent([(delivery["kind"], result)], because,
                            party_abbreviations(store, ids), yes, no)

    async def _dm(self, user_id: int) -> discord.DMChannel:
        user = self.bot.get_user(user_id) or await self.bot.fetch_user(user_id)
        return user.dm_channel or await user.create_dm()

    async def send(self, batch: Batch) -> Posted:
        """Send one alert by direct message with its nonce and mark. Raises
        ``AlertUndeliverable`` when the person cannot be messaged."""
        try:
            channel = await self._dm(batch.target)
            content = await self.bot.services.db.write(self.read, batch)
            if content is None:
                raise AlertUndeliverable("the question is no longer stored")
            embed, view = Poster.render(content)
            message = await channel.send(embed=marked(embed, batch), view=view,
                                         nonce=batch.nonce)
        except discord.NotFound:
            raise AlertUndeliverable(UNKNOWN_USER) from None
        except discord.Forbidden:
            raise AlertUndeliverable(CLOSED_INBOX) from None
        return Posted(int(message.id), int(channel.id))

    async def find(self, batch: Batch) -> Posted | None:
        """The direct message an earlier attempt sent, from the person's DM history."""
        me = self.bot.user.id if self.bot.user else 0
        try:
            channel = await self._dm(batch.target)
            found = await find_in_history(channel, batch, me)
        except discord.NotFound:
            raise AlertUndeliverable(UNKNOWN_USER) from None
        return Posted(int(found.id), int(channel.id)) if found is not None else None

    async def after_sent(self, batch: Batch, posted: Posted) -> None:
        """Nothing follows a direct message."""
