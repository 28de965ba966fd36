"""Exactly once, whenever the bot comes back: the bot is stopped at each step of a send, for
every kind of message the outbox sends, and a new bot on the same database file starts after
Discord's nonce window (shortened to 1 s here) has passed. Each item is posted once."""

from __future__ import annotations

import asyncio
import signal
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

import cogs.background
from bot.cli.common import open_store
from bot.core.news.alerts import AlertBook
from bot.core.news.outbox import Batch, DeliveryKind, send_outbox
from bot.core.store.database import Store
from bot.discord.client import WrittenAnswersBot

from . import discord_payloads as p
from .conftest import bot_env
from .discord_server import DiscordServer
from .test_subscriptions import (
    POSTS,
    TODAY,
    bot_posts,
    start_bot_process,
    subscribe,
    todays_answer,
)

STEPS = ("claimed", "attempted", "accepted", "recorded")

# One answer each, but the digest's four (one channel getting more than three at once).
POST, FORUM, THREADED, ALERTED, GONE, DAILY = 991001, 991002, 991003, 991004, 991005, 991006
DIGEST = (991011, 991012, 991013, 991014)


@pytest.fixture
def discord_server_options() -> dict[str, Any]:
    return {"nonce_window": 1.0}  # Discord's few minutes, shortened


@pytest.fixture
def fast_loops(monkeypatch) -> None:
    monkeypatch.setattr(cogs.background, "DELIVERY_TICK_SECONDS", 0.1)
    monkeypatch.setattr(cogs.background, "ALERT_TICK_SECONDS", 0.1)


@pytest.fixture
def forum(discord_server: DiscordServer):
    """A forum, made before the bot connects."""
    return discord_server.add_channel(discord_server.guild, "answers-forum",
                                      type=p.CHANNEL_FORUM, available_tags=["Education"])


async def start_bot(settings, runner) -> tuple[WrittenAnswersBot, Store]:
    store = open_store(settings.database_path)
    bot = WrittenAnswersBot(settings, store, guild_ready_timeout=0.1)
    await runner.start(bot)
    return bot, store


