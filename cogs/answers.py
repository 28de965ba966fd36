"""/answers (search) and /answer (one question in full), with autocomplete."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.names.options import NAME_OPTIONS
from bot.core.records import STATUSES
from bot.core.search.fulltext import SearchError, SearchQuery, check_query, parse_day_option
from bot.core.search.render import answer_view
from bot.core.text import cut_at_word
from bot.discord.answers import answer_message
from bot.discord.client import Interaction, WrittenAnswersBot
from bot.discord.options import (
    NAME_LIMIT,
    DepartmentName,
    MemberName,
    complete,
    pin_names,
    question_choices,
)
from bot.discord.replies import in_time, reply_error, send
from bot.discord.search import pick_message, results_message, run_search, save_search

log = logging.getLogger(__name__)


class Answers(commands.Cog):
    """Finding answers, and reading one in full."""

    def __init__(self, bot: WrittenAnswersBot) -> None:
        self.bot = bot

    @app_commands.command(name="answers", description="Find written answers")
    @app_commands.describe(
        query='Words to look for ("a phrase", -word to leave out)',
        house="Commons or Lords",
        since="Answered on or after (2024-01-31, 31/01/2024, 31 Jan 2024)",
        until="Answered on or before",
        status="Answered, holding, corrected, unanswered or lapsed",
        sort="Most relevant or newest first",
        **{option.name: option.description for option in NAME_OPTIONS},
    )
    @app_commands.choices(
        house=[app_commands.Choice(name=h, value=h.lower()) for h in ("Commons", "Lords")],
        status=[app_commands.Choice(name=s.capitalize(), value=s) for s in STATUSES],
        sort=[
            app_commands.Choice(name="Relevance", value="relevance"),
            app_commands.Choice(name="Newest", value="newest"),
        ],
    )
    async def answers(
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
    ) -> None:
        """Search, or ask which member or department was meant."""
        names = {"asked_by": asked_by, "answered_by": answered_by, "member": member,
                 "department": department}
        try:
            search = SearchQuery(
                text=query or "", house=house, since=parse_day_option(since, "since"),
                until=parse_day_option(until, "until"), status=status, sort=sort, limit=5,
            )
            unsure = pin_names(search, names)
            check_query(search)
        except SearchError as error:
            await reply_error(interaction, str(error))
            return
        if unsure is not None:
            option, resolution = unsure
            session_id = await save_search(interaction, search)
            text, view = pick_message(session_id, option, resolution.candidates,
                                      more=resolution.more)
            await send(interaction, content=text, view=view, ephemeral=True)
            return
        # Names came resolved from memory. A search found within ACK_WITHIN is the reply
        # itself: one call to Discord, not an acknowledgement and then the results (in a burst,
        # a hundred fewer calls ahead of the people typing, who are answered first). A slower
        # one is acknowledged first ("...is thinking") and its results follow.
        page = await run_search(interaction, search, after_typing=True)
        if not page.outcome.results:
            await send(interaction, content=nothing_found(self.bot, search))
            return
        session_id = await save_search(interaction, search, page)
        embed, view = results_message(session_id, page, 0)
        await send(interaction, embed=embed, view=view)

    @answers.autocomplete("query")
    async def query_complete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Headings that match what is typed."""
        return complete(interaction, "topic", current)

    @app_commands.command(name="answer", description="One written question and its full answer")
    @app_commands.describe(id="The question's API id or UIN (e.g. 1282662 or HL12274)")
    async def answer(
        self, interaction: Interaction, id: app_commands.Range[str, 1, NAME_LIMIT]
    ) -> None:
        """One question, its whole answer in pages, and its vote buttons."""
        found = await in_time(interaction, self.bot.services.db.read(answer_view, id.strip()))
        if found is None:
            await reply_error(
                interaction,
                f"I have no question with id or UIN `{cut_at_word(id.strip(), 40)}`. "
                "Try /answers to search.",
            )
            return
        embed, view = answer_message(found)
        if interaction.response.is_done():
            message = await interaction.followup.send(embed=embed, view=view, wait=True)
            message_id: int | None = message.id
        else:
            response = await interaction.response.send_message(embed=embed, view=view)
            message_id = getattr(response.resource, "id", None) or response.message_id
        if message_id is not None:
            await self.bot.services.db.write(
                self.bot.services.votes.remember_message,
                message_id, interaction.channel_id or 0, interaction.guild_id, found.row["id"],
            )

    @answer.autocomplete("id")
    async def answer_id_complete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """An exact id or UIN first, then the newest question under matching headings."""
        return await question_choices(interaction, current)


def nothing_found(bot: WrittenAnswersBot, search: SearchQuery) -> str:
    """Say so, and offer the nearest topics."""
    text = "No answers found"
    if search.text:
        text += f" for “{cut_at_word(discord.utils.escape_markdown(search.text), 80)}”"
    text += "."
    if search.text:
        nearest = bot.services.resolver.resolve("topic", search.text[:200], limit=3).candidates
        if nearest:
            names = ", ".join(f"**{discord.utils.escape_markdown(c.name)}**" for c in nearest)
            text += f" Nearest topics: {names}."
    if any((search.since, search.until, search.status, search.house)):
        text += " Try fewer filters."
    return text


async def setup(bot: WrittenAnswersBot) -> None:
    """Load the cog."""
    await bot.add_cog(Answers(bot))
