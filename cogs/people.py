"""/member and /department: who someone is, what a department answers."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.render_discord import department_embed, member_embed
from bot.stats import department_summary, member_counts, member_recent
from cogs.answers import NAME_LIMIT, autocomplete_for
from cogs.ui import reply_error


def did_you_mean(kind: str, text: str, candidates: list[Any]) -> str:
    shown = discord.utils.escape_markdown(text[:60])
    if not candidates:
        return f"I couldn't find a {kind} matching “{shown}”. Check the spelling?"
    names = " or ".join(
        f"**{discord.utils.escape_markdown(c.name)}**" + (f" ({c.note})" if c.note else "")
        for c in candidates[:5]
    )
    return f"Which {kind} did you mean by “{shown}”? {names} — pick one from the list as you type."


class People(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @app_commands.command(name="member", description="A member: who they are, what they asked")
    @app_commands.describe(name="An MP or peer (typos and short forms are fine)")
    @app_commands.autocomplete(name=autocomplete_for("member"))
    async def member(
        self, interaction: discord.Interaction, name: app_commands.Range[str, 1, NAME_LIMIT]
    ) -> None:
        bot: Any = self.bot
        resolution = bot.resolver.resolve("member", name)
        if resolution.best is None:
            await reply_error(interaction, did_you_mean("member", name, resolution.candidates))
            return
        member = bot.store.member(resolution.best.id)
        asked, answered = member_counts(bot.store, member["id"])
        recent = member_recent(bot.store, member["id"])
        await interaction.response.send_message(embed=member_embed(member, asked, answered, recent))

    @app_commands.command(name="department", description="A department: its recent answers")
    @app_commands.describe(name="DfE, health, Ministry of Defence, Home Office...")
    @app_commands.autocomplete(name=autocomplete_for("department"))
    async def department(
        self, interaction: discord.Interaction, name: app_commands.Range[str, 1, NAME_LIMIT]
    ) -> None:
        bot: Any = self.bot
        resolution = bot.resolver.resolve("department", name)
        if resolution.best is None:
            await reply_error(interaction, did_you_mean("department", name, resolution.candidates))
            return
        best = resolution.best
        body_ids = [best.id, *bot.resolver.departments.predecessors(best.id)]
        total, answerers, recent = department_summary(bot.store, body_ids)
        await interaction.response.send_message(
            embed=department_embed(best.name, total, answerers, recent, best.note)
        )


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(People(bot))
