"""👍 / 👎 reactions on the bot's own answer messages, counted as helpfulness votes."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord.ext import commands

from bot.votes import emoji_vote
from cogs.ui import relabelled_view

log = logging.getLogger(__name__)


class ReactionVotes(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    # The raw events: the cached ones miss reactions on messages sent before a restart.
    @commands.Cog.listener()
    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        await self._react(payload, added=True)

    @commands.Cog.listener()
    async def on_raw_reaction_remove(self, payload: discord.RawReactionActionEvent) -> None:
        await self._react(payload, added=False)

    async def _react(self, payload: discord.RawReactionActionEvent, added: bool) -> None:
        bot: Any = self.bot
        helpful = emoji_vote(str(payload.emoji))
        if helpful is None or payload.user_id == bot.user.id:
            return
        if payload.member is not None and payload.member.bot:
            return  # bots' votes do not count
        question_id = bot.votes.question_of_message(payload.message_id)
        if question_id is None:
            return  # not one of the bot's answer messages
        try:
            if added:
                outcome = bot.votes.vote(
                    question_id, payload.user_id, helpful, "reaction", payload.message_id
                )
            else:
                outcome = bot.votes.withdraw_reaction(question_id, payload.user_id, helpful)
            if outcome.changed:
                await self._update_counts(payload, question_id, outcome.yes, outcome.no)
        except Exception:
            log.exception("reaction vote on message %s failed", payload.message_id)

    async def _update_counts(
        self, payload: discord.RawReactionActionEvent, question_id: int, yes: int, no: int
    ) -> None:
        channel = self.bot.get_channel(payload.channel_id)
        if not isinstance(channel, discord.abc.Messageable):
            return
        message = await channel.fetch_message(payload.message_id)
        await message.edit(view=relabelled_view(message, question_id, yes, no))


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(ReactionVotes(bot))
