"""Subscriptions and auto-posts end to end: the local Discord and Parliament API servers."""

from __future__ import annotations

import asyncio
import json
import re
import signal
import sys
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

import cogs.background
from bot.cli.common import open_store
from bot.core.store.database import Store
from bot.discord.client import WrittenAnswersBot

from . import discord_payloads as p
from .conftest import FIXTURES, a_delivery_round_from_now, a_poll_from_now, bot_env
from .discord_server import CommandNotAvailable, DiscordServer

TODAY = date.today().isoformat() + "T00:00:00"
POSTS = r"/channels/\d+/messages"


def todays_answer(question_id: int, heading: str, body: int = 60, **changes) -> dict:
    """A fixture question, answered today, so a poll finds it."""
    value = json.loads((FIXTURES / "substantive.json").read_text())["value"]
    value.update(
        id=question_id,
        uin=str(question_id),
        heading=heading,
        dateTabled=TODAY,
        dateAnswered=TODAY,
        dateHoldingAnswer=None,
        answeringBodyId=body,
        answeringBodyName="Department for Education" if body == 60 else "Ministry of Defence",
        attachments=[],
    )
    value.update(changes)
    return value


@pytest.fixture
def fast_delivery(monkeypatch) -> None:
    monkeypatch.setattr(cogs.background, "DELIVERY_TICK_SECONDS", 0.1)


@pytest.fixture
async def subs_bot(bot_settings, bot_runner, loaded_database, fast_delivery):
    settings = replace(bot_settings, poll_interval_seconds=0.3, max_subscriptions_per_guild=3)
    store = open_store(settings.database_path)
    bot = WrittenAnswersBot(settings, store, guild_ready_timeout=0.1)
    await bot_runner.start(bot)
    yield bot
    await bot_runner.stop(bot)
    store.close()


async def subscribe(server: DiscordServer, options: dict, user=None, confirm=True) -> dict:
    """Run /subscribe; with ``confirm``, press Confirm on its preview and return the outcome."""
    user = user or server.admin_user
    handle = await server.run_command(
        "subscribe", options, user=user, channel=options.pop("_in", None) or server.channel,
    )
    reply = await handle.message()
    button = confirm_button(reply)
    if not confirm or button is None:
        return reply
    pressed = await server.press_button(reply, button, user=user)
    return await pressed.message()


def confirm_button(message: dict) -> str | None:
    """The custom id of a preview's Confirm button, if the message has one."""
    for row in message.get("components") or []:
        for item in row.get("components") or []:
            if str(item.get("custom_id", "")).startswith("sconfirm:"):
                return item["custom_id"]
    return None


def bot_posts(server: DiscordServer, channel) -> list[dict]:
    """The bot's own posts in a channel (type 0, or 19 when one replies to an earlier post),
    not its replies to commands (type 20)."""
    return [m for m in server.messages_in(channel) if m.get("type") in (0, 19)]


def posts_in(server: DiscordServer, channel, heading: str) -> list[dict]:
    return [
        m
        for m in bot_posts(server, channel)
        if any(
            heading in (e.get("title") or "") or heading in (e.get("description") or "")
            for e in m.get("embeds", [])
        )
    ]


async def wait_for_post(server: DiscordServer, channel, heading: str, timeout=10) -> dict:
    await server.wait_until(
        lambda: posts_in(server, channel, heading), timeout, f"a post about {heading!r}"
    )
    return posts_in(server, channel, heading)[0]


async def test_subscribe_list_unsubscribe_with_permission_and_cap(subs_bot, discord_server):
    with pytest.raises(CommandNotAvailable):
        await discord_server.run_command(
            "subscribe", {"department": "dfe"}, user=discord_server.plain_user
        )
    reply = await subscribe(discord_server, {"department": "dfe", "topic": "special educational"})
    assert reply["content"].startswith("Subscribed <#")
    assert (
        "New answers from the Department for Education on topics matching "
        "'special educational'" in reply["content"]
    )
    again = await subscribe(discord_server, {"department": "dfe", "topic": "special educational"})
    assert "already follows this" in again["content"]
    await subscribe(discord_server, {"department": "MoD"})
    await subscribe(discord_server, {"house": "Lords"})
    over = await subscribe(discord_server, {"topic": "apprenticeships"})
    assert over["flags"] & 64 and "the most it may have (3)" in over["content"]
    empty = await subscribe(discord_server, {})
    assert "Say what to follow" in empty["content"]

    listing = await (
        await discord_server.run_command("subscriptions", {}, user=discord_server.plain_user)
    ).message()
    description = listing["embeds"][0]["description"]
    assert listing["embeds"][0]["title"].startswith("3 subscriptions in")
    assert "Ministry of Defence" in description and "0 posted" in description

    choices = await discord_server.autocomplete(
        "unsubscribe",
        {"subscription": "defence"},
        focused="subscription",
        user=discord_server.admin_user,
    )
    assert len(choices) == 1
    gone = await (
        await discord_server.run_command(
            "unsubscribe", {"subscription": choices[0]["value"]}, user=discord_server.admin_user
        )
    ).message()
    assert gone["content"].startswith("Unsubscribed")
    assert len(subs_bot.get_cog("Subscriptions").book.rows(discord_server.guild.id)) == 2


async def test_an_ambiguous_name_is_picked_not_guessed(subs_bot, discord_server) -> None:
    reply = await subscribe(discord_server, {"member": "Jones"})
    assert reply["flags"] & 64 and reply["content"].startswith("Which member did you mean")
    pick = reply["components"][0]["components"][0]
    assert pick["custom_id"].startswith("spick:")
    pressed = await discord_server.press_button(
        reply, pick["custom_id"], user=discord_server.admin_user
    )
    preview = await pressed.message()
    assert preview["embeds"][0]["title"] == "Preview of this subscription"
    assert pick["label"].split(" (")[0] in preview["embeds"][0]["description"]
    confirmed = await discord_server.press_button(
        preview, confirm_button(preview), user=discord_server.admin_user
    )
    done = await confirmed.message()
    assert done["content"].startswith("Subscribed")
    assert pick["label"].split(" (")[0] in done["content"]


