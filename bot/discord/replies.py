"""Answering interactions in time, whatever the store is doing.

Discord drops an interaction not acknowledged within 3 seconds. Store work runs off the event
loop (``store_access``), but it can still wait: behind a bulk load's write lock, or on a cold
page cache. ``in_time`` gives it until ``ACK_WITHIN`` seconds, then acknowledges the interaction
(a deferral) and carries on; ``send`` and ``update`` then reply the right way either way.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable
from typing import TypedDict, TypeVar, Unpack, cast

import discord

from bot.discord.base import AppBot

log = logging.getLogger(__name__)

T = TypeVar("T")
# Seconds a handler may wait for the store before it acknowledges: well inside Discord's 3 s,
# and under the 1 s a person notices, so a slow search shows "thinking" rather than nothing.
ACK_WITHIN = 0.8
ERROR_MESSAGE = "Sorry — something went wrong there. It has been logged; please try again."


class Reply(TypedDict, total=False):
    """What ``send`` may carry: a new message's parts (discord.py's keyword arguments)."""

    content: str
    embed: discord.Embed
    view: discord.ui.View
    ephemeral: bool
    file: discord.File
    allowed_mentions: discord.AllowedMentions


class Edit(TypedDict, total=False):
    """What ``update`` may change of a message (None removes a part)."""

    content: str | None
    embed: discord.Embed | None
    view: discord.ui.View | None


def the_bot(interaction: discord.Interaction) -> AppBot:
    """The bot an interaction came to, with its services."""
    return cast(AppBot, interaction.client)


async def in_time(
    interaction: discord.Interaction,
    work: Awaitable[T],
    *,
    thinking: bool = False,
    ephemeral: bool = False,
) -> T:
    """Await ``work``; if it is not done within ``ACK_WITHIN`` seconds, acknowledge the
    interaction first (``thinking`` shows "…is thinking", else a silent deferral)."""
    task = asyncio.ensure_future(work)
    done, _ = await asyncio.wait({task}, timeout=ACK_WITHIN)
    if not done and not interaction.response.is_done():
        with contextlib.suppress(discord.HTTPException):
            await interaction.response.defer(thinking=thinking, ephemeral=ephemeral)
    return await task


async def send(interaction: discord.Interaction, **message: Unpack[Reply]) -> None:
    """A new message in reply: the response, or a follow-up once the response was used."""
    if interaction.response.is_done():
        await interaction.followup.send(**message)
    else:
        await interaction.response.send_message(**message)


async def update(interaction: discord.Interaction, **changes: Unpack[Edit]) -> None:
    """Edit the message a component sits on, whether or not the interaction was deferred."""
    if interaction.response.is_done():
        await interaction.edit_original_response(**changes)
    else:
        await interaction.response.edit_message(**changes)


def picked(interaction: discord.Interaction) -> str:
    """The value a select menu's user picked, or "" when the interaction carries none."""
    data = interaction.data
    values = data.get("values") if data is not None else None
    return values[0] if isinstance(values, list) and values and isinstance(values[0], str) else ""


async def reply_error(interaction: discord.Interaction, text: str = ERROR_MESSAGE) -> None:
    """A short, private message, whether or not the interaction was answered already."""
    try:
        if interaction.response.is_done():
            deferred = discord.InteractionResponseType.deferred_channel_message
            if interaction.response.type == deferred:
                # A public "thinking..." would become the error for everyone: remove it first.
                with contextlib.suppress(discord.HTTPException):
                    await interaction.delete_original_response()
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)
    except discord.HTTPException:
        log.exception("could not tell the user about an error")
