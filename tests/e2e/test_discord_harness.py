"""Tests of the local Discord server itself, driving a small discord.py bot defined here."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable

import aiohttp
import discord
import pytest
from discord import app_commands
from discord.ext import commands

from . import discord_payloads as p
from .discord_server import (
    GATEWAY_PATH,
    RESUME_GATEWAY_PATH,
    BotRunner,
    CommandNotAvailable,
    DiscordServer,
)

TOPICS = [f"Topic {i:02d}" for i in range(40)] + ["Special educational needs", "School funding"]


class VoteView(discord.ui.View):
    """Persistent: fixed custom_ids and no timeout, registered in setup_hook."""

    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Yes", style=discord.ButtonStyle.success, custom_id="harness:yes")
    async def yes(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        bot: HarnessBot = interaction.client  # type: ignore[assignment]
        bot.yes_votes += 1
        await interaction.response.edit_message(content=f"Yes — {bot.yes_votes}")

    @discord.ui.select(
        custom_id="harness:sort",
        options=[
            discord.SelectOption(label="Newest", value="newest"),
            discord.SelectOption(label="Oldest", value="oldest"),
        ],
    )
    async def sort(self, interaction: discord.Interaction, select: discord.ui.Select) -> None:
        await interaction.response.send_message(f"sorted by {select.values[0]}", ephemeral=True)


@app_commands.command(description="Look up written answers")
async def lookup(
    interaction: discord.Interaction,
    topic: str,
    limit: app_commands.Range[int, 1, 10] = 3,
    detailed: bool = False,
    where: discord.TextChannel | None = None,
    person: discord.Member | None = None,
) -> None:
    embed = discord.Embed(
        title=topic,
        description=f"limit={limit} detailed={detailed} "
        f"where={where.name if where else None} person={person.name if person else None}",
    )
    await interaction.response.send_message(embed=embed, view=VoteView())


@lookup.autocomplete("topic")
async def lookup_topic(interaction: discord.Interaction, current: str) -> list[app_commands.Choice]:
    matches = [t for t in TOPICS if current.lower() in t.lower()]
    return [app_commands.Choice(name=t, value=t) for t in matches[:25]]


@app_commands.command(description="Autocomplete that breaks the 25-choice limit")
async def badcomplete(interaction: discord.Interaction, query: str) -> None:
    await interaction.response.send_message(query)


@badcomplete.autocomplete("query")
async def badcomplete_query(interaction: discord.Interaction, current: str) -> list:
    return [app_commands.Choice(name=f"choice {i}", value=f"c{i}") for i in range(26)]


@app_commands.command(description="Answers after a delay")
async def slow(interaction: discord.Interaction) -> None:
    bot: HarnessBot = interaction.client  # type: ignore[assignment]
    await asyncio.sleep(bot.slow_delay)
    await interaction.response.send_message("sorry for the wait")


@app_commands.command(description="Replies with an embed over Discord's limits")
async def longembed(interaction: discord.Interaction) -> None:
    await interaction.response.send_message(embed=discord.Embed(description="x" * 5000))


@app_commands.command(description="Defers, then edits the answer in")
async def deferred(interaction: discord.Interaction, via_followup: bool = False) -> None:
    await interaction.response.defer(thinking=True)
    if via_followup:
        await interaction.followup.send("done (follow-up)")
    else:
        await interaction.edit_original_response(content="done (edit)")
    await interaction.followup.send("and one more thing", ephemeral=True)


@app_commands.command(name="setup-feed", description="Moderators only")
@app_commands.default_permissions(manage_channels=True)
@app_commands.guild_only()
async def setup_feed(interaction: discord.Interaction, channel: discord.TextChannel) -> None:
    await interaction.response.send_message(
        f"manage_channels={interaction.permissions.manage_channels} "
        f"app_send={interaction.app_permissions.send_messages} channel={channel.name}",
        ephemeral=True,
    )


feeds = app_commands.Group(name="feeds", description="Feed subscriptions")


@feeds.command(name="list", description="List feeds")
async def feeds_list(interaction: discord.Interaction, verbose: bool = False) -> None:
    await interaction.response.send_message(f"feeds verbose={verbose}")


class HarnessBot(commands.Bot):
    def __init__(self, sync_guild_id: int) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=discord.Intents.default(),
            guild_ready_timeout=0.1,
            allowed_mentions=discord.AllowedMentions.none(),
        )
        self.sync_guild = discord.Object(sync_guild_id)
        self.raw_reactions: list[tuple[str, discord.RawReactionActionEvent]] = []
        self.yes_votes = 0
        self.slow_delay = 0.0
        self.ready_count = 0

    async def setup_hook(self) -> None:
        self.add_view(VoteView())
        for command in (lookup, badcomplete, slow, longembed, deferred, setup_feed, feeds):
            self.tree.add_command(command)
        # Guild sync for the first guild (instant on Discord), global sync for the rest.
        self.tree.copy_global_to(guild=self.sync_guild)
        await self.tree.sync(guild=self.sync_guild)
        await self.tree.sync()

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        # discord.py waits 5 s before re-identifying after op 9; no need against a local server.
        return None

    async def on_ready(self) -> None:
        self.ready_count += 1

    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        self.raw_reactions.append(("add", payload))

    async def on_raw_reaction_remove(self, payload: discord.RawReactionActionEvent) -> None:
        self.raw_reactions.append(("remove", payload))


@pytest.fixture
async def harness_bot(discord_server: DiscordServer, bot_runner: BotRunner) -> HarnessBot:
    bot = HarnessBot(discord_server.guild.id)
    await bot_runner.start(bot)
    return bot


async def wait_for(check: Callable[[], object], timeout: float = 5.0) -> None:
    """Wait for a condition on the bot's side (the server's own wait_until covers its side)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        if loop.time() > deadline:
            raise TimeoutError("condition not met")
        await asyncio.sleep(0.01)


def test_payloads_are_checked_against_the_pinned_discord_py() -> None:
    # A discord.py upgrade must come with a look at discord_payloads.py against its parsers.
    assert discord.__version__ == p.DISCORD_PY_VERSION


