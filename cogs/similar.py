"""/similar: has this been asked before? The questions most like one question or a draft."""

from __future__ import annotations

from discord import app_commands
from discord.ext import commands

from bot.discord.client import Interaction, WrittenAnswersBot
from bot.discord.options import question_choices
from bot.discord.similar import show_similar


class Similar(commands.Cog):
    """Similar questions, earlier and later, near-repeats marked."""

    def __init__(self, bot: WrittenAnswersBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="similar", description="Has this been asked before? Questions like one question"
    )
    @app_commands.describe(
        question="A question's API id or UIN (type words to pick one), or a draft question's text",
        limit="How many to list (default 5, at most 10)",
    )
    async def similar(
        self,
        interaction: Interaction,
        question: app_commands.Range[str, 1, 4000],
        limit: app_commands.Range[int, 1, 10] = 5,
    ) -> None:
        """The questions most like it, near-repeats first, with their status and answer."""
        await show_similar(interaction, question.strip(), limit)

    @similar.autocomplete("question")
    async def question_complete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """As /answer's id: an exact id or UIN, then the newest question under each heading."""
        return await question_choices(interaction, current)


async def setup(bot: WrittenAnswersBot) -> None:
    """Load the cog."""
    await bot.add_cog(Similar(bot))
