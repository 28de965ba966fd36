"""/overdue end to end: the list the core gives, its pages (also after a restart), "Open a
question…", hostile options; and /answer on a question not answered yet."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.clock import london_today
from bot.core.reports.duedates import working_days_between
from bot.core.reports.overdue import overdue, question_due
from bot.core.search.render import question_json
from bot.discord.embeds import pretty_date

from .conftest import DWP, OVERDUE_IDS
from .discord_server import DiscordServer
from .test_commands import HOSTILE, button, custom_ids, embed_of, run


def page_buttons(message: dict) -> list[dict]:
    return [c for row in message.get("components", []) for c in row.get("components", [])
            if c.get("custom_id", "").startswith("ovd:")]


def headings(message: dict) -> list[str]:
    """The headings of a page, in order, from the "Open a question…" menu."""
    return [o["label"] for o in button(message, "ovopen")["options"]]


async def test_overdue_lists_the_most_overdue_first_and_pages(answers_bot, discord_server):
    message = await run(discord_server, "overdue")
    embed = embed_of(message)
    expected = overdue(answers_bot.store, as_of=london_today(), limit=100)
    assert expected.total >= 10  # two pages and more
    assert embed["title"] == "Overdue written questions — most overdue first"
    pages = -(-expected.total // 5)
    assert embed["footer"]["text"].startswith(f"Page 1 of {pages} · {expected.total} questions "
                                              "overdue as of ")
    first = expected.results[0]
    assert f"due {pretty_date(first.due)}" in embed["description"]
    assert f"**{first.working_days_overdue:,} working days overdue**" in embed["description"]
    assert headings(message) == [q.heading for q in expected.results[:5]]
    assert embed["fields"][0]["name"] == "How it is counted"
    assert "holding answer does not stop the clock" in embed["fields"][0]["value"]
    previous, following = page_buttons(message)
    assert previous["disabled"] is True and following["disabled"] is False
    pressed = await discord_server.press_button(message, following["custom_id"],
                                                user=discord_server.admin_user)
    second = await pressed.message()
    assert embed_of(second)["footer"]["text"].startswith(f"Page 2 of {pages} ·")
    assert headings(second) == [q.heading for q in expected.results[5:10]]
    assert page_buttons(second)[0]["disabled"] is False


async def test_a_department_with_named_day_and_holding_markers(answers_bot, discord_server):
    message = await run(discord_server, "overdue", {"department": "DWP"})
    embed = embed_of(message)
    assert embed["title"] == "Overdue written questions — Department for Work and Pensions"
    # Ours, and a Lords question of 2015 from the generated ones, the most overdue.
    expected = overdue(answers_bot.store, department_id=DWP, as_of=london_today(), limit=100)
    assert expected.total == 9 and expected.results[0].house == "Lords"
    assert embed["footer"]["text"].startswith("Page 1 of 2 · 9 questions overdue")
    # Then ours in the order they were tabled: the first tabled is the most overdue.
    assert headings(message) == [expected.results[0].heading] + [
        f"Universal Credit: Waiting {n}" for n in range(1, 5)]
    assert "📅 named day" in embed["description"]  # 900103, the 4th of ours
    pressed = await discord_server.press_button(message, page_buttons(message)[1]["custom_id"])
    second = await pressed.message()
    assert headings(second) == [f"Universal Credit: Waiting {n}" for n in range(5, 9)]
    assert page_buttons(second)[1]["disabled"] is True  # the last page
    held = embed_of(second)["description"].split("\n\n")[1]
    assert "Universal Credit: Waiting 6" in held and "⏳ holding answer 21 May 2025" in held
    assert "HL9007" in embed_of(second)["description"]


async def test_members_and_the_house(answers_bot, discord_server) -> None:
    message = await run(discord_server, "overdue", {"answered_by": "vicky ford"})
    assert embed_of(message)["title"].endswith("answered by Vicky Ford")
    assert headings(message) == ["Universal Credit: Waiting 6"]  # the only one held by her
    # `member` is either role, as in /answers: what she answers, and what she asked.
    message = await run(discord_server, "overdue", {"member": "vicky ford"})
    assert embed_of(message)["title"].endswith("Vicky Ford (asked or answering)")
    assert "Universal Credit: Waiting 6" in headings(message)
    message = await run(discord_server, "overdue", {"member": "o'hara"})
    assert embed_of(message)["title"].endswith("Brendan O'Hara (asked or answering)")
    assert headings(message) == headings(
        await run(discord_server, "overdue", {"asked_by": "o'hara"}))
    message = await run(discord_server, "overdue", {"asked_by": "o'hara", "house": "lords",
                                                    "department": "work and pensions"})
    assert embed_of(message)["title"] == ("Overdue written questions — Department for Work and "
                                          "Pensions · asked by Brendan O'Hara · House of Lords")
    assert headings(message) == ["Universal Credit: Waiting 8"]
    nothing = await run(discord_server, "overdue", {"department": "dfe", "house": "lords"})
    assert nothing["content"].startswith("No written question is overdue for Department for "
                                         "Education · House of Lords as of ")


async def test_open_a_question_from_the_menu(answers_bot, discord_server) -> None:
    message = await run(discord_server, "overdue", {"department": "DWP", "asked_by": "o'hara"})
    option = button(message, "ovopen")["options"][0]
    assert option["value"] == str(OVERDUE_IDS[0])
    assert "working days overdue" in option["description"]
    opened = await discord_server.select(message, "ovopen", [option["value"]],
                                         user=discord_server.plain_user)
    reply = await opened.message()
    assert reply["flags"] & 64  # private to whoever opened it
    embed = embed_of(reply)
    assert embed["title"] == "Universal Credit: Waiting 1"
    status = {f["name"]: f["value"] for f in embed["fields"]}["Status"]
    assert status.startswith("Not answered yet: due 10 Mar 2025 — **")
    assert not [i for i in custom_ids(reply) if i.startswith("vote:")]


async def test_alert_me_from_the_list(answers_bot, discord_server) -> None:
    from bot.core.news.alerts import AlertBook

    message = await run(discord_server, "overdue", {"department": "DWP", "asked_by": "o'hara"})
    option = button(message, "ovalert")["options"][0]
    assert option["value"] == str(OVERDUE_IDS[0])
    picked = await discord_server.select(message, "ovalert", [option["value"]],
                                         user=discord_server.plain_user)
    reply = await picked.message()
    assert reply["flags"] & 64  # the confirmation is private
    assert reply["content"].startswith("🔔 I will send you a direct message when")
    alerts = AlertBook(answers_bot.store).rows(discord_server.plain_user.id)
    assert [a["question_id"] for a in alerts] == [OVERDUE_IDS[0]]
    assert AlertBook(answers_bot.store).rows(discord_server.admin_user.id) == []


async def test_pages_turn_after_a_restart(
    bot_settings, bot_runner, loaded_database, discord_server
) -> None:
    from bot.cli.common import open_store
    from bot.discord.client import WrittenAnswersBot

    store = open_store(bot_settings.database_path)
    first = WrittenAnswersBot(bot_settings, store, guild_ready_timeout=0.1)
    await bot_runner.start(first)
    message = await run(discord_server, "overdue", {"department": "DWP", "asked_by": "o'hara"})
    next_id = page_buttons(message)[1]["custom_id"]
    assert len(next_id) <= 100
    await bot_runner.stop(first)
    second = WrittenAnswersBot(bot_settings, store, guild_ready_timeout=0.1)
    await bot_runner.start(second)
    pressed = await discord_server.press_button(message, next_id)
    turned = await pressed.message()
    assert embed_of(turned)["footer"]["text"].startswith("Page 2 of 2 ·")
    assert headings(turned) == [f"Universal Credit: Waiting {n}" for n in range(6, 9)]
    opened = await discord_server.select(turned, "ovopen", [str(OVERDUE_IDS[7])])
    assert embed_of(await opened.message())["title"] == "Universal Credit: Waiting 8"
    await bot_runner.stop(second)
    store.close()


HOSTILE_NAMES = [text for text in HOSTILE if len(text) <= 100] + ["x" * 100, ";", "   "]


@pytest.mark.parametrize("option", ["department", "member", "asked_by"])
async def test_hostile_names_get_a_short_private_message(
    answers_bot, discord_server: DiscordServer, option: str
) -> None:
    for text in HOSTILE_NAMES:
        message = await run(discord_server, "overdue", {option: text})
        if not text.strip():  # nothing typed but spaces: no filter, the whole list
            assert message.get("embeds"), text
            continue
        assert message["flags"] & 64, (option, text)
        assert 0 < len(message["content"]) < 600, (option, text)
    # A surname two members share is asked about, never guessed.
    message = await run(discord_server, "overdue", {option: "Jones"} if option != "department"
                        else {option: "department"})
    assert message["flags"] & 64
    assert message["content"].startswith("Which ")


# -- /answer on a question not answered yet -----------------------------------------------------


async def test_answer_on_an_unanswered_question_shows_its_due_day_and_no_votes(
    answers_bot, discord_server
) -> None:
    message = await run(discord_server, "answer", {"id": "160002"})  # tabled Mon 31 Mar 2025
    embed = embed_of(message)
    assert embed["title"] == "Universal Credit: Waiting 3"
    assert "*Not answered yet.*" in embed["description"]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    # Tue 1 (1) ... Mon 7 Apr 2025 (5): due 7 Apr; the ordinary rule, not the date for answer.
    assert "due 7 Apr 2025" in fields["Asked by"]
    overdue_by = working_days_between(date(2025, 4, 7), london_today())
    assert fields["Status"] == (f"Not answered yet: due 7 Apr 2025 — **{overdue_by:,} working "
                                "days overdue**")
    assert not [i for i in custom_ids(message) if i.startswith("vote:")]
    assert fields.get("Does this answer the above question?") is None


async def test_answer_on_a_held_question_says_the_clock_still_runs(answers_bot, discord_server):
    message = await run(discord_server, "answer", {"id": str(OVERDUE_IDS[5])})
    status = {f["name"]: f["value"] for f in embed_of(message)["fields"]}["Status"]
    row = answers_bot.store.question(OVERDUE_IDS[5])
    due = question_due(question_json(answers_bot.store, row))
    assert due is not None and due.overdue
    assert status == (
        "Holding answer given 21 May 2025; the full answer is still to come\n"
        f"Due {pretty_date(due.due.isoformat())} — **{due.working_days_overdue:,} working days "
        "overdue** (a holding answer does not stop the clock)"
    )
    assert answers_bot.store.question(OVERDUE_IDS[5])["answering_body_id"] == DWP
