"""/timeliness and /helpfulness end to end: the numbers the CLI gives, a chart Discord accepts."""

from __future__ import annotations

import struct
from datetime import date

from bot.core.reports.helpfulness import helpfulness
from bot.core.reports.timeliness import timeliness

from .discord_server import DiscordServer
from .test_commands import embed_of, run

WHOLE_RECORD = {"since": "1 Jan 2000", "until": "2026-11-30"}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def chart_of(server: DiscordServer, message: dict) -> tuple[int, int]:
    """The attached chart's width and height, after checking it is the embed's image."""
    (attachment,) = message["attachments"]
    assert attachment["filename"] == "chart.png"
    assert embed_of(message)["image"]["url"] == "attachment://chart.png"
    data = server.files[int(attachment["id"])]
    assert data.startswith(PNG_SIGNATURE) and attachment["size"] == len(data)
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk
    return width, height


async def test_timeliness_of_every_department_is_a_chart_with_the_core_numbers(
    answers_bot, discord_server
) -> None:
    message = await run(discord_server, "timeliness", WHOLE_RECORD)
    embed = embed_of(message)
    width, height = chart_of(discord_server, message)
    assert width >= 800 and height >= 400
    report = timeliness(answers_bot.store, since=date(2000, 1, 1), until=date(2026, 11, 30),
                        as_of=date.today())
    measured = sorted((r for r in report.rows if r.overall.rate is not None),
                      key=lambda r: (r.overall.rate, -r.due))
    worst = measured[0]
    assert f"{worst.department_name}: **{worst.overall.rate:.0%}**" in embed["description"]
    assert "85%" in embed["description"]
    assert "Procedure Committee" in embed["footer"]["text"]  # the caveats, with every chart
    assert embed["fields"][0]["name"] == "How it is counted"


async def test_timeliness_of_one_department_and_bad_dates(answers_bot, discord_server) -> None:
    message = await run(discord_server, "timeliness", {"department": "dfe", **WHOLE_RECORD})
    embed = embed_of(message)
    assert embed["title"].startswith("Department for Education")
    assert "Overdue now" in embed["description"]
    chart_of(discord_server, message)
    for bad in ({"since": "yesterday-ish"}, {"since": "2025-01-01", "until": "2024-01-01"},
                {"department": "zzzzqqq"}):
        reply = await run(discord_server, "timeliness", bad)
        assert reply["flags"] & 64  # private, short, and says what was wrong
        assert len(reply["content"]) < 300 and reply["content"]
        assert not reply.get("attachments")


async def test_votes_cast_by_button_appear_in_helpfulness(answers_bot, discord_server) -> None:
    answer = await run(discord_server, "answer", {"id": "140001"})
    for user in (discord_server.plain_user, discord_server.admin_user):
        pressed = await discord_server.press_button(answer, "vote:500001:n", user=user)
        await pressed.response()
    message = await run(discord_server, "helpfulness", {"department": "dfe", **WHOLE_RECORD})
    embed = embed_of(message)
    chart_of(discord_server, message)
    report = helpfulness(answers_bot.store, department_id=60, since=date(2000, 1, 1),
                         until=date(2026, 11, 30))
    assert report.department is not None and report.department.no == 2
    assert "2 votes" in embed["description"]
    assert "Special Educational Needs: Pupils" in embed["description"]  # most disputed
    assert "not ranked: fewer than 10 votes" in embed["description"]
