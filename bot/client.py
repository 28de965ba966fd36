"""The Discord client: intents, mentions, extensions and command sync. Cogs hold the commands."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import discord
from discord import app_commands
from discord.ext import commands

from bot.config import Settings
from bot.discord_endpoints import configure_endpoints
from bot.matching import Resolver
from bot.search import Searcher
from bot.store import Store
from bot.votes import VoteLedger

log = logging.getLogger(__name__)

EXTENSIONS = ("cogs.help", "cogs.answers", "cogs.people", "cogs.votes", "cogs.subscriptions")


def intents() -> discord.Intents:
    """Guilds and guild reactions only: slash commands and reaction votes need nothing more,
    and no privileged intent."""
    wanted = discord.Intents.none()
    wanted.guilds = True
    wanted.guild_reactions = True
    return wanted


class WrittenAnswersBot(commands.Bot):
    def __init__(self, settings: Settings, store: Store, **options: object) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents(),
            # Answer text and user input must never ping anyone.
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
            **options,
        )
        self.settings = settings
        self.store = store
        self.resolver = Resolver.from_store(store)
        self.searcher = Searcher(store, self.resolver)
        self.votes = VoteLedger(store)
        self.tree.on_error = self.on_app_command_error

    async def refresh_indexes(self) -> None:
        """Rebuild the in-memory name indexes after the store gained data: on a worker thread
        with its own connection (a second or more at a million questions), so the event loop
        keeps answering and the gateway its heartbeat meanwhile."""
        resolver = await asyncio.to_thread(_resolver_from_file, self.store.path)
        self.resolver = resolver
        self.searcher = Searcher(self.store, resolver)

    async def setup_hook(self) -> None:
        from cogs.ui import DYNAMIC_ITEMS

        # Registered before the gateway connects, so buttons on older messages keep working.
        self.add_dynamic_items(*DYNAMIC_ITEMS)
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        await self.sync_commands()

    async def on_app_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        """Any failure: a short private message for the user, the traceback in the log."""
        from cogs.ui import reply_error

        log.error("command %s failed", getattr(interaction.command, "name", "?"), exc_info=error)
        await reply_error(interaction)

    async def sync_commands(self) -> None:
        """To the configured servers (instant), else globally (Discord may take an hour)."""
        if self.settings.discord_guild_ids:
            for guild_id in self.settings.discord_guild_ids:
                guild = discord.Object(id=guild_id)
                self.tree.copy_global_to(guild=guild)
                synced = await self.tree.sync(guild=guild)
                log.info("synced %d commands to server %s", len(synced), guild_id)
        else:
            synced = await self.tree.sync()
            log.info("synced %d commands globally", len(synced))

    async def on_ready(self) -> None:
        log.info("logged in as %s in %d servers", self.user, len(self.guilds))


def run_bot(settings: Settings, store: Store) -> None:
    """Run until stopped. The token is passed to discord.py only, never logged."""
    configure_endpoints(settings.discord_api_base_url, settings.discord_gateway_url)
    bot = WrittenAnswersBot(settings, store)
    bot.run(settings.discord_token or "", log_handler=None)


def _resolver_from_file(path: Path) -> Resolver:
    with Store(path) as store:
        return Resolver.from_store(store)
