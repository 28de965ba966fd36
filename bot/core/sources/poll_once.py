"""`python -m bot poll --once`: fetch, match, and post (or say what would be posted)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.core.services import Services

PostPending = Callable[[Services], Awaitable[int]]  # posts what waits; returns messages posted


async def poll_once(services: Services, post: PostPending | None) -> tuple[bool, str]:
    """One cycle. With ``post`` (the Discord adapter's, when a token is set) the posts go to
    Discord; without it they stay queued for the bot and are listed. Returns (ok, report)."""
    result = await services.poller.poll_once()
    lines = [result.summary.describe() if result.summary else f"Poll failed: {result.error}"]
    await services.refresh_indexes()
    claimed = await services.db.write(services.queue.plan)
    if post is not None:
        posted = await post(services)
        lines.append(f"{claimed} new matches; {posted} messages posted.")
    else:
        by_channel = await services.db.write(services.queue.pending_by_channel)
        lines.append(
            f"{claimed} new matches; without DISCORD_TOKEN nothing is posted. "
            f"Waiting to be posted: {sum(by_channel.values())}"
            + "".join(f"\n  channel {c}: {n}" for c, n in by_channel.items())
        )
    return result.ok, "\n".join(lines)