async def test_a_poll_posts_to_the_right_channels_once_without_backlog(
    subs_bot, discord_server, parliament_api
) -> None:
    education = discord_server.guild.channel("education")
    await subscribe(discord_server, {"department": "dfe"})
    await subscribe(discord_server, {"department": "MoD", "_in": education})
    await a_poll_from_now(discord_server, subs_bot)  # it sees the store's old answers...
    assert bot_posts(discord_server, discord_server.channel) == []  # ... and posts no backlog
    parliament_api.publish(todays_answer(990001, "Schools: Music Lessons"))
    post = await wait_for_post(discord_server, discord_server.channel, "Schools: Music Lessons")
    # The poll's news refreshed the name indexes: the new heading autocompletes.
    choices = await discord_server.autocomplete("answers", {"query": "music lesso"},
                                                focused="query")
    assert "Schools: Music Lessons (1 question)" in [c["name"] for c in choices]
    embed = post["embeds"][0]
    assert embed["title"] == "🆕 New answer · Schools: Music Lessons"
    assert "Department for Education" in embed["description"]
    assert (
        "followed here because: New answers from the Department for Education"
        in embed["description"]
    )
    assert embed["fields"][-1]["name"] == "Does this answer the above question?"
    assert {c["custom_id"] for r in post["components"] for c in r["components"]} == {
        "vote:990001:y",
        "vote:990001:n",
        "alert:990001",
        "similar:990001",
    }
    await discord_server.wait_until(
        lambda: len(discord_server.actions_of("reaction_add")) >= 2, 5, "the bot's reactions"
    )
    await a_poll_from_now(discord_server, subs_bot)  # it finds the same answer again...
    assert len(posts_in(discord_server, discord_server.channel, "Music Lessons")) == 1
    assert posts_in(discord_server, education, "Music Lessons") == []


async def test_holding_then_substantive_then_corrected(
    subs_bot, discord_server, parliament_api
) -> None:
    await subscribe(discord_server, {"department": "dfe"})
    holding = todays_answer(
        990002,
        "Teachers: Pay",
        answerIsHolding=True,
        dateHoldingAnswer=TODAY,
        answerText="<p>I will reply as soon as possible.</p>",
    )
    parliament_api.publish(holding)
    first = await wait_for_post(discord_server, discord_server.channel, "Teachers: Pay")
    assert first["embeds"][0]["title"].startswith("⏳ Holding answer")
    # The substantive answer to the same id: on a later day in life; the same day here, where
    # the store ranks a substantive answer above a holding one of that day.
    later = dict(holding, answerIsHolding=False, answerText="<p>Teachers' pay rises by 5%.</p>")
    parliament_api.publish(later)
    await discord_server.wait_until(
        lambda: any(
            m["embeds"][0]["title"].startswith("✅ Answer now given")
            for m in posts_in(discord_server, discord_server.channel, "Teachers: Pay")
        ),
        10,
        "the substantive answer",
    )
    parliament_api.publish(
        dict(
            later,
            answerIsCorrection=True,
            dateAnswerCorrected=TODAY,
            answerText="<p>Teachers' pay rises by 6.5%.</p>",
        )
    )
    await discord_server.wait_until(
        lambda: any(
            m["embeds"][0]["title"].startswith("✏️ Corrected")
            for m in posts_in(discord_server, discord_server.channel, "Teachers: Pay")
        ),
        10,
        "the correction",
    )
    # Each follow-up replies to the question's earlier post, and marks it with a link.
    posts = posts_in(discord_server, discord_server.channel, "Teachers: Pay")
    holding_post, given, corrected = posts
    assert given["type"] == 19 and given["message_reference"]["message_id"] == holding_post["id"]
    assert corrected["message_reference"]["message_id"] == given["id"]

    def marked(message: dict, label: str, target: dict) -> bool:
        fields = discord_server.get_message(message["id"])["embeds"][0].get("fields", [])
        return any(f["name"] == f"{label} →" and target["id"] in f["value"] for f in fields)

    await discord_server.wait_until(
        lambda: marked(holding_post, "Answer now given", given)
        and marked(given, "Corrected", corrected), 10, "the earlier posts marked")
    assert len(posts_in(discord_server, discord_server.channel, "Teachers: Pay")) == 3


async def test_many_at_once_become_one_digest(subs_bot, discord_server, parliament_api):
    await subscribe(discord_server, {"department": "MoD"})
    for i in range(6):
        parliament_api.publish(todays_answer(990100 + i, f"Army Equipment {i}", body=11))
    await discord_server.wait_until(
        lambda: any(
            "new written answers" in (m["embeds"][0].get("title") or "")
            for m in bot_posts(discord_server, discord_server.channel)
            if m.get("embeds")
        ),
        10,
        "a digest",
    )
    digest = bot_posts(discord_server, discord_server.channel)
    assert len(digest) == 1
    assert digest[0]["embeds"][0]["title"] == "6 new written answers"
    for i in range(6):
        assert f"Army Equipment {i}" in digest[0]["embeds"][0]["description"]


