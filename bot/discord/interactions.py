"""Autocomplete first: in a burst, the choices people are typing into are answered before the
commands that arrived with them.

discord.py starts a task for each interaction as it arrives, in arrival order, and each costs
the loop a millisecond or two (the options, the handler, the HTTP callback); in a burst of a
hundred searches and a hundred autocompletes, the last autocomplete waited for all of that
work. Here a command waits for its turn while any autocomplete is being answered, for at most
``MAX_WAIT`` from its arrival, so that it is still acknowledged well within Discord's 3 s (a
search is acknowledged at once when its turn comes, before it searches). A search's results
wait the same way before they are drawn and sent (``after_autocompletes``).
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import discord
from discord import app_commands

PRIORITY = True  # bench/lever_bot.py switches it off, to measure what it gives
MAX_WAIT = 0.3  # seconds a command may wait for autocompletes answered before it


class Lanes:
    """The autocompletes being answered; commands wait while there are any."""

    def __init__(self) -> None:
        self._completing: set[int] = set()  # their interaction ids
        self._idle: asyncio.Event | None = None

    @property
    def completing(self) -> int:
        """How many autocompletes are being answered."""
        return len(self._completing)

    def started(self, interaction_id: int) -> None:
        """An autocomplete arrived (counted at once, before its task runs)."""
        self._completing.add(interaction_id)

    def finished(self, interaction_id: int) -> None:
        """An autocomplete's answer was sent, or its handler ended (either may come first)."""
        self._completing.discard(interaction_id)
        if not self._completing and self._idle is not None:
            self._idle.set()
            self._idle = None

    def trace(self) -> aiohttp.TraceConfig:
        """Ends an autocomplete's turn as soon as its answer is written to Discord, not when
        Discord has replied: the loop's work for it is done then, and no command need wait for
        the network."""

        async def sent(_session: object, _context: object,
                       params: aiohttp.TraceRequestChunkSentParams) -> None:
            # POST .../interactions/{id}/{token}/callback
            parts = params.url.path.rsplit("/", 4)
            if self._completing and len(parts) == 5 and parts[1] == "interactions" \
                    and parts[4] == "callback" and parts[2].isdigit():
                self.finished(int(parts[2]))

        config = aiohttp.TraceConfig()
        config.on_request_chunk_sent.append(sent)
        return config

    async def turn(self, arrived: float) -> None:
        """Return once no autocomplete is being answered, or ``MAX_WAIT`` after ``arrived``
        (the loop's clock); waiters are woken in the order they began waiting."""
        loop = asyncio.get_running_loop()
        while self._completing:
            remaining = arrived + MAX_WAIT - loop.time()
            if remaining <= 0:
                return
            if self._idle is None:
                self._idle = asyncio.Event()
            try:
                await asyncio.wait_for(self._idle.wait(), remaining)
            except TimeoutError:
                return


class PriorityTree(app_commands.CommandTree[Any]):
    """discord.py's command tree, with autocompletes ahead of the commands waiting beside
    them (see the module)."""

    def __init__(self, client: discord.Client, *, fallback_to_global: bool = True) -> None:
        super().__init__(client, fallback_to_global=fallback_to_global)
        self.lanes = Lanes()
        if client.http.http_trace is None:  # else an autocomplete's turn ends with its handler
            client.http.http_trace = self.lanes.trace()

    def _from_interaction(self, interaction: discord.Interaction[Any]) -> None:
        if not PRIORITY:
            super()._from_interaction(interaction)
            return
        autocomplete = interaction.type is discord.InteractionType.autocomplete
        arrived = asyncio.get_running_loop().time()
        if autocomplete:
            self.lanes.started(interaction.id)
        self.client.loop.create_task(self._run(interaction, autocomplete, arrived),
                                     name="CommandTree-invoker")

    async def _run(self, interaction: discord.Interaction[Any], autocomplete: bool,
                   arrived: float) -> None:
        # As discord.py's own invoker, with the wait for a turn before it.
        try:
            if not autocomplete:
                await self.lanes.turn(arrived)
            await self._call(interaction)
        except app_commands.AppCommandError as error:
            await self._dispatch_error(interaction, error)
        finally:
            if autocomplete:
                self.lanes.finished(interaction.id)


async def after_autocompletes(client: discord.Client) -> None:
    """Wait while autocompletes are being answered, for at most ``MAX_WAIT``: for work that
    someone is already told is coming (a search's results, after its acknowledgement)."""
    tree = getattr(client, "tree", None)
    if PRIORITY and isinstance(tree, PriorityTree):
        await tree.lanes.turn(asyncio.get_running_loop().time())
