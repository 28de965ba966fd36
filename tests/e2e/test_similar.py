"""/similar and the "Similar questions" button, end to end: the list the core gives, near-repeats
marked, never the question itself, a draft's text, autocomplete, hostile text, and the button on
an answer view replying privately (also after a restart)."""

from __future__ import annotations

import pytest

from bot.core.search.similar import find_similar

from .conftest import OVERDUE_IDS
from .test_commands import HOSTILE, button, custom_ids, embed_of, run


def field_ids(embed: dict) -> list[int]:
    """The question ids a list shows, in order (each field ends with `id N`)."""
    return [int(f["value"].rsplit("`id ", 1)[1].rstrip("`")) for f in embed.get("fields", [])]


async def test_similar_lists_near_repeats_first_never_itself(answers_bot, discord_server):
    first = OVERDUE_IDS[0]  # eight waiting questions by one member, their texts 80% alike
    message = await run(discord_server, "similar", {"question": str(first)})
    embed = embed_of(message)
    assert embed["title"].startswith("🔎 Questions like Universal Credit: Waiting 1")
    expected = find_similar(answers_bot.store, str(first), 5)
    assert field_ids(embed) == [r.row["id"] for r in expected.results]
    assert first not in field_ids(embed)
    assert "near-repeat" in embed["description"]
    top = embed["fields"][0]
    assert top["name"].startswith("🔁 Universal Credit: Waiting")
    assert "**near-repeat: 80% alike**" in top["value"]
    assert "Brendan O'Hara → Department for Work and Pensions · tabled" in top["value"]
    assert "(later)" in top["value"]  # the first tabled: all the others came after
    assert embed["footer"]["text"].startswith("Ranked by words")
    assert not message["flags"] & 64  # a command's list is public, like /answers
    # Any of them opens in full, privately, from the menu.
    option = button(message, "ropen:")["options"][0]
    opened = await (await discord_server.select(
        message, button(message, "ropen:")["custom_id"], [option["value"]])).message()
    assert opened["flags"] & 64 and embed_of(opened)["title"]


async def test_a_draft_and_a_limit(answers_bot, discord_server):
    message = await run(discord_server, "similar", {
        "question": "What support is there for pupils with special educational needs?",
        "limit": 3})
    embed = embed_of(message)
    assert embed["title"].startswith("🔎 Questions like “What support is there")
    assert 500001 in field_ids(embed) and len(embed["fields"]) <= 3
    assert "answered" in embed["fields"][0]["value"]


async def test_unknown_question_and_wordless_text_are_short_private_messages(
    answers_bot, discord_server
):
    unknown = await run(discord_server, "similar", {"question": "999999999"})
    assert unknown["flags"] & 64 and "No question with id or UIN" in unknown["content"]
    empty = await run(discord_server, "similar", {"question": "what the of"})
    assert empty["flags"] & 64 and "words" in empty["content"]


@pytest.mark.parametrize("text", HOSTILE)
async def test_hostile_text_gets_a_clear_reply(answers_bot, discord_server, text) -> None:
    message = await run(discord_server, "similar", {"question": text[:4000]})
    assert message.get("embeds") or message["flags"] & 64


async def test_question_autocomplete_is_the_answer_ids(answers_bot, discord_server):
    exact = await discord_server.autocomplete("similar", {"question": "140001"},
                                              focused="question")
    assert exact[0]["value"] == "500001"
    by_heading = await discord_server.autocomplete(
        "similar", {"question": "special educational"}, focused="question")
    headings = [answers_bot.store.question(c["value"])["heading"] for c in by_heading]
    assert "Special Educational Needs: Pupils" in headings


async def test_the_button_on_an_answer_replies_privately(answers_bot, discord_server):
    view = await run(discord_server, "answer", {"id": str(OVERDUE_IDS[2])})
    assert f"similar:{OVERDUE_IDS[2]}" in custom_ids(view)
    pressed = await discord_server.press_button(view, f"similar:{OVERDUE_IDS[2]}",
                                                user=discord_server.admin_user)
    reply = await pressed.message()
    assert reply["flags"] & 64
    embed = embed_of(reply)
    assert embed["title"].startswith("🔎 Questions like Universal Credit: Waiting 3")
    assert OVERDUE_IDS[2] not in field_ids(embed)
    assert set(field_ids(embed)) & set(OVERDUE_IDS)
    # Voting rebuilds the buttons: the similar button stays.
    answered = await run(discord_server, "answer", {"id": "500001"})
    voted = await (await discord_server.press_button(answered, "vote:500001:y")).message()
    assert "similar:500001" in custom_ids(voted)


async def test_the_button_works_after_a_restart(
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
    reply = await (await discord_server.press_button(message, "similar:500001")).message()
    assert reply["flags"] & 64 and embed_of(reply)["title"].startswith("🔎 Questions like")
    await bot_runner.stop(second)
    store.close()


async def test_help_says_similar_compares_words_without_a_model(answers_bot, discord_server):
    assert answers_bot.services.meaning is None  # EMBEDDING_MODEL is not set
    message = await run(discord_server, "help")
    fields = {f["name"]: f["value"] for f in embed_of(message)["fields"]}
    assert "compare **words** (no model is set up here)" in fields["Has it been asked before?"]


async def test_with_a_model_similar_and_answers_use_meaning_too(
    bot_settings, bot_runner, loaded_database, discord_server, tmp_path
) -> None:
    from dataclasses import replace

    from test_meaning import make_model

    from bot.cli.common import open_store
    from bot.core.search.meaning import Meaning
    from bot.discord.client import WrittenAnswersBot

    model = make_model(tmp_path / "tiny-model")
    store = open_store(bot_settings.database_path)
    Meaning.load(str(model)).embed_missing(store)  # what `python -m bot embed` does first
    bot = WrittenAnswersBot(replace(bot_settings, embedding_model=str(model)), store,
                            guild_ready_timeout=0.1)
    await bot_runner.start(bot)
    try:
        await bot.get_cog("Background").meaning
        assert bot.services.meaning is not None and bot.services.meaning.ready
        message = await run(discord_server, "similar", {"question": str(OVERDUE_IDS[0])})
        embed = embed_of(message)
        assert embed["footer"]["text"] == "Ranked by words and by meaning together."
        assert OVERDUE_IDS[0] not in field_ids(embed)
        assert "**near-repeat: 80% alike**" in embed["fields"][0]["value"]
        fields = {f["name"]: f["value"] for f in embed_of(await run(discord_server, "help"))
                  ["fields"]}
        assert "words **and meaning**" in fields["Has it been asked before?"]
        found = await run(discord_server, "answers", {"query": "special educational needs"})
        assert "Special Educational Needs" in embed_of(found)["description"]
    finally:
        await bot_runner.stop(bot)
        store.close()
