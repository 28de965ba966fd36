"""/privacy end to end: the counts, Export's file, Delete (and again), servers the bot leaves, and
buttons that act only for the person who presses them, whatever their custom_id says."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.discord.privacy import sweep_retention

from .conftest import LONG_ANSWER_ID, OVERDUE_IDS
from .discord_server import CommandNotAvailable, DiscordServer
from .test_subscriptions import subscribe

QUESTION = 500001


def rows(bot: Any, sql: str, *params: Any) -> list[tuple]:
    """What the store holds now, read on a connection of the test's own."""
    with sqlite3.connect(bot.settings.database_path) as conn:
        return conn.execute(sql, params).fetchall()


def custom_ids(message: dict) -> list[str]:
    return [c["custom_id"] for r in message.get("components", []) for c in r["components"]]


def label_of(message: dict, custom_id: str) -> str:
    for row in message.get("components", []):
        for component in row["components"]:
            if component.get("custom_id") == custom_id:
                return component["label"]
    raise KeyError(custom_id)


async def answer(server: DiscordServer, question_id: int, user) -> dict:
    return await (await server.run_command("answer", {"id": str(question_id)}, user=user)
                  ).message()


async def vote(server: DiscordServer, message: dict, question_id: int, choice: str, user) -> dict:
    """Press Yes or No; returns the message with its relabelled buttons."""
    pressed = await server.press_button(message, f"vote:{question_id}:{choice}", user=user)
    await pressed.followup(0)  # "Thanks — ..." comes once the vote is stored
    return server.get_message(message["id"]) or {}


async def alert_on(server: DiscordServer, question_id: int, user) -> None:
    view = await answer(server, question_id, user)
    reply = await (await server.press_button(view, f"alert:{question_id}", user=user)).message()
    assert "direct message when" in reply["content"]


async def privacy(server: DiscordServer, user) -> dict:
    message = await (await server.run_command("privacy", {}, user=user)).message()
    assert message["flags"] & 64, "only the person asking sees it"
    return message


def fields(message: dict) -> list[str]:
    return [f["name"] for f in message["embeds"][0]["fields"]]


def exported(server: DiscordServer, message: dict) -> dict:
    (attachment,) = message["attachments"]
    assert attachment.get("ephemeral") is True
    return json.loads(server.files[int(attachment["id"])])


async def make_data(bot: Any, server: DiscordServer) -> dict:
    """Alice (the admin): two votes, an alert, a subscription here, a search; Bob: a vote on the
    same answer and an alert of his own. Returns the /answer message both voted on."""
    alice, bob = server.admin_user, server.plain_user
    shown = await answer(server, QUESTION, alice)
    await vote(server, shown, QUESTION, "y", alice)
    shown = await vote(server, shown, QUESTION, "y", bob)
    assert label_of(shown, f"vote:{QUESTION}:y") == "Yes — 2 people think so"
    await vote(server, await answer(server, LONG_ANSWER_ID, alice), LONG_ANSWER_ID, "n", alice)
    await alert_on(server, OVERDUE_IDS[0], alice)
    await alert_on(server, OVERDUE_IDS[1], bob)
    assert "Subscribed" in (await subscribe(server, {"department": "dfe"}, user=alice))["content"]
    found = await (await server.run_command("answers", {"query": "schools"}, user=alice)
                   ).message()
    assert found["embeds"]
    await bot.services.sessions.flush()
    return shown


