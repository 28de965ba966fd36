"""Fixtures for end-to-end tests against the local Discord-compatible server.

``discord_server`` is a started :class:`DiscordServer`; at teardown it fails the test on any
Discord rule the bot broke or any request the server does not handle, unless the test is marked
``@pytest.mark.allow_discord_violations`` (or took the violations it expected with
``pop_violations()``). ``bot_runner`` starts discord.py clients against it and closes them.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from parliament_server import ParliamentAPIServer

from bot.config import Settings

from .discord_server import BotRunner, DiscordServer


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "allow_discord_violations: do not fail the test on rule violations or unhandled requests "
        "recorded by the local Discord server",
    )


@pytest.fixture
def discord_server_options() -> dict[str, Any]:
    """Keyword arguments for DiscordServer; override this fixture to change the world."""
    return {}


@pytest.fixture
async def discord_server(
    request: pytest.FixtureRequest, discord_server_options: dict[str, Any]
) -> AsyncIterator[DiscordServer]:
    server = DiscordServer(**discord_server_options)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()
    if request.node.get_closest_marker("allow_discord_violations") is None:
        server.assert_clean()


@pytest.fixture
async def bot_runner(discord_server: DiscordServer) -> AsyncIterator[BotRunner]:
    """``await bot_runner.start(bot)`` connects a discord.py client and waits for on_ready;
    every client started is closed at teardown, before the server stops."""
    runner = BotRunner(discord_server)
    try:
        yield runner
    finally:
        await runner.close_all()


# -- The bot itself, wired to the local Discord server and a local Parliament API --------------

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture
async def parliament_api() -> AsyncIterator[ParliamentAPIServer]:
    """A local Written Questions API serving the hand-written fixture questions."""
    questions = [
        json.loads((FIXTURES / name).read_text())["value"] for name in ("substantive.json",)
    ]
    async with ParliamentAPIServer(questions) as server:
        yield server


@pytest.fixture
def bot_settings(
    tmp_path: Path, discord_server: DiscordServer, parliament_api: ParliamentAPIServer
) -> Settings:
    """Settings of a bot using a temporary database, syncing commands to the first guild."""
    return Settings(
        database_path=tmp_path / "answers.db",
        discord_token=discord_server.token,
        discord_guild_ids=(discord_server.guild.id,),
        parliament_api_base_url=parliament_api.base_url,
        discord_api_base_url=discord_server.api_base_url,
        discord_gateway_url=discord_server.gateway_url,
    )


@pytest.fixture
async def answers_bot(bot_settings: Settings, bot_runner: BotRunner) -> AsyncIterator[Any]:
    """The project's bot, in-process, connected and ready; closed with its store at teardown."""
    from bot.cli import open_store
    from bot.client import WrittenAnswersBot

    store = open_store(bot_settings.database_path)
    bot = WrittenAnswersBot(bot_settings, store, guild_ready_timeout=0.1)
    await bot_runner.start(bot)
    try:
        yield bot
    finally:
        await bot_runner.stop(bot)
        store.close()
