"""/alerts, and the notice of a paused alert. Alerts are sent by ``cogs.background``."""

from __future__ import annotations

import asyncio
import logging

import discord
from discord import app_commands
from discord.ext import commands
from discord.utils import escape_markdown

from bot.core.news.alerts import AlertBook
from bot.core.text import cut_at_word
from bot.discord.client import Interaction, WrittenAnswersBot
from bot.discord.embeds import pretty_date
from bot.discord.replies import in_time, reply_error, send

log = logging.getLogger(__name__)

NOTICE_WAIT_SECONDS = 5.0  # how long the notice of a pause waits for the command's reply


class Alerts(commands.Cog):
    """A person's own alerts: /alerts, and their direct messages."""

    def __init__(self, bot: WrittenAnswersBot) -> None:
        self.bot = bot
        self.notices_checked = 0  # interactions looked at for a notice of a pause

    @property
    def book(self) -> AlertBook:
        """The bot's personal alerts (the writer's connection: use it through db.write)."""
        return self.bot.news.alerts

    # -- telling a person their alert was paused ----------------------------------------------

    @commands.Cog.listener()
    async def on_interaction(self, interaction: Interaction) -> None:
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
        self, interaction: Interaction,
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
        self, interaction: Interaction, current: str
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

