"""The Discord client: intents, mentions, extensions, command sync and its services."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.config import Settings
from bot.core.metrics import FAIR_USE_REFUSALS, INTERACTION_SECONDS, LOOP_LAG_SECONDS
from bot.core.metrics import serve as serve_metrics
from bot.core.search.render import AnswerView
from bot.core.search.sessions import prune_sessions
from bot.core.services import Services, build_services
from bot.core.store.database import Store
from bot.discord.alerts.buttons import AlertButton, FollowSelect
from bot.discord.answers import AnswerPageButton, VoteButton, answer_message
from bot.discord.base import AppBot
from bot.discord.endpoints import configure_endpoints
from bot.discord.fair_use import FairUse, fair_use_message
from bot.discord.interactions import PriorityTree
from bot.discord.news import News
from bot.discord.replies import reply_error
from bot.discord.search import OpenAnswerSelect, PickButton, ResultsPageButton
from bot.discord.similar import SimilarButton
from bot.discord.watchdog import LoopWatchdog

log = logging.getLogger(__name__)

# The buttons and menus on any message, old ones too: registered before the gateway connects.
DYNAMIC_ITEMS = (VoteButton, AnswerPageButton, ResultsPageButton, OpenAnswerSelect, PickButton,
                 AlertButton, FollowSelect, SimilarButton)

EXTENSIONS = (
    "cogs.background", "cogs.help", "cogs.answers", "cogs.people", "cogs.votes",
    "cogs.subscriptions", "cogs.accountability", "cogs.overdue", "cogs.alerts",
    "cogs.privacy",
    "cogs.similar",
    "cogs.exports",
)


def intents() -> discord.Intents:
    """Guilds and guild reactions only: slash commands and reaction votes need nothing more,
    and no privileged intent."""
    wanted = discord.Intents.none()
    wanted.guilds = True
    wanted.guild_reactions = True
    return wanted


class WrittenAnswersBot(AppBot):
    """The bot: discord.py's client with the written-answers services attached."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        services: Services | None = None,
        **options: object,
    ) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents(),
            # Answer text and user input must never ping anyone.
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
            tree_cls=PriorityTree,  # autocompletes ahead of the commands of a burst
            **options,  # type: ignore[arg-type]  # discord.py types its options one by one
        )
        self.settings = settings
        self.store = store  # the writer's store: reach it through ``services.db``
        self.services = services or build_services(settings, store)
        self.news = News(self)
        self.watchdog = LoopWatchdog()
        self.fair_use = FairUse()  # per-person limits on costly commands (fair_use.py)
        self.watchdog.lag_observers.append(LOOP_LAG_SECONDS.observe)
        self.tree.error(self.on_app_command_error)

    async def setup_hook(self) -> None:
        """Before the gateway connects: buttons, name indexes, commands."""
        # Registered before the gateway connects, so buttons on older messages keep working.
        self.add_dynamic_items(*DYNAMIC_ITEMS)
        self.watchdog.start()
        serve_metrics(self.settings.metrics_port, self.settings.metrics_host)
        await self.services.db.write(prune_sessions, self.store)
        await self.refresh_indexes()
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        await self.sync_commands()

    def answer_message(self, view: AnswerView) -> tuple[discord.Embed, discord.ui.View]:
        """One answer as a message with its buttons."""
        return answer_message(view)

    async def close(self) -> None:
        """Stop the loops and the gateway, then the store's threads."""
        await super().close()
        await self.watchdog.stop()
        await self.services.sessions.flush()
        self.services.close()

    async def on_app_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        """Any failure: a short private message for the user, the traceback in the log; a
        fair-use refusal: when to try again, privately."""
        self.fair_use.release(interaction)
        if isinstance(error, app_commands.CommandOnCooldown):
            FAIR_USE_REFUSALS.labels(getattr(interaction.command, "name", "?")).inc()
            await reply_error(interaction, fair_use_message(error))
            return
        log.error("command %s failed", getattr(interaction.command, "name", "?"), exc_info=error)
        await reply_error(interaction)

    async def sync_commands(self) -> None:
        """To the configured servers (instant), else globally (Discord may take an hour)."""
        if self.settings.discord_guild_ids:
            for guild_id in self.settings.discord_guild_ids:
                guild = discord.Object(id=guild_id)
                self.tree.copy_global_to(guild=guild)
                try:
                    synced = await self.tree.sync(guild=guild)
                except discord.Forbidden:  # removed from it: start anyway, and say so
                    log.warning("could not sync commands to server %s (DISCORD_GUILD_IDS): "
                                "the bot is not in it", guild_id)
                    continue
                log.info("synced %d commands to server %s", len(synced), guild_id)
        else:
            synced = await self.tree.sync()
            log.info("synced %d commands globally", len(synced))

    async def on_app_command_completion(
        self, interaction: discord.Interaction, command: app_commands.Command[Any, ..., Any]
        | app_commands.ContextMenu
    ) -> None:
        """Record how long the command took, from the interaction's creation."""
        self.fair_use.release(interaction)
        elapsed = (discord.utils.utcnow() - interaction.created_at).total_seconds()
        INTERACTION_SECONDS.labels(command.name).observe(max(0.0, elapsed))

    async def on_ready(self) -> None:
        """Log where the bot is."""
        log.info("logged in as %s in %d servers", self.user, len(self.guilds))


def run_bot(services: Services) -> None:
    """Run until stopped. The token is passed to discord.py only, never logged."""
    settings = services.settings
    configure_endpoints(settings.discord_api_base_url, settings.discord_gateway_url)
    bot = WrittenAnswersBot(settings, services.store, services)
    bot.run(settings.discord_token or "", log_handler=None)
Interaction = discord.Interaction[WrittenAnswersBot]
"""An interaction with the bot typed, as the cogs receive it."""
