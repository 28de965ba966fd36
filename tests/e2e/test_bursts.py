"""Autocomplete first in a burst (bot/discord/interactions.py): the choices someone is typing
into are answered before the commands that arrived with them, and every command is still
acknowledged. A small bot on the bot's own command tree, whose autocomplete waits for the test
to let it answer, so that the order is the test's to choose, not the machine's speed."""

from __future__ import annotations

import asyncio

import discord
import pytest
from discord import app_commands
from discord.ext import commands

from bot.discord import interactions
from bot.discord.interactions import PriorityTree, after_autocompletes

from .discord_server import BotRunner, DiscordServer


class BurstBot(commands.Bot):
    def __init__(self, sync_guild_id: int) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=discord.Intents.none(),
            guild_ready_timeout=0.1,
            tree_cls=PriorityTree,
        )
        self.sync_guild = discord.Object(sync_guild_id)
        self.typing = asyncio.Event()  # the autocomplete has begun
        self.answer = asyncio.Event()  # the test lets it answer
        self.search = asyncio.Event()  # the test lets commands finish searching
        self.search.set()
        self.searched = 0  # commands that have searched and wait to send their results
        self.seen = 0  # interactions received

    async def setup_hook(self) -> None:
        self.tree.add_command(find)
        self.tree.copy_global_to(guild=self.sync_guild)
        await self.tree.sync(guild=self.sync_guild)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        self.seen += 1


@app_commands.command(name="find", description="Find something")
async def find(interaction: discord.Interaction, topic: str) -> None:
    bot: BurstBot = interaction.client  # type: ignore[assignment]
    await interaction.response.defer(thinking=True)
    await bot.search.wait()
    bot.searched += 1
    await after_autocompletes(bot)
    await interaction.followup.send(f"found {topic}")


@find.autocomplete("topic")
async def find_topic(interaction: discord.Interaction, current: str) -> list[
    app_commands.Choice[str]
]:
    bot: BurstBot = interaction.client  # type: ignore[assignment]
    bot.typing.set()
    await bot.answer.wait()
    return [app_commands.Choice(name=f"{current} funding", value=f"{current} funding")]


@pytest.fixture
async def burst_bot(discord_server: DiscordServer, bot_runner: BotRunner) -> BurstBot:
    bot = BurstBot(discord_server.guild.id)
    await bot_runner.start(bot)
    return bot


async def typing(server: DiscordServer, bot: BurstBot) -> asyncio.Task[list[dict]]:
    """Someone types into /find's topic; returns once the bot is ranking the choices."""
    task = asyncio.ensure_future(
        server.autocomplete("find", {"topic": "school"}, focused="topic", timeout=10))
    await asyncio.wait_for(bot.typing.wait(), 10)
    return task


async def received(server: DiscordServer, bot: BurstBot, count: int) -> None:
    await server.wait_until(lambda: bot.seen >= count, 10, f"{count} interactions received")


async def test_an_autocomplete_is_answered_before_the_commands_that_arrive_beside_it(
    discord_server: DiscordServer, burst_bot: BurstBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(interactions, "MAX_WAIT", 60.0)  # the order alone is under test
    server = discord_server
    choices = await typing(server, burst_bot)
    searches = [await server.run_command("find", {"topic": f"t{n}"}) for n in range(5)]
    await received(server, burst_bot, 6)
    assert not any(handle.acknowledged for handle in searches)
    burst_bot.answer.set()
    assert await choices == [{"name": "school funding", "value": "school funding"}]
    typed = next(h for h in server.interactions.values() if h.type == 4)
    for number, handle in enumerate(searches):
        await handle.response()
        assert (await handle.message())["content"] == f"found t{number}"
        assert handle.answered_at >= typed.answered_at


async def test_every_command_is_acknowledged_while_an_autocomplete_is_slow(
    discord_server: DiscordServer, burst_bot: BurstBot
) -> None:
    server = discord_server
    choices = await typing(server, burst_bot)
    searches = [await server.run_command("find", {"topic": f"t{n}"}) for n in range(5)]
    for handle in searches:  # within Discord's 3 s: the local server refuses later ones
        assert (await handle.response())["type"] == 5  # deferred, thinking
    assert not choices.done()
    burst_bot.answer.set()
    assert await choices
    for number, handle in enumerate(searches):
        assert (await handle.message())["content"] == f"found t{number}"


async def test_a_result_waits_for_an_autocomplete_that_arrived_after_its_command(
    discord_server: DiscordServer, burst_bot: BurstBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(interactions, "MAX_WAIT", 60.0)
    server = discord_server
    burst_bot.search.clear()
    first = await server.run_command("find", {"topic": "early"})
    await first.response()  # acknowledged at once: no autocomplete was waiting then
    choices = await typing(server, burst_bot)
    burst_bot.search.set()
    await server.wait_until(lambda: burst_bot.searched >= 1, 10, "the search done")
    await asyncio.sleep(0.05)
    assert not first.original_ready  # its result waits for the one typing
    burst_bot.answer.set()
    await choices
    assert (await first.message())["content"] == "found early"
    typed = next(h for h in server.interactions.values() if h.type == 4)
    assert typed.answered_at > 0


async def test_without_the_priority_commands_go_in_their_arrival_order(
    discord_server: DiscordServer, burst_bot: BurstBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What discord.py does on its own, and what bench/lever_bot.py compares against.
    monkeypatch.setattr(interactions, "PRIORITY", False)
    server = discord_server
    choices = await typing(server, burst_bot)
    search = await server.run_command("find", {"topic": "t"})
    assert (await search.message())["content"] == "found t"
    assert not choices.done()
    burst_bot.answer.set()
    assert await choices


def test_remembered_choices_are_dropped_when_the_indexes_are_rebuilt() -> None:
    from bot.core.names.departments import DepartmentIndex
    from bot.core.names.matching import Resolver
    from bot.core.names.members import MemberIndex
    from bot.core.names.topics import TopicIndex
    from bot.discord.options import ChoiceMemo

    def resolver(*names: str) -> Resolver:
        members = [{"id": n, "name": name, "house": "Commons"} for n, name in enumerate(names)]
        return Resolver(MemberIndex(members), DepartmentIndex([]), TopicIndex([]))

    memo = ChoiceMemo()
    before = resolver("Gavin Williamson")
    assert [c.value for c in memo.choices(before, "member", "wil")] == ["Gavin Williamson"]
    assert [c.value for c in memo.choices(before, "member", "wil")] == ["Gavin Williamson"]
    after = resolver("Gavin Williamson", "Sarah Wilson")  # an ingest brought a member
    assert {c.value for c in memo.choices(after, "member", "wil")} == {
        "Gavin Williamson", "Sarah Wilson"}


async def test_an_autocomplete_turn_ends_when_its_answer_is_sent() -> None:
    # Not when Discord replies: the loop's part is done then (the commands need not wait for
    # the network).
    import aiohttp
    import yarl

    from bot.discord.interactions import Lanes

    lanes = Lanes()
    lanes.started(123)
    sent = lanes.trace().on_request_chunk_sent[0]

    async def send(path: str) -> None:
        await sent(None, None, aiohttp.TraceRequestChunkSentParams(
            "POST", yarl.URL(f"http://127.0.0.1/api/v10{path}"), b"{}"))

    await send("/webhooks/1/token")
    await send("/interactions/124/token/callback")
    assert lanes.completing == 1
    await send("/interactions/123/token/callback")
    assert lanes.completing == 0