async def test_login_ready_guilds_intents_and_command_sync(
    discord_server: DiscordServer, harness_bot: HarnessBot
) -> None:
    server = discord_server
    assert harness_bot.user is not None and harness_bot.user.id == server.bot_user.id
    assert harness_bot.application_id == server.application_id
    assert {g.id for g in harness_bot.guilds} == {g.id for g in server.guilds}
    guild = harness_bot.get_guild(server.guild.id)
    assert guild is not None
    assert [c.name for c in guild.text_channels] == [c.name for c in server.guild.text_channels]
    assert guild.me.guild_permissions.send_messages
    assert server.intents == harness_bot.intents.value
    assert server.intents is not None and not server.intents & p.PRIVILEGED_INTENTS
    assert server.identify_count == 1
    assert server.gateway_connections[0]["path"] == GATEWAY_PATH
    assert server.gateway_connections[0]["query"]["v"] == "10"

    syncs = server.actions_of("commands_sync")
    assert [a.guild_id for a in syncs] == [server.guild.id, None]
    names = {"lookup", "badcomplete", "slow", "longembed", "deferred", "setup-feed", "feeds"}
    assert {c["name"] for c in server.commands(server.guild)} == names
    assert {c["name"] for c in server.commands()} == names
    fetched = await harness_bot.tree.fetch_commands()
    assert {c.name for c in fetched} == names
    assert all(c.id for c in fetched)


async def test_slash_command_with_typed_options_replies_with_embed_and_button(
    discord_server: DiscordServer, harness_bot: HarnessBot
) -> None:
    server = discord_server
    target = server.guild.channel("education")
    handle = await server.run_command(
        "lookup",
        {
            "topic": "School funding",
            "limit": 5,
            "detailed": True,
            "where": target,
            "person": server.admin_user,
        },
        channel=server.guild.channel("written-answers"),
    )
    response = await handle.response()
    assert response["type"] == p.CALLBACK_CHANNEL_MESSAGE
    message = await handle.message()
    assert message["embeds"][0]["title"] == "School funding"
    assert message["embeds"][0]["description"] == (
        "limit=5 detailed=True where=education person=alice_mod"
    )
    custom_ids = [c["custom_id"] for row in message["components"] for c in row["components"]]
    assert custom_ids == ["harness:yes", "harness:sort"]
    assert message["interaction_metadata"]["name"] == "lookup"
    posted = await server.wait_for_message(
        server.guild.channel("written-answers"), lambda m: m["id"] == message["id"]
    )
    assert posted["embeds"] == message["embeds"]
    callback = server.actions_of("interaction_callback")[-1]
    assert callback.payload["data"]["allowed_mentions"] == {"parse": []}

    # The second guild only has the global command; the bot resolves that one too.
    other = await server.run_command("lookup", {"topic": "Topic 01"}, guild=server.guilds[1])
    assert "data" in other.payload and "guild_id" not in other.payload["data"]
    assert (await other.message())["embeds"][0]["title"] == "Topic 01"


async def test_subcommands_permissions_and_option_checks(
    discord_server: DiscordServer, harness_bot: HarnessBot
) -> None:
    server = discord_server
    handle = await server.run_command("feeds list", {"verbose": True})
    assert (await handle.message())["content"] == "feeds verbose=True"

    with pytest.raises(ValueError, match="no options"):
        await server.run_command("lookup", {"topic": "x", "colour": "red"})
    with pytest.raises(ValueError, match="needs options"):
        await server.run_command("lookup", {})
    with pytest.raises(ValueError, match="limit"):
        await server.run_command("lookup", {"topic": "x", "limit": 11})
    # Discord does not even offer a Manage Channels command to a plain member.
    with pytest.raises(CommandNotAvailable):
        await server.run_command("setup-feed", {"channel": "alerts"}, user=server.plain_user)

    handle = await server.run_command(
        "setup-feed", {"channel": server.guild.channel("education")}, user=server.admin_user
    )
    message = await handle.message()
    assert message["content"] == "manage_channels=True app_send=True channel=education"
    assert message["flags"] & p.FLAG_EPHEMERAL
    assert all(m["id"] != message["id"] for m in server.messages_in(server.channel))


async def test_autocomplete_answers_from_the_bot(
    discord_server: DiscordServer, harness_bot: HarnessBot
) -> None:
    choices = await discord_server.autocomplete("lookup", {"topic": "school"}, focused="topic")
    assert choices == [{"name": "School funding", "value": "School funding"}]
    many = await discord_server.autocomplete("lookup", {"topic": "topic"}, focused="topic")
    assert len(many) == 25


async def test_button_press_and_select(
    discord_server: DiscordServer, harness_bot: HarnessBot
) -> None:
    server = discord_server
    message = await (await server.run_command("lookup", {"topic": "Topic 02"})).message()

    press = await server.press_button(message, "harness:yes", user=server.admin_user)
    assert (await press.response())["type"] == p.CALLBACK_UPDATE_MESSAGE
    updated = await press.message()
    assert updated["id"] == message["id"] and updated["content"] == "Yes — 1"
    assert server.get_message(message["id"])["content"] == "Yes — 1"  # type: ignore[index]

    second = await server.press_button(message, "harness:yes", user=server.plain_user)
    assert (await second.message())["content"] == "Yes — 2"

    choice = await server.select(message, "harness:sort", ["oldest"])
    reply = await choice.message()
    assert reply["content"] == "sorted by oldest" and reply["flags"] & p.FLAG_EPHEMERAL

    with pytest.raises(ValueError, match="no component"):
        await server.press_button(message, "harness:nope")
    with pytest.raises(ValueError, match="not options"):
        await server.select(message, "harness:sort", ["sideways"])


async def test_deferred_response_edit_and_followups(
    discord_server: DiscordServer, harness_bot: HarnessBot
) -> None:
    server = discord_server
    handle = await server.run_command("deferred")
    assert (await handle.response())["type"] == p.CALLBACK_DEFERRED_CHANNEL_MESSAGE
    assert (await handle.message())["content"] == "done (edit)"
    ephemeral = await handle.followup(0)
    assert ephemeral["content"] == "and one more thing" and ephemeral["flags"] & p.FLAG_EPHEMERAL

    via_followup = await server.run_command("deferred", {"via_followup": True})
    assert (await via_followup.message())["content"] == "done (follow-up)"
    await via_followup.followup(0)
    kinds = [a.kind for a in server.actions if a.interaction_id == via_followup.id]
    assert kinds == ["interaction_callback", "original_edit", "followup_create"]


async def test_reactions_reach_the_bot_including_its_own_and_other_bots(
    discord_server: DiscordServer, harness_bot: HarnessBot
) -> None:
    server = discord_server
    channel = harness_bot.get_channel(server.channel.id)
    assert isinstance(channel, discord.TextChannel)
    sent = await channel.send("vote here")
    await sent.add_reaction("👍")
    await server.add_reaction(sent.id, server.channel, "👍", server.plain_user)
    await server.add_reaction(sent.id, server.channel, "👎", server.other_bot)
    await server.remove_reaction(sent.id, server.channel, "👍", server.plain_user)
    await wait_for(lambda: len(harness_bot.raw_reactions) == 4)

    seen = [(kind, e.user_id, str(e.emoji)) for kind, e in harness_bot.raw_reactions]
    assert seen == [
        ("add", server.bot_user.id, "👍"),
        ("add", server.plain_user.id, "👍"),
        ("add", server.other_bot.id, "👎"),
        ("remove", server.plain_user.id, "👍"),
    ]
    bot_event = harness_bot.raw_reactions[2][1]
    assert bot_event.member is not None and bot_event.member.bot
    assert bot_event.message_author_id == server.bot_user.id
    stored = server.get_message(sent.id)
    assert stored is not None
    assert [(r["emoji"]["name"], r["count"], r["me"]) for r in stored["reactions"]] == [
        ("👍", 1, True),
        ("👎", 1, False),
    ]
    assert [a.kind for a in server.actions_of("reaction_add")] == ["reaction_add"]


