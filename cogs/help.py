"""/help: what the bot does and how to use it, on one screen."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.render_discord import help_embed


class Help(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @app_commands.command(name="help", description="What this bot does and how to use it")
    async def help(self, interaction: discord.Interaction) -> None:
        store = getattr(self.bot, "store", None)
        count = store.count_questions() if store is not None else 0
        await interaction.response.send_message(embed=help_embed(count), ephemeral=True)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Help(bot))
