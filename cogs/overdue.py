"""/overdue: written questions past their due day, most overdue first."""

from __future__ import annotations

from discord import app_commands
from discord.ext import commands

from bot.core.names.candidates import Resolution
from bot.core.reports.overdue import OverdueError
from bot.discord.client import Interaction, WrittenAnswersBot
from bot.discord.options import DepartmentName, MemberName, chosen
from bot.discord.overdue.views import OVERDUE_ITEMS, OverdueRequest, show_page, unclear_name
from bot.discord.replies import reply_error


class Overdue(commands.Cog):
    """Questions still waiting for an answer past their due day."""

    def __init__(self, bot: WrittenAnswersBot) -> None:
        self.bot = bot

    @app_commands.command(name="overdue",
                          description="Written questions past their due day, most overdue first")
    @app_commands.describe(
        department="Answering department (DfE, health, Ministry of Defence...)",
        member="A member who asked or is answering (either role)",
        answered_by="The minister answering (known once a holding answer is given)",
        asked_by="The member who asked",
        house="Only this House",
    )
    @app_commands.choices(
        house=[app_commands.Choice(name=h, value=h.lower()) for h in ("Commons", "Lords")],
    )
    async def overdue_command(
        self,
        interaction: Interaction,
        department: DepartmentName | None = None,
        member: MemberName | None = None,
        asked_by: MemberName | None = None,
        house: str | None = None,
        answered_by: MemberName | None = None,
    ) -> None:
        """Five at a time with ◀ ▶, each with its due day, working days overdue and markers,
        and a menu to open one."""
        names: dict[str, Resolution | None] = {
            "department": department, "member": member, "answered_by": answered_by,
            "asked_by": asked_by,
        }
        for option, resolution in names.items():
            if resolution is not None and resolution.text and resolution.best is None:
                await reply_error(interaction, unclear_name(option, resolution))
                return

        def picked(resolution: Resolution | None) -> int | None:
            candidate = chosen(resolution)
            return None if candidate is None else int(candidate.id)

        if house is not None and house.strip().lower() not in ("commons", "lords"):
            await reply_error(interaction, "`house` must be Commons or Lords.")
            return
        request = OverdueRequest(picked(department), picked(member), picked(asked_by),
                                 house.strip().lower() if house else None, picked(answered_by))
        try:
            await show_page(interaction, request, 0, first=True)
        except OverdueError as error:
            await reply_error(interaction, str(error))


async def setup(bot: WrittenAnswersBot) -> None:
    """Load the cog, and its buttons, so that those on older messages keep working."""
    bot.add_dynamic_items(*OVERDUE_ITEMS)
    await bot.add_cog(Overdue(bot))


async def teardown(bot: WrittenAnswersBot) -> None:
    """Unload the cog's buttons with it."""
    bot.remove_dynamic_items(*OVERDUE_ITEMS)