async def test_event_dispatched_while_disconnected_arrives_after_resume(
    discord_server: DiscordServer, harness_bot: HarnessBot
) -> None:
    server = discord_server
    message = await server.send_user_message(server.channel, "hello", user=server.plain_user)
    await server.drop_gateway()
    assert not server.connected
    await server.add_reaction(message, emoji="🎉", user=server.admin_user)
    await server.wait_until(lambda: server.resume_count == 1, what="a RESUME")
    await wait_for(lambda: len(harness_bot.raw_reactions) == 1)
    assert harness_bot.raw_reactions[0][1].user_id == server.admin_user.id
    assert server.gateway_connections[-1]["path"] == RESUME_GATEWAY_PATH
    assert server.identify_count == 1

    # And commands keep working on the resumed session.
    handle = await server.run_command("feeds list")
    assert (await handle.message())["content"] == "feeds verbose=False"


async def test_op7_reconnect_resumes(
    discord_server: DiscordServer, harness_bot: HarnessBot
) -> None:
    server = discord_server
    await server.send_reconnect()
    await server.wait_until(lambda: server.resume_count == 1 and server.connected, what="resume")
    handle = await server.run_command("feeds list")
    assert (await handle.message())["content"] == "feeds verbose=False"
    assert server.identify_count == 1


async def test_op9_invalid_session_identifies_again(
    discord_server: DiscordServer, harness_bot: HarnessBot
) -> None:
    server = discord_server
    await server.invalidate_session()
    await server.wait_until(
        lambda: server.identify_count == 2 and server.connected, what="IDENTIFY"
    )
    await wait_for(lambda: harness_bot.ready_count == 2)
    assert server.resume_count == 0
    handle = await server.run_command("feeds list")
    assert (await handle.message())["content"] == "feeds verbose=False"


async def test_rate_limited_post_is_retried(
    discord_server: DiscordServer, harness_bot: HarnessBot
) -> None:
    server = discord_server
    rule = server.rate_limit("POST", r"/channels/\d+/messages", count=2, retry_after=0.05)
    channel = harness_bot.get_channel(server.channel.id)
    assert isinstance(channel, discord.TextChannel)
    sent = await channel.send("after two 429s")
    assert rule.hits == 2 and rule.remaining == 0
    assert [r.status for r in server.rate_limited] == [429, 429]
    assert [m["content"] for m in server.messages_in(server.channel)] == ["after two 429s"]
    assert sent.content == "after two 429s"


@pytest.mark.parametrize(
    ("kwargs", "error_path"),
    [
        ({"embed": discord.Embed(description="x" * 5000)}, "description"),
        ({"content": "y" * 2001}, "content"),
        ({"embeds": [discord.Embed(description="z" * 4000)] * 2}, "6000"),
        ({"embed": discord.Embed().add_field(name="n", value="v" * 1025)}, "fields"),
        ({"nonce": "n" * 26}, "nonce"),
    ],
)
async def test_messages_over_discord_limits_are_rejected(
    discord_server: DiscordServer, harness_bot: HarnessBot, kwargs: dict, error_path: str
) -> None:
    channel = harness_bot.get_channel(discord_server.channel.id)
    assert isinstance(channel, discord.TextChannel)
    if "nonce" in kwargs:
        kwargs = {**kwargs, "content": "ok"}
    with pytest.raises(discord.HTTPException) as caught:
        await channel.send(**kwargs)
    assert caught.value.status == 400 and caught.value.code == 50035
    violations = discord_server.pop_violations("invalid_form_body")
    assert len(violations) == 1 and error_path in violations[0].detail
    assert discord_server.messages_in(discord_server.channel) == []


async def test_overlong_embed_in_interaction_response_is_rejected(
    discord_server: DiscordServer, harness_bot: HarnessBot
) -> None:
    server = discord_server
    handle = await server.run_command("longembed")
    await server.wait_until(lambda: handle.rejected, what="a rejected callback")
    assert handle.rejected[0]["status"] == 400 and handle.callback is None
    [violation] = server.pop_violations("invalid_form_body")
    assert server.violations == []
    assert '{"embeds": {"0": {"description": {"_errors"' in violation.detail


async def test_too_many_autocomplete_choices_are_rejected(
    discord_server: DiscordServer, harness_bot: HarnessBot
) -> None:
    server = discord_server
    choices = await server.autocomplete("badcomplete", {"query": "c"}, focused="query")
    assert len(choices) == 26
    [violation] = server.pop_violations("invalid_autocomplete")
    assert "25 or fewer" in violation.detail


async def test_late_initial_response_is_rejected(
    discord_server: DiscordServer, harness_bot: HarnessBot
) -> None:
    server = discord_server
    server.interaction_deadline = 0.2  # Discord's is 3 s; shortened so the test stays fast
    harness_bot.slow_delay = 0.3
    handle = await server.run_command("slow")
    await server.wait_until(lambda: handle.rejected, what="the late response")
    assert handle.rejected[0]["code"] == 10062 and handle.expired
    assert len(server.pop_violations("interaction_response_too_late")) == 1
    assert server.violations == []


async def test_second_initial_response_is_rejected(
    discord_server: DiscordServer, harness_bot: HarnessBot
) -> None:
    server = discord_server
    handle = await server.run_command("feeds list")
    await handle.message()
    # discord.py refuses to answer twice itself, so replay the callback as a raw request.
    url = f"{server.api_base_url}/interactions/{handle.id}/{handle.token}/callback"
    body = {"type": 4, "data": {"content": "again"}}
    async with aiohttp.ClientSession() as session, session.post(url, json=body) as resp:
        assert resp.status == 400
        assert resp.headers["Content-Type"] == "application/json"
        assert (await resp.json())["code"] == 40060
    assert len(server.pop_violations("interaction_already_acknowledged")) == 1
    assert server.violations == []


