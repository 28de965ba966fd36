"""Slash commands end to end: the real discord.py client against the local Discord server."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.core.search.fulltext import Searcher
from bot.discord.replies import ACK_WITHIN

from .conftest import LONG_ANSWER_ID, MENTIONS_ID
from .discord_server import DiscordServer

HOSTILE = [
    '"unbalanced',
    "AND OR NOT (",
    "heading: NEAR(a b)",
    "'; DROP TABLE questions; --",
    "🙂" * 50,
    "\x00\x07control\x1b",
    "x" * 6000,
    "*" * 300,
    "@everyone <@&1> <@2>",
]


def embed_of(message: dict) -> dict:
    assert message.get("embeds"), repr(message)[:3000]
    return message["embeds"][0]


def custom_ids(message: dict) -> list[str]:
    return [
        c.get("custom_id", "")
        for row in message.get("components", [])
        for c in row.get("components", [])
    ]


def button(message: dict, prefix: str) -> dict:
    for row in message.get("components", []):
        for component in row.get("components", []):
            if component.get("custom_id", "").startswith(prefix):
                return component
    raise AssertionError(f"no component {prefix!r} in {custom_ids(message)}")


async def run(server: DiscordServer, name: str, options: dict | None = None, user=None) -> dict:
    handle = await server.run_command(name, options or {}, user=user or server.plain_user)
    return await handle.message()


# -- /answers -------------------------------------------------------------------------------------


async def test_answers_by_department_abbreviation_and_words(answers_bot, discord_server) -> None:
    message = await run(discord_server, "answers", {"query": "high needs", "department": "dfe"})
    embed = embed_of(message)
    assert embed["title"].startswith("Written answers — Department for Education")
    assert "Special Educational Needs: Pupils" in embed["description"]
    assert "**high** **needs**" in embed["description"]
    assert "Open Parliament Licence" in embed["footer"]["text"]
    assert any(i.startswith("ropen:") for i in custom_ids(message))


async def test_answers_pages_through_results(answers_bot, discord_server) -> None:
    message = await run(discord_server, "answers", {"sort": "newest"})
    first = embed_of(message)
    assert first["footer"]["text"].startswith("Page 1 of ")
    assert button(message, "rpage:")["disabled"] is True  # ◀ on the first page
    next_id = [i for i in custom_ids(message) if i.startswith("rpage:")][1]
    pressed = await discord_server.press_button(message, next_id, user=discord_server.admin_user)
    second = await pressed.message()
    assert embed_of(second)["footer"]["text"].startswith("Page 2 of ")
    assert embed_of(second)["description"] != first["description"]


async def test_open_an_answer_from_the_menu(answers_bot, discord_server) -> None:
    message = await run(discord_server, "answers", {"department": "education"})
    select_id = next(i for i in custom_ids(message) if i.startswith("ropen:"))
    option = button(message, "ropen:")["options"][0]
    opened = await discord_server.select(
        message, select_id, [option["value"]], user=discord_server.plain_user
    )
    reply = await opened.message()
    assert reply["flags"] & 64  # private to whoever opened it
    assert embed_of(reply)["title"]
    assert any(i.startswith("vote:") for i in custom_ids(reply))


async def test_an_unclear_department_offers_choices(answers_bot, discord_server) -> None:
    message = await run(discord_server, "answers", {"department": "dep"})
    assert message["flags"] & 64
    assert message["content"].startswith("Which department did you mean")
    picks = [i for i in custom_ids(message) if i.startswith("pick:")]
    assert 2 <= len(picks) <= 5
    education = next(
        c["custom_id"]
        for row in message["components"]
        for c in row["components"]
        if "Education" in c.get("label", "")
    )
    pressed = await discord_server.press_button(message, education)
    await pressed.message()
    posted = await discord_server.wait_for_message(
        discord_server.channel, lambda m: bool(m.get("embeds")), timeout=5
    )
    assert "Department for Education" in embed_of(posted)["title"]


async def test_a_quick_search_is_the_reply_itself(answers_bot, discord_server) -> None:
    """One call to Discord, not an acknowledgement and then the results (ACK_WITHIN)."""
    handle = await discord_server.run_command("answers", {"query": "high needs"},
                                              user=discord_server.plain_user)
    response = await handle.response()
    assert response["type"] == 4  # a message at once, not a deferral
    assert "Special Educational Needs" in embed_of(await handle.message())["description"]
    assert not handle.followup_ids


async def test_nothing_found_says_so_and_offers_topics(answers_bot, discord_server) -> None:
    message = await run(discord_server, "answers", {"query": "educational needz zzzqqq"})
    assert message["content"].startswith("No answers found")


@pytest.mark.parametrize("text", HOSTILE)
async def test_hostile_query_text_gets_a_clear_reply(answers_bot, discord_server, text) -> None:
    message = await run(discord_server, "answers", {"query": text})
    assert message.get("embeds") or message["content"].startswith("No answers found")


async def test_hostile_names_and_dates(answers_bot, discord_server) -> None:
    message = await run(discord_server, "answers", {"since": "next tuesday"})
    assert message["flags"] & 64
    assert "not a date" in message["content"]
    message = await run(discord_server, "answers", {"member": "x" * 100})
    assert message["flags"] & 64


async def test_autocomplete_is_ranked_and_within_limits(answers_bot, discord_server) -> None:
    choices = await discord_server.autocomplete("answers", {"member": "o'hara"}, focused="member")
    assert choices[0]["value"] == "Brendan O'Hara"
    many = await discord_server.autocomplete("answers", {"member": "a"}, focused="member")
    assert 1 <= len(many) <= 25
    departments = await discord_server.autocomplete(
        "answers", {"department": "dfe"}, focused="department"
    )
    assert departments[0]["value"] == "Department for Education"
    long = await discord_server.autocomplete("answers", {"query": "x" * 6000}, focused="query")
    assert len(long) <= 25


# -- /answer ------------------------------------------------------------------------------------


async def test_answer_by_uin_with_status_attachments_and_links(answers_bot, discord_server):
    message = await run(discord_server, "answer", {"id": "140001"})
    embed = embed_of(message)
    assert embed["title"] == "Special Educational Needs: Pupils"
    assert embed["url"].startswith("https://questions-statements.parliament.uk/")
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert "Brendan O'Hara" in fields["Asked by"]
    assert "Holding answer given 25 Jan 2021" in fields["Status"]
    assert "High needs table" in fields["Attachments"]
    yes = button(message, "vote:500001:y")
    assert yes["label"] == "Yes — 0 people think so"
    # The seed page's question stands directly above the buttons that answer it.
    assert embed["fields"][-1]["name"] == "Does this answer the above question?"


async def test_long_answers_page_and_lose_nothing(answers_bot, discord_server) -> None:
    message = await run(discord_server, "answer", {"id": str(LONG_ANSWER_ID)})
    footer = embed_of(message)["footer"]["text"]
    assert "page 1 of" in footer
    pages = int(footer.split("page 1 of ")[1].split(" ")[0])
    assert pages >= 2
    texts = [embed_of(message)["description"]]
    for _ in range(pages - 1):
        next_id = button(message, f"apage:{LONG_ANSWER_ID}:{len(texts)}")["custom_id"]
        pressed = await discord_server.press_button(message, next_id)
        message = await pressed.message()
        texts.append(embed_of(message)["description"])
        assert embed_of(message)["fields"][-1]["name"] == "Does this answer the above question?"
    whole = "\n\n".join(texts)
    for i in range(1, 31):
        assert f"Paragraph {i}." in whole


async def test_unknown_answer_id_is_a_short_private_message(answers_bot, discord_server):
    message = await run(discord_server, "answer", {"id": "no-such-question"})
    assert message["flags"] & 64
    assert "no question" in message["content"]


async def test_answer_id_autocomplete_from_headings(answers_bot, discord_server) -> None:
    choices = await discord_server.autocomplete(
        "answer", {"id": "special educational"}, focused="id"
    )
    headings = [answers_bot.store.question(c["value"])["heading"] for c in choices]
    assert "Special Educational Needs: Pupils" in headings
    exact = await discord_server.autocomplete("answer", {"id": "140001"}, focused="id")
    assert exact[0]["value"] == "500001"


# -- /member, /department, /help ---------------------------------------------------------------


async def test_member_and_department(answers_bot, discord_server) -> None:
    member = embed_of(await run(discord_server, "member", {"name": "vicky ford"}))
    assert member["title"] == "Vicky Ford"
    fields = {f["name"]: f["value"] for f in member["fields"]}
    answered = answers_bot.store.conn.execute(
        "SELECT count(*) FROM questions WHERE answering_member_id = 202"
    ).fetchone()[0]
    assert answered >= 2
    assert fields["Questions answered"] == str(answered)
    department = embed_of(await run(discord_server, "department", {"name": "DfE"}))
    assert department["title"] == "Department for Education"
    assert (
        "Vicky Ford" in {f["name"]: f["value"] for f in department["fields"]}["Who answers for it"]
    )


async def test_unknown_member_is_a_clear_message(answers_bot, discord_server) -> None:
    message = await run(discord_server, "member", {"name": "zzqx"})
    assert message["flags"] & 64
    assert "couldn't find a member" in message["content"]


# -- votes --------------------------------------------------------------------------------------


async def test_button_votes_one_per_person_and_update_in_place(answers_bot, discord_server):
    message = await run(discord_server, "answer", {"id": "140001"})
    yes_id, no_id = "vote:500001:y", "vote:500001:n"
    pressed = await discord_server.press_button(message, yes_id, user=discord_server.plain_user)
    updated = await pressed.message()
    assert button(updated, yes_id)["label"] == "Yes — 1 person thinks so"
    confirmation = await pressed.followup(0)
    assert confirmation["flags"] & 64 and "answers the question" in confirmation["content"]
    # The same person again, the other way: the vote moves, it is not added.
    pressed = await discord_server.press_button(updated, no_id, user=discord_server.plain_user)
    updated = await pressed.message()
    assert button(updated, yes_id)["label"] == "Yes — 0 people think so"
    assert button(updated, no_id)["label"] == "No — 1 person thinks not"
    assert answers_bot.store.vote_counts(500001) == {"yes": 0, "no": 1}


async def test_two_people_voting_at_once(answers_bot, discord_server) -> None:
    message = await run(discord_server, "answer", {"id": "140001"})
    presses = await asyncio.gather(
        discord_server.press_button(message, "vote:500001:y", user=discord_server.plain_user),
        discord_server.press_button(message, "vote:500001:y", user=discord_server.admin_user),
    )
    for pressed in presses:
        await pressed.message()
    assert answers_bot.store.vote_counts(500001) == {"yes": 2, "no": 0}


def reactions_handled(bot) -> int:
    """How many reaction events the bot has finished with (counted as votes or ignored)."""
    return bot.get_cog("ReactionVotes").reactions_handled


async def test_reactions_are_votes_on_the_bots_answer_messages(answers_bot, discord_server):
    await run(discord_server, "answer", {"id": "140001"})
    message = discord_server.messages_in(discord_server.channel)[-1]
    user = discord_server.plain_user
    await discord_server.add_reaction(message, emoji="👍", user=user)
    await discord_server.wait_until(
        lambda: answers_bot.store.vote_counts(500001)["yes"] == 1, 5, "the reaction vote"
    )
    # The button the other way replaces it: one vote per person, the latest wins.
    pressed = await discord_server.press_button(message, "vote:500001:n", user=user)
    await pressed.message()
    assert answers_bot.store.vote_counts(500001) == {"yes": 0, "no": 1}
    # Removing the old reaction does not remove the newer button vote.
    handled = reactions_handled(answers_bot)
    await discord_server.remove_reaction(message, emoji="👍", user=user)
    await discord_server.wait_until(
        lambda: reactions_handled(answers_bot) > handled, 5, "the removal to be handled")
    assert answers_bot.store.vote_counts(500001) == {"yes": 0, "no": 1}
    await discord_server.add_reaction(message, emoji="👎", user=discord_server.admin_user)
    await discord_server.wait_until(
        lambda: answers_bot.store.vote_counts(500001)["no"] == 2, 5, "the second reaction"
    )
    await discord_server.remove_reaction(message, emoji="👎", user=discord_server.admin_user)
    await discord_server.wait_until(
        lambda: answers_bot.store.vote_counts(500001)["no"] == 1, 5, "the removal"
    )
    # The message's counts follow.
    await discord_server.wait_until(
        lambda: (
            button(discord_server.get_message(message["id"]), "vote:500001:n")["label"]
            == "No — 1 person thinks not"
        ),
        5,
        "the counts to update",
    )


async def test_reactions_by_bots_and_on_other_messages_are_ignored(answers_bot, discord_server):
    await run(discord_server, "answer", {"id": "140001"})
    message = discord_server.messages_in(discord_server.channel)[-1]
    handled = reactions_handled(answers_bot)
    await discord_server.add_reaction(message, emoji="👍", user=discord_server.other_bot)
    other = await discord_server.send_user_message(
        discord_server.channel, "hello", user=discord_server.plain_user
    )
    await discord_server.add_reaction(other, emoji="👍", user=discord_server.plain_user)
    await discord_server.wait_until(
        lambda: reactions_handled(answers_bot) >= handled + 2, 5, "both reactions handled")
    assert answers_bot.store.vote_counts(500001) == {"yes": 0, "no": 0}


async def test_buttons_work_after_a_restart(
    bot_settings, bot_runner, loaded_database, discord_server
) -> None:
    from bot.cli.common import open_store
    from bot.discord.client import WrittenAnswersBot

    store = open_store(bot_settings.database_path)
    first = WrittenAnswersBot(bot_settings, store, guild_ready_timeout=0.1)
    await bot_runner.start(first)
    message = await run(discord_server, "answer", {"id": "140001"})
    await bot_runner.stop(first)
    second = WrittenAnswersBot(bot_settings, store, guild_ready_timeout=0.1)
    await bot_runner.start(second)
    pressed = await discord_server.press_button(message, "vote:500001:y")
    updated = await pressed.message()
    assert button(updated, "vote:500001:y")["label"] == "Yes — 1 person thinks so"
    await bot_runner.stop(second)
    store.close()


# -- mentions -----------------------------------------------------------------------------------


@pytest.mark.parametrize("discord_server_options", [{"strict_allowed_mentions": True}])
async def test_nothing_pings_anyone(answers_bot, discord_server) -> None:
    # With strict_allowed_mentions the server records, and fails the test on, any message that
    # could ping someone; the loop below checks what the bot asked for explicitly.
    message = await run(discord_server, "answer", {"id": str(MENTIONS_ID)})
    assert "@everyone" in embed_of(message)["description"]
    await run(discord_server, "answers", {"query": "@everyone pings <@&123>"})
    for action in discord_server.actions:
        payload = action.payload if isinstance(action.payload, dict) else {}
        data = payload.get("data", payload)
        if isinstance(data, dict) and ("content" in data or "embeds" in data):
            assert data.get("allowed_mentions") == {"parse": []}, action.kind


async def test_voting_on_a_paged_answer_keeps_its_page_buttons(answers_bot, discord_server):
    message = await run(discord_server, "answer", {"id": str(LONG_ANSWER_ID)})
    before = [i for i in custom_ids(message) if i.startswith("apage:")]
    pressed = await discord_server.press_button(message, f"vote:{LONG_ANSWER_ID}:y")
    after = await pressed.message()
    assert [i for i in custom_ids(after) if i.startswith("apage:")] == before
    assert button(after, f"vote:{LONG_ANSWER_ID}:y")["label"] == "Yes — 1 person thinks so"


async def test_a_failure_inside_a_command_is_a_short_private_message(
    answers_bot, discord_server, monkeypatch, caplog
) -> None:
    def broken(self, query):
        raise RuntimeError("the store is on fire")

    monkeypatch.setattr(Searcher, "search", broken)
    handle = await discord_server.run_command("answers", {"query": "schools"},
                                              user=discord_server.plain_user)
    message = await handle.message()  # a quick failure is the reply itself
    assert message["flags"] & 64
    assert not discord_server.actions_of("original_delete")
    assert message["content"].startswith("Sorry — something went wrong")
    assert "fire" not in message["content"]
    assert any("the store is on fire" in (r.exc_text or "") or
               "the store is on fire" in str(r.exc_info) for r in caplog.records)


async def test_a_slow_failure_takes_away_the_public_thinking_message(
    answers_bot, discord_server, monkeypatch
) -> None:
    def slow_then_broken(self, query):
        time.sleep(ACK_WITHIN + 0.4)  # acknowledged first ("...is thinking"), publicly
        raise RuntimeError("the store is on fire")

    monkeypatch.setattr(Searcher, "search", slow_then_broken)
    handle = await discord_server.run_command("answers", {"query": "schools"},
                                              user=discord_server.plain_user)
    assert (await handle.response())["type"] == 5  # deferred, thinking
    message = await handle.followup(0)
    assert message["flags"] & 64
    # The public "thinking..." message was taken away, not turned into the error.
    assert [a.message_id for a in discord_server.actions_of("original_delete")] == [
        handle.original_id]
    assert message["content"].startswith("Sorry — something went wrong")
