"""What the adapter's modules may rely on of the bot, below everything that wires it up.

``WrittenAnswersBot`` (``client.py``) is the one implementation; views, replies and the news
loops type against ``AppBot`` so that the client can import them without an import cycle."""

from __future__ import annotations

import discord
from discord.ext import commands

from bot.config import Settings
from bot.core.services import Services
from bot.core.store.database import Store


class AppBot(commands.Bot):
    """discord.py's bot with the written-answers services attached."""

    settings: Settings
    store: Store  # the writer's store: reach it through ``services.db``
    services: Services

    async def refresh_indexes(self) -> None:
        """Rebuild the in-memory name indexes after the store gained data, off the loop."""
        await self.services.refresh_indexes()


Interaction = discord.Interaction[AppBot]
"""An interaction with the bot typed, as every handler of the adapter receives it."""
