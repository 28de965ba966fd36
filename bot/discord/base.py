"""What the adapter's modules may rely on of the bot, below everything that wires it up.

``WrittenAnswersBot`` (``client.py``) is the one implementation; views, replies and the news
loops type against ``AppBot`` so that the client can import them without an import cycle."""

from __future__ import annotations

import discord
from discord.ext import commands

from bot.config import Settings
from bot.core.search.render import AnswerView
from bot.core.services import Services
from bot.core.store.database import Store
from bot.discord.fair_use_limits import FairUse


class AppBot(commands.Bot):
    """discord.py's bot with the written-answers services attached."""

    settings: Settings
    store: Store  # the writer's store: reach it through ``services.db``
    services: Services
    fair_use: FairUse  # per-person limits on costly commands (fair_use.py)

    def answer_message(self, view: AnswerView) -> tuple[discord.Embed, discord.ui.View]:
        """One answer as a message with its buttons (``answers.answer_message``); named here
        so the menus that open an answer need not import the view they open, which holds a
        button that lists them (an import cycle)."""
        raise NotImplementedError

    async def refresh_indexes(self) -> None:
        """Rebuild the in-memory name indexes after the store gained data, off the loop."""
        await self.services.refresh_indexes()


Interaction = discord.Interaction[AppBot]
"""An interaction with the bot typed, as every handler of the adapter receives it."""
