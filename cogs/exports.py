"""/export search|overdue|timeliness|helpfulness: a CSV or JSON file of what /answers,
/overdue, /timeliness and /helpfulness show, every row (up to 10,000)."""

from __future__ import annotations

from typing import Literal

from discord import app_commands
from discord.ext import commands

from bot.core.exports import Export, overdue_export, report_export, search_export
from bot.core.names.matching import Resolution
from bot.core.names.options import NAME_OPTIONS
from bot.core.records import STATUSES
from bot.core.reports.helpfulness import helpfulness
from bot.core.reports.timeliness import timeliness
from bot.core.search.fulltext import SearchError, SearchQuery, check_query, parse_day_option
from bot.core.store.database import Store
from bot.discord.client import Interaction, WrittenAnswersBot
from bot.discord.exports import FORMAT_CHOICES, first_unclear, send_export
from bot.discord.fair_use import expensive_report
from bot.discord.options import DepartmentName, MemberName, chosen, pin_names
from bot.discord.replies import reply_error

Format = Literal["csv", "json"]
HOUSES = [app_commands.Choice(name=h, value=h.lower()) for h in ("Commons", "Lords")]
COMMON = {
    "format": f"File format ({', '.join(FORMAT_CHOICES)}; default csv, which opens in a "
              "spreadsheet)",
    "public": "Post the file for everyone in the channel (default: only you see it)",
}


