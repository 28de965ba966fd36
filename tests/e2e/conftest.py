"""Fixtures for end-to-end tests against the local Discord-compatible server.

``discord_server`` is a started :class:`DiscordServer`; at teardown it fails the test on any
Discord rule the bot broke or any request the server does not handle, unless the test is marked
``@pytest.mark.allow_discord_violations`` (or took the violations it expected with
``pop_violations(kind, ...)``, naming their kinds). ``bot_runner`` starts discord.py clients
against it and closes them.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from parliament_server import ParliamentAPIServer

from bot.config import Settings

from .discord_server import BotRunner, DiscordServer


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "allow_discord_violations: do not fail the test on rule violations or unhandled requests "
        "recorded by the local Discord server",
    )


@pytest.fixture
def discord_server_options() -> dict[str, Any]:
    """Keyword arguments for DiscordServer; override this fixture to change the world."""
    return {}


@pytest.fixture
async def discord_server(
    request: pytest.FixtureRequest, discord_server_options: dict[str, Any]
) -> AsyncIterator[DiscordServer]:
    server = DiscordServer(**discord_server_options)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()
    if request.node.get_closest_marker("allow_discord_violations") is None:
        server.assert_clean()


@pytest.fixture
async def bot_runner(discord_server: DiscordServer) -> AsyncIterator[BotRunner]:
    """``await bot_runner.start(bot)`` connects a discord.py client and waits for on_ready;
    every client started is closed at teardown, before the server stops."""
    runner = BotRunner(discord_server)
    try:
        yield runner
    finally:
        await runner.close_all()


# -- The bot itself, wired to the local Discord server and a local Parliament API --------------

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def hand_fixtures() -> list[Path]:
    """The small hand-made fixture files (not the real samples under ``real/``)."""
    return sorted(p for p in FIXTURES.iterdir() if p.suffix in {".json", ".xml"})


@pytest.fixture
async def parliament_api() -> AsyncIterator[ParliamentAPIServer]:
    """A local Written Questions API serving the hand-written fixture questions."""
    questions = [
        json.loads((FIXTURES / name).read_text())["value"] for name in ("substantive.json",)
    ]
    async with ParliamentAPIServer(questions) as server:
        yield server


@pytest.fixture
def bot_settings(
    tmp_path: Path, discord_server: DiscordServer, parliament_api: ParliamentAPIServer
) -> Settings:
    """Settings of a bot using a temporary database, syncing commands to the first guild."""
    return Settings(
        database_path=tmp_path / "answers.db",
        discord_token=discord_server.token,
        discord_guild_ids=(discord_server.guild.id,),
        parliament_api_base_url=parliament_api.base_url,
        discord_api_base_url=discord_server.api_base_url,
        discord_gateway_url=discord_server.gateway_url,
    )


LONG_ANSWER_ID = 900001
MENTIONS_ID = 900002
# Questions not answered yet, all of 2025 (so overdue whatever today is): DWP's, asked by
# Brendan O'Hara; 900103 a named day, 900105 held by Vicky Ford, 900107 a Lords question.
OVERDUE_IDS = tuple(range(900100, 900108))
DWP = 29


def overdue_questions(base: dict) -> list[dict]:
    """``OVERDUE_IDS``: eight questions still waiting, tabled a fortnight apart from Monday 3
    March 2025, so that the oldest is the most overdue."""
    from datetime import date, timedelta

    values = []
    for number, qid in enumerate(OVERDUE_IDS):
        tabled = date(2025, 3, 3) + timedelta(days=14 * number)
        lords = qid == 900107
        held = qid == 900105
        values.append(dict(
            base,
            id=qid,
            uin=f"HL{9000 + number}" if lords else str(160000 + number),
            house="Lords" if lords else "Commons",
            heading=f"Universal Credit: Waiting {number + 1}",
            questionText=f"To ask the Secretary of State for Work and Pensions, question "
                         f"{number + 1} about universal credit waiting times.",
            dateTabled=f"{tabled}T00:00:00",
            dateForAnswer=f"{tabled + timedelta(days=2)}T00:00:00",
            isNamedDay=qid == 900103,
            answeringBodyId=DWP,
            answeringBodyName="Department for Work and Pensions",
            answerIsHolding=held,
            answeringMemberId=202 if held else None,
            answeringMember=base["answeringMember"] if held else None,
            dateAnswered=f"{tabled + timedelta(days=9)}T00:00:00" if held else None,
            dateHoldingAnswer=f"{tabled + timedelta(days=9)}T00:00:00" if held else None,
            answerText="<p>I will reply to the hon. Member as soon as possible.</p>"
            if held else "",
            attachments=[],
            attachmentCount=0,
        ))
    return values


def e2e_questions() -> list[dict]:
    """What the end-to-end store holds besides the hand-written fixtures: 40 generated answers
    (enough to page), one answer longer than a message, one whose text tries to ping, and
    eight questions not answered yet (``overdue_questions``)."""
    from bench.corpus import generate_questions

    values = list(generate_questions(40, seed=3))
    base = json.loads((FIXTURES / "substantive.json").read_text())["value"]
    paragraphs = "".join(
        f"<p>Paragraph {i}. "
        + "The department keeps funding for schools under review. " * 12
        + "</p>"
        for i in range(1, 31)
    )
    values.append(
        dict(
            base,
            id=LONG_ANSWER_ID,
            uin="150001",
            heading="Schools: Long Answer",
            answerText=paragraphs,
            attachments=[],
        )
    )
    values.append(
        dict(
            base,
            id=MENTIONS_ID,
            uin="150002",
            heading="Pings: @everyone",
            questionText="To ask @everyone and <@&123> and <@456> about pings.",
            answerText="<p>@here this answer mentions @everyone.</p>",
            attachments=[],
        )
    )
    # Two members who share a surname: "Jones" must be asked about, not guessed.
    for number, (member_id, name, list_as) in enumerate(
        [(91, "Andrew Jones", "Jones, Andrew"), (92, "Mr Kevan Jones", "Jones, Mr Kevan")]
    ):
        member = {"id": member_id, "name": name, "listAs": list_as, "party": "Labour",
                  "partyAbbreviation": "Lab", "partyColour": "d50000", "memberFrom": "Somewhere",
                  "thumbnailUrl": None}
        values.append(dict(base, id=900010 + number, uin=str(150010 + number),
                           askingMemberId=member_id, askingMember=member, attachments=[]))
    values += overdue_questions(base)
    return values


@pytest.fixture
def loaded_database(bot_settings: Settings) -> Path:
    """The bot's database with the fixtures and ``e2e_questions`` in it."""
    from bot.cli.common import open_store
    from bot.core.sources.ingest import ingest_paths

    path = bot_settings.database_path
    extra = path.parent / "e2e-questions.json"
    extra.write_text(json.dumps({"results": [{"value": v} for v in e2e_questions()]}))
    with open_store(path) as store:
        report = ingest_paths(store, [*hand_fixtures(), extra])
        assert not report.failed, report
    return path


