"""One question and its answer (``/answer``, and every "Open an answer" menu): its pages, its
status against its due day, its attachments, and its buttons."""

from __future__ import annotations

import logging
import re
from datetime import date
from functools import partial

import discord
from discord.ui.view import BaseView
from discord.utils import escape_markdown

from bot.core.clock import london_today
from bot.core.reports.duedates import DueStatus, add_working_days, working_days_between
from bot.core.reports.overdue import question_due
from bot.core.search.render import AnswerView, QuestionJson, answer_view
from bot.core.text import cut_at_word
from bot.core.votes import VOTE_QUESTION
from bot.discord.alerts.buttons import AlertButton
from bot.discord.embeds import (
    FIELD_VALUE_LIMIT,
    LABEL_LIMIT,
    LICENCE_FOOTER,
    TITLE_LIMIT,
    VOTE_HINT,
    item_label,
    name_of,
    plural,
    pretty_date,
    split_pages,
    vote_labels,
    with_party,
)
from bot.discord.replies import in_time, reply_error, the_bot, update
from bot.discord.similar import SimilarButton

log = logging.getLogger(__name__)


def answer_message(view: AnswerView, page: int = 0) -> tuple[discord.Embed, discord.ui.View]:
    """The full question and answer, one page of it, with paging and vote buttons."""
    pages = answer_pages(view.data)
    page = max(0, min(page, len(pages) - 1))
    embed = answer_embed(view.data, page, pages, view.parties)
    components = discord.ui.View(timeout=None)
    question_id = view.row["id"]
    if len(pages) > 1:
        components.add_item(AnswerPageButton(question_id, page - 1, "◀ Previous", page == 0))
        components.add_item(
            AnswerPageButton(question_id, page + 1, "Next ▶", page >= len(pages) - 1)
        )
    if view.data.get("answer"):  # nothing to vote on until there is an answer
        ask_for_votes(embed)
        for item in vote_buttons(question_id, view.yes, view.no):
            components.add_item(item)
    components.add_item(AlertButton(question_id))
    components.add_item(SimilarButton(question_id))
    return embed, components


class AnswerPageButton(
    discord.ui.DynamicItem[discord.ui.Button[BaseView]],
    template=r"apage:(?P<qid>-?\d+):(?P<page>-?\d+)",
):
    """◀ / ▶ through the pages of a long answer."""

    def __init__(
        self, question_id: int, page: int, label: str = "Page", disabled: bool = False
    ) -> None:
        self.question_id = question_id
        self.page = page
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.primary,
                disabled=disabled,
                custom_id=f"apage:{question_id}:{page}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[BaseView], match: re.Match[str]
    ) -> AnswerPageButton:
        return cls(int(match["qid"]), int(match["page"]), item_label(item) or "Page")

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            bot = the_bot(interaction)
            found = await in_time(interaction, bot.services.db.read(answer_view, self.question_id))
            if found is None:
                await reply_error(interaction, "That question is no longer in the store.")
                return
            embed, view = answer_message(found, self.page)
            await update(interaction, embed=embed, view=view)
        except Exception:
            log.exception("answer page button failed")
            await reply_error(interaction)


def answer_pages(data: QuestionJson) -> list[str]:
    """The question and answer of ``show --json`` data as pages of markdown."""
    question = escape_markdown(data["question"] or "")
    answer = escape_markdown(data["answer"] or "") or "*Not answered yet.*"
    if data.get("text_is_partial"):
        answer += "\n\n*(Shortened by Parliament's list view; the link has the full answer.)*"
    return split_pages(f"**Question**\n{question}\n\n**Answer**\n{answer}")


