"""Never stall: interactions are answered within Discord's deadline while the store is busy.

The local Discord server refuses (and records as a violation, failing the test) any response
after 3 seconds, as Discord does, so these tests need only send work and read the answers. How
long the event loop stalls meanwhile is a figure, not an assertion: `bench/responsiveness.py`
measures it (its lag and its watchdog's stalls, a first start on a long change log and an
ingest beside the bot included).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

from conftest import grow_change_log

from bot.cli.common import open_store
from bot.core.news.subscriptions import SubscriptionBook
from bot.discord.client import WrittenAnswersBot

from .conftest import bot_env
from .discord_server import DiscordServer

REPO_ROOT = Path(__file__).resolve().parents[2]
CHANGE_LOG_ROWS = 200_000


def grow_and_subscribe(path: Path, rows: int) -> None:
    """A change log of ``rows`` entries over the stored questions, written in one statement, as
    a bulk load leaves it; and a subscription from before it all, so planning has work."""
    with open_store(path) as store:
        grow_change_log(store, rows)
        book = SubscriptionBook(store)
        row, _ = book.subscribe(1, 1, {"house": "Commons"}, "Commons", 5, "u", 50)
        store.conn.execute("UPDATE subscriptions SET after_seq = 0 WHERE id = ?", (row["id"],))


async def traffic(server: DiscordServer, rounds: int) -> None:
    """Searches, autocompletes and /help from many people at once; each is answered."""
    handles = []
    waits = []
    for number in range(rounds):
        handles.append(server.run_command(
            "answers", {"query": ["schools", "funding", "defence", "nhs"][number % 4]},
            user=server.plain_user,
        ))
        handles.append(server.run_command("help", user=server.plain_user))
        waits.append(server.autocomplete("answers", {"member": "wil"}, focused="member"))
    commands = await asyncio.gather(*handles)
    choices = await asyncio.gather(*waits)
    assert all(choices), "every autocomplete answered with names"
    for handle in commands:
        await handle.response(timeout=10)
        message = await handle.message(timeout=30)
        assert message.get("embeds") or message.get("content")


async def test_a_first_start_on_a_long_change_log_answers_at_once(
    bot_settings, bot_runner, loaded_database, discord_server
) -> None:
    grow_and_subscribe(loaded_database, CHANGE_LOG_ROWS)
    store = open_store(bot_settings.database_path)
    bot = WrittenAnswersBot(bot_settings, store, guild_ready_timeout=0.1)
    try:
        await bot_runner.start(bot)
        cog = bot.news
        await traffic(discord_server, 10)
        # Planning went on beside the traffic, in steps, and catches up.
        await discord_server.wait_until(
            lambda: cog.queue._cursor() >= CHANGE_LOG_ROWS, 60, "planning to catch up"
        )
    finally:
        await bot_runner.stop(bot)
        store.close()


def big_answers_file(path: Path, count: int) -> tuple[Path, list[int]]:
    from bench.corpus import generate_questions

    values = list(generate_questions(count, seed=11))
    path.write_text(json.dumps({"results": [{"value": v} for v in values]}))
    return path, [v["id"] for v in values]


async def test_an_ingest_beside_the_bot_never_makes_anyone_wait(
    answers_bot, discord_server, parliament_api, tmp_path
) -> None:
    # Written on a thread: the test's own work must not hold the loop it shares with the bot.
    big, ids = await asyncio.to_thread(big_answers_file, tmp_path / "big.json", 40_000)
    env = bot_env(discord_server, parliament_api, answers_bot.settings.database_path)
    ingest = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "ingest", str(big),
        cwd=REPO_ROOT, env={**env, "PYTHONPATH": str(REPO_ROOT) + os.pathsep + env.get(
            "PYTHONPATH", "")},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    answer = await (await discord_server.run_command(
        "answer", {"id": "140001"}, user=discord_server.plain_user)).message()
    rounds = 0
    try:
        while ingest.returncode is None and rounds < 20:
            await traffic(discord_server, 4)
            # A vote is a write: it waits for the ingest's transaction, and is still answered.
            press = await discord_server.press_button(answer, "vote:500001:y")
            await press.response(timeout=10)
            rounds += 1
    finally:
        _, err = await ingest.communicate()
    assert ingest.returncode == 0, err.decode()[-2000:]
    assert rounds >= 1
    assert answers_bot.store.vote_counts(500001)["yes"] == 1
    # Nothing lost: every question of the file is in.
    stored = answers_bot.store.conn.execute(
        "SELECT count(*) FROM questions WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(ids),)).fetchone()[0]
    assert stored == len(set(ids))