@pytest.fixture
async def answers_bot(
    bot_settings: Settings, bot_runner: BotRunner, loaded_database: Path
) -> AsyncIterator[Any]:
    """The project's bot, in-process, connected and ready; closed with its store at teardown."""
    from bot.cli.common import open_store
    from bot.discord.client import WrittenAnswersBot

    store = open_store(bot_settings.database_path)
    bot = WrittenAnswersBot(bot_settings, store, guild_ready_timeout=0.1)
    await bot_runner.start(bot)
    try:
        yield bot
    finally:
        await bot_runner.stop(bot)
        store.close()


def bot_env(server: DiscordServer, api: ParliamentAPIServer, db: Path) -> dict[str, str]:
    """The environment of a `python -m bot ...` process wired to both local servers."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DISCORD_")}
    env.update(
        DISCORD_TOKEN=server.token,
        DISCORD_GUILD_IDS=str(server.guild.id),
        DISCORD_API_BASE_URL=server.api_base_url,
        DISCORD_GATEWAY_URL=server.gateway_url,
        PARLIAMENT_API_BASE_URL=api.base_url,
        DATABASE_PATH=str(db),
        POLL_INTERVAL_SECONDS="0.5",
    )
    return env


# -- Waiting for the bot's loops: an absence is asserted only after the round that would have
# caused it has run ----------------------------------------------------------------------------


async def rounds_from_now(
    server: DiscordServer, count: Callable[[], int], what: str, timeout: float = 15.0
) -> None:
    """Wait until ``count()`` (a loop's finished rounds) has gone up by two: a round running now
    may have begun before this call; the one after it began after, so it saw everything done
    before the call."""
    start = count()
    await server.wait_until(lambda: count() >= start + 2, timeout, what)


async def a_poll_from_now(server: DiscordServer, bot: Any) -> None:
    """A whole poll of Parliament begun after this call, and the delivery round after it."""
    await rounds_from_now(server, lambda: bot.news.poll_rounds, "a poll begun after now")


async def a_delivery_round_from_now(server: DiscordServer, bot: Any) -> None:
    """A whole delivery round (plan, digests due, posts sent) begun after this call."""
    await rounds_from_now(server, lambda: bot.news.delivery_rounds,
                          "a delivery round begun after now")


async def an_alert_round_from_now(server: DiscordServer, bot: Any) -> None:
    """A whole round of personal alerts (claims planned, direct messages sent) begun after now."""
    await rounds_from_now(server, lambda: bot.news.alert_rounds, "an alert round begun after now")