def answer_embed(
    data: QuestionJson, page: int, pages: list[str], parties: dict[int, str]
) -> discord.Embed:
    """One page of an answer; the first page carries who, when, status and attachments."""
    embed = discord.Embed(
        title=cut_at_word(escape_markdown(data["heading"] or "(no heading)"), TITLE_LIMIT),
        url=data.get("url") or None,
        description=pages[page],
    )
    if page == 0:
        asked = with_party(data["asked_by"], parties)
        if data.get("date_tabled"):
            asked += f" on {pretty_date(data['date_tabled'])}"
        due = question_due(data)  # Parliament's rules: not the nominal date for answer
        if due is not None:
            asked += f" · due {pretty_date(due.due.isoformat())}"
        embed.add_field(name="Asked by", value=cut_at_word(asked, FIELD_VALUE_LIMIT))
        embed.add_field(name="Department", value=name_of(data["department"]))
        answered = with_party(data["answered_by"], parties)
        if data.get("date_answered"):
            answered += f" on {pretty_date(data['date_answered'])}"
        embed.add_field(name="Answered by", value=cut_at_word(answered, FIELD_VALUE_LIMIT))
        status = answer_status(data)
        if status:
            embed.add_field(
                name="Status", value=cut_at_word(status, FIELD_VALUE_LIMIT), inline=False
            )
        links = attachment_links(data)
        if links:
            embed.add_field(name="Attachments", value=links, inline=False)
        more = []
        if data.get("twfy_url"):
            more.append(f"[TheyWorkForYou]({data['twfy_url']})")
        if data.get("url") and data.get("url") != data.get("twfy_url"):
            more.append(f"[Parliament website]({data['url']})")
        if more:
            embed.add_field(name="Full record", value=" · ".join(more), inline=False)
    footer = f"{data['house']} {data['uin']}"
    if len(pages) > 1:
        footer += f" · page {page + 1} of {len(pages)}"
    embed.set_footer(text=f"{footer} · {LICENCE_FOOTER}")
    return embed


def ask_for_votes(embed: discord.Embed) -> discord.Embed:
    """End ``embed`` with the question its Yes / No buttons answer, so the buttons below say
    what they vote on."""
    return embed.add_field(name=VOTE_QUESTION, value=VOTE_HINT, inline=False)


def due_words(status: DueStatus, today: date) -> str:
    """Where a question not answered yet stands against its due day (``bot.core.reports.duedates``):
    "due 20 May 2024 (named day) — **8 working days overdue**", "due 3 Jun 2024, in 2 working
    days", "due 31 May 2024: today", "due 31 May 2024; overdue from 3 Jun 2024"."""
    due = f"due {pretty_date(status.due.isoformat())}"
    if status.named_day:
        due += " (named day)"
    if status.overdue:
        return f"{due} — **{plural(status.working_days_overdue, 'working day')} overdue**"
    if status.due > today:
        left = working_days_between(today, status.due)
        return f"{due}, in {plural(left, 'working day')}" if left else due
    if status.due == today:
        return f"{due}: today"
    # Past the due day with no working day since (the weekend after a Friday): not overdue yet.
    return f"{due}; overdue from {pretty_date(add_working_days(status.due, 1).isoformat())}"


def answer_status(data: QuestionJson) -> str:
    lines: list[str] = []
    waiting = data["status"] in ("unanswered", "holding") and not data.get("withdrawn")
    today = london_today()
    due = question_due(data, today) if waiting else None
    if due is not None and data["status"] == "unanswered":
        lines.append(f"Not answered yet: {due_words(due, today)}")
    if data["status"] == "lapsed":  # bot.core.lapsed
        lines.append(
            "Lapsed: not answered before Parliament was prorogued or dissolved "
            f"({pretty_date(data.get('date_answered'))})"
        )
    if data.get("date_holding_answer"):
        if data["status"] == "holding":
            lines.append(
                f"Holding answer given {pretty_date(data['date_holding_answer'])}; "
                "the full answer is still to come"
            )
        else:
            lines.append(
                f"Holding answer given {pretty_date(data['date_holding_answer'])} — "
                f"substantive answer {pretty_date(data['date_answered'])}"
            )
    if due is not None and data["status"] == "holding":
        words = due_words(due, today)
        lines.append(f"{words[:1].upper()}{words[1:]} (a holding answer does not stop the clock)")
    if data.get("date_corrected"):
        who = f" by {name_of(data.get('corrected_by'))}" if data.get("corrected_by") else ""
        lines.append(f"Corrected on {pretty_date(data['date_corrected'])}{who}")
    if data.get("grouped_questions"):
        uins = ", ".join(g["uin"] for g in data["grouped_questions"][:20])
        lines.append(f"Answered together with {uins}")
    if data.get("withdrawn"):
        lines.append("Withdrawn")
    return "\n".join(lines)


