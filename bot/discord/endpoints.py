"""Point discord.py at a Discord-compatible server other than Discord's own.

discord.py reads its REST base from ``discord.http.Route.BASE`` and its gateway from
``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY``; both are class attributes, so this must run
before the client logs in. Interaction callbacks and webhooks go through ``Route`` too.
"""

from __future__ import annotations

import discord.gateway
import discord.http
import yarl

DISCORD_API_BASE_URL = "https://discord.com/api/v10"
DISCORD_GATEWAY_URL = "wss://gateway.discord.gg/"


def configure_endpoints(api_base_url: str | None, gateway_url: str | None) -> None:
    """Send discord.py's REST calls to ``api_base_url`` and its gateway to ``gateway_url``.

    ``None`` restores Discord's own endpoints.
    """
    discord.http.Route.BASE = (api_base_url or DISCORD_API_BASE_URL).rstrip("/")
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url or DISCORD_GATEWAY_URL)