async def until(check, what: str, timeout: float = 20.0) -> Any:
    """Wait for ``check()`` (a coroutine function) to be truthy; its value."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not (value := await check()):
        if loop.time() > deadline:
            raise TimeoutError(what)
        await asyncio.sleep(0.05)
    return value


def pending_count(store: Store) -> int:
    return sum(
        store.conn.execute(f"SELECT count(*) FROM {table} WHERE status = 'pending'").fetchone()[0]
        for table in ("batches", "deliveries", "alert_deliveries")
    )


async def act_until(bot: WrittenAnswersBot, step: str, server: DiscordServer, gone) -> None:
    """With the loops held: claim every item, then go as far as ``step`` in sending each."""
    news, db = bot.news, bot.services.db
    queue, alerts = bot.services.queue, news.alerts
    await db.write(queue.plan)
    await db.write(alerts.plan)
    # The daily digest's time comes (a day on): its message is made, the next one a day later.
    assert await db.write(queue.due_digests, datetime.now(UTC) + timedelta(days=1)) == 1
    # The deleted channel's post pauses its subscription: its maker's notice is claimed.
    gone_posts = lambda: [b for b in queue.batches() if b.channel_id == gone.id]  # noqa: E731
    await send_outbox(gone_posts, queue.outbox, news.poster, bot.services.pacer, db.write,
                      queue.undeliverable)
    batches: list[Batch] = (await db.write(queue.batches) + await db.write(queue.pause_notices)
                            + await db.write(alerts.pending))
    kinds = sorted(b.kind for b in batches)
    assert kinds == sorted([DeliveryKind.POST] * 3 + [DeliveryKind.DIGEST] * 2
                           + [DeliveryKind.ALERT, DeliveryKind.PAUSE_NOTICE])
    if step == "claimed":
        return
    for batch in batches:
        transport: Any = news.alert_sender if batch.kind == DeliveryKind.ALERT else news.poster
        if step == "recorded":
            await send_outbox(lambda b=batch: [b], queue.outbox, transport, bot.services.pacer,
                              db.write)
            continue
        await db.write(queue.outbox.mark_attempted, batch)
        if step == "accepted":
            await transport.send(batch)  # Discord has it; the bot is stopped before recording


@pytest.mark.parametrize("step", STEPS)
async def test_killed_at_each_step_and_back_after_the_nonce_window_posts_each_once(
    step, forum, bot_settings, bot_runner, loaded_database, fast_loops, discord_server,
    parliament_api,
) -> None:
    server = discord_server
    settings = replace(bot_settings, poll_interval_seconds=0.3, max_subscriptions_per_guild=10)
    general, education = server.channel, server.guild.channel("education")
    threaded = server.guild.channel("written-answers")
    gone = server.add_channel(server.guild, "closing-soon")
    daily = server.add_channel(server.guild, "daily-digest")
    bot, store = await start_bot(settings, bot_runner)
    await subscribe(server, {"topic": "Kestrel"})
    await subscribe(server, {"topic": "Heron", "_in": education})
    await subscribe(server, {"topic": "Osprey", "channel": forum})
    await subscribe(server, {"topic": "Plover", "_in": threaded, "thread_per_answer": True})
    await subscribe(server, {"topic": "Curlew", "_in": gone})
    await subscribe(server, {"topic": "Bittern", "_in": daily, "schedule": "daily"})
    reader = server.plain_user
    await bot.services.db.write(lambda: AlertBook(bot.store).follow_like(
        reader.id, {"heading": "Outbox: Wren Nests", "answering_body_id": 60}, "heading"))
    await server.delete_channel(gone)

    async with bot.news.deliver_lock, bot.news.alerts_lock:  # the loops are held
        for question_id, heading in [
            (POST, "Outbox: Kestrel Survey"), (FORUM, "Outbox: Osprey Nests"),
            (THREADED, "Outbox: Plover Beaches"), (ALERTED, "Outbox: Wren Nests"),
            (GONE, "Outbox: Curlew Moors"), (DAILY, "Outbox: Bittern Booming"),
            *[(q, f"Outbox: Heron Count {n}") for n, q in enumerate(DIGEST, 1)],
        ]:
            parliament_api.publish(todays_answer(question_id, heading))
        await until(lambda: bot.services.db.read(
            lambda s: all(s.question(q) for q in (POST, FORUM, THREADED, ALERTED, GONE, DAILY,
                                                  *DIGEST))),
            "the answers stored")
        await act_until(bot, step, server, gone)
        await bot_runner.stop(bot)  # killed: nothing more is sent or recorded
    store.close()

    server.advance_nonce_clock(2.0)  # back 2 s later: the nonces are forgotten
    for post in server.forum_posts(forum):  # and the forum post has been archived meanwhile
        await server.archive_thread(post["thread"])
    bot, store = await start_bot(settings, bot_runner)
    await until(lambda: bot.services.db.read(lambda s: pending_count(s) == 0), "all sent")

    maker = server.admin_user
    counts = {
        "channel post": len(bot_posts(server, general)),
        "digest": len(bot_posts(server, education)),
        "daily digest": len(bot_posts(server, daily)),
        "forum post": len(server.forum_posts(forum)),
        "thread per answer": (len(bot_posts(server, threaded)), len(server.threads_of(threaded))),
        "DM alert": len(server.dms_to(reader)),
        "pause notice": len(server.dms_to(maker)),
    }
    assert counts == {"channel post": 1, "digest": 1, "daily digest": 1, "forum post": 1,
                      "thread per answer": (1, 1), "DM alert": 1, "pause notice": 1}
    assert "I stopped posting to" in server.dms_to(maker)[0]["content"]
    assert bot_posts(server, daily)[0]["embeds"][0]["title"].startswith("Daily digest")
    # What is recorded is what Discord holds: each item sent, with the message it is in.
    recorded = await bot.services.db.read(lambda s: dict(s.conn.execute(
        "SELECT question_id, message_id FROM deliveries WHERE status = 'sent'").fetchall()))
    assert recorded[POST] == int(bot_posts(server, general)[0]["id"])
    assert recorded[FORUM] == server.forum_posts(forum)[0]["id"]
    assert {recorded[q] for q in DIGEST} == {int(bot_posts(server, education)[0]["id"])}
    alert_sent = await bot.services.db.read(lambda s: s.conn.execute(
        "SELECT message_id FROM alert_deliveries WHERE status = 'sent'").fetchall())
    assert alert_sent == [(int(server.dms_to(reader)[0]["id"]),)]
    await bot_runner.stop(bot)
    store.close()


@pytest.mark.parametrize("step", ["attempted", "accepted"])
async def test_a_follow_up_a_missing_thread_and_a_notice_in_the_system_channel_once_each(
    step, bot_settings, bot_runner, loaded_database, fast_loops, discord_server, parliament_api,
) -> None:
    server = discord_server
    settings = replace(bot_settings, poll_interval_seconds=0.3, max_subscriptions_per_guild=10)
    education, threaded = server.guild.channel("education"), server.guild.channel("written-answers")
    system = server._find_channel(server.guild.system_channel_id)
    gone = server.add_channel(server.guild, "closing-soon")
    maker = server.admin_user
    bot, store = await start_bot(settings, bot_runner)
    await subscribe(server, {"topic": "Gannet", "_in": education})
    await subscribe(server, {"topic": "Puffin", "_in": threaded, "thread_per_answer": True})
    await subscribe(server, {"topic": "Curlew", "_in": gone})
    server.close_dms(maker)  # the pause notice goes to the server's system channel
    await server.delete_channel(gone)
    holding = todays_answer(991101, "Outbox: Gannet Colonies", answerIsHolding=True,
                            dateHoldingAnswer=TODAY, answerText="<p>I will reply soon.</p>")
    parliament_api.publish(holding)
    (first,) = await server.wait_until(lambda: bot_posts(server, education), 10, "the post")

    async with bot.news.deliver_lock, bot.news.alerts_lock:
        parliament_api.publish(dict(holding, answerIsHolding=False,
                                    answerText="<p>The colonies are thriving.</p>"))
        parliament_api.publish(todays_answer(991102, "Outbox: Puffin Burrows"))
        parliament_api.publish(todays_answer(991103, "Outbox: Curlew Moors"))

        async def stored() -> bool:
            return await bot.services.db.read(lambda s: bool(
                s.question(991102) and s.question(991103)
                and s.question(991101)["status"] == "answered"))

        await until(stored, "the answers stored")
        news, db, queue = bot.news, bot.services.db, bot.services.queue
        await db.write(queue.plan)
        gone_posts = lambda: [b for b in queue.batches() if b.channel_id == gone.id]  # noqa: E731
        await send_outbox(gone_posts, queue.outbox, news.poster, bot.services.pacer, db.write,
                          queue.undeliverable)
        batches = await db.write(queue.batches) + await db.write(queue.pause_notices)
        assert len(batches) == 3

        async def no_thread(*args: Any) -> None:
            return None  # killed after the post, before its thread

        news.poster._open_thread = no_thread  # type: ignore[method-assign]
        for batch in batches:
            await db.write(queue.outbox.mark_attempted, batch)
            if step == "accepted":
                await news.poster.send(batch)
        await bot_runner.stop(bot)
    store.close()

    server.advance_nonce_clock(2.0)
    bot, store = await start_bot(settings, bot_runner)
    await until(lambda: bot.services.db.read(lambda s: pending_count(s) == 0), "all sent")
    replies = [m for m in bot_posts(server, education) if m["type"] == 19]
    assert len(replies) == 1 and replies[0]["message_reference"]["message_id"] == first["id"]
    marks = await server.wait_until(lambda: [
        f for f in server.get_message(first["id"])["embeds"][0].get("fields", [])
        if f["name"] == "Answer now given →"], 10, "the earlier post marked")
    assert len(marks) == 1
    assert len(bot_posts(server, threaded)) == 1 and len(server.threads_of(threaded)) == 1
    notices = [m for m in server.messages_in(system) if "I stopped posting" in m["content"]]
    assert len(notices) == 1 and notices[0]["content"].startswith(f"<@{maker.id}>")
    await bot_runner.stop(bot)
    store.close()


async def test_a_bot_process_killed_after_discord_took_a_dm_sends_it_once(
    tmp_path, discord_server, parliament_api
) -> None:
    server = discord_server
    path = tmp_path / "killed-dm.db"
    reader = server.plain_user
    with open_store(path) as store:
        AlertBook(store).follow_like(
            reader.id, {"heading": "Outbox: Stonechat Song", "answering_body_id": 60}, "heading")
    env = bot_env(server, parliament_api, path)
    first = await start_bot_process(server, env, tmp_path)
    try:
        hold = server.hold_responses("POST", POSTS)
        parliament_api.publish(todays_answer(991201, "Outbox: Stonechat Song"))
        await asyncio.wait_for(hold.reached.wait(), 30)  # Discord has the DM; no reply yet
        first.send_signal(signal.SIGKILL)
        await first.wait()
        hold.released.set()
        server.advance_nonce_clock(2.0)  # back after Discord has forgotten the nonce
        second = await start_bot_process(server, env, tmp_path)
        try:
            async def recorded() -> list[tuple[str, int]] | None:
                with open_store(path) as store:
                    rows = store.conn.execute(
                        "SELECT status, message_id FROM alert_deliveries").fetchall()
                return rows if rows and rows[0][0] != "pending" else None

            status = await until(recorded, "the restarted bot's record")
            dms = server.dms_to(reader)
            assert len(dms) == 1 and status == [("sent", int(dms[0]["id"]))]
            assert server.actions_of("message_deduplicated") == []  # found, not deduplicated
        finally:
            second.send_signal(signal.SIGKILL)
            await second.wait()
    finally:
        if first.returncode is None:
            first.send_signal(signal.SIGKILL)
            await first.wait()
