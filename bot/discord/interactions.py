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

import discord
from discord import app_commands

PRIORITY = True  # bench/lever_bot.py switches it off, to measure what it gives
MAX_WAIT = 0.3  # seconds a command may wait for autocompletes answered before it


class Lanes:
    """Counts the autocompletes being answered; commands wait while there are any."""

    def __init__(self) -> None:
        self.completing = 0
        self._idle: asyncio.Event | None = None

    def started(self) -> None:
        """An autocomplete arrived (counted at once, before its task runs)."""
        self.completing += 1

    def finished(self) -> None:
        """An autocomplete was answered (or failed)."""
        self.completing -= 1
        if self.completing == 0 and self._idle is not None:
            self._idle.set()
            self._idle = None

    async def turn(self, arrived: float) -> None:
        """Return once no autocomplete is being answered, or ``MAX_WAIT`` after ``arrived``
        (the loop's clock); waiters are woken in the order they began waiting."""
        loop = asyncio.get_running_loop()
        while self.completing:
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

    def _from_interaction(self, interaction: discord.Interaction[Any]) -> None:
        if not PRIORITY:
            super()._from_interaction(interaction)
            return
        autocomplete = interaction.type is discord.InteractionType.autocomplete
        arrived = asyncio.get_running_loop().time()
        if autocomplete:
            self.lanes.started()
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
                self.lanes.finished()


async def after_autocompletes(client: discord.Client) -> None:
    """Wait while autocompletes are being answered, for at most ``MAX_WAIT``: for work that
    someone is already told is coming (a search's results, after its acknowledgement)."""
    tree = getattr(client, "tree", None)
    if PRIORITY and isinstance(tree, PriorityTree):
        await tree.lanes.turn(asyncio.get_running_loop().time())
