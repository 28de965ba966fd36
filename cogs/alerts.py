"""/alerts, the loop that sends personal alerts by direct message, and the notice of a pause."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands
from discord.utils import escape_markdown

from bot.core.news.alerts import AlertBook, AlertUndeliverable, send_alerts
from bot.core.news.outbox import Pacer
from bot.core.reports.people import party_abbreviations
from bot.core.search.render import result_json
from bot.core.text import cut_at_word
from bot.discord.client import WrittenAnswersBot
from bot.discord.embeds import pretty_date
from bot.discord.replies import in_time, reply_error, send
from bot.discord.subscriptions.poster import BatchContent, Poster

log = logging.getLogger(__name__)

ALERT_TICK_SECONDS = 2.0  # how soon an answer the poll found is sent to those waiting for it
NOTICE_WAIT_SECONDS = 5.0  # how long the notice of a pause waits for the command's reply
CLOSED_INBOX = ("I could not send you a direct message (your DMs are closed to the bot, or you "
                "share no server with it)")
UNKNOWN_USER = "Discord no longer knows your account"


class Alerts(commands.Cog):
    """A person's own alerts: /alerts, and their direct messages."""

    def __init__(self, bot: WrittenAnswersBot) -> None:
        self.bot = bot
        self.book = AlertBook(bot.store)  # the writer's connection: use it through db.write
        self.pacer = Pacer()
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self.rounds = 0  # sending rounds finished (claims planned, what waited sent)
        self.notices_checked = 0  # interactions looked at for a notice of a pause

    async def cog_load(self) -> None:
        """Start sending alerts."""
        self._task = asyncio.create_task(self._loop(), name="send-alerts")

    async def cog_unload(self) -> None:
        """Stop sending alerts."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    # -- sending --------------------------------------------------------------------------------

    async def _loop(self) -> None:
        await self.bot.wait_until_ready()
        while True:
            try:
                await self.deliver()
            except Exception:
                log.exception("sending alerts failed")
            await asyncio.sleep(ALERT_TICK_SECONDS)

    async def deliver(self) -> int:
        """Claim direct messages for new change-log events, then send what waits."""
        async with self._lock:
            db = self.bot.services.db
            while not await db.write(self.book.plan_step):
                pass
            sent = await send_alerts(self.book, self.send, self.pacer, db.write)
            self.rounds += 1
            return sent

    def _read(self, delivery: dict[str, Any]) -> BatchContent | None:
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
            content = await self.bot.services.db.write(self._read, delivery)
            if content is None:
                raise AlertUndeliverable("the question is no longer stored")
            embed, view = Poster.render(content)
            message = await channel.send(embed=embed, view=view, nonce=delivery["nonce"])
        except discord.NotFound:
            raise AlertUndeliverable(UNKNOWN_USER) from None
        except discord.Forbidden:
            raise AlertUndeliverable(CLOSED_INBOX) from None
        return int(message.id)

    # -- telling a person their alert was paused ----------------------------------------------

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """On a person's next interaction after an alert of theirs was paused, tell them
        privately, once, after the reply to what they asked."""
        if interaction.type not in (discord.InteractionType.application_command,
                                    discord.InteractionType.component):
            return
        try:
            user_id = interaction.user.id
            db = self.bot.services.db
            if not await db.quick(lambda store: AlertBook(store).has_notices(user_id)):
                return
            waited = 0.0
            while not interaction.response.is_done() and waited < NOTICE_WAIT_SECONDS:
                await asyncio.sleep(0.1)
                waited += 0.1
            if not interaction.response.is_done():
                return
            rows = await db.write(self.book.take_notices, user_id)
            if not rows:
                return
            lines = [f"⏸ Paused: {escape_markdown(r['description'])} — {r['paused_reason']}."
                     for r in rows]
            lines.append("Open your direct messages to the bot, then press 🔔 Alert me again "
                         "(or remove it with /alerts).")
            await interaction.followup.send(cut_at_word("\n".join(lines), 2000), ephemeral=True)
        except Exception:
            log.exception("telling of paused alerts failed")
        finally:
            self.notices_checked += 1

    # -- /alerts -----------------------------------------------------------------------------

    @app_commands.command(name="alerts", description="Your own alerts: list them, or remove one")
    @app_commands.describe(remove="One of your alerts to remove (pick as you type)")
    async def alerts(
        self, interaction: discord.Interaction,
        remove: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        """List or remove the person's own alerts; nobody sees another's."""
        db = self.bot.services.db
        user_id = interaction.user.id
        if remove is not None:
            removed = None
            if remove.strip().isdigit() and len(remove.strip()) < 19:
                removed = await in_time(
                    interaction, db.write(self.book.remove, user_id, int(remove.strip())),
                    ephemeral=True)
            if removed is None:
                await reply_error(
                    interaction, "You have no such alert; pick one from the list as you type.")
                return
            await send(interaction, content=f"Removed: {escape_markdown(removed['description'])}.",
                       ephemeral=True)
            return
        rows = await in_time(interaction, db.read(lambda store: AlertBook(store).rows(user_id)),
                             ephemeral=True)
        if not rows:
            await send(interaction, content="You have no alerts. Press 🔔 Alert me on a question "
                       "to get one.", ephemeral=True)
            return
        lines = []
        for number, row in enumerate(rows, 1):
            line = (f"{number}. {escape_markdown(row['description'])} · since "
                    f"{pretty_date(row['created_at'][:10])}")
            if row["status"] != "active":
                line += f" · ⏸ paused: {row['paused_reason']}"
            lines.append(line)
        embed = discord.Embed(title=f"Your {len(rows)} alerts",
                              description=cut_at_word("\n".join(lines), 4000))
        embed.set_footer(text="/alerts remove: removes one · only you can see this")
        await send(interaction, embed=embed, ephemeral=True)

    @alerts.autocomplete("remove")
    async def alert_complete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """The person's own alerts whose wording holds what is typed."""
        user_id = interaction.user.id
        rows = await self.bot.services.db.quick(lambda store: AlertBook(store).rows(user_id))
        wanted = current.lower().strip()[:100]
        return [
            app_commands.Choice(name=cut_at_word(r["description"], 100), value=str(r["id"]))
            for r in rows
            if not wanted or wanted in r["description"].lower()
        ][:25]


async def setup(bot: WrittenAnswersBot) -> None:
    """Load the cog."""
    await bot.add_cog(Alerts(bot))

