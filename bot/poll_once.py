"""`python -m bot poll --once`: fetch, match, and post (or say what would be posted)."""

from __future__ import annotations

from collections import Counter

from bot.config import Settings
from bot.delivery import DeliveryQueue, Pacer, send_batches
from bot.matching import Resolver
from bot.poller import Poller
from bot.store import Store
from bot.subscriptions import SubscriptionBook


async def poll_once(store: Store, settings: Settings) -> tuple[bool, str]:
    """One cycle. With ``DISCORD_TOKEN`` the posts go to Discord over HTTP (no gateway);
    without it they stay queued for the bot and are listed. Returns (ok, report)."""
    result = await Poller(
        store, settings.parliament_api_base_url, settings.poll_interval_seconds
    ).poll_once()
    lines = [result.summary.describe() if result.summary else f"Poll failed: {result.error}"]
    resolver = Resolver.from_store(store)
    book = SubscriptionBook(store, resolver.departments.predecessors)
    queue = DeliveryQueue(store, book)
    claimed = queue.plan()
    if settings.discord_token:
        posted = await _post(store, settings, book, queue)
        lines.append(f"{claimed} new matches; {posted} messages posted.")
    else:
        pending = store.conn.execute(
            "SELECT channel_id, kind FROM deliveries WHERE status = 'pending'"
        ).fetchall()
        by_channel = Counter(channel for channel, _ in pending)
        lines.append(
            f"{claimed} new matches; without DISCORD_TOKEN nothing is posted. "
            f"Waiting to be posted: {len(pending)}"
            + "".join(f"\n  channel {c}: {n}" for c, n in by_channel.items())
        )
    return result.ok, "\n".join(lines)


async def _post(
    store: Store, settings: Settings, book: SubscriptionBook, queue: DeliveryQueue
) -> int:
    import discord

    from bot.discord_endpoints import configure_endpoints
    from bot.votes import VoteLedger
    from cogs.poster import Poster

    configure_endpoints(settings.discord_api_base_url, settings.discord_gateway_url)
    client = discord.Client(
        intents=discord.Intents.none(), allowed_mentions=discord.AllowedMentions.none()
    )
    try:
        await client.login(settings.discord_token or "")
        poster = Poster(client, store, book, VoteLedger(store))
        return await send_batches(queue, poster.send, Pacer(), poster.after_sent)
    finally:
        await client.close()
