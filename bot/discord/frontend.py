"""The Discord adapter as the command line's frontend: ``run``, and ``poll --once``'s posts."""

from __future__ import annotations

import discord

from bot.core.services import Services
from bot.discord.client import run_bot
from bot.discord.endpoints import configure_endpoints
from bot.discord.subscriptions.poster import Poster


class DiscordFrontend:
    """Runs the bot, or posts what waits over HTTP alone (no gateway)."""

    def run(self, services: Services) -> None:
        """Run the bot until stopped."""
        run_bot(services)

    async def post_pending(self, services: Services) -> int:
        """Log in over HTTP, post every pending delivery, log out."""
        settings = services.settings
        configure_endpoints(settings.discord_api_base_url, settings.discord_gateway_url)
        client = discord.Client(
            intents=discord.Intents.none(), allowed_mentions=discord.AllowedMentions.none()
        )
        try:
            await client.login(settings.discord_token or "")
            return await Poster(client, services).send_pending()
        finally:
            await client.close()