async def test_a_429_storm_delivers_every_post_once(subs_bot, discord_server, parliament_api):
    await subscribe(discord_server, {"department": "dfe"})
    await subscribe(
        discord_server, {"department": "MoD", "_in": discord_server.guild.channel("education")}
    )
    discord_server.rate_limit("POST", POSTS, count=6, retry_after=0.05)
    parliament_api.publish(todays_answer(990201, "Storm One"))
    parliament_api.publish(todays_answer(990202, "Storm Two", body=11))
    await wait_for_post(discord_server, discord_server.channel, "Storm One")
    await wait_for_post(discord_server, discord_server.guild.channel("education"), "Storm Two")
    await a_delivery_round_from_now(discord_server, subs_bot)  # any retry would be sent by now
    assert len(posts_in(discord_server, discord_server.channel, "Storm")) == 1
    assert len(posts_in(discord_server, discord_server.guild.channel("education"), "Storm")) == 1
    assert discord_server.rate_limited  # the storm happened


async def test_a_closed_channel_pauses_and_subscribe_resumes(
    subs_bot, discord_server, parliament_api
) -> None:
    education = discord_server.guild.channel("education")
    await subscribe(discord_server, {"department": "dfe", "_in": education})
    await discord_server.forbid_posting(education)
    parliament_api.publish(todays_answer(990301, "Closed Channel"))
    cog = subs_bot.news
    await discord_server.wait_until(
        lambda: cog.book.rows(discord_server.guild.id)[0]["status"] == "paused", 10, "a pause"
    )
    listing = await (
        await discord_server.run_command("subscriptions", {}, user=discord_server.admin_user)
    ).message()
    assert (
        "⏸ paused: the bot can no longer post in #education (missing permission)"
        in listing["embeds"][0]["description"]
    )
    assert discord_server.violations == []  # refused by Discord, but no rule broken
    await discord_server.allow_posting(education)
    resumed = await subscribe(discord_server, {"department": "dfe", "_in": education})
    assert resumed["content"].startswith("Resumed")
    parliament_api.publish(todays_answer(990302, "Open Again"))
    await wait_for_post(discord_server, education, "Open Again")
    assert posts_in(discord_server, education, "Closed Channel") == []
    why = await (
        await discord_server.run_command(
            "subscriptions",
            {"question": "990301"},
            channel=education,
            user=discord_server.admin_user,
        )
    ).message()
    assert "not posted: the bot can no longer post" in why["content"]


async def test_a_deleted_channel_pauses(subs_bot, discord_server, parliament_api) -> None:
    education = discord_server.guild.channel("education")
    await subscribe(discord_server, {"department": "dfe", "_in": education})
    await discord_server.delete_channel(education)
    parliament_api.publish(todays_answer(990401, "Deleted Channel"))
    cog = subs_bot.news
    await discord_server.wait_until(
        lambda: (
            cog.book.rows(discord_server.guild.id)[0]["paused_reason"] == "the channel was deleted"
        ),
        10,
        "a pause",
    )
    assert discord_server.violations == []  # refused by Discord, but no rule broken


async def test_the_api_failing_and_recovering_skips_nothing(
    subs_bot, discord_server, parliament_api
) -> None:
    await subscribe(discord_server, {"department": "dfe"})
    parliament_api.inject("500", count=10_000)
    parliament_api.publish(todays_answer(990501, "During The Outage"))
    cog = subs_bot.news
    await discord_server.wait_until(lambda: cog.poller.failures >= 1, 15, "a failed poll")
    assert posts_in(discord_server, discord_server.channel, "Outage") == []
    parliament_api.clear_faults()
    await wait_for_post(discord_server, discord_server.channel, "During The Outage", timeout=30)
    # What a half-failed poll stored is posted at once; the next whole poll ends the outage.
    await discord_server.wait_until(lambda: cog.poller.failures == 0, 30, "a good poll")
    assert len(posts_in(discord_server, discord_server.channel, "During The Outage")) == 1


async def test_why_was_it_posted(subs_bot, discord_server, parliament_api) -> None:
    await subscribe(discord_server, {"department": "dfe"})
    await subscribe(discord_server, {"department": "MoD"})
    parliament_api.publish(todays_answer(990601, "Explained Answer"))
    await wait_for_post(discord_server, discord_server.channel, "Explained Answer")
    await discord_server.wait_until(
        lambda: (
            subs_bot.store.conn.execute(
                "SELECT status FROM deliveries WHERE question_id = 990601"
            ).fetchone()
            == ("sent",)
        ),
        5,
        "the post to be recorded",
    )
    why = await (
        await discord_server.run_command(
            "subscriptions", {"question": "990601"}, user=discord_server.plain_user
        )
    ).message()
    text = why["content"]
    assert (
        "New answers from the Department for Education: posted (New answer) — "
        "https://discord.com/channels/" in text
    )
    assert "New answers from the Ministry of Defence: does not match this answer" in text
    old = await (
        await discord_server.run_command(
            "subscriptions", {"question": "140001"}, user=discord_server.plain_user
        )
    ).message()
    assert "answered before this subscription was made" in old["content"]


