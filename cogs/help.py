"""/help: what the bot does and how to use it, on one screen."""

from __future__ import annotations

from discord import app_commands
from discord.ext import commands

from bot.core.store.database import Store
from bot.discord.client import Interaction, WrittenAnswersBot
from bot.discord.help import help_embed
from bot.discord.replies import in_time, send
from bot.discord.similar import similar_help


class Help(commands.Cog):
    """How to use the bot."""

    def __init__(self, bot: WrittenAnswersBot) -> None:
        self.bot = bot

    @app_commands.command(name="help", description="What this bot does and how to use it")
    async def help(self, interaction: Interaction) -> None:
        """One screen of help, with how many questions the store holds."""
        count = await in_time(
            interaction, self.bot.services.db.read(Store.count_questions), ephemeral=True
        )
        embed = help_embed(count)
        name, value = similar_help(self.bot.services.meaning)
        embed.insert_field_at(1, name=name, value=value, inline=False)
        await send(interaction, embed=embed, ephemeral=True)


async def setup(bot: WrittenAnswersBot) -> None:
    """Load the cog."""
    await bot.add_cog(Help(bot))
