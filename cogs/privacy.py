"""/privacy, and what happens when the bot leaves or rejoins a server. The retention sweep runs
with the other loops in ``cogs.background``."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.privacy.servers import (
    guild_returned,
    leave_guild,
    note_present_guilds,
)
from bot.discord.client import Interaction, WrittenAnswersBot
from bot.discord.privacy import PrivacyButton, show_privacy

log = logging.getLogger(__name__)


class Privacy(commands.Cog):
    """A person's data (/privacy), and servers the bot leaves."""

    def __init__(self, bot: WrittenAnswersBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        """Register the buttons (before the gateway connects, so old replies keep working)."""
        self.bot.add_dynamic_items(PrivacyButton)

    async def cog_unload(self) -> None:
        """Forget the buttons."""
        self.bot.remove_dynamic_items(PrivacyButton)

    @app_commands.command(
        name="privacy", description="What this bot keeps about you: see it, export it, delete it"
    )
    async def privacy(self, interaction: Interaction) -> None:
        """Counts of the person's votes, alerts, saved searches and subscriptions, privately."""
        await show_privacy(interaction)

    # -- servers --------------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        """Removed from a server: pause its subscriptions now; its data goes GUILD_DATA_DAYS
        later unless the bot returns."""
        services = self.bot.services
        try:
            paused = await services.db.write(
                leave_guild, services.store, services.queue, guild.id, services.clock()
            )
            log.info("removed from server %s: %d subscriptions paused; its data is deleted "
                     "in %d days unless the bot returns", guild.id, paused,
                     self.bot.settings.guild_data_days)
        except Exception:
            log.exception("could not record leaving server %s", guild.id)

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        """Added to a server: if it had left it, its data is no longer due for deletion (its
        subscriptions stay paused, with the reason, for the server to resume)."""
        services = self.bot.services
        try:
            left_at = await services.db.write(guild_returned, services.store, guild.id)
            if left_at:
                log.info("back in server %s (left %s): its data is kept", guild.id, left_at)
        except Exception:
            log.exception("could not record joining server %s", guild.id)

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        """Servers the bot was removed from, or returned to, while it was not running."""
        services = self.bot.services
        try:
            present = {guild.id for guild in self.bot.guilds}
            if not present:  # in no server at all: more likely a wrong token than a removal
                log.warning("the bot is in no server; not treating the store's as left")
                return
            gone, back = await services.db.write(
                note_present_guilds, services.store, present, services.clock()
            )
            if gone or back:
                log.info("at start-up: %d servers left and %d returned to meanwhile", gone, back)
        except Exception:
            log.exception("could not compare the store's servers with the bot's")


async def setup(bot: WrittenAnswersBot) -> None:
    """Load the cog."""
    await bot.add_cog(Privacy(bot))
