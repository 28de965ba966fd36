"""Similar questions in Discord: the list ``/similar`` and the "Similar questions" button show.

The button is a ``DynamicItem`` holding the question's id, so it keeps working on messages sent
before a restart; it sits on every answer view, channel post and direct message, and replies
privately to whoever pressed it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from typing import TypedDict

import discord
from discord.ui.view import BaseView
from discord.utils import escape_markdown

from bot.core.records import optional_text, text_of
from bot.core.search.meaning import Meaning
from bot.core.search.similar import SimilarError, find_similar, similar_rows
from bot.core.sources.json_values import json_object
from bot.core.store.database import Store
from bot.core.text import cut_at_word
from bot.discord.embeds import FIELD_VALUE_LIMIT, TITLE_LIMIT, name_of, pretty_date
from bot.discord.replies import Reply, in_time, reply_error, send, the_bot
from bot.discord.search import OpenAnswerSelect

log = logging.getLogger(__name__)

SIMILAR_LABEL = "Similar questions"
SIMILAR_EMOJI = "🔎"
STATUS_WORDS = {
    "answered": "✅ answered",
    "corrected": "✅ answered (corrected)",
    "holding": "⏳ holding answer",
    "unanswered": "⌛ waiting for an answer",
    "withdrawn": "✖ withdrawn",
    "lapsed": "⌛ lapsed (not answered before the session ended)",
}
LEXICAL_NOTE = "Ranked by words: headings and question texts, the rarest words counting most."
HELP_BY_WORDS = (
    "`/similar question:` and 🔎 **Similar questions** compare **words** (no model is set up "
    "here): a question put in other words may be missed. With `EMBEDDING_MODEL` set they "
    "compare meaning too, and so does `/answers`."
)
HELP_BY_MEANING = (
    "`/similar question:` and 🔎 **Similar questions** compare words **and meaning** "
    '("knife crime" also finds "bladed weapons offences"); `/answers` ranks by both too.'
)


def similar_help(meaning: Meaning | None) -> tuple[str, str]:
    """The /help field on similar questions: by words only, or by meaning too."""
    on = meaning is not None and meaning.ready
    return "Has it been asked before?", HELP_BY_MEANING if on else HELP_BY_WORDS


FUSED_NOTE = "Ranked by words and by meaning together."


class AskedAbout(TypedDict):
    """The stored question a list is about."""

    id: int
    uin: str
    heading: str
    house: str


def similar_listing(
    store: Store, id_or_text: str, limit: int, meaning: Meaning | None = None
) -> tuple[AskedAbout | None, list[dict[str, object]], str]:
    """Off the loop: the question asked about (None for a draft), the results as
    ``similar_rows`` gives them, and the method ("lexical" or "fused")."""
    neighbours = meaning.neighbours_function(store) if meaning is not None else None
    outcome = find_similar(store, id_or_text, limit, neighbours=neighbours)
    question: AskedAbout | None = None
    if outcome.question is not None:
        row = outcome.question
        question = {
            "id": row["id"],
            "uin": row["uin"],
            "heading": row["heading"],
            "house": row["house"],
        }
    return question, similar_rows(store, outcome), outcome.method


def result_field(row: Mapping[str, object]) -> tuple[str, str]:
    """One result (``similar_rows``) as an embed field: the heading (and a near-repeat mark) as
    its name; who asked → department, when, status, and the start of the answer as its value."""
    heading = text_of(row, "heading") or "(no heading)"
    near_repeat = row.get("near_repeat")
    name = f"{'🔁 ' if near_repeat else ''}{heading} · {row['house']} {row['uin']}"
    who = name_of(json_object(row.get("asked_by")))
    department = name_of(json_object(row.get("department")))
    when = pretty_date(optional_text(row, "date_tabled"))
    earlier = row.get("earlier")
    if earlier is not None:
        when += " (earlier)" if earlier else " (later)"
    status = text_of(row, "status")
    lines = [f"{who} → {department} · tabled {when or '?'}", STATUS_WORDS.get(status, status)]
    if near_repeat:
        lines[1] += f" · **near-repeat: {near_repeat}**"
    answer_start = text_of(row, "answer_start")
    if answer_start:
        lines.append("> " + escape_markdown(answer_start))
    lines.append(f"`id {row['id']}`")
    return cut_at_word(name, 256), cut_at_word("\n".join(lines), FIELD_VALUE_LIMIT)


def similar_embed(
    question: AskedAbout | None, text: str, rows: Sequence[Mapping[str, object]], method: str
) -> discord.Embed:
    """The list: what it is like, then one field per similar question."""
    if question is not None:
        about = f"{question['heading'] or '(no heading)'} ({question['house']} {question['uin']})"
    else:
        about = f"“{' '.join(text.split())}”"
    embed = discord.Embed(
        title=cut_at_word(f"{SIMILAR_EMOJI} Questions like {about}", TITLE_LIMIT),
    )
    if not rows:
        embed.description = "No similar questions found."
    repeats = sum(1 for r in rows if r["near_repeat"])
    if repeats:
        embed.description = (
            f"🔁 {repeats} near-repeat{'s' if repeats != 1 else ''}: the same "
            "question again, to another department, or 80% alike."
        )
    for row in rows:
        name, value = result_field(row)
        embed.add_field(name=name, value=value, inline=False)
    embed.set_footer(text=FUSED_NOTE if method == "fused" else LEXICAL_NOTE)
    return embed


def similar_view(rows: Sequence[Mapping[str, object]]) -> discord.ui.View | None:
    """ "Open an answer…" over the results (full text and votes, privately); None for none."""
    if not rows:
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(OpenAnswerSelect(0, rows))
    return view


async def show_similar(
    interaction: discord.Interaction, id_or_text: str, limit: int = 5, ephemeral: bool = False
) -> None:
    """Answer an interaction with the questions most like a question or a draft."""
    bot = the_bot(interaction)
    try:
        question, rows, method = await in_time(
            interaction,
            bot.services.db.read(similar_listing, id_or_text, limit, bot.services.meaning),
            thinking=True,
            ephemeral=ephemeral,
        )
    except SimilarError as error:
        await reply_error(interaction, str(error))
        return
    embed = similar_embed(question, id_or_text, rows, method)
    view = similar_view(rows)
    message: Reply = {"embed": embed, "ephemeral": ephemeral}
    if view is not None:
        message["view"] = view
    await send(interaction, **message)


class SimilarButton(
    discord.ui.DynamicItem[discord.ui.Button[BaseView]],
    template=r"similar:(?P<qid>-?\d+)",
):
    """ "Similar questions": the questions most like this one, privately."""

    def __init__(self, question_id: int) -> None:
        self.question_id = question_id
        super().__init__(
            discord.ui.Button(
                label=SIMILAR_LABEL,
                emoji=SIMILAR_EMOJI,
                style=discord.ButtonStyle.secondary,
                custom_id=f"similar:{question_id}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[BaseView], match: re.Match[str]
    ) -> SimilarButton:
        return cls(int(match["qid"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await show_similar(interaction, str(self.question_id), ephemeral=True)
        except Exception:
            log.exception("similar button failed")
            await reply_error(interaction)