async def test_privacy_counts_export_delete_and_delete_again(answers_bot, discord_server):
    server = discord_server
    alice, bob = server.admin_user, server.plain_user
    shown = await make_data(answers_bot, server)

    mine = await privacy(server, alice)
    # The subscription's request was kept as a saved search too, with who asked.
    assert fields(mine)[:4] == [
        "Votes: 2",
        "Alerts: 1 (records of direct messages sent: 0)",
        "Saved searches: 2",
        "Subscriptions you made: 1 in this server (1 in all)",
    ]
    assert "Kept 30 days." in [f["value"] for f in mine["embeds"][0]["fields"]]
    assert custom_ids(mine) == [f"privacy:export:{alice.id}", f"privacy:delete:{alice.id}"]

    # Export: a private JSON file holding exactly Alice's data.
    export = await (await server.press_button(mine, f"privacy:export:{alice.id}", user=alice)
                    ).message()
    assert export["flags"] & 64
    data = exported(server, export)
    assert data["user_id"] == str(alice.id)
    assert sorted(v["question_id"] for v in data["votes"]) == [QUESTION, LONG_ANSWER_ID]
    assert [a["question_id"] for a in data["alerts"]] == [OVERDUE_IDS[0]]
    assert [s["description"] for s in data["subscriptions"]] == [
        "New answers from the Department for Education"]
    assert "schools" in json.dumps(data["saved_searches"])
    text = json.dumps(data)
    assert str(bob.id) not in text and str(OVERDUE_IDS[1]) not in text

    # Delete asks first, then removes it all; the counts on the post change.
    asked = await (await server.press_button(mine, f"privacy:delete:{alice.id}", user=alice)
                   ).message()
    assert asked["content"].startswith("Delete everything this bot keeps about you?")
    assert "2 votes" in asked["content"]
    assert custom_ids(asked) == [f"privacy:confirm:{alice.id}", f"privacy:cancel:{alice.id}"]
    done = await (await server.press_button(asked, f"privacy:confirm:{alice.id}", user=alice)
                  ).message()
    assert done["content"] == ("Deleted: 2 votes, 1 alert, 0 records of direct messages, "
                               "2 saved searches; 1 subscription no longer names you.")
    assert fields(done)[:4] == ["Votes: 0", "Alerts: 0 (records of direct messages sent: 0)",
                                "Saved searches: 0",
                                "Subscriptions you made: 0 in this server (0 in all)"]
    assert rows(answers_bot, "SELECT count(*) FROM votes WHERE user_id = ?", alice.id) == [(0,)]
    assert rows(answers_bot, "SELECT count(*) FROM alerts WHERE user_id = ?", alice.id) == [(0,)]
    # Bob's vote and alert stay; the post shows one vote now, the next time it is voted on.
    again = await vote(server, shown, QUESTION, "y", bob)
    assert label_of(again, f"vote:{QUESTION}:y") == "Yes — 1 person thinks so"
    assert rows(answers_bot, "SELECT count(*) FROM alerts WHERE user_id = ?", bob.id) == [(1,)]
    # The subscription is the server's: it stays, naming no one.
    listing = await (await server.run_command("subscriptions", {}, user=alice)).message()
    assert "by (name removed)" in listing["embeds"][0]["description"]
    assert str(alice.id) not in listing["embeds"][0]["description"]

    # A second Delete finds nothing.
    asked = await (await server.press_button(done, f"privacy:delete:{alice.id}", user=alice)
                   ).message()
    assert asked["content"].startswith("The bot keeps nothing about you.")
    second = await (await server.press_button(asked, f"privacy:confirm:{alice.id}", user=alice)
                    ).message()
    assert second["content"] == "There was nothing to delete: the bot keeps nothing about you."
    assert label_of(server.get_message(shown["id"]) or {}, f"vote:{QUESTION}:y") == (
        "Yes — 1 person thinks so")


async def test_the_buttons_work_after_a_restart(
    answers_bot, discord_server, bot_runner, bot_settings
):
    from bot.cli.common import open_store
    from bot.discord.client import WrittenAnswersBot

    server = discord_server
    alice = server.admin_user
    await vote(server, await answer(server, QUESTION, alice), QUESTION, "n", alice)
    mine = await privacy(server, alice)
    await bot_runner.stop(answers_bot)
    store = open_store(bot_settings.database_path)
    bot = WrittenAnswersBot(bot_settings, store, guild_ready_timeout=0.1)
    try:
        await bot_runner.start(bot)
        export = await (await server.press_button(mine, f"privacy:export:{alice.id}",
                                                  user=alice)).message()
        assert [v["vote"] for v in exported(server, export)["votes"]] == ["no"]
    finally:
        await bot_runner.stop(bot)
        store.close()


async def test_a_forged_custom_id_reaches_no_one_elses_data(answers_bot, discord_server):
    server = discord_server
    alice, bob = server.admin_user, server.plain_user
    await make_data(answers_bot, server)
    alices = await privacy(server, alice)
    bobs = await privacy(server, bob)
    before = rows(answers_bot, "SELECT count(*) FROM votes WHERE user_id = ?", alice.id)
    files_before = len(server.files)

    # Bob puts Alice's id into a custom_id on his own reply: no such button is on it, so
    # nothing acts at all (discord.py matches a press against the message's components).
    forged = [await server.forge_press(bobs, f"privacy:{action}:{alice.id}", user=bob)
              for action in ("export", "delete", "confirm")]
    # Her own reply's buttons (private to her: only a forged request reaches them) refuse him.
    for action in ("export", "delete"):
        refused = await (await server.press_button(alices, f"privacy:{action}:{alice.id}",
                                                   user=bob)).message()
        assert refused["flags"] & 64
        assert refused["content"].startswith("These buttons belong to the person who ran")
        assert not refused.get("attachments")

    # His own buttons give his own data, and only his.
    export = await (await server.press_button(bobs, f"privacy:export:{bob.id}", user=bob)
                    ).message()
    data = exported(server, export)
    assert data["user_id"] == str(bob.id)
    assert [v["question_id"] for v in data["votes"]] == [QUESTION]
    assert str(alice.id) not in json.dumps(data)
    # By then the forged presses were long handled: none was answered, no other file was made,
    # and Alice's data and reply are as they were.
    assert [handle.callback for handle in forged] == [None, None, None]
    assert len(server.files) == files_before + 1
    assert rows(answers_bot, "SELECT count(*) FROM votes WHERE user_id = ?", alice.id) == before
    assert (server.get_message(alices["id"]) or {})["embeds"] == alices["embeds"]


@pytest.fixture
def clock(answers_bot) -> dict[str, datetime]:
    """The bot's clock, moved by the test instead of waiting."""
    now = {"now": datetime.now(UTC)}
    answers_bot.services.clock = lambda: now["now"]
    return now