async def test_forbidden_and_deleted_channels(
    discord_server: DiscordServer, harness_bot: HarnessBot
) -> None:
    server = discord_server
    forbidden = server.guild.channel("education")
    await server.forbid_posting(forbidden)
    channel = harness_bot.get_channel(forbidden.id)
    assert isinstance(channel, discord.TextChannel)
    await wait_for(lambda: not channel.permissions_for(channel.guild.me).send_messages)
    with pytest.raises(discord.Forbidden) as caught:
        await channel.send("let me in")
    assert caught.value.code == 50013
    # Interactions still work there; Discord reports the missing permission in app_permissions.
    handle = await server.run_command(
        "setup-feed", {"channel": forbidden}, channel=forbidden, user=server.admin_user
    )
    assert "app_send=False" in (await handle.message())["content"]

    gone = server.guild.channel("written-answers")
    await server.delete_channel(gone)
    await wait_for(lambda: harness_bot.get_channel(gone.id) is None)
    with pytest.raises(discord.NotFound) as missing:
        await harness_bot.get_partial_messageable(gone.id).send("anyone?")
    assert missing.value.code == 10003


async def test_nonce_enforcement_dedupes_posts(
    discord_server: DiscordServer, harness_bot: HarnessBot
) -> None:
    server = discord_server
    channel = harness_bot.get_channel(server.channel.id)
    assert isinstance(channel, discord.TextChannel)
    first = await channel.send("answer 123 posted", nonce="answer-123")
    again = await channel.send("answer 123 posted (retry)", nonce="answer-123")
    other = await channel.send("answer 456 posted", nonce="answer-456")
    assert again.id == first.id and again.content == "answer 123 posted"
    assert other.id != first.id
    assert [m["content"] for m in server.messages_in(server.channel)] == [
        "answer 123 posted",
        "answer 456 posted",
    ]
    assert len(server.actions_of("message_deduplicated")) == 1


async def test_persistent_button_works_after_a_restart(
    discord_server: DiscordServer, bot_runner: BotRunner, harness_bot: HarnessBot
) -> None:
    server = discord_server
    message = await (await server.run_command("lookup", {"topic": "Topic 03"})).message()
    await bot_runner.stop(harness_bot)
    assert not server.connected

    restarted = HarnessBot(server.guild.id)
    await bot_runner.start(restarted)
    press = await server.press_button(message, "harness:yes")
    assert (await press.message())["content"] == "Yes — 1"
    assert restarted.yes_votes == 1 and harness_bot.yes_votes == 0
    assert server.identify_count == 2


async def test_unhandled_requests_are_recorded_and_fail_the_test(
    discord_server: DiscordServer, harness_bot: HarnessBot
) -> None:
    server = discord_server
    guild = harness_bot.get_guild(server.guild.id)
    assert guild is not None
    with pytest.raises(discord.NotFound):
        await guild.fetch_emojis()
    assert [r.path for r in server.unhandled] == [f"/guilds/{guild.id}/emojis"]
    with pytest.raises(AssertionError, match="unhandled request: GET"):
        server.assert_clean()
    server.pop_unhandled()
    server.assert_clean()


async def test_rest_answers_are_exactly_application_json(discord_server: DiscordServer) -> None:
    server = discord_server
    headers = {"Authorization": f"Bot {server.token}"}
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{server.api_base_url}/users/@me", headers=headers) as resp:
            assert resp.status == 200
            assert resp.headers["Content-Type"] == "application/json"
            assert (await resp.json())["id"] == str(server.bot_user.id)
        async with session.get(f"{server.api_base_url}/users/@me") as resp:
            assert resp.status == 401
    assert len(server.pop_violations("unauthorized")) == 1
    assert server.violations == []


async def test_interaction_callback_429_is_retried(
    discord_server: DiscordServer, harness_bot: HarnessBot
) -> None:
    server = discord_server
    rule = server.rate_limit("POST", r"/interactions/\d+/[^/]+/callback", retry_after=0.05)
    handle = await server.run_command("feeds list")
    assert (await handle.message())["content"] == "feeds verbose=False"
    assert rule.hits == 1


