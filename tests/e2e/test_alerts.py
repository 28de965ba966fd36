"""Personal alerts end to end: 🔔 Alert me, the direct message, a closed inbox, /alerts, a kill."""

from __future__ import annotations

import asyncio
import signal
from dataclasses import replace

import pytest

import cogs.background
from bot.cli.common import open_store
from bot.discord.alerts.sender import UNKNOWN_USER
from bot.discord.client import WrittenAnswersBot

from .conftest import a_poll_from_now, an_alert_round_from_now, bot_env
from .test_subscriptions import POSTS, recorded, start_bot_process, todays_answer


def tabled(question_id: int, heading: str) -> dict:
    """A question tabled today, not answered yet."""
    return todays_answer(question_id, heading, dateAnswered=None, answerText=None,
                         answeringMemberId=None)


def custom_ids(message: dict) -> list[str]:
    return [c["custom_id"] for r in message.get("components", []) for c in r["components"]]


@pytest.fixture
async def alerts_bot(bot_settings, bot_runner, loaded_database, monkeypatch):
    monkeypatch.setattr(cogs.background, "DELIVERY_TICK_SECONDS", 0.1)
    monkeypatch.setattr(cogs.background, "ALERT_TICK_SECONDS", 0.1)
    settings = replace(bot_settings, poll_interval_seconds=0.3)
    store = open_store(settings.database_path)
    bot = WrittenAnswersBot(settings, store, guild_ready_timeout=0.1)
    await bot_runner.start(bot)
    yield bot
    await bot_runner.stop(bot)
    store.close()


async def press_alert_on(server, question_id: int, user) -> dict:
    """/answer the question, press 🔔 Alert me on it, and return the private reply."""
    view = await (await server.run_command("answer", {"id": str(question_id)}, user=user)).message()
    assert f"alert:{question_id}" in custom_ids(view)
    pressed = await server.press_button(view, f"alert:{question_id}", user=user)
    return await pressed.message()


async def wait_stored(bot, question_id: int, server) -> None:
    """Wait until the poll's write is committed, as the bot's readers see it (the writer's own
    connection sees its rows before they are committed)."""

    async def stored() -> bool:
        return await bot.services.db.read(lambda store: store.question(question_id)) is not None

    await server.wait_until(stored, 10, f"the poll to store {question_id}")


async def test_alert_me_on_a_waiting_question_sends_exactly_one_dm_with_the_answer(
    alerts_bot, discord_server, parliament_api
) -> None:
    user = discord_server.plain_user
    parliament_api.publish(tabled(990401, "Schools: Rowing Clubs"))
    await wait_stored(alerts_bot, 990401, discord_server)
    view = await (await discord_server.run_command("answer", {"id": "990401"}, user=user)
                  ).message()
    # No vote until there is an answer.
    assert custom_ids(view) == ["alert:990401", "similar:990401"]
    reply = await press_alert_on(discord_server, 990401, user)
    assert reply["flags"] & 64 and "direct message when Commons 990401 is answered" in (
        reply["content"])
    again = await press_alert_on(discord_server, 990401, user)
    assert "already have an alert" in again["content"]
    discord_server.rate_limit("POST", POSTS, count=4, retry_after=0.05)  # a 429 storm
    parliament_api.publish(todays_answer(990401, "Schools: Rowing Clubs"))
    await discord_server.wait_until(lambda: discord_server.dms_to(user), 10, "the DM")
    await a_poll_from_now(discord_server, alerts_bot)  # it finds the answer again...
    await an_alert_round_from_now(discord_server, alerts_bot)  # ... and a round after it:
    (dm,) = discord_server.dms_to(user)
    embed = dm["embeds"][0]
    assert embed["title"] == "🆕 New answer · Schools: Rowing Clubs"
    assert embed["fields"][-1]["name"] == "Does this answer the above question?"
    assert {"vote:990401:y", "vote:990401:n"} <= set(custom_ids(dm))
    assert discord_server.dms_to(discord_server.admin_user) == []


async def test_a_closed_inbox_pauses_the_alert_and_the_person_is_told_once(
    alerts_bot, discord_server, parliament_api
) -> None:
    user = discord_server.admin_user
    discord_server.close_dms(user)
    parliament_api.publish(tabled(990402, "Schools: Fencing"))
    await wait_stored(alerts_bot, 990402, discord_server)
    await press_alert_on(discord_server, 990402, user)
    parliament_api.publish(todays_answer(990402, "Schools: Fencing"))
    book = alerts_bot.get_cog("Alerts").book
    await discord_server.wait_until(
        lambda: book.rows(user.id)[0]["status"] == "paused", 10, "the alert to pause"
    )
    assert discord_server.dms_to(user) == []
    handle = await discord_server.run_command("alerts", {}, user=user)
    listing = await handle.message()
    assert "paused" in listing["embeds"][0]["description"]
    notice = await handle.followup(0)
    assert notice["flags"] & 64 and notice["content"].startswith("⏸ Paused: When Commons 990402")
    assert "direct message" in notice["content"]
    cog = alerts_bot.get_cog("Alerts")
    checked = cog.notices_checked
    later = await discord_server.run_command("alerts", {}, user=user)
    await later.message()
    await discord_server.wait_until(  # the bot looked for a notice to give with this reply
        lambda: cog.notices_checked > checked, 10, "the notice check of the second /alerts")
    assert later.followups == []  # told once
    await an_alert_round_from_now(discord_server, alerts_bot)
    assert [r["status"] for r in book.rows(user.id)] == ["paused"]  # nothing retried either


