"""/timeliness and /helpfulness: how departments answer, as numbers and a chart."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.reports.accountability import AccountabilityError
from bot.core.reports.helpfulness import HelpfulnessReport, helpfulness
from bot.core.reports.timeliness import TimelinessReport, timeliness
from bot.core.search.fulltext import SearchError, parse_day_option
from bot.core.store.database import Store
from bot.discord.accountability import CHART_FILE, helpfulness_embed, timeliness_embed
from bot.discord.client import Interaction, WrittenAnswersBot
from bot.discord.fair_use import expensive_report
from bot.discord.options import DepartmentName
from bot.discord.replies import in_time, reply_error, send

DATE_HELP = "(2024-01-31, 31/01/2024, 31 Jan 2024; default: the last 12 months)"


# A report and its chart, from (store, department ids, department name, since, until).
Report = Callable[
    [Store, tuple[int, ...] | None, str | None, date | None, date | None],
    tuple[discord.Embed, bytes],
]


def _chart(report: TimelinessReport | HelpfulnessReport) -> bytes:
    from bot.core.reports.charts import chart  # matplotlib: imported off the loop, when first drawn

    return chart(report)


def _period(since: str | None, until: str | None) -> tuple[date | None, date | None]:
    return parse_day_option(since, "since"), parse_day_option(until, "until")


class Accountability(commands.Cog):
    """Department timeliness and helpfulness."""

    def __init__(self, bot: WrittenAnswersBot) -> None:
        self.bot = bot

    async def _department(
        self, interaction: Interaction, department: DepartmentName | None
    ) -> tuple[tuple[int, ...] | None, str | None] | None:
        """The department's ids (with the bodies it replaced) and name; None after telling the
        person the name is unclear."""
        if department is None:
            return None, None
        best = department.best
        if best is None:
            names = ", ".join(c.name for c in department.candidates[:5]) or "none close"
            await reply_error(interaction, f"Which department did you mean by "
                              f"“{discord.utils.escape_markdown(department.text[:60])}”? "
                              f"({names}) Pick one from the list as you type.")
            return None
        return tuple(self.bot.services.department_family(best.id)), best.name

    async def _report(
        self, interaction: Interaction, department: DepartmentName | None,
        since: str | None, until: str | None, make: Report,
    ) -> None:
        """Resolve the options, make the report and its chart on a reader thread, and reply
        with both; a short private message for anything unclear."""
        chosen = await self._department(interaction, department)
        if chosen is None:
            return
        ids, name = chosen
        try:
            first, last = _period(since, until)
            embed, png = await in_time(
                interaction, self.bot.services.db.read(make, ids, name, first, last),
                thinking=True,
            )
        except (SearchError, AccountabilityError) as error:
            await reply_error(interaction, str(error))
            return
        await send(interaction, embed=embed,
                   file=discord.File(io.BytesIO(png), filename=CHART_FILE))

    @app_commands.command(name="timeliness",
                          description="Which departments answer written questions on time")
    @expensive_report()
    @app_commands.describe(
        department="One department's monthly trend (default: every department)",
        house="Only this House", since=f"Due on or after {DATE_HELP}", until="Due on or before",
    )
    async def timeliness_command(
        self,
        interaction: Interaction,
        department: DepartmentName | None = None,
        house: Literal["Commons", "Lords"] | None = None,
        since: app_commands.Range[str, 0, 40] | None = None,
        until: app_commands.Range[str, 0, 40] | None = None,
    ) -> None:
        """On-time rates against the 85% standard, as a chart, with how they are counted."""

        def report(store: Store, ids: tuple[int, ...] | None, name: str | None,
                   first: date | None, last: date | None) -> tuple[discord.Embed, bytes]:
            made = timeliness(store, department_id=ids, department_name=name,
                              house=house, since=first, until=last)
            return timeliness_embed(made), _chart(made)

        await self._report(interaction, department, since, until, report)

    @app_commands.command(name="helpfulness",
                          description="Departments by readers' votes: does this answer it?")
    @expensive_report()
    @app_commands.describe(
        department="One department's most disputed answers (default: the league)",
        since=f"Answered on or after {DATE_HELP}", until="Answered on or before",
    )
    async def helpfulness_command(
        self,
        interaction: Interaction,
        department: DepartmentName | None = None,
        since: app_commands.Range[str, 0, 40] | None = None,
        until: app_commands.Range[str, 0, 40] | None = None,
    ) -> None:
        """The league by the share of "No" votes, or one department's disputed answers."""

        def report(store: Store, ids: tuple[int, ...] | None, name: str | None,
                   first: date | None, last: date | None) -> tuple[discord.Embed, bytes]:
            made = helpfulness(store, department_id=ids, department_name=name,
                               since=first, until=last)
            return helpfulness_embed(made), _chart(made)

        await self._report(interaction, department, since, until, report)


async def setup(bot: WrittenAnswersBot) -> None:
    """Load the cog."""
    await bot.add_cog(Accountability(bot))
