"""/member and /department: who someone is, what a department answers."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.names.candidates import Candidate
from bot.core.reports.people import department_summary, member_profile
from bot.discord.client import Interaction, WrittenAnswersBot
from bot.discord.options import DepartmentName, MemberName
from bot.discord.people import department_embed, member_embed
from bot.discord.replies import in_time, reply_error, send


def did_you_mean(kind: str, text: str, candidates: list[Candidate]) -> str:
    """ "Which member did you mean by 'Jones'?" with the candidates, or "couldn't find"."""
    shown = discord.utils.escape_markdown(text[:60])
    if not candidates:
        return f"I couldn't find a {kind} matching “{shown}”. Check the spelling?"
    names = " or ".join(
        f"**{discord.utils.escape_markdown(c.name)}**" + (f" ({c.note})" if c.note else "")
        for c in candidates[:5]
    )
    return f"Which {kind} did you mean by “{shown}”? {names} — pick one from the list as you type."


class People(commands.Cog):
    """Members and departments."""

    def __init__(self, bot: WrittenAnswersBot) -> None:
        self.bot = bot

    @app_commands.command(name="member", description="A member: who they are, what they asked")
    @app_commands.describe(name="An MP or peer (typos and short forms are fine)")
    async def member(self, interaction: Interaction, name: MemberName) -> None:
        """Who a member is, their counts and newest questions."""
        best = name.best
        if best is None:
            await reply_error(interaction, did_you_mean("member", name.text, name.candidates))
            return
        profile = await in_time(
            interaction, self.bot.services.db.read(member_profile, best.id)
        )
        if profile is None:
            await reply_error(interaction, did_you_mean("member", name.text, []))
            return
        member, asked, answered, recent = profile
        await send(interaction, embed=member_embed(member, asked, answered, recent))

    @app_commands.command(name="department", description="A department: its recent answers")
    @app_commands.describe(name="DfE, health, Ministry of Defence, Home Office...")
    async def department(self, interaction: Interaction, name: DepartmentName) -> None:
        """A department's numbers, who answers for it, and its newest answers."""
        best = name.best
        if best is None:
            await reply_error(interaction, did_you_mean("department", name.text, name.candidates))
            return
        body_ids = list(self.bot.services.department_family(best.id))
        total, answerers, recent = await in_time(
            interaction, self.bot.services.db.read(department_summary, body_ids)
        )
        await send(
            interaction, embed=department_embed(best.name, total, answerers, recent, best.note)
        )


async def setup(bot: WrittenAnswersBot) -> None:
    """Load the cog."""
    await bot.add_cog(People(bot))