class PickerView(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.select(
        cls=discord.ui.ChannelSelect,
        custom_id="picker:channel",
        channel_types=[discord.ChannelType.text],
    )
    async def channel(
        self, interaction: discord.Interaction, select: discord.ui.ChannelSelect
    ) -> None:
        await interaction.response.send_message(f"channel {select.values[0].name}")

    @discord.ui.select(cls=discord.ui.UserSelect, custom_id="picker:users", max_values=2)
    async def users(self, interaction: discord.Interaction, select: discord.ui.UserSelect) -> None:
        await interaction.response.send_modal(NameModal())


class NameModal(discord.ui.Modal, title="Your name"):
    name: discord.ui.TextInput = discord.ui.TextInput(label="Name")


async def test_channel_messages_files_edits_history_selects_and_modal(
    discord_server: DiscordServer, harness_bot: HarnessBot
) -> None:
    server = discord_server
    channel = harness_bot.get_channel(server.channel.id)
    assert isinstance(channel, discord.TextChannel)
    file = discord.File(io.BytesIO(b"answer text"), filename="answer.txt")
    sent = await channel.send("with a file", file=file, view=PickerView())
    assert [(a.filename, a.size) for a in sent.attachments] == [("answer.txt", 11)]
    assert server.files[sent.attachments[0].id] == b"answer text"

    edited = await sent.edit(content="edited")
    assert edited.content == "edited" and edited.edited_at is not None
    assert [m.content async for m in channel.history(limit=5)] == ["edited"]
    assert (await channel.fetch_message(sent.id)).content == "edited"

    picked = await server.select(sent.id, "picker:channel", [server.guild.channel("education")])
    assert (await picked.message())["content"] == "channel education"
    users = await server.select(
        sent.id, "picker:users", [server.admin_user, server.plain_user], user=server.admin_user
    )
    assert (await users.response())["type"] == p.CALLBACK_MODAL
    assert users.modal is not None and users.modal["title"] == "Your name"

    await sent.delete()
    assert [m["content"] for m in server.messages_in(server.channel)] == ["channel education"]
    assert [
        a.kind for a in server.actions_of("message_create", "message_edit", "message_delete")
    ] == [
        "message_create",
        "message_edit",
        "message_delete",
    ]


async def test_allowed_mentions_can_be_enforced(
    discord_server: DiscordServer, harness_bot: HarnessBot
) -> None:
    server = discord_server
    server.strict_allowed_mentions = True
    channel = harness_bot.get_channel(server.channel.id)
    assert isinstance(channel, discord.TextChannel)
    await channel.send("quiet")  # the bot's default AllowedMentions.none() is fine
    assert server.violations == []
    await channel.send("@everyone look", allowed_mentions=discord.AllowedMentions(everyone=True))
    assert len(server.pop_violations("allowed_mentions")) == 1
    assert server.violations == []


async def test_members_intent_chunks_and_content_is_hidden_without_its_intent(
    discord_server: DiscordServer, bot_runner: BotRunner
) -> None:
    server = discord_server
    intents = discord.Intents.default()
    intents.members = True
    client = discord.Client(intents=intents, guild_ready_timeout=0.1)
    seen: list[tuple[str, str]] = []

    @client.event
    async def on_message(message: discord.Message) -> None:
        seen.append((message.author.name, message.content))

    await bot_runner.start(client)
    guild = client.get_guild(server.guild.id)
    assert guild is not None and guild.chunked
    member = guild.get_member(server.admin_user.id)
    assert member is not None and member.guild_permissions.manage_channels
    plain = guild.get_member(server.plain_user.id)
    assert plain is not None and not plain.guild_permissions.manage_channels
    assert any(f["op"] == p.OP_REQUEST_GUILD_MEMBERS for f in server.gateway_received)

    await server.send_user_message(server.channel, "secret words", user=server.plain_user)
    await wait_for(lambda: seen)
    assert seen == [("bob_member", "")]


@pytest.mark.parametrize("discord_server_options", [{"allow_privileged_intents": False}])
async def test_privileged_intents_can_be_refused(
    discord_server: DiscordServer, bot_runner: BotRunner
) -> None:
    client = discord.Client(intents=discord.Intents.all(), guild_ready_timeout=0.1)
    with pytest.raises(RuntimeError) as caught:
        await bot_runner.start(client)
    assert isinstance(caught.value.__cause__, discord.PrivilegedIntentsRequired)


def _row(*components: dict) -> dict:
    return {"type": p.COMPONENT_ACTION_ROW, "components": list(components)}


def _button(custom_id: str, label: str = "ok") -> dict:
    return {"type": p.COMPONENT_BUTTON, "style": 1, "custom_id": custom_id, "label": label}


def _select(custom_id: str, options: int = 2) -> dict:
    return {
        "type": p.COMPONENT_STRING_SELECT,
        "custom_id": custom_id,
        "options": [{"label": f"o{i}", "value": f"o{i}"} for i in range(options)],
    }


@pytest.mark.parametrize(
    ("components", "error_code"),
    [
        ([_row(_button(f"b{i}")) for i in range(6)], "BASE_TYPE_MAX_LENGTH"),
        ([_row(*[_button(f"b{i}") for i in range(6)])], "BASE_TYPE_MAX_LENGTH"),
        ([_row(_select("s"), _button("b"))], "COMPONENT_LAYOUT_WIDTH_EXCEEDED"),
        ([_row(_button("x" * 101))], "BASE_TYPE_MAX_LENGTH"),
        ([_row(_button("b", label="l" * 81))], "BASE_TYPE_MAX_LENGTH"),
        ([_row(_select("s", options=26))], "BASE_TYPE_MAX_LENGTH"),
        ([_row(_button("same")), _row(_button("same"))], "COMPONENT_CUSTOM_ID_DUPLICATED"),
    ],
)
async def test_component_limits_are_enforced(
    discord_server: DiscordServer, components: list[dict], error_code: str
) -> None:
    # discord.py refuses most of these itself, so post the raw payload.
    server = discord_server
    url = f"{server.api_base_url}/channels/{server.channel.id}/messages"
    headers = {"Authorization": f"Bot {server.token}"}
    body = {"content": "pick", "components": components}
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, json=body, headers=headers) as resp,
    ):
        assert resp.status == 400
        assert (await resp.json())["code"] == 50035
    [violation] = server.pop_violations("invalid_form_body")
    assert error_code in violation.detail
    assert server.messages_in(server.channel) == []


# --- threads, forum posts and replies ---------------------------------------------------------


@pytest.fixture
def thread_world(discord_server: DiscordServer) -> dict:
    """Before the bot connects: a forum with tags (one moderated), a forum that requires a tag,
    an active thread under the first text channel, an archived one and an archived+locked one."""
    server = discord_server
    forum = server.add_channel(
        server.guild,
        "answers-forum",
        type=p.CHANNEL_FORUM,
        available_tags=["Education", "Health", {"name": "Official", "moderated": True}],
    )
    strict = server.add_channel(
        server.guild,
        "tagged-forum",
        type=p.CHANNEL_FORUM,
        available_tags=["SEND"],
        flags=p.CHANNEL_FLAG_REQUIRE_TAG,
    )
    return {
        "forum": forum,
        "strict": strict,
        "active": server.add_thread(server.channel, "ongoing"),
        "archived": server.add_thread(server.channel, "sleeping", archived=True),
        "locked": server.add_thread(server.channel, "closed", archived=True, locked=True),
    }


@pytest.fixture
async def threads_bot(thread_world: dict, harness_bot: HarnessBot) -> HarnessBot:
    return harness_bot


def _member_overwrite(channel, user_id: int, *, deny: int) -> None:
    channel.overwrites = [
        o for o in channel.overwrites if not (int(o["id"]) == user_id and o["type"] == 1)
    ]
    channel.overwrites.append(p.overwrite_payload(user_id, 1, deny=deny))


async def test_guild_create_carries_forums_and_active_threads(
    discord_server: DiscordServer, thread_world: dict, threads_bot: HarnessBot
) -> None:
    server = discord_server
    forum = threads_bot.get_channel(thread_world["forum"].id)
    assert isinstance(forum, discord.ForumChannel)
    assert [t.name for t in forum.available_tags] == ["Education", "Health", "Official"]
    assert forum.get_tag(int(thread_world["forum"].tag("Official")["id"])).moderated
    strict = threads_bot.get_channel(thread_world["strict"].id)
    assert isinstance(strict, discord.ForumChannel) and strict.flags.require_tag
    guild = threads_bot.get_guild(server.guild.id)
    assert guild is not None
    # Active threads come in GUILD_CREATE's threads (never in channels); archived ones do not.
    active = guild.get_thread(thread_world["active"].id)
    assert isinstance(active, discord.Thread) and active.parent_id == server.channel.id
    assert active.owner_id == server.plain_user.id and not active.archived
    assert guild.get_thread(thread_world["archived"].id) is None
    [guild_create] = [
        g for g in server.dispatched("GUILD_CREATE") if g["id"] == str(server.guild.id)
    ]
    assert [t["name"] for t in guild_create["threads"]] == ["ongoing"]
    assert {c["type"] for c in guild_create["channels"]}.isdisjoint(p.THREAD_TYPES)
    assert [c["available_tags"] for c in guild_create["channels"] if c["name"] == "tagged-forum"]
    # GET /guilds/{id}/channels lists no threads either (discord.py would refuse a thread there).
    assert {c.id for c in await guild.fetch_channels()} == {c.id for c in guild.channels}
    # GET /channels/{thread_id} works for any thread, archived ones included.
    fetched = await threads_bot.fetch_channel(thread_world["locked"].id)
    assert isinstance(fetched, discord.Thread) and fetched.archived and fetched.locked
    assert [t.name for t in server.threads_of(server.channel)] == ["ongoing", "sleeping", "closed"]