def guild_rows(bot: Any, guild_id: int) -> dict[str, int]:
    return {
        table: rows(bot, f"SELECT count(*) FROM {table} WHERE guild_id = ?", guild_id)[0][0]
        for table in ("subscriptions", "votes", "search_sessions", "answer_messages")
    }


async def leave(bot: Any, server: DiscordServer) -> None:
    """Remove the bot from the first server and wait for its subscriptions to pause."""
    await server.remove_bot_from_guild(server.guild)
    await server.wait_until(
        lambda: rows(bot, "SELECT status, paused_reason FROM subscriptions WHERE guild_id = ?",
                     server.guild.id)[0][0] == "paused", 5, "the subscription to pause")
    (reason,) = rows(bot, "SELECT paused_reason FROM subscriptions WHERE guild_id = ?",
                     server.guild.id)[0]
    assert reason.startswith("the bot was removed from this server on ")
    with pytest.raises(CommandNotAvailable):
        await server.run_command("privacy", {}, user=server.admin_user)


async def test_a_server_not_back_within_the_period_loses_its_data(
    answers_bot, discord_server, clock
):
    server = discord_server
    await make_data(answers_bot, server)
    here = guild_rows(answers_bot, server.guild.id)
    assert here["subscriptions"] == 1 and here["votes"] == 3 and here["search_sessions"] == 2
    await leave(answers_bot, server)
    assert answers_bot.settings.guild_data_days == 30
    clock["now"] += timedelta(days=29)
    assert (await sweep_retention(answers_bot)).guilds == []  # not yet
    clock["now"] += timedelta(days=2)
    answers_bot.get_cog("Background").retention_loop.change_interval(seconds=0.05)  # sooner
    await server.wait_until(
        lambda: guild_rows(answers_bot, server.guild.id) == dict.fromkeys(here, 0), 10,
        "the server's data to be deleted",
    )
    assert rows(answers_bot, "SELECT count(*) FROM guild_departures") == [(0,)]
    # The answers stay (public records); so do the people's own alerts.
    assert rows(answers_bot, "SELECT count(*) FROM questions WHERE id = ?", QUESTION) == [(1,)]
    assert rows(answers_bot, "SELECT count(*) FROM alerts") == [(2,)]
    assert answers_bot.store.vote_counts(QUESTION) == {"yes": 0, "no": 0}


async def test_a_server_back_within_the_period_keeps_its_subscriptions_paused(
    answers_bot, discord_server, clock
):
    server = discord_server
    await make_data(answers_bot, server)
    here = guild_rows(answers_bot, server.guild.id)
    await leave(answers_bot, server)
    clock["now"] += timedelta(days=10)
    await server.add_bot_to_guild(server.guild)
    await server.wait_until(
        lambda: rows(answers_bot, "SELECT count(*) FROM guild_departures") == [(0,)], 5,
        "the return to be recorded",
    )
    clock["now"] += timedelta(days=60)
    assert (await sweep_retention(answers_bot)).guilds == []
    # Everything stays but the saved searches, which go after their own 30 days anyway.
    assert guild_rows(answers_bot, server.guild.id) == {**here, "search_sessions": 0}
    listing = await (await server.run_command("subscriptions", {}, user=server.admin_user)
                     ).message()
    assert "⏸ paused: the bot was removed from this server on " in (
        listing["embeds"][0]["description"])


async def test_an_outage_is_not_a_removal(answers_bot, discord_server, clock):
    server = discord_server
    assert "Subscribed" in (await subscribe(server, {"department": "dfe"}))["content"]
    unavailable: list[int] = []

    async def noted(guild: Any) -> None:
        unavailable.append(guild.id)

    answers_bot.add_listener(noted, "on_guild_unavailable")
    await server.guild_outage(server.guild)
    await server.wait_until(lambda: unavailable == [server.guild.id], 5, "the outage")
    clock["now"] += timedelta(days=31)
    assert (await sweep_retention(answers_bot)).guilds == []
    assert rows(answers_bot, "SELECT status FROM subscriptions") == [("active",)]
    assert rows(answers_bot, "SELECT count(*) FROM guild_departures") == [(0,)]


async def test_a_removal_while_the_bot_was_off_is_noticed_at_its_next_start(
    answers_bot, discord_server, bot_runner, bot_settings
):
    from bot.cli.common import open_store
    from bot.discord.client import WrittenAnswersBot

    server = discord_server
    assert "Subscribed" in (await subscribe(server, {"department": "dfe"}))["content"]
    await bot_runner.stop(answers_bot)
    await server.remove_bot_from_guild(server.guild)  # nobody connected to be told
    store = open_store(bot_settings.database_path)
    bot = WrittenAnswersBot(bot_settings, store, guild_ready_timeout=0.1)
    try:
        await bot_runner.start(bot)
        await server.wait_until(
            lambda: rows(bot, "SELECT guild_id FROM guild_departures") == [(server.guild.id,)],
            5, "the departure to be noticed",
        )
    finally:
        await bot_runner.stop(bot)
        store.close()