async def test_an_answered_question_offers_a_follow_and_alerts_removes_only_ones_own(
    alerts_bot, discord_server, parliament_api
) -> None:
    user, other = discord_server.plain_user, discord_server.admin_user
    reply = await press_alert_on(discord_server, 500001, user)
    assert reply["flags"] & 64 and "answered" in reply["content"]
    picked = await discord_server.select(reply, "alertf:500001", ["department"], user=user)
    done = await picked.message()
    assert "Done: New answers from" in done["content"]
    choices = await discord_server.autocomplete(
        "alerts", {"remove": "new answers"}, focused="remove", user=user
    )
    assert len(choices) == 1
    assert await discord_server.autocomplete(
        "alerts", {"remove": ""}, focused="remove", user=other
    ) == []  # nobody sees another's alerts
    for hostile in ("99999999999999999999999", "'; DROP TABLE alerts;--", choices[0]["value"]):
        refused = await (await discord_server.run_command(
            "alerts", {"remove": hostile}, user=other)).message()
        assert refused["flags"] & 64 and "no such alert" in refused["content"]
    gone = await (await discord_server.run_command(
        "alerts", {"remove": choices[0]["value"]}, user=user)).message()
    assert gone["flags"] & 64 and gone["content"].startswith("Removed: New answers from")
    empty = await (await discord_server.run_command("alerts", {}, user=user)).message()
    assert "You have no alerts" in empty["content"]


async def test_killed_between_claim_and_dm_sends_exactly_once(
    tmp_path, discord_server, parliament_api
) -> None:
    user = discord_server.plain_user
    env = bot_env(discord_server, parliament_api, tmp_path / "killed.db")
    first = await start_bot_process(discord_server, env, tmp_path)
    try:
        parliament_api.publish(tabled(990403, "Survives A Crash Too"))

        def stored() -> bool:
            with open_store(tmp_path / "killed.db") as store:
                return store.question(990403) is not None

        await discord_server.wait_until(stored, 30, "the poll")
        await press_alert_on(discord_server, 990403, user)
        hold = discord_server.hold_responses("POST", POSTS)
        parliament_api.publish(todays_answer(990403, "Survives A Crash Too"))
        await asyncio.wait_for(hold.reached.wait(), 30)  # the DM exists; no reply yet
        first.send_signal(signal.SIGKILL)
        await first.wait()
        hold.released.set()
        second = await start_bot_process(discord_server, env, tmp_path)
        try:
            # The restarted bot sends the claimed DM again and records it: then it is done.
            status = await discord_server.wait_until(
                lambda: recorded(tmp_path / "killed.db", "alert_deliveries", 990403), 30,
                "the DM to be recorded")
            dms = discord_server.dms_to(user)
            assert len(dms) == 1
            assert status == [("sent", int(dms[0]["id"]))]
        finally:
            second.send_signal(signal.SIGKILL)
            await second.wait()
    finally:
        if first.returncode is None:
            first.send_signal(signal.SIGKILL)
            await first.wait()


async def test_an_unknown_user_pauses_the_alert_without_retrying(
    alerts_bot, discord_server, parliament_api
) -> None:
    parliament_api.publish(tabled(990404, "Schools: Sailing"))
    await wait_stored(alerts_bot, 990404, discord_server)
    book = alerts_bot.get_cog("Alerts").book
    gone_user = 4242424242  # left Discord: no such user
    await alerts_bot.services.db.write(
        book.alert_on_question, gone_user, alerts_bot.store.question(990404)
    )
    parliament_api.publish(todays_answer(990404, "Schools: Sailing"))
    await discord_server.wait_until(
        lambda: book.rows(gone_user)[0]["status"] == "paused", 10, "the alert to pause"
    )
    assert book.rows(gone_user)[0]["paused_reason"] == UNKNOWN_USER
    lookups = len([r for r in discord_server.requests if str(gone_user) in r.path])
    await an_alert_round_from_now(discord_server, alerts_bot)  # nothing retried
    assert len([r for r in discord_server.requests if str(gone_user) in r.path]) == lookups