async def test_forum_post_with_a_tag_is_a_thread_with_its_starter_message(
    discord_server: DiscordServer, thread_world: dict, threads_bot: HarnessBot
) -> None:
    server = discord_server
    forum = threads_bot.get_channel(thread_world["forum"].id)
    assert isinstance(forum, discord.ForumChannel)
    education = forum.get_tag(int(thread_world["forum"].tag("Education")["id"]))
    assert education is not None
    created = await forum.create_thread(
        name="HL1234 answered",
        content="The minister answered",
        embed=discord.Embed(title="HL1234"),
        applied_tags=[education],
    )
    thread, message = created.thread, created.message
    assert thread.id == message.id and thread.parent_id == forum.id
    assert thread.type is discord.ChannelType.public_thread
    assert thread.applied_tags == [education]
    [post] = server.forum_posts(thread_world["forum"])
    assert (post["name"], post["tags"]) == ("HL1234 answered", ["Education"])
    assert post["message"]["embeds"][0]["title"] == "HL1234"
    assert server.messages_in(thread.id)[0]["id"] == str(thread.id)
    assert server.get_message(thread.id)["channel_id"] == str(thread.id)
    # THREAD_CREATE put the post in the client's cache.
    await wait_for(lambda: isinstance(threads_bot.get_channel(thread.id), discord.Thread))

    # The starter message can be edited (its embed), and the post takes follow-ups.
    await message.edit(embed=discord.Embed(title="HL1234 (corrected)"))
    assert server.get_message(thread.id)["embeds"][0]["title"] == "HL1234 (corrected)"
    await thread.send("a follow-up")
    assert [m["content"] for m in server.messages_in(thread.id)] == [
        "The minister answered",
        "a follow-up",
    ]
    # A forum itself takes no messages.
    with pytest.raises(discord.HTTPException) as refused:
        await threads_bot.get_partial_messageable(forum.id).send("straight into the forum")
    assert (refused.value.status, refused.value.code) == (400, 50008)


async def test_forum_post_tag_rules(
    discord_server: DiscordServer, thread_world: dict, threads_bot: HarnessBot
) -> None:
    server = discord_server
    forum = threads_bot.get_channel(thread_world["forum"].id)
    strict = threads_bot.get_channel(thread_world["strict"].id)
    assert isinstance(forum, discord.ForumChannel) and isinstance(strict, discord.ForumChannel)
    # A tag of another forum is not one of this forum's available_tags.
    send_tag = strict.available_tags[0]
    with pytest.raises(discord.HTTPException) as unknown:
        await forum.create_thread(name="wrong tag", content="x", applied_tags=[send_tag])
    assert (unknown.value.status, unknown.value.code) == (400, 50035)
    [violation] = server.pop_violations("invalid_form_body")
    assert "applied_tags" in violation.detail
    # At most five tags.
    with pytest.raises(discord.HTTPException) as too_many:
        await forum.create_thread(
            name="many", content="x", applied_tags=[forum.available_tags[0]] * 6
        )
    assert too_many.value.code == 50035
    server.pop_violations("invalid_form_body")
    # A moderated tag needs Manage Threads, which the bot lacks.
    official = next(t for t in forum.available_tags if t.moderated)
    with pytest.raises(discord.Forbidden) as moderated:
        await forum.create_thread(name="official", content="x", applied_tags=[official])
    assert moderated.value.code == 50013
    # REQUIRE_TAG: no post without a tag, and one with a tag goes through.
    with pytest.raises(discord.HTTPException) as untagged:
        await strict.create_thread(name="untagged", content="x")
    assert (untagged.value.status, untagged.value.code) == (400, 40067)
    await strict.create_thread(name="tagged", content="x", applied_tags=[send_tag])
    assert [post["name"] for post in server.forum_posts(thread_world["strict"])] == ["tagged"]
    assert server.forum_posts(thread_world["forum"]) == []
    # Creating a post takes Send Messages in the forum.
    _member_overwrite(thread_world["forum"], server.bot_user.id, deny=p.SEND_MESSAGES)
    with pytest.raises(discord.Forbidden):
        await forum.create_thread(name="no right", content="x")
    # The starter message is validated like any message.
    with pytest.raises(discord.HTTPException) as overlong:
        await strict.create_thread(
            name="too long", embed=discord.Embed(description="x" * 5000), applied_tags=[send_tag]
        )
    assert overlong.value.code == 50035
    [violation] = server.pop_violations("invalid_form_body")
    assert "message" in violation.detail and "embeds" in violation.detail


async def test_thread_from_a_message_once_only(
    discord_server: DiscordServer, thread_world: dict, threads_bot: HarnessBot
) -> None:
    server = discord_server
    channel = threads_bot.get_channel(server.channel.id)
    assert isinstance(channel, discord.TextChannel)
    message = await channel.send("Question 42 was answered")
    thread = await message.create_thread(name="Discuss question 42")
    assert isinstance(thread, discord.Thread)
    assert thread.id == message.id and thread.parent_id == channel.id
    stored = server.get_message(message.id)
    assert stored["flags"] & p.FLAG_HAS_THREAD and stored["thread"]["id"] == str(thread.id)
    assert server.threads_of(channel.id)[-1].id == thread.id
    await wait_for(lambda: isinstance(threads_bot.get_channel(thread.id), discord.Thread))

    with pytest.raises(discord.HTTPException) as again:
        await message.create_thread(name="Discuss question 42 again")
    assert (again.value.status, again.value.code) == (400, 160004)

    # Starting one takes Create Public Threads.
    other = server.guild.channel("education")
    elsewhere = threads_bot.get_channel(other.id)
    assert isinstance(elsewhere, discord.TextChannel)
    second = await elsewhere.send("Question 43")
    _member_overwrite(other, server.bot_user.id, deny=p.CREATE_PUBLIC_THREADS)
    with pytest.raises(discord.Forbidden) as forbidden:
        await second.create_thread(name="no right")
    assert forbidden.value.code == 50013


async def test_sending_in_a_thread_takes_send_messages_in_threads(
    discord_server: DiscordServer, thread_world: dict, threads_bot: HarnessBot
) -> None:
    server = discord_server
    thread = threads_bot.get_channel(thread_world["active"].id)
    assert isinstance(thread, discord.Thread)
    # Send Messages denied on the parent does not matter in its threads...
    await server.forbid_posting(server.channel)
    sent = await thread.send("in the thread")
    assert server.messages_in(thread.id)[-1]["id"] == str(sent.id)
    with pytest.raises(discord.Forbidden):
        await threads_bot.get_partial_messageable(server.channel.id).send("in the parent")
    # ...Send Messages in Threads, denied on the parent, does.
    _member_overwrite(server.channel, server.bot_user.id, deny=p.SEND_MESSAGES_IN_THREADS)
    with pytest.raises(discord.Forbidden) as forbidden:
        await thread.send("again")
    assert forbidden.value.code == 50013
    assert len(server.messages_in(thread.id)) == 1


