"""👍 / 👎 reactions on the bot's own answer messages, counted as helpfulness votes."""

from __future__ import annotations

import logging
from functools import partial

import discord
from discord.ext import commands

from bot.core.votes import emoji_vote
from bot.discord.answers import relabelled_view
from bot.discord.client import WrittenAnswersBot

log = logging.getLogger(__name__)


class ReactionVotes(commands.Cog):
    """Reactions as votes."""

    def __init__(self, bot: WrittenAnswersBot) -> None:
        self.bot = bot
        self.reactions_handled = 0  # reaction events taken (counted or ignored), in any order

    # The raw events: the cached ones miss reactions on messages sent before a restart.
    @commands.Cog.listener()
    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        """A 👍 or 👎 added: a vote."""
        try:
            await self._react(payload, added=True)
        finally:
            self.reactions_handled += 1

    @commands.Cog.listener()
    async def on_raw_reaction_remove(self, payload: discord.RawReactionActionEvent) -> None:
        """A 👍 or 👎 taken away: the vote goes, if it is still that one."""
        try:
            await self._react(payload, added=False)
        finally:
            self.reactions_handled += 1

    async def _react(self, payload: discord.RawReactionActionEvent, added: bool) -> None:
        helpful = emoji_vote(str(payload.emoji))
        if helpful is None or (self.bot.user and payload.user_id == self.bot.user.id):
            return
        if payload.member is not None and payload.member.bot:
            return  # bots' votes do not count
        services = self.bot.services
        votes = services.votes
        try:
            question_id = await services.db.write(votes.question_of_message, payload.message_id)
            if question_id is None:
                return  # not one of the bot's answer messages
            if added:
                change = partial(votes.vote, question_id, payload.user_id, helpful, "reaction",
                                 payload.message_id, payload.guild_id)
            else:
                change = partial(votes.withdraw_reaction, question_id, payload.user_id, helpful)
            outcome = await services.db.write(change)
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


async def setup(bot: WrittenAnswersBot) -> None:
    """Load the cog."""
    await bot.add_cog(ReactionVotes(bot))
