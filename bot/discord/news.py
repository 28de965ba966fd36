"""The bot's news work, shared by every feature: poll Parliament, post channel news (and pause
notices), and send personal alerts, all through the one outbox (bot/core/news/outbox.py).
``cogs.background`` runs these on ``discord.ext.tasks`` loops, so a feature's extension failing
to load stops none of them."""

from __future__ import annotations

import asyncio
import logging

from bot.core.metrics import CHANGE_BACKLOG, DELIVERIES_PENDING
from bot.core.news.alerts import AlertBook
from bot.core.news.deliveries import DeliveryQueue
from bot.core.news.outbox import Pacer, send_outbox
from bot.core.news.subscriptions import SubscriptionBook
from bot.core.sources.poller import Poller
from bot.discord.alerts.sender import AlertSender
from bot.discord.base import AppBot
from bot.discord.subscriptions.poster import Poster

log = logging.getLogger(__name__)


class News:
    """Polling, channel posts and direct messages, each one round at a time."""

    def __init__(self, bot: AppBot) -> None:
        self.bot = bot
        self.poster = Poster(bot, bot.services)
        self.alerts = AlertBook(bot.store)  # the writer's connection: use it through db.write
        self.alert_sender = AlertSender(bot)
        self.alert_pacer = Pacer()
        self.deliver_lock = asyncio.Lock()
        self.alerts_lock = asyncio.Lock()
        # Rounds finished so far: waiting for two more proves a whole round ran after a moment
        # (the tests' way to assert that something was not posted).
        self.poll_rounds = 0  # a poll, and the delivery round after it
        self.delivery_rounds = 0  # from either loop
        self.alert_rounds = 0

    @property
    def book(self) -> SubscriptionBook:
        """The bot's subscriptions."""
        return self.bot.services.book

    @property
    def queue(self) -> DeliveryQueue:
        """The bot's delivery queue."""
        return self.bot.services.queue

    @property
    def poller(self) -> Poller:
        """The bot's poller."""
        return self.bot.services.poller

    async def poll(self) -> float:
        """One poll of Parliament, then post what it found; returns the seconds until the next
        (longer after failures)."""
        result = await self.poller.poll_once()
        if result.ok and result.summary and (result.summary.new or result.summary.updated):
            await self.bot.refresh_indexes()
        await self.deliver()
        self.poll_rounds += 1
        return self.poller.next_wait()

    async def deliver(self) -> int:
        """Match new change-log events and post what is pending; one round at a time. Each
        planning step is a write of its own, so votes never wait behind a long backlog."""
        async with self.deliver_lock:
            db = self.bot.services.db
            while not (await db.write(self.queue.plan_step)).done:
                pass
            now = self.bot.services.clock()
            while await db.write(self.queue.due_digest_step, now) is not None:
                pass
            posted = await self.poster.send_pending()
            backlog, pending = await db.write(self.queue.backlog)
            CHANGE_BACKLOG.set(backlog)
            DELIVERIES_PENDING.set(pending)
            self.delivery_rounds += 1
            return posted

    async def deliver_alerts(self) -> int:
        """Claim direct messages for new change-log events, then send what waits."""
        async with self.alerts_lock:
            db = self.bot.services.db
            while not (await db.write(self.alerts.plan_step)).done:
                pass
            sent = await send_outbox(self.alerts.pending, self.alerts.outbox, self.alert_sender,
                                     self.alert_pacer, db.write, self.alerts.mark_undeliverable)
            self.alert_rounds += 1
            return sent