async def test_archived_threads_unarchive_on_send_unless_locked(
    discord_server: DiscordServer, thread_world: dict, threads_bot: HarnessBot
) -> None:
    server = discord_server
    locked = threads_bot.get_partial_messageable(thread_world["locked"].id)
    with pytest.raises(discord.HTTPException) as refused:
        await locked.send("anyone?")
    assert (refused.value.status, refused.value.code) == (400, 50083)
    assert server.messages_in(thread_world["locked"]) == []

    # Archived, not locked: the bot's message unarchives it; THREAD_UPDATE tells the client.
    sleeping = thread_world["archived"]
    await threads_bot.get_partial_messageable(sleeping.id).send("waking up")
    assert not sleeping.archived
    await wait_for(lambda: isinstance(threads_bot.get_channel(sleeping.id), discord.Thread))

    # The bot archives its own thread through PATCH; locking needs Manage Threads.
    channel = threads_bot.get_channel(server.channel.id)
    assert isinstance(channel, discord.TextChannel)
    message = await channel.send("to be archived")
    thread = await message.create_thread(name="short-lived")
    reply = await thread.send("in it")
    with pytest.raises(discord.Forbidden):
        await thread.edit(locked=True)
    await thread.edit(archived=True)
    assert server.threads_of(server.channel)[-1].archived
    # An archived thread's messages cannot be edited.
    with pytest.raises(discord.HTTPException) as frozen:
        await reply.edit(content="changed")
    assert frozen.value.code == 50083
    # A moderator locks it: now the bot cannot post in it either.
    await server.archive_thread(thread.id, locked=True)
    with pytest.raises(discord.HTTPException) as closed:
        await thread.send("after the lock")
    assert closed.value.code == 50083


async def test_thread_create_reaches_the_client_cache(
    discord_server: DiscordServer, thread_world: dict, threads_bot: HarnessBot
) -> None:
    server = discord_server
    created: list[discord.Thread] = []

    async def on_thread_create(new: discord.Thread) -> None:
        created.append(new)

    threads_bot.add_listener(on_thread_create)
    thread = await server.start_thread(server.channel, "a member's thread", user=server.plain_user)
    await wait_for(lambda: isinstance(threads_bot.get_channel(thread.id), discord.Thread))
    cached = threads_bot.get_channel(thread.id)
    assert isinstance(cached, discord.Thread) and cached.owner_id == server.plain_user.id
    await wait_for(lambda: [t.id for t in created] == [thread.id])

    post = await server.start_thread(
        thread_world["forum"], "a member's post", content="hello", applied_tags=["Health"]
    )
    await wait_for(lambda: isinstance(threads_bot.get_channel(post.id), discord.Thread))
    assert [t.name for t in threads_bot.get_channel(post.id).applied_tags] == ["Health"]

    # A moderator archiving it: THREAD_UPDATE, and discord.py drops it from the cache.
    await server.archive_thread(thread)
    await wait_for(lambda: threads_bot.get_channel(thread.id) is None)


async def test_replies_carry_the_referenced_message(
    discord_server: DiscordServer, thread_world: dict, threads_bot: HarnessBot
) -> None:
    server = discord_server
    channel = threads_bot.get_channel(server.channel.id)
    assert isinstance(channel, discord.TextChannel)
    question = await server.send_user_message(server.channel, "When?", user=server.plain_user)
    original = await channel.fetch_message(int(question["id"]))

    quiet = await channel.send("Tomorrow", reference=original)
    assert quiet.type is discord.MessageType.reply
    assert quiet.reference is not None and quiet.reference.message_id == original.id
    stored = server.get_message(quiet.id)
    assert stored["type"] == p.MESSAGE_REPLY
    assert stored["message_reference"]["message_id"] == question["id"]
    assert stored["referenced_message"]["content"] == "When?"
    assert stored["mentions"] == []  # the bot's AllowedMentions.none(): replied_user false
    loud = await channel.send("Tomorrow!", reference=original, mention_author=True)
    loud_mentions = server.get_message(loud.id)["mentions"]
    assert [m["id"] for m in loud_mentions] == [str(server.plain_user.id)]

    # A reply inside a thread, to a message of that thread.
    thread = threads_bot.get_channel(thread_world["active"].id)
    assert isinstance(thread, discord.Thread)
    first = await thread.send("first")
    second = await thread.send("second", reference=first)
    assert server.get_message(second.id)["referenced_message"]["id"] == str(first.id)

    # A missing message: 50035, unless fail_if_not_exists is false.
    missing = discord.MessageReference(message_id=12345, channel_id=channel.id)
    with pytest.raises(discord.HTTPException) as unknown:
        await channel.send("to nothing", reference=missing)
    assert (unknown.value.status, unknown.value.code) == (400, 50035)
    [violation] = server.pop_violations("message_reference")
    assert "Unknown message" in violation.detail
    # A message of another channel is not in this one either.
    elsewhere = discord.MessageReference(message_id=first.id, channel_id=channel.id)
    with pytest.raises(discord.HTTPException):
        await channel.send("across", reference=elsewhere)
    server.pop_violations("message_reference")
    lenient = discord.MessageReference(
        message_id=12345, channel_id=channel.id, fail_if_not_exists=False
    )
    plain = await channel.send("anyway", reference=lenient)
    assert plain.type is discord.MessageType.default
    assert "message_reference" not in server.get_message(plain.id)


async def test_a_command_run_inside_a_thread_answers_there(
    discord_server: DiscordServer, thread_world: dict, threads_bot: HarnessBot
) -> None:
    server = discord_server
    thread = thread_world["active"]
    handle = await server.run_command("lookup", {"topic": "School funding"}, channel=thread)
    message = await handle.message()
    assert message["channel_id"] == str(thread.id)
    assert handle.payload["channel"]["thread_metadata"]["archived"] is False
    assert server.messages_in(thread)[-1]["id"] == message["id"]


