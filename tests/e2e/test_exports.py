"""/export end to end: the file attached is the core's export of what the command shows,
private unless asked, cut at the row cap and the upload limit with a word saying so; unclear
names and hostile options get a short private reply."""

from __future__ import annotations

import csv
import io
import json

import pytest

from bot.core.exports import SEARCH_COLUMNS, TIMELINESS_COLUMNS
from bot.core.names.matching import Resolver
from bot.core.reports.overdue import overdue
from bot.core.search.fulltext import Searcher, SearchQuery
from bot.core.search.render import search_json

from .conftest import DWP
from .discord_server import DiscordServer
from .test_commands import HOSTILE, run

EPHEMERAL = 64


def attached(server: DiscordServer, message: dict) -> tuple[str, bytes]:
    (attachment,) = message["attachments"]
    return attachment["filename"], server.files[int(attachment["id"])]


def csv_of(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


async def test_a_search_as_csv_privately(answers_bot, discord_server) -> None:
    message = await run(discord_server, "export search", {"department": "DWP"})
    assert message["flags"] & EPHEMERAL  # only whoever asked sees it
    name, data = attached(discord_server, message)
    assert name.startswith("written-answers-search-20") and name.endswith(".csv")
    rows = csv_of(data)
    store = answers_bot.store
    page = search_json(store, Searcher(store, Resolver.from_store(store)).search(
        SearchQuery(department="DWP", limit=100)))
    assert len(rows) == page["total"] > 5
    assert list(rows[0]) == list(SEARCH_COLUMNS)
    assert [int(r["id"]) for r in rows] == [r["id"] for r in page["results"]]
    assert {r["department_name"] for r in rows} == {"Department for Work and Pensions"}
    assert message["content"] == f"📄 {len(rows)} answers, as CSV."


async def test_overdue_as_json_for_the_channel(answers_bot, discord_server) -> None:
    message = await run(discord_server, "export overdue",
                        {"department": "DWP", "format": "json", "public": True})
    assert not message.get("flags", 0) & EPHEMERAL
    name, data = attached(discord_server, message)
    assert name.startswith("written-answers-overdue-") and name.endswith(".json")
    exported = json.loads(data)
    listing = overdue(answers_bot.store, department_id=DWP, limit=100)
    assert exported["results"] == [q.as_json() for q in listing.results]
    assert exported["total"] == listing.total == 9
    assert list(exported["results"][0]) == list(listing.results[0].as_json())
    assert message["content"] == ("📄 9 overdue questions — Department for Work and Pensions, "
                                  "as JSON.")


async def test_cut_at_the_row_cap_and_the_upload_limit(
    answers_bot, discord_server, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.discord.exports as adapter

    monkeypatch.setattr(adapter, "ROW_LIMIT", 5)
    message = await run(discord_server, "export search", {"format": "json"})
    exported = json.loads(attached(discord_server, message)[1])
    assert exported["total"] == 5 and exported["truncated"] == "rows"
    assert "✂️ Cut at 5 rows: there are more." in message["content"]

    monkeypatch.setattr(adapter, "ROW_LIMIT", 10_000)
    monkeypatch.setattr(adapter, "upload_limit", lambda interaction: 4_000)
    message = await run(discord_server, "export search", {})
    _, data = attached(discord_server, message)
    assert len(data) <= 4_000 and len(csv_of(data)) >= 2
    assert "✂️ Cut at 0.0 MB, Discord's upload limit here" in message["content"]


async def test_a_table(answers_bot, discord_server) -> None:
    message = await run(discord_server, "export timeliness",
                        {"since": "2015-01-01", "until": "2025-12-31"})
    rows = csv_of(attached(discord_server, message)[1])
    assert rows and list(rows[0]) == list(TIMELINESS_COLUMNS)
    assert "Department for Work and Pensions" in {r["department_name"] for r in rows}
    message = await run(discord_server, "export helpfulness", {"format": "json"})
    assert message["content"].startswith("Nothing to export")  # no votes yet: no file
    assert not message.get("attachments")


async def test_unclear_names_and_hostile_options(answers_bot, discord_server) -> None:
    message = await run(discord_server, "export search", {"asked_by": "Jones"})
    assert message["flags"] & EPHEMERAL and not message.get("attachments")
    assert "did you mean by “Jones” for `asked_by`?" in message["content"]
    assert "**Andrew Jones**" in message["content"]
    message = await run(discord_server, "export search", {"since": "the day before"})
    assert "since: 'the day before' is not a date" in message["content"]
    for text in HOSTILE:
        message = await run(discord_server, "export search", {"query": text})
        assert message["flags"] & EPHEMERAL
        assert "something went wrong" not in message["content"], text