def attachment_links(data: QuestionJson) -> str:
    lines: list[str] = []
    for attachment in data.get("attachments") or []:
        title = escape_markdown(cut_at_word(attachment.get("title") or "Attachment", 120))
        details = [attachment.get("file_type") or ""]
        size = attachment.get("file_size_bytes")
        if isinstance(size, int) and size > 0:
            details.append(
                f"{size / 1024:,.0f} KB" if size < 1024**2 else f"{size / 1024**2:,.1f} MB"
            )
        extra = ", ".join(d for d in details if d)
        line = f"[{title}]({attachment['url']})" + (f" ({extra})" if extra else "")
        if len("\n".join([*lines, line])) > FIELD_VALUE_LIMIT:
            break
        lines.append(line)
    return "\n".join(lines)


# -- "Does this answer the above question?" -------------------------------------------------


def vote_buttons(question_id: int, yes: int, no: int) -> list[VoteButton]:
    yes_label, no_label = vote_labels(yes, no)
    return [VoteButton(question_id, "y", yes_label), VoteButton(question_id, "n", no_label)]


def relabelled_view(
    message: discord.Message, question_id: int, yes: int, no: int
) -> discord.ui.View:
    """The components of an answer message or post again (its page and vote buttons), with
    the vote counts of ``question_id`` updated."""
    view = discord.ui.View(timeout=None)
    yes_label, no_label = vote_labels(yes, no)
    for row in message.components:
        for component in getattr(row, "children", []):
            custom_id = getattr(component, "custom_id", None) or ""
            if match := re.fullmatch(VoteButton.__discord_ui_compiled_template__, custom_id):
                qid, choice = int(match["qid"]), match["choice"]
                label = component.label or ""
                if qid == question_id:
                    label = yes_label if choice == "y" else no_label
                view.add_item(VoteButton(qid, choice, label))
            elif match := re.fullmatch(
                AnswerPageButton.__discord_ui_compiled_template__, custom_id
            ):
                view.add_item(
                    AnswerPageButton(
                        int(match["qid"]),
                        int(match["page"]),
                        component.label or "Page",
                        bool(component.disabled),
                    )
                )
            elif match := re.fullmatch(AlertButton.__discord_ui_compiled_template__, custom_id):
                view.add_item(AlertButton(int(match["qid"])))
            elif match := re.fullmatch(SimilarButton.__discord_ui_compiled_template__, custom_id):
                view.add_item(SimilarButton(int(match["qid"])))
            elif isinstance(component, discord.Button) and component.url:
                view.add_item(discord.ui.Button.from_component(component))
    return view


class VoteButton(
    discord.ui.DynamicItem[discord.ui.Button[BaseView]],
    template=r"vote:(?P<qid>-?\d+):(?P<choice>[yn])",
):
    """ "Does this answer the above question?" Yes / No, with live counts."""

    def __init__(self, question_id: int, choice: str, label: str | None = None) -> None:
        self.question_id = question_id
        self.choice = choice
        super().__init__(
            discord.ui.Button(
                label=cut_at_word(label or ("Yes" if choice == "y" else "No"), LABEL_LIMIT),
                style=discord.ButtonStyle.success
                if choice == "y"
                else discord.ButtonStyle.secondary,
                custom_id=f"vote:{question_id}:{choice}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[BaseView], match: re.Match[str]
    ) -> VoteButton:
        return cls(int(match["qid"]), match["choice"], item_label(item))

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            bot = the_bot(interaction)
            helpful = self.choice == "y"
            vote = partial(
                bot.services.votes.vote,
                self.question_id,
                interaction.user.id,
                helpful,
                "button",
                interaction.message.id if interaction.message else None,
                interaction.guild_id,
            )
            outcome = await in_time(interaction, bot.services.db.write(vote))
            if interaction.message is not None:
                view = relabelled_view(
                    interaction.message, self.question_id, outcome.yes, outcome.no
                )
                await update(interaction, view=view)
            elif not interaction.response.is_done():
                await interaction.response.defer()
            if outcome.previous is None:
                text = "Thanks — you said this {} the question.".format(
                    "answers" if helpful else "does not answer"
                )
            elif outcome.changed:
                text = "Changed — you now say this {} the question.".format(
                    "answers" if helpful else "does not answer"
                )
            else:
                text = "You had already said that; your vote stands."
            other = "No" if helpful else "Yes"
            await interaction.followup.send(
                f"{text} Press {other} to change your mind.", ephemeral=True
            )
        except Exception:
            log.exception("vote button failed")
            await reply_error(interaction)