async def test_the_bot_removed_from_a_guild_and_added_back(
    discord_server: DiscordServer, harness_bot: HarnessBot
) -> None:
    server = discord_server
    guild = server.guilds[1]
    events: list[tuple[str, int]] = []

    async def removed(g: discord.Guild) -> None:
        events.append(("remove", g.id))

    async def joined(g: discord.Guild) -> None:
        events.append(("join", g.id))

    harness_bot.add_listener(removed, "on_guild_remove")
    harness_bot.add_listener(joined, "on_guild_join")
    channel = harness_bot.get_channel(guild.text_channels[0].id)
    assert isinstance(channel, discord.TextChannel)
    await server.remove_bot_from_guild(guild)
    await wait_for(lambda: ("remove", guild.id) in events)
    assert server.dispatched("GUILD_DELETE")[-1] == {"id": str(guild.id)}  # no "unavailable"
    assert harness_bot.get_guild(guild.id) is None
    with pytest.raises(discord.Forbidden) as refused:
        await channel.send("still here?")
    assert refused.value.code == 50001  # Missing Access
    with pytest.raises(CommandNotAvailable):
        await server.run_command("lookup", {"topic": "x"}, guild=guild, user=server.plain_user)

    await server.add_bot_to_guild(guild)
    await wait_for(lambda: ("join", guild.id) in events)
    assert "unavailable" not in server.dispatched("GUILD_CREATE")[-1]
    back = harness_bot.get_guild(guild.id)
    assert back is not None and back.me is not None
    again = harness_bot.get_channel(guild.text_channels[0].id)
    assert isinstance(again, discord.TextChannel)
    assert (await again.send("back")).content == "back"
    assert ("remove", server.guild.id) not in events  # the other guild never left


@app_commands.command(description="A file only the person asking sees")
async def privatefile(interaction: discord.Interaction) -> None:
    file = discord.File(io.BytesIO(b'{"votes": []}'), filename="mine.json")
    await interaction.response.send_message("yours", file=file, ephemeral=True)


async def test_an_ephemeral_reply_with_a_file(
    discord_server: DiscordServer, harness_bot: HarnessBot
) -> None:
    server = discord_server
    harness_bot.tree.add_command(privatefile, guild=discord.Object(server.guild.id))
    await harness_bot.tree.sync(guild=discord.Object(server.guild.id))
    handle = await server.run_command("privatefile", {}, user=server.plain_user)
    message = await handle.message()
    assert message["flags"] & p.FLAG_EPHEMERAL
    (attachment,) = message["attachments"]
    assert (attachment["filename"], attachment["ephemeral"]) == ("mine.json", True)
    assert server.files[int(attachment["id"])] == b'{"votes": []}'
    assert server.messages_in(server.channel) == []  # nobody else sees it


async def test_a_forged_press_carries_the_custom_id_it_was_given(
    discord_server: DiscordServer, harness_bot: HarnessBot
) -> None:
    server = discord_server
    message = await (await server.run_command("lookup", {"topic": "Topic 02"})).message()
    with pytest.raises(ValueError, match="no component"):
        await server.press_button(message, "harness:no")
    forged = await server.forge_press(message, "harness:no", user=server.plain_user)
    sent = server.dispatched("INTERACTION_CREATE")[-1]
    assert (sent["id"], sent["data"]["custom_id"]) == (str(forged.id), "harness:no")
    assert sent["message"]["id"] == message["id"]
    # discord.py answers a press only for a component the message carries: the real button
    # still works, and the forged press was never answered.
    press = await server.press_button(message, "harness:yes", user=server.plain_user)
    assert (await press.message())["content"] == "Yes — 1"
    assert forged.callback is None
# --- reading back what was sent: history after a moment, archived threads, DM history --------


async def test_history_after_a_message_pages_forward_from_it(
    discord_server: DiscordServer, harness_bot: HarnessBot
) -> None:
    channel = harness_bot.get_channel(discord_server.channel.id)
    assert isinstance(channel, discord.TextChannel)
    sent = []
    for i in range(7):  # each in a millisecond of its own: ``after=moment`` below is one
        sent.append(await channel.send(f"post {i}"))
        await asyncio.sleep(0.002)
    # Discord answers ``after`` with the messages that follow it, not the newest ones.
    page = await harness_bot.http.logs_from(channel.id, 3, after=sent[1].id)
    assert [m["content"] for m in page] == ["post 4", "post 3", "post 2"]
    # discord.py pages on from there (100 at a time); oldest first when asked.
    after = [m.content async for m in channel.history(after=sent[1], limit=None,
                                                      oldest_first=True)]
    assert after == [f"post {i}" for i in range(2, 7)]
    moment = discord.utils.snowflake_time(sent[4].id)
    assert [m.id async for m in channel.history(after=moment, limit=2, oldest_first=True)] == [
        sent[5].id, sent[6].id]
    with pytest.raises(discord.HTTPException) as too_many:
        await harness_bot.http.logs_from(channel.id, 101)
    assert too_many.value.status == 400
    assert len(discord_server.pop_violations("invalid_form_body")) == 1


async def test_a_forums_archived_posts_are_listed_and_active_threads_fetched(
    discord_server: DiscordServer, thread_world: dict, threads_bot: HarnessBot
) -> None:
    server = discord_server
    forum = threads_bot.get_channel(thread_world["forum"].id)
    assert isinstance(forum, discord.ForumChannel)
    made = [await forum.create_thread(name=f"post {i}", content=f"answer {i}") for i in range(3)]
    await server.archive_thread(made[0].thread.id)
    await server.archive_thread(made[2].thread.id)
    archived = [t async for t in forum.archived_threads(limit=None)]
    assert [t.name for t in archived] == ["post 2", "post 0"]  # most recently archived first
    assert all(t.archived and t.parent_id == forum.id for t in archived)
    # Its starter message is still readable in an archived post.
    starter = await archived[0].fetch_message(archived[0].id)
    assert starter.content == "answer 2"
    older = [t async for t in forum.archived_threads(before=archived[0].archive_timestamp)]
    assert [t.name for t in older] == ["post 0"]
    # Active threads over REST, not the cache: the live forum post and the text channel's.
    guild = threads_bot.get_guild(server.guild.id)
    assert guild is not None
    active = {t.name for t in await guild.active_threads()}
    assert active == {"post 1", "ongoing"}


async def test_dm_channel_history_reads_back_what_the_bot_sent(
    discord_server: DiscordServer, harness_bot: HarnessBot
) -> None:
    server = discord_server
    user = await harness_bot.fetch_user(server.plain_user.id)
    first = await user.send("first alert", nonce="alert-1")
    await user.send("second alert")
    channel = await user.create_dm()
    history = [m.content async for m in channel.history(after=first, oldest_first=True)]
    assert history == ["second alert"]
    assert [m.content async for m in channel.history(limit=5)] == ["second alert", "first alert"]


async def test_a_nonce_is_forgotten_once_its_window_passes(
    discord_server: DiscordServer, harness_bot: HarnessBot
) -> None:
    server = discord_server
    channel = harness_bot.get_channel(server.channel.id)
    assert isinstance(channel, discord.TextChannel)
    first = await channel.send("answer 7", nonce="answer-7")
    server.advance_nonce_clock(server.nonce_window + 1)
    again = await channel.send("answer 7", nonce="answer-7")
    assert again.id != first.id  # Discord no longer remembers it: a second post
    assert len(server.messages_in(server.channel)) == 2
