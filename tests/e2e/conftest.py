"""Fixtures for end-to-end tests against the local Discord-compatible server.

``discord_server`` is a started :class:`DiscordServer`; at teardown it fails the test on any
Discord rule the bot broke or any request the server does not handle, unless the test is marked
``@pytest.mark.allow_discord_violations`` (or took the violations it expected with
``pop_violations()``). ``bot_runner`` starts discord.py clients against it and closes them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

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
