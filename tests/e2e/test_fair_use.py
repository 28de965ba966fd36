"""Fair use: one person asking for many reports at once gets one, and is told privately when to
try again; everyone else is served as usual."""

from __future__ import annotations

import asyncio
import re

from bot.discord.fair_use import LIMITS

from .discord_server import DiscordServer
from .test_commands import embed_of
from .test_subscriptions import confirm_button

PRIVATE = 64
PERIODS = [{"since": f"{year}-01-01", "until": f"{year}-12-31"} for year in range(2015, 2025)]


async def run(server: DiscordServer, name: str, options: dict, user) -> dict:
    """A command and its reply; a report with its chart may take seconds on a busy machine."""
    handle = await server.run_command(name, options, user=user)
    return await handle.message(timeout=60)


def retry_seconds(message: dict) -> int:
    """The seconds in "Try again in N s.", from a private reply."""
    assert message["flags"] & PRIVATE, message
    found = re.search(r"Try again in (\d+) s\.", message["content"])
    assert found, message["content"]
    return int(found.group(1))


async def test_many_reports_at_once_from_one_person_run_one_and_say_when_to_retry(
    answers_bot, discord_server
) -> None:
    person = discord_server.plain_user
    other = discord_server.add_user("carol", global_name="Carol")
    discord_server.add_member(discord_server.guild, other)
    handles = await asyncio.gather(*(
        discord_server.run_command("timeliness", period, user=person) for period in PERIODS))
    # Meanwhile someone else searches and asks for a report of their own.
    search = await run(discord_server, "answers", {"query": "schools"}, user=other)
    theirs = await run(discord_server, "timeliness", PERIODS[0], user=other)
    replies = [await handle.message(timeout=60) for handle in handles]
    charts = [r for r in replies if r.get("attachments")]
    refused = [r for r in replies if not r.get("attachments")]
    assert len(charts) == LIMITS.at_once == 1
    assert len(refused) == len(PERIODS) - 1
    assert all(0 < retry_seconds(r) <= LIMITS.busy_retry for r in refused)
    assert not charts[0]["flags"] & PRIVATE  # the report itself is public, as always
    assert embed_of(search)["title"].startswith("Written answers")
    assert theirs.get("attachments")  # another person is not limited by the first


async def test_reports_one_after_another_are_served_until_the_budget_is_spent(
    answers_bot, discord_server
) -> None:
    person = discord_server.plain_user
    for number in range(LIMITS.reports):
        reply = await run(discord_server, "helpfulness" if number % 2 else "timeliness",
                          PERIODS[number], user=person)
        assert reply.get("attachments"), reply  # one at a time: every one is served
    over = await run(discord_server, "timeliness", PERIODS[-1], user=person)
    assert not over.get("attachments")
    assert 1 <= retry_seconds(over) <= LIMITS.per
    # Searches are not limited.
    for word in ("schools", "funding", "defence"):
        assert embed_of(await run(discord_server, "answers", {"query": word}, user=person))


async def test_two_subscribe_previews_at_once_show_one(answers_bot, discord_server) -> None:
    person = discord_server.admin_user
    handles = await asyncio.gather(*(
        discord_server.run_command("subscribe", {"topic": topic}, user=person,
                                   channel=discord_server.channel)
        for topic in ("schools", "hospitals")))
    replies = [await handle.message(timeout=60) for handle in handles]
    previews = [r for r in replies if confirm_button(r)]
    assert len(previews) == 1
    (refused,) = [r for r in replies if not confirm_button(r)]
    assert retry_seconds(refused) >= 1
    # Once the first is shown, the person may preview again.
    again = await (await discord_server.run_command(
        "subscribe", {"topic": "hospitals"}, user=person, channel=discord_server.channel)).message()
    assert confirm_button(again)