class Exports(commands.Cog):
    """Files of answers, overdue questions and tables."""

    export = app_commands.Group(name="export",
                                description="A CSV or JSON file of answers, overdue questions "
                                            "or a table")

    def __init__(self, bot: WrittenAnswersBot) -> None:
        self.bot = bot

    def _family(self, resolution: Resolution | None) -> tuple[tuple[int, ...] | None,
                                                               str | None]:
        candidate = chosen(resolution)
        if candidate is None:
            return None, None
        return tuple(self.bot.services.department_family(candidate.id)), candidate.name

    @export.command(name="search", description="Every answer a search finds, as a file")
    @expensive_report()
    @app_commands.describe(
        query='Words to look for ("a phrase", -word to leave out)', house="Commons or Lords",
        since="Answered on or after (2024-01-31, 31/01/2024, 31 Jan 2024)",
        until="Answered on or before", status="Answered, holding, corrected or unanswered",
        sort="Most relevant or newest first",
        **{option.name: option.description for option in NAME_OPTIONS}, **COMMON,
    )
    @app_commands.choices(
        house=HOUSES,
        status=[app_commands.Choice(name=s.capitalize(), value=s) for s in STATUSES],
        sort=[app_commands.Choice(name="Relevance", value="relevance"),
              app_commands.Choice(name="Newest", value="newest")],
    )
    async def export_search(
        self,
        interaction: Interaction,
        query: app_commands.Range[str, 0, 6000] | None = None,
        asked_by: MemberName | None = None,
        answered_by: MemberName | None = None,
        member: MemberName | None = None,
        department: DepartmentName | None = None,
        house: str | None = None,
        since: app_commands.Range[str, 0, 40] | None = None,
        until: app_commands.Range[str, 0, 40] | None = None,
        status: str | None = None,
        sort: str = "relevance",
        format: Format = "csv",
        public: bool = False,
    ) -> None:
        """The same options as /answers."""
        names = {"asked_by": asked_by, "answered_by": answered_by, "member": member,
                 "department": department}
        try:
            search = SearchQuery(
                text=query or "", house=house, since=parse_day_option(since, "since"),
                until=parse_day_option(until, "until"), status=status, sort=sort,
            )
            unsure = pin_names(search, names)
            check_query(search)
        except SearchError as error:
            await reply_error(interaction, str(error))
            return
        if unsure is not None:
            await reply_error(interaction, first_unclear(dict([unsure])) or "")
            return
        services = self.bot.services

        def make(store: Store) -> Export:
            return search_export(store, services.searcher(store), search)

        words = f"“{query.strip()[:80]}”" if query and query.strip() else ""
        await send_export(interaction, "search", make, format, public, words)

    @export.command(name="overdue", description="Every question past its due day, as a file")
    @expensive_report()
    @app_commands.describe(
        department="Answering department (DfE, health, Ministry of Defence...)",
        member="A member who asked or is answering (either role)",
        answered_by="The minister answering (known once a holding answer is given)",
        asked_by="The member who asked", house="Only this House", **COMMON,
    )
    @app_commands.choices(house=HOUSES)
    async def export_overdue(
        self,
        interaction: Interaction,
        department: DepartmentName | None = None,
        member: MemberName | None = None,
        answered_by: MemberName | None = None,
        asked_by: MemberName | None = None,
        house: str | None = None,
        format: Format = "csv",
        public: bool = False,
    ) -> None:
        """The same options as /overdue."""
        unclear = first_unclear({"department": department, "member": member,
                                 "answered_by": answered_by, "asked_by": asked_by})
        if unclear is not None:
            await reply_error(interaction, unclear)
            return
        ids, name = self._family(department)
        either, answerer, asker = chosen(member), chosen(answered_by), chosen(asked_by)

        def make(store: Store) -> Export:
            return overdue_export(
                store, department_id=ids, house=house,
                member_id=int(either.id) if either else None,
                answering_member_id=int(answerer.id) if answerer else None,
                asking_member_id=int(asker.id) if asker else None,
            )

        await send_export(interaction, "overdue", make, format, public, name or "")

    @export.command(name="timeliness", description="The timeliness table, as a file")
    @expensive_report()
    @app_commands.describe(
        department="One department's months (default: every department)",
        house="Only this House", since="Due on or after (default: the last 12 months)",
        until="Due on or before", **COMMON,
    )
    async def export_timeliness(
        self,
        interaction: Interaction,
        department: DepartmentName | None = None,
        house: Literal["Commons", "Lords"] | None = None,
        since: app_commands.Range[str, 0, 40] | None = None,
        until: app_commands.Range[str, 0, 40] | None = None,
        format: Format = "csv",
        public: bool = False,
    ) -> None:
        """The rows behind /timeliness."""
        await self._report(interaction, "timeliness", department, house, since, until,
                           format, public)

    @export.command(name="helpfulness", description="The helpfulness league, as a file")
    @expensive_report()
    @app_commands.describe(
        department="Also this department's own row and disputed answers (JSON)",
        since="Answered on or after (default: the last 12 months)",
        until="Answered on or before", **COMMON,
    )
    async def export_helpfulness(
        self,
        interaction: Interaction,
        department: DepartmentName | None = None,
        since: app_commands.Range[str, 0, 40] | None = None,
        until: app_commands.Range[str, 0, 40] | None = None,
        format: Format = "csv",
        public: bool = False,
    ) -> None:
        """The rows behind /helpfulness."""
        await self._report(interaction, "helpfulness", department, None, since, until,
                           format, public)

    async def _report(
        self, interaction: Interaction, kind: str, department: Resolution | None,
        house: str | None, since: str | None, until: str | None, fmt: str, public: bool,
    ) -> None:
        unclear = first_unclear({"department": department})
        if unclear is not None:
            await reply_error(interaction, unclear)
            return
        try:
            first, last = parse_day_option(since, "since"), parse_day_option(until, "until")
        except SearchError as error:
            await reply_error(interaction, str(error))
            return
        ids, name = self._family(department)

        def make(store: Store) -> Export:
            if kind == "timeliness":
                return report_export(timeliness(store, department_id=ids, department_name=name,
                                                house=house, since=first, until=last))
            return report_export(helpfulness(store, department_id=ids, department_name=name,
                                             since=first, until=last))

        await send_export(interaction, kind, make, fmt, public, name or "")


async def setup(bot: WrittenAnswersBot) -> None:
    """Load the cog."""
    await bot.add_cog(Exports(bot))
