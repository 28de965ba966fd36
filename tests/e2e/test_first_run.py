"""The first run: a bot started on a store holding only the seed loads the last BACKFILL_DAYS
days in the background, answers commands meanwhile, and posts none of that history."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

import cogs.background
from bot.cli.common import open_store
from bot.core.sources.backfill import FIRST_FILL
from bot.core.store.database import Store
from bot.discord.client import WrittenAnswersBot

from .conftest import FIXTURES, a_poll_from_now
from .test_subscriptions import bot_posts, subscribe, todays_answer, wait_for_post

DAYS = 9


@pytest.fixture
def fast_delivery(monkeypatch) -> None:
    monkeypatch.setattr(cogs.background, "DELIVERY_TICK_SECONDS", 0.1)


def answered_days_ago(days: int, question_id: int, heading: str) -> dict:
    value = json.loads((FIXTURES / "substantive.json").read_text())["value"]
    stamp = (date.today() - timedelta(days=days)).isoformat() + "T00:00:00"
    value.update(id=question_id, uin=str(question_id), heading=heading, dateTabled=stamp,
                 dateAnswered=stamp, dateHoldingAnswer=None, attachments=[], attachmentCount=0)
    return value


def read_state(path: Path) -> tuple[str | None, int]:
    """The first run's state and the days the backfill has finished, from another connection."""
    with Store(path, readonly=True) as store:
        days = store.conn.execute("SELECT count(*) FROM backfill_days").fetchone()[0]
        return store.get_state(FIRST_FILL), days


async def test_a_first_run_backfills_in_the_background_and_posts_none_of_it(
    bot_settings, bot_runner, discord_server, parliament_api, fast_delivery
) -> None:
    # Four answers from the Department for Education on each of days 2 to 9 before today (the
    # poller reads yesterday and today: this is history only a backfill brings), and a question
    # not answered yet.
    for days in range(2, DAYS + 1):
        for n in range(4):
            parliament_api.publish(
                answered_days_ago(days, 980000 + days * 10 + n, f"Harbours: Dredging {days}{n}")
            )
    waiting = answered_days_ago(3, 980999, "Harbours: Lighthouse Dues")
    waiting.update(dateAnswered=None, answerText=None)
    parliament_api.publish(waiting)

    settings = replace(bot_settings, backfill_days=DAYS, poll_interval_seconds=0.3)
    path = settings.database_path
    store = open_store(path)  # a new store: the seed only
    assert store.count_questions() == 1
    bot = WrittenAnswersBot(settings, store, guild_ready_timeout=0.1)
    await bot_runner.start(bot)
    try:
        # Yesterday (nothing) and the day before (four answers) are in.
        await discord_server.wait_until(lambda: read_state(path)[1] >= 2, 20, "backfilled days")

        # Commands are answered during the backfill; a channel subscribes meanwhile.
        reply = await subscribe(discord_server, {"department": "dfe"})
        assert reply["content"].startswith("Subscribed")
        found = await (
            await discord_server.run_command(
                "answers", {"query": "harbours dredging"}, user=discord_server.plain_user
            )
        ).message()
        assert "Harbours: Dredging" in json.dumps(found), found
        state, days = read_state(path)
        assert state == "running" and days < DAYS - 1, "the backfill ended before the commands"

        await discord_server.wait_until(
            lambda: read_state(path)[0] == "done", 60, "the backfill to finish"
        )
        with Store(path, readonly=True) as done:
            stored = {r[0] for r in done.conn.execute("SELECT id FROM questions")}
            assert len(stored & set(range(980020, 981000))) == 4 * (DAYS - 1) + 1
            assert done.question(980999)["status"] == "unanswered"
            sources = {r[0] for r in done.conn.execute(
                "SELECT source FROM changes WHERE question_id >= 980000 AND question_id < 981000"
            )}
            assert sources == {"backfill"}

        # Autocomplete learnt the new headings.
        choices = await discord_server.autocomplete(
            "answers", {"query": "harbours dredg"}, focused="query"
        )
        assert any("Harbours: Dredging" in c["name"] for c in choices)

        # History is not news: nothing was posted, though all of it matches the subscription...
        await a_poll_from_now(discord_server, bot)  # a poll and a delivery round after it all
        assert bot_posts(discord_server, discord_server.channel) == []
        # ... while the poll's news is posted as ever.
        parliament_api.publish(todays_answer(980501, "Harbours: After The Backfill"))
        await wait_for_post(discord_server, discord_server.channel, "After The Backfill")
        assert len(bot_posts(discord_server, discord_server.channel)) == 1
    finally:
        await bot_runner.stop(bot)
        store.close()
