"""The project's bot against the local servers: in-process, and as `python -m bot run`."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import discord
import pytest

from .conftest import bot_env
from .discord_server import DiscordServer

REPO_ROOT = Path(__file__).resolve().parents[2]


async def test_bot_syncs_to_its_guild_with_minimal_intents_and_answers_help(
    answers_bot, discord_server: DiscordServer
) -> None:
    names = {c["name"] for c in discord_server.commands(discord_server.guild)}
    assert "help" in names
    assert discord_server.commands() == []  # not global when servers are named
    intents = discord.Intents._from_value(discord_server.intents)
    assert intents == discord.Intents(guilds=True, guild_reactions=True)
    handle = await discord_server.run_command("help", user=discord_server.plain_user)
    message = await handle.message()
    embed = message["embeds"][0]
    assert embed["title"] == "Written answers from the UK Parliament"
    assert f"{answers_bot.store.count_questions():,} of them" in embed["description"]
    # Every command is explained, and the on-time rules the charts use are stated.
    shown = " ".join(f["value"] for f in embed["fields"])
    for command in names - {"help"}:
        assert f"`/{command}" in shown, command
    assert "5th working day after it was tabled" in shown
    assert message["flags"] & 64  # ephemeral
    callback = discord_server.actions_of("interaction_callback")[-1].payload
    assert callback["data"]["allowed_mentions"] == {"parse": []}


async def test_without_guild_ids_commands_sync_globally(
    bot_settings, bot_runner, discord_server: DiscordServer
) -> None:
    from dataclasses import replace

    from bot.cli.common import open_store
    from bot.discord.client import WrittenAnswersBot

    settings = replace(bot_settings, discord_guild_ids=())
    with open_store(settings.database_path) as store:
        bot = WrittenAnswersBot(settings, store, guild_ready_timeout=0.1)
        await bot_runner.start(bot)
        assert {c["name"] for c in discord_server.commands()} >= {"help"}
        assert discord_server.commands(discord_server.guild) == []
        await bot_runner.stop(bot)


async def test_the_bot_survives_a_dropped_gateway(answers_bot, discord_server) -> None:
    resumes = discord_server.resume_count
    await discord_server.drop_gateway()
    await discord_server.wait_until(lambda: discord_server.resume_count > resumes, 10, "RESUME")
    handle = await discord_server.run_command("help", user=discord_server.plain_user)
    assert (await handle.message())["embeds"]


async def test_python_m_bot_run_black_box(
    tmp_path: Path, discord_server: DiscordServer, parliament_api
) -> None:
    env = bot_env(discord_server, parliament_api, tmp_path / "black-box.db")
    env["LOG_LEVEL"] = "INFO"
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await discord_server.wait_until(
            lambda: discord_server.connected and discord_server.commands(discord_server.guild),
            30,
            "the bot process to connect and sync",
        )
        handle = await discord_server.run_command("help", user=discord_server.admin_user)
        message = await handle.message()
        assert message["embeds"][0]["title"] == "Written answers from the UK Parliament"
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGINT)
            try:
                await asyncio.wait_for(process.wait(), 15)
            except TimeoutError:
                process.kill()
                await process.wait()
        _, stderr = await process.communicate()
    log = stderr.decode()
    assert discord_server.token not in log  # the token is never logged
    assert (tmp_path / "black-box.db").exists()


@pytest.mark.parametrize("value", ["ws://", "not a url"])
async def test_run_rejects_a_bad_gateway_url(tmp_path: Path, value: str) -> None:
    env = dict(os.environ, DISCORD_TOKEN="x", DISCORD_GATEWAY_URL=value)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        "--db",
        str(tmp_path / "x.db"),
        cwd=REPO_ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 2
    assert stderr.decode().startswith("Configuration error: DISCORD_GATEWAY_URL:")
