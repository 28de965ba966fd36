"""Running a discord.py client against the local server."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import discord

from bot.discord.endpoints import configure_endpoints

if TYPE_CHECKING:
    from .discord_server import DiscordServer

# ---------------------------------------------------------------------------------------------
# Running a discord.py client against the server
# ---------------------------------------------------------------------------------------------


class BotRunner:
    """Starts discord.py clients against a DiscordServer in this event loop and closes them."""

    def __init__(self, server: DiscordServer) -> None:
        self.server = server
        self._running: dict[int, tuple[discord.Client, asyncio.Task[None]]] = {}
        self._failures: list[BaseException] = []

    async def start(self, client: discord.Client, *, timeout: float = 10.0) -> discord.Client:
        """Point discord.py at the server, log in, connect, and wait for ``on_ready``."""
        configure_endpoints(self.server.api_base_url, self.server.gateway_url)
        try:
            await client.login(self.server.token)
        except BaseException:
            await client.close()
            raise
        task = asyncio.create_task(client.connect(), name=f"discord-connect-{id(client)}")
        self._running[id(client)] = (client, task)
        ready = asyncio.create_task(client.wait_until_ready())
        done, _ = await asyncio.wait(
            {task, ready}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
        )
        if ready in done:
            return client
        ready.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await ready
        if task in done:
            self._running.pop(id(client), None)
            await client.close()
            raise RuntimeError("the client stopped before it was ready") from task.exception()
        await self.stop(client)
        raise TimeoutError(f"the client was not ready within {timeout}s")

    async def stop(self, client: discord.Client, *, timeout: float = 10.0) -> None:
        """Close a client started here and wait for its connection task to end."""
        entry = self._running.pop(id(client), None)
        await client.close()
        if entry is None:
            return
        task = entry[1]
        try:
            await asyncio.wait_for(task, timeout)
        except Exception as exc:  # a crashed client must fail the test
            self._failures.append(exc)

    async def close_all(self) -> None:
        """Close every client still running, restore discord.py's endpoints, report crashes."""
        try:
            for client, _ in list(self._running.values())[::-1]:
                await self.stop(client)
        finally:
            configure_endpoints(None, None)
        if self._failures:
            raise AssertionError(f"a discord.py client crashed: {self._failures!r}")

    @contextlib.asynccontextmanager
    async def running(self, client: discord.Client) -> AsyncIterator[discord.Client]:
        """``async with runner.running(bot):`` starts and stops one client."""
        await self.start(client)
        try:
            yield client
        finally:
            await self.stop(client)
