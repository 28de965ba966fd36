"""The app's background loops, on ``discord.ext.tasks``: polling Parliament, posting channel
news, sending personal alerts, the retention sweep, and a first run's backfill. One extension
every feature relies on, so a feature's extension failing to load stops none of them."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from discord.ext import commands, tasks

from bot.core.privacy.retention import SWEEP_SECONDS
from bot.core.sources.backfill import FirstFill
from bot.discord.client import WrittenAnswersBot
from bot.discord.privacy import sweep_retention

log = logging.getLogger(__name__)

DELIVERY_TICK_SECONDS = 2.0  # how soon news from an `ingest` beside the bot is posted
ALERT_TICK_SECONDS = 2.0  # how soon an answer the poll found is sent to those waiting for it


class Background(commands.Cog):
    """Starts and stops the loops; the work itself is ``bot.news``'s."""

    def __init__(self, bot: WrittenAnswersBot) -> None:
        self.bot = bot
        self._first_fill: asyncio.Task[None] | None = None
        self.meaning: asyncio.Task[None] | None = None

    async def cog_load(self) -> None:
        """Start the loops, and on a first run the background backfill (planned before the
        first poll, while the store still holds only the seed)."""
        first_fill = await FirstFill.plan(self.bot.services)
        # Similar by meaning (EMBEDDING_MODEL) comes up in the background; by words until then.
        self.meaning = asyncio.create_task(self.bot.services.start_meaning(), name="meaning")
        # Read here, not at import, so the ticks can be set per run.
        self.delivery_loop.change_interval(seconds=DELIVERY_TICK_SECONDS)
        self.alerts_loop.change_interval(seconds=ALERT_TICK_SECONDS)
        self.poll_loop.start()
        self.delivery_loop.start()
        self.alerts_loop.start()
        self.retention_loop.start()
        if first_fill is not None:
            self._first_fill = asyncio.create_task(first_fill.run(), name="first-backfill")

    async def cog_unload(self) -> None:
        """Stop every loop."""
        for loop in (self.poll_loop, self.delivery_loop, self.alerts_loop, self.retention_loop):
            loop.cancel()
        for task in (self._first_fill, self.meaning):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    @tasks.loop(seconds=60)
    async def poll_loop(self) -> None:
        """Poll, post, and wait as long as the poller asks (longer after failures)."""
        try:
            wait = await self.bot.news.poll()
        except Exception:
            log.exception("poll failed")
            wait = self.bot.news.poller.next_wait()
        self.poll_loop.change_interval(seconds=wait)

    @tasks.loop(seconds=DELIVERY_TICK_SECONDS)
    async def delivery_loop(self) -> None:
        """Post channel news that arrived between polls (an ``ingest`` beside the bot)."""
        try:
            await self.bot.news.deliver()
        except Exception:
            log.exception("delivery failed")

    @tasks.loop(seconds=ALERT_TICK_SECONDS)
    async def alerts_loop(self) -> None:
        """Send the direct messages people asked for."""
        try:
            await self.bot.news.deliver_alerts()
        except Exception:
            log.exception("sending alerts failed")

    @tasks.loop(seconds=SWEEP_SECONDS)
    async def retention_loop(self) -> None:
        """Apply the retention periods (bot/core/privacy/retention.py)."""
        try:
            await sweep_retention(self.bot)
        except Exception:
            log.exception("the retention sweep failed")

    @poll_loop.before_loop
    @delivery_loop.before_loop
    @alerts_loop.before_loop
    @retention_loop.before_loop
    async def _wait_until_ready(self) -> None:
        await self.bot.wait_until_ready()


async def setup(bot: WrittenAnswersBot) -> None:
    await bot.add_cog(Background(bot))
