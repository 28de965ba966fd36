"""/answers (search) and /answer (one question in full), with autocomplete."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.matching import AUTOCOMPLETE_LIMIT
from bot.records import STATUSES
from bot.search import SearchError, SearchQuery, parse_day_option
from bot.sessions import save_session
from bot.text import cut_at_word
from cogs.ui import answer_message, pick_message, reply_error, results_message

log = logging.getLogger(__name__)

NAME_LIMIT = 100
CHOICE_LIMIT = 100


def choices(candidates: list[Any]) -> list[app_commands.Choice[str]]:
    """Autocomplete choices: the names themselves, so what is picked resolves exactly."""
    seen: set[str] = set()
    out = []
    for candidate in candidates:
        name = cut_at_word(candidate.name, CHOICE_LIMIT)
        if name in seen:
            continue
        seen.add(name)
        label = cut_at_word(
            f"{candidate.name} ({candidate.note})" if candidate.note else candidate.name,
            CHOICE_LIMIT,
        )
        out.append(app_commands.Choice(name=label, value=name))
    return out[:AUTOCOMPLETE_LIMIT]


def autocomplete_for(kind: str):
    async def complete(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        try:
            return choices(interaction.client.resolver.autocomplete(kind, current))
        except Exception:
            log.exception("autocomplete failed")
            return []

    return complete


class Answers(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @app_commands.command(name="answers", description="Find written answers")
    @app_commands.describe(
        query='Words to look for ("a phrase", -word to leave out)',
        asked_by="Who asked (a member)",
        answered_by="Who answered (a minister)",
        member="Asked or answered by",
        department="Answering department (DfE, health, Ministry of Defence...)",
        house="Commons or Lords",
        since="Answered on or after (2024-01-31, 31/01/2024, 31 Jan 2024)",
        until="Answered on or before",
        status="Answered, holding, corrected or unanswered",
        sort="Most relevant or newest first",
    )
    @app_commands.choices(
        house=[app_commands.Choice(name=h, value=h.lower()) for h in ("Commons", "Lords")],
        status=[
            app_commands.Choice(name=s.capitalize(), value=s)
            for s in STATUSES
        ],
        sort=[
            app_commands.Choice(name="Relevance", value="relevance"),
            app_commands.Choice(name="Newest", value="newest"),
        ],
    )
    @app_commands.autocomplete(
        query=autocomplete_for("topic"),
        asked_by=autocomplete_for("member"),
        answered_by=autocomplete_for("member"),
        member=autocomplete_for("member"),
        department=autocomplete_for("department"),
    )
    async def answers(
        self,
        interaction: discord.Interaction,
        query: app_commands.Range[str, 0, 6000] | None = None,
        asked_by: app_commands.Range[str, 0, NAME_LIMIT] | None = None,
        answered_by: app_commands.Range[str, 0, NAME_LIMIT] | None = None,
        member: app_commands.Range[str, 0, NAME_LIMIT] | None = None,
        department: app_commands.Range[str, 0, NAME_LIMIT] | None = None,
        house: str | None = None,
        since: app_commands.Range[str, 0, 40] | None = None,
        until: app_commands.Range[str, 0, 40] | None = None,
        status: str | None = None,
        sort: str = "relevance",
    ) -> None:
        bot: Any = self.bot
        try:
            search = SearchQuery(
                text=query or "",
                asked_by=asked_by,
                answered_by=answered_by,
                member=member,
                department=department,
                house=house,
                since=parse_day_option(since, "since"),
                until=parse_day_option(until, "until"),
                status=status,
                sort=sort,
                limit=5,
            )
            names = bot.searcher.resolve_names(search)
        except SearchError as error:
            await reply_error(interaction, str(error))
            return
        if names.ambiguous:
            option, resolution = next(iter(names.ambiguous.items()))
            session_id = save_session(bot.store, search)
            text, view = pick_message(session_id, option, resolution.candidates)
            await interaction.response.send_message(text, view=view, ephemeral=True)
            return
        # Names resolved from memory; the search itself may take longer on a big store.
        await interaction.response.defer(thinking=True)
        outcome = bot.searcher.search(search)
        if not outcome.results:
            await interaction.followup.send(nothing_found(bot, search))
            return
        session_id = save_session(bot.store, search)
        embed, view = results_message(bot, session_id, outcome, 0)
        await interaction.followup.send(embed=embed, view=view)

    @app_commands.command(name="answer", description="One written question and its full answer")
    @app_commands.describe(id="The question's API id or UIN (e.g. 1282662 or HL12274)")
    async def answer(
        self, interaction: discord.Interaction, id: app_commands.Range[str, 1, NAME_LIMIT]
    ) -> None:
        bot: Any = self.bot
        row = bot.store.question(id.strip())
        if row is None:
            await reply_error(
                interaction,
                f"I have no question with id or UIN `{cut_at_word(id.strip(), 40)}`. "
                "Try /answers to search.",
            )
            return
        embed, view = answer_message(bot, row)
        response = await interaction.response.send_message(embed=embed, view=view)
        message_id = getattr(response.resource, "id", None) or response.message_id
        if message_id is not None:
            bot.votes.remember_message(
                message_id, interaction.channel_id or 0, interaction.guild_id, row["id"]
            )

    @answer.autocomplete("id")
    async def answer_id_complete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        bot: Any = self.bot
        try:
            out: list[app_commands.Choice[str]] = []
            if current.strip():
                row = bot.store.question(current.strip())  # an exact id or UIN: one lookup
                if row is not None:
                    out.append(
                        app_commands.Choice(
                            name=cut_at_word(f"{row['uin']} · {row['heading']}", CHOICE_LIMIT),
                            value=str(row["id"]),
                        )
                    )
            topics = bot.resolver.autocomplete("topic", current) if current.strip() else []
            for candidate in topics:
                latest = bot.resolver.topics.latest.get(candidate.id)
                if latest is None or any(c.value == str(latest) for c in out):
                    continue
                out.append(
                    app_commands.Choice(
                        name=cut_at_word(f"{candidate.name} ({candidate.note})", CHOICE_LIMIT),
                        value=str(latest),
                    )
                )
            return out[:AUTOCOMPLETE_LIMIT]
        except Exception:
            log.exception("answer autocomplete failed")
            return []


def nothing_found(bot: Any, search: SearchQuery) -> str:
    """Say so, and offer the nearest topics."""
    text = "No answers found"
    if search.text:
        text += f" for “{cut_at_word(discord.utils.escape_markdown(search.text), 80)}”"
    text += "."
    if search.text:
        nearest = bot.resolver.resolve("topic", search.text[:200], limit=3).candidates
        if nearest:
            names = ", ".join(f"**{discord.utils.escape_markdown(c.name)}**" for c in nearest)
            text += f" Nearest topics: {names}."
    if any((search.since, search.until, search.status, search.house)):
        text += " Try fewer filters."
    return text


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Answers(bot))