async def test_an_ingest_beside_the_bot_is_posted(subs_bot, discord_server, tmp_path) -> None:
    await subscribe(discord_server, {"topic": "lighthouse keepers"})
    path = tmp_path / "new.json"
    path.write_text(
        json.dumps(
            {
                "value": todays_answer(
                    990701,
                    "Maritime: Lighthouses",
                    questionText="To ask about lighthouse keepers' pensions.",
                )
            }
        )
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "ingest",
        str(path),
        "--db",
        str(subs_bot.settings.database_path),
        cwd=Path(__file__).resolve().parents[2],
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    post = await wait_for_post(discord_server, discord_server.channel, "Maritime: Lighthouses")
    assert "topic" not in post["embeds"][0]["title"]


# -- the bot process killed between claiming a post and recording it ----------------------------


def recorded(db: Path, table: str, question_id: int) -> list[tuple] | None:
    """The (status, message id) rows of ``table`` (deliveries, alert_deliveries) for a
    question, read from the bot process's database, once none is pending."""
    with Store(db, readonly=True) as store:
        rows = store.conn.execute(
            f"SELECT status, message_id FROM {table} WHERE question_id = ?", (question_id,)
        ).fetchall()
    return [tuple(r) for r in rows] if rows and all(r[0] != "pending" for r in rows) else None


async def start_bot_process(server: DiscordServer, env: dict, cwd: Path):
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    connections = server.identify_count
    await server.wait_until(
        lambda: server.identify_count > connections and server.connected,
        30,
        "the bot process to connect",
    )
    return process


async def test_killed_between_send_and_record_and_back_after_the_nonce_window_posts_once(
    tmp_path, discord_server, parliament_api
) -> None:
    env = bot_env(discord_server, parliament_api, tmp_path / "killed.db")
    first = await start_bot_process(discord_server, env, tmp_path)
    try:
        await subscribe(discord_server, {"department": "dfe"})
        hold = discord_server.hold_responses("POST", POSTS)
        parliament_api.publish(todays_answer(990801, "Survives A Crash"))
        await asyncio.wait_for(hold.reached.wait(), 30)  # the post exists; no reply yet
        first.send_signal(signal.SIGKILL)
        await first.wait()
        hold.released.set()
        # Back after Discord has forgotten the nonce (a night, not a minute): the restarted
        # bot must find the post it made rather than rely on Discord to dedupe it.
        discord_server.advance_nonce_clock(discord_server.nonce_window + 1)
        second = await start_bot_process(discord_server, env, tmp_path)
        try:
            status = await sent_status(tmp_path / "killed.db", 990801)
            posts = posts_in(discord_server, discord_server.channel, "Survives A Crash")
            assert len(posts) == 1
            assert status == [("sent", int(posts[0]["id"]))]
            assert discord_server.actions_of("message_deduplicated") == []  # found, not deduped
        finally:
            second.send_signal(signal.SIGKILL)
            await second.wait()
    finally:
        if first.returncode is None:
            first.send_signal(signal.SIGKILL)
            await first.wait()


async def sent_status(path: Path, question_id: int) -> list[tuple[str, int]]:
    """The question's deliveries once none is pending (the other process records them)."""
    for _ in range(600):
        with open_store(path) as store:
            rows = store.conn.execute(
                "SELECT status, message_id FROM deliveries WHERE question_id = ?", (question_id,)
            ).fetchall()
        if rows and all(status != "pending" for status, _ in rows):
            return rows
        await asyncio.sleep(0.05)
    raise TimeoutError("the restarted bot recorded nothing")


async def run_poll_once(env: dict[str, str], cwd: Path) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "poll",
        "--once",
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode, out.decode() + err.decode()


async def test_poll_once_reports_without_a_token_and_posts_with_one(
    tmp_path, discord_server, parliament_api
) -> None:
    from bot.core.news.subscriptions import SubscriptionBook

    db = tmp_path / "once.db"
    with open_store(db) as store:
        SubscriptionBook(store).subscribe(
            discord_server.guild.id,
            discord_server.channel.id,
            {"department_id": 60},
            "New answers from the Department for Education",
            1,
            "someone",
            50,
        )
    parliament_api.publish(todays_answer(990901, "Polled Once"))
    env = bot_env(discord_server, parliament_api, db)
    dry = {k: v for k, v in env.items() if k != "DISCORD_TOKEN"}
    code, report = await run_poll_once(dry, tmp_path)
    assert code == 0, report
    assert "1 questions listed" in report
    assert "Waiting to be posted: 1" in report
    assert bot_posts(discord_server, discord_server.channel) == []
    code, report = await run_poll_once(env, tmp_path)
    assert code == 0, report
    assert "1 messages posted" in report
    assert len(posts_in(discord_server, discord_server.channel, "Polled Once")) == 1
    code, report = await run_poll_once(env, tmp_path)
    assert "0 messages posted" in report
    assert len(posts_in(discord_server, discord_server.channel, "Polled Once")) == 1


async def test_new_questions_are_posted_where_asked_for_and_the_answer_later(
    subs_bot, discord_server, parliament_api
) -> None:
    education = discord_server.guild.channel("education")
    reply = await subscribe(discord_server, {"department": "dfe", "events": "all"})
    assert reply["content"].startswith("Subscribed") and "and each new question" in (
        reply["content"])
    assert "New questions and answers from the Department for Education" in reply["content"]
    await subscribe(discord_server, {"department": "dfe", "_in": education})  # answers only
    with pytest.raises(ValueError, match="must be one of its choices"):  # as Discord does
        await subscribe(discord_server, {"department": "dfe", "events": "everything'--"})
    tabled = todays_answer(990301, "Schools: Chess Clubs", dateAnswered=None, answerText=None,
                           answeringMemberId=None)
    parliament_api.publish(tabled)
    post = await wait_for_post(discord_server, discord_server.channel, "Chess Clubs")
    embed = post["embeds"][0]
    assert embed["title"] == "📝 New question · Schools: Chess Clubs"
    assert "Department for Education" in embed["description"]
    assert "Not answered yet: due " in embed["description"]
    assert not embed.get("fields")  # nothing to vote on yet: "Alert me" alone
    assert [c["custom_id"] for r in post["components"] for c in r["components"]] == [
        "alert:990301", "similar:990301"]
    await a_poll_from_now(discord_server, subs_bot)  # it finds the same question again:
    assert len(posts_in(discord_server, discord_server.channel, "Chess Clubs")) == 1
    assert posts_in(discord_server, education, "Chess Clubs") == []

    parliament_api.publish(todays_answer(990301, "Schools: Chess Clubs"))
    for channel in (discord_server.channel, education):
        await discord_server.wait_until(
            lambda channel=channel: any(
                m["embeds"][0]["title"].startswith("🆕 New answer")
                for m in posts_in(discord_server, channel, "Chess Clubs")
            ),
            10,
            "the answer",
        )
    await a_poll_from_now(discord_server, subs_bot)
    assert len(posts_in(discord_server, discord_server.channel, "Chess Clubs")) == 2
    assert len(posts_in(discord_server, education, "Chess Clubs")) == 1
    (answer,) = posts_in(discord_server, education, "Chess Clubs")
    assert {c["custom_id"] for r in answer["components"] for c in r["components"]} == {
        "vote:990301:y", "vote:990301:n", "alert:990301", "similar:990301"}

    listing = await (
        await discord_server.run_command("subscriptions", {}, user=discord_server.plain_user)
    ).message()
    description = listing["embeds"][0]["description"]
    assert "posts answers and new questions" in description
    assert "posts answers ·" in description


@pytest.fixture
def watchers(discord_server: DiscordServer):
    """A mentionable role, made before the bot connects (request it before ``subs_bot``)."""
    return discord_server.add_role(discord_server.guild, "Parliament Watchers", 0,
                                   mentionable=True)


@pytest.mark.parametrize("discord_server_options", [{"strict_allowed_mentions": True}])
async def test_a_role_mention_pings_that_role_only(
    watchers, subs_bot, discord_server, parliament_api
) -> None:
    education = discord_server.guild.channel("education")
    moderator = next(r for r in discord_server.guild.roles if r.name == "Moderator")
    reply = await subscribe(discord_server, {"department": "dfe", "mention": watchers})
    assert f"Each post pings <@&{watchers.id}>" in reply["content"]
    assert reply["mention_roles"] == []  # the reply itself pings nobody
    await subscribe(discord_server, {"department": "dfe", "_in": education})
    listing = await (await discord_server.run_command("subscriptions", {})).message()
    assert f"pings <@&{watchers.id}>" in listing["embeds"][0]["description"]
    sneaky = (
        f"<p>@everyone @here <@&{moderator.id}> <@&{watchers.id}> "
        f"<@{discord_server.admin_user.id}> Schools get more.</p>"
    )
    parliament_api.publish(todays_answer(990081, "Schools: Pings", answerText=sneaky))
    post = await wait_for_post(discord_server, discord_server.channel, "Schools: Pings")
    assert post["content"] == f"<@&{watchers.id}>"
    assert post["mention_roles"] == [str(watchers.id)]
    assert post["mention_everyone"] is False and post["mentions"] == []
    plain = await wait_for_post(discord_server, education, "Schools: Pings")
    assert plain["content"] == "" and plain["mention_roles"] == []
    assert plain["mention_everyone"] is False and plain["mentions"] == []
    # The server's record of what was sent: exactly that role may be pinged, nothing else.
    sent = [r.body for r in discord_server.requests
            if r.method == "POST" and re.fullmatch(POSTS, r.path.removeprefix("/api/v10"))
            and (r.body or {}).get("content") == f"<@&{watchers.id}>"]
    assert len(sent) == 1
    allowed = sent[0]["allowed_mentions"]
    assert [str(r) for r in allowed["roles"]] == [str(watchers.id)]
    assert allowed["parse"] == [] and not allowed.get("users")


@pytest.mark.parametrize("discord_server_options", [{"strict_allowed_mentions": True}])
async def test_a_digest_pings_the_roles_of_its_own_subscriptions(
    watchers, subs_bot, discord_server, parliament_api
) -> None:
    await subscribe(discord_server, {"department": "dfe", "mention": watchers})
    await subscribe(discord_server, {"department": "MoD"})
    for number in range(4):  # more than DIGEST_AFTER at once: one digest, of MoD's only
        parliament_api.publish(todays_answer(990090 + number, f"Defence: Ships {number}", body=11))
    digest = await wait_for_post(discord_server, discord_server.channel, "Defence: Ships 0")
    assert "Defence: Ships 3" in str(digest["embeds"])
    assert digest["content"] == "" and digest["mention_roles"] == []
    parliament_api.publish(todays_answer(990095, "Schools: Roles"))
    post = await wait_for_post(discord_server, discord_server.channel, "Schools: Roles")
    assert post["mention_roles"] == [str(watchers.id)]


async def run(server: DiscordServer, name: str, options: dict) -> dict:
    return await (await server.run_command(name, options, user=server.admin_user)).message()


async def test_pause_then_resume_with_a_digest_or_skipping(
    subs_bot, discord_server, parliament_api
) -> None:
    education = discord_server.guild.channel("education")
    await subscribe(discord_server, {"department": "dfe"})
    await subscribe(discord_server, {"department": "dfe", "_in": education})
    choices = await discord_server.autocomplete(
        "subscription pause", {"subscription": "#education"}, focused="subscription",
        user=discord_server.admin_user,
    )
    assert len(choices) == 1
    here, there = (str(r["id"]) for r in subs_bot.get_cog("Subscriptions").book.rows(
        discord_server.guild.id))
    for sid in (here, there):
        paused = await run(discord_server, "subscription pause", {"subscription": sid})
        assert paused["flags"] & 64 and paused["content"].startswith("Paused in <#")
    listing = await run(discord_server, "subscriptions", {})
    assert listing["embeds"][0]["description"].count("⏸ paused: paused by Alice") == 2
    parliament_api.publish(todays_answer(990301, "Schools: Missed One"))
    parliament_api.publish(todays_answer(990302, "Schools: Missed Two"))
    await a_poll_from_now(discord_server, subs_bot)  # it finds both: nothing posted, paused
    assert bot_posts(discord_server, discord_server.channel) == []
    assert bot_posts(discord_server, education) == []
    resumed = await run(discord_server, "subscription resume",
                        {"subscription": here, "missed": "digest"})
    assert resumed["flags"] & 64 and "2 missed items will be posted as one digest" in (
        resumed["content"])
    digest = await wait_for_post(discord_server, discord_server.channel, "Missed One")
    assert "Missed Two" in str(digest["embeds"])
    skipped = await run(discord_server, "subscription resume", {"subscription": there})
    assert "skipped" in skipped["content"]
    again = await run(discord_server, "subscription resume", {"subscription": there})
    assert "is not paused" in again["content"]
    parliament_api.publish(todays_answer(990303, "Schools: After Resuming"))
    await wait_for_post(discord_server, education, "After Resuming")
    await wait_for_post(discord_server, discord_server.channel, "After Resuming")
    await a_delivery_round_from_now(discord_server, subs_bot)
    assert len(bot_posts(discord_server, discord_server.channel)) == 2  # the digest, the new one
    assert posts_in(discord_server, education, "Missed") == []  # skipped: never posted


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


async def pending_claims(bot: WrittenAnswersBot) -> int:
    return await bot.services.db.read(
        lambda store: store.conn.execute(
            "SELECT count(*) FROM deliveries WHERE status = 'pending'").fetchone()[0])


async def claims_are(bot: WrittenAnswersBot, count: int) -> bool:
    return await pending_claims(bot) == count


async def test_a_daily_digest_fires_at_the_uk_time_across_a_clock_change(
    subs_bot, discord_server, parliament_api
) -> None:
    clock = {"now": utc("2026-03-28T09:00:00")}  # Saturday; the clocks go forward tonight
    subs_bot.services.clock = lambda: clock["now"]
    reply = await subscribe(
        discord_server, {"department": "dfe", "schedule": "daily", "time": "08:00"})
    assert "gathered into a daily digest at 08:00 UK time" in reply["content"]
    parliament_api.publish(todays_answer(990501, "Digest: Libraries"))
    parliament_api.publish(todays_answer(990502, "Digest: Ships", body=11))  # not followed
    parliament_api.publish(todays_answer(990503, "Digest: Music"))
    await discord_server.wait_until(
        lambda: claims_are(subs_bot, 2), 10, "two claims for the digest")
    clock["now"] = utc("2026-03-29T06:59:00")  # 07:59 BST: not yet
    await a_delivery_round_from_now(discord_server, subs_bot)
    assert await pending_claims(subs_bot) == 2
    assert bot_posts(discord_server, discord_server.channel) == []
    clock["now"] = utc("2026-03-29T07:00:10")  # 08:00 BST, an hour earlier in UTC than Friday
    digest = await wait_for_post(discord_server, discord_server.channel, "Daily digest")
    embed = digest["embeds"][0]
    assert embed["title"] == "Daily digest, Sunday 29 March: 2 new written answers"
    assert "Digest: Libraries" in embed["description"] and "Digest: Music" in embed["description"]
    assert "Digest: Ships" not in embed["description"]
    assert "__Department for Education__" in embed["description"]
    await a_delivery_round_from_now(discord_server, subs_bot)  # again at the same moment:
    assert len(bot_posts(discord_server, discord_server.channel)) == 1
    # Open an answer from the digest: the full text with its vote buttons, privately.
    menu = digest["components"][0]["components"][0]
    assert sorted(o["value"] for o in menu["options"]) == ["990501", "990503"]
    opened = await (await discord_server.select(
        digest, menu["custom_id"], ["990503"], user=discord_server.plain_user)).message()
    assert opened["flags"] & 64 and "Digest: Music" in opened["embeds"][0]["title"]
    assert {c["custom_id"] for r in opened["components"] for c in r["components"]} >= {
        "vote:990503:y", "vote:990503:n"}


async def test_a_digest_sent_twice_after_a_crash_is_one_message(
    subs_bot, discord_server, parliament_api
) -> None:
    clock = {"now": utc("2026-11-30T09:00:00")}
    subs_bot.services.clock = lambda: clock["now"]
    await subscribe(discord_server, {"department": "dfe", "schedule": "daily"})
    parliament_api.publish(todays_answer(990511, "Twice: Libraries"))
    await discord_server.wait_until(lambda: claims_are(subs_bot, 1), 10, "the claim")
    cog = subs_bot.news
    async with cog.deliver_lock:  # the loop is held: act out a crash after the send
        queue, db = subs_bot.services.queue, subs_bot.services.db
        assert await db.write(queue.due_digests, utc("2026-12-01T08:00:00")) == 1
        (batch,) = await db.write(queue.batches)
        first = await cog.poster.send(batch)  # sent, then "killed" before it was recorded
        assert await db.write(queue.due_digests, utc("2026-12-01T08:00:01")) == 0
        (again,) = await db.write(queue.batches)  # after the restart: the same batch
        assert again.nonce == batch.nonce
        second = await cog.poster.send(again)
    assert second.message_id == first.message_id  # the nonce: Discord gives back the first
    await a_delivery_round_from_now(discord_server, subs_bot)
    assert len(posts_in(discord_server, discord_server.channel, "Daily digest")) == 1


async def test_the_preview_counts_and_cancel_saves_nothing(
    subs_bot, discord_server, parliament_api
) -> None:
    for number in range(3):
        parliament_api.publish(todays_answer(990520 + number, f"Preview: Schools {number}"))
    parliament_api.publish(todays_answer(990529, "Preview: Ships", body=11))
    since = (date.today() - timedelta(days=30)).isoformat()
    family = json.dumps(list(subs_bot.services.department_family(60)))

    def expected(store) -> int:
        return store.conn.execute(
            "SELECT count(*) FROM questions WHERE date_answered >= ? AND answering_body_id IN "
            "(SELECT value FROM json_each(?))", (since, family)).fetchone()[0]

    await discord_server.wait_until(
        lambda: subs_bot.services.db.read(
            lambda s: s.question(990522) is not None and s.question(990529) is not None),
        10, "the poll to store them")
    count = await subs_bot.services.db.read(expected)
    assert count >= 3
    preview = await subscribe(discord_server, {"department": "dfe"}, confirm=False)
    description = preview["embeds"][0]["description"]
    assert preview["flags"] & 64
    assert f"would have posted **{count}** items" in description
    assert "Preview: Schools 2" in description and "Preview: Ships" not in description
    assert description.count("\n• ") == 3
    cancel = next(c["custom_id"] for r in preview["components"] for c in r["components"]
                  if c["custom_id"].startswith("scancel:"))
    done = await (await discord_server.press_button(
        preview, cancel, user=discord_server.admin_user)).message()
    assert done["content"] == "Cancelled: nothing was saved." and not done["embeds"]
    assert subs_bot.get_cog("Subscriptions").book.rows(discord_server.guild.id) == []


async def test_edit_changes_a_subscription_in_place(
    subs_bot, discord_server, parliament_api
) -> None:
    await subscribe(discord_server, {"department": "dfe"})
    book = subs_bot.get_cog("Subscriptions").book
    (row,) = book.rows(discord_server.guild.id)
    education = discord_server.guild.channel("education")
    edited = await run(discord_server, "subscription edit", {
        "subscription": str(row["id"]), "department": "MoD", "channel": education,
        "schedule": "weekly", "day": "Friday", "time": "5:30pm"})
    assert edited["content"].startswith(f"Edited: <#{education.id}>")
    assert "a weekly digest on Fridays at 17:30 UK time" in edited["content"]
    (after,) = book.rows(discord_server.guild.id)
    assert after["id"] == row["id"] and after["channel_id"] == education.id
    assert after["department_id"] == 11 and after["digest_day"] == 4
    back = await run(discord_server, "subscription edit", {
        "subscription": str(row["id"]), "schedule": "instant", "channel": discord_server.channel})
    assert "as news comes" in back["content"]
    parliament_api.publish(todays_answer(990531, "Edited: Schools"))
    parliament_api.publish(todays_answer(990532, "Edited: Ships", body=11))
    await wait_for_post(discord_server, discord_server.channel, "Edited: Ships")
    assert posts_in(discord_server, discord_server.channel, "Edited: Schools") == []
    bad = await run(discord_server, "subscription edit", {
        "subscription": str(row["id"]), "schedule": "daily", "time": "25:00"})
    assert bad["flags"] & 64 and "not a time of day" in bad["content"]
    await discord_server.forbid_posting(education)
    closed = await run(discord_server, "subscription edit", {
        "subscription": str(row["id"]), "channel": education})
    assert "lacks Send Messages" in closed["content"]
    assert book.rows(discord_server.guild.id)[0]["channel_id"] == discord_server.channel.id
    missing = await run(discord_server, "subscription edit", {"subscription": "99999"})
    assert "no such subscription" in missing["content"]


async def test_a_bot_pause_is_told_to_its_maker_by_dm(
    subs_bot, discord_server, parliament_api
) -> None:
    education = discord_server.guild.channel("education")
    await subscribe(discord_server, {"department": "dfe", "_in": education})
    await discord_server.forbid_posting(education)
    parliament_api.publish(todays_answer(990541, "Told: Schools"))
    maker = discord_server.admin_user
    (dm,) = await discord_server.wait_until(lambda: discord_server.dms_to(maker), 10, "a DM")
    assert "I stopped posting to #education" in dm["content"]
    assert "missing permission" in dm["content"] and "/subscription resume" in dm["content"]
    await a_delivery_round_from_now(discord_server, subs_bot)
    assert len(discord_server.dms_to(maker)) == 1  # told once
    assert discord_server.violations == []  # refused by Discord, but no rule broken


async def test_a_pause_notice_falls_back_to_the_system_channel(
    subs_bot, discord_server, parliament_api
) -> None:
    education = discord_server.guild.channel("education")
    await subscribe(discord_server, {"department": "dfe", "_in": education})
    maker = discord_server.admin_user
    discord_server.close_dms(maker)
    await discord_server.delete_channel(education)
    parliament_api.publish(todays_answer(990551, "Fallback: Schools"))
    system = discord_server._find_channel(discord_server.guild.system_channel_id)
    notice = await discord_server.wait_until(
        lambda: [m for m in discord_server.messages_in(system)
                 if "I stopped posting" in (m.get("content") or "")], 10, "a notice")
    assert notice[0]["content"].startswith(f"<@{maker.id}>: I stopped posting to")
    assert "the channel was deleted" in notice[0]["content"]
    assert notice[0]["mentions"] and notice[0]["mentions"][0]["id"] == str(maker.id)
    assert discord_server.violations == []  # refused by Discord, but no rule broken


@pytest.fixture
def forum(discord_server: DiscordServer):
    """A forum with tags, made before the bot connects (request it before ``subs_bot``)."""
    return discord_server.add_channel(
        discord_server.guild, "answers-forum", type=p.CHANNEL_FORUM,
        available_tags=["Education", "Defence", "Commons", "Lords"])


@pytest.fixture
def news_thread(discord_server: DiscordServer):
    """A thread under the default channel, made before the bot connects."""
    return discord_server.add_thread(discord_server.channel, "dfe-news")


async def test_a_forum_gets_one_post_per_answer_with_tags_and_follow_ups_inside(
    forum, subs_bot, discord_server, parliament_api
) -> None:
    reply = await subscribe(discord_server, {"department": "dfe", "channel": forum})
    assert reply["content"].startswith(f"Subscribed <#{forum.id}>")
    holding = todays_answer(990601, "Forum: School Meals", answerIsHolding=True,
                            dateHoldingAnswer=TODAY,
                            answerText="<p>I will reply as soon as possible.</p>")
    parliament_api.publish(holding)
    parliament_api.publish(todays_answer(990602, "Forum: Teacher Training"))
    parliament_api.publish(todays_answer(990603, "Forum: Ships", body=11))  # not followed
    posts = await discord_server.wait_until(
        lambda: (lambda found: found if len(found) == 2 else None)(
            discord_server.forum_posts(forum)), 10, "two forum posts")
    assert sorted(post["name"] for post in posts) == [
        "Forum: School Meals", "Forum: Teacher Training"]
    for post in posts:
        assert sorted(post["tags"]) == ["Commons", "Education"]
        starter = post["message"]
        assert starter["embeds"][0]["title"].endswith(post["name"])
        custom_ids = {c["custom_id"] for r in starter["components"] for c in r["components"]}
        assert any(c.startswith("vote:") for c in custom_ids)
    meals = next(post for post in posts if post["name"] == "Forum: School Meals")
    # The substantive answer replies inside the same post, which gains a link to it.
    parliament_api.publish(dict(holding, answerIsHolding=False,
                                answerText="<p>Free meals for all infants.</p>"))
    reply_post = await discord_server.wait_until(
        lambda: [m for m in discord_server.messages_in(meals["thread"]) if m.get("type") == 19],
        10, "the follow-up in the post")
    assert reply_post[0]["message_reference"]["message_id"] == str(meals["id"])
    await discord_server.wait_until(
        lambda: any(f["name"] == "Answer now given →" for f in discord_server.get_message(
            meals["id"])["embeds"][0].get("fields", [])), 10, "the starter marked")
    await a_delivery_round_from_now(discord_server, subs_bot)
    assert len(discord_server.forum_posts(forum)) == 2  # no new post for the follow-up
    assert discord_server.violations == []


async def test_a_thread_target_and_a_thread_per_answer(
    news_thread, subs_bot, discord_server, parliament_api
) -> None:
    await subscribe(discord_server, {"department": "dfe", "channel": news_thread})
    education = discord_server.guild.channel("education")
    reply = await subscribe(discord_server, {"department": "MoD", "_in": education,
                                             "thread_per_answer": True})
    assert reply["content"].startswith("Subscribed")
    parliament_api.publish(todays_answer(990611, "Thread: Libraries"))
    parliament_api.publish(todays_answer(990612, "Thread: Frigates", body=11))
    await discord_server.wait_until(
        lambda: any("Thread: Libraries" in str(m.get("embeds"))
                    for m in discord_server.messages_in(news_thread)), 10, "a post in the thread")
    assert posts_in(discord_server, discord_server.channel, "Thread: Libraries") == []
    post = await wait_for_post(discord_server, education, "Thread: Frigates")
    (opened,) = await discord_server.wait_until(
        lambda: discord_server.threads_of(education), 10, "a thread on the post")
    assert opened.id == int(post["id"]) and opened.name == "Thread: Frigates"


async def test_targets_are_checked_for_the_permissions_they_need(
    forum, news_thread, subs_bot, discord_server
) -> None:
    deny = p.overwrite_payload(discord_server.bot_user.id, 1, deny=p.SEND_MESSAGES_IN_THREADS)
    forum.overwrites.append(deny)
    discord_server.channel.overwrites.append(deny)
    await discord_server.dispatch("CHANNEL_UPDATE", forum.payload())
    await discord_server.dispatch("CHANNEL_UPDATE", discord_server.channel.payload())
    to_forum = await subscribe(discord_server, {"department": "dfe", "channel": forum})
    assert to_forum["flags"] & 64
    assert "lacks Send Messages in Threads" in to_forum["content"]
    to_thread = await subscribe(discord_server, {"department": "dfe", "channel": news_thread})
    assert "lacks Send Messages in Threads" in to_thread["content"]
    threads = await subscribe(discord_server, {"department": "dfe", "thread_per_answer": True})
    assert "lacks Send Messages in Threads" in threads["content"]
    in_forum = await subscribe(discord_server, {"department": "dfe", "channel": forum,
                                                "thread_per_answer": True})
    assert "thread_per_answer is for text and announcement channels" in in_forum["content"]
    assert subs_bot.get_cog("Subscriptions").book.rows(discord_server.guild.id) == []


async def test_a_follow_up_to_a_locked_post_is_posted_anew(
    forum, subs_bot, discord_server, parliament_api
) -> None:
    await subscribe(discord_server, {"department": "dfe", "channel": forum})
    holding = todays_answer(990631, "Locked: Swimming Lessons", answerIsHolding=True,
                            dateHoldingAnswer=TODAY,
                            answerText="<p>I will reply as soon as possible.</p>")
    parliament_api.publish(holding)
    (first,) = await discord_server.wait_until(
        lambda: discord_server.forum_posts(forum), 10, "the forum post")
    await discord_server.archive_thread(first["thread"], locked=True)  # a moderator closes it
    parliament_api.publish(dict(holding, answerIsHolding=False,
                                answerText="<p>Every pupil learns to swim.</p>"))
    posts = await discord_server.wait_until(
        lambda: (lambda found: found if len(found) == 2 else None)(
            discord_server.forum_posts(forum)), 10, "a new post for the answer")
    assert posts[1]["name"] == "Locked: Swimming Lessons"
    assert posts[1]["message"]["embeds"][0]["title"].startswith("✅ Answer now given")
    assert discord_server.violations == []  # refused by Discord, but no rule broken
