"""Buttons, select menus and the messages that carry them, shared by the cogs.

Every component is a ``DynamicItem``: its state (question id, page, stored search) is in its
custom_id, so buttons on messages sent before a restart keep working. The bot registers them
all at start-up (``DYNAMIC_ITEMS``).
"""

from __future__ import annotations

import json
import logging
import re
from functools import partial
from typing import Any, cast

import discord

from bot.core.names.candidates import Candidate
from bot.core.names.options import OPTION_BY_CODE, OPTION_BY_NAME
from bot.core.search.fulltext import COUNT_CAP, SearchError, SearchQuery
from bot.core.search.render import AnswerView, SearchPage, answer_view, search_page
from bot.core.search.sessions import EXPIRED_SEARCH
from bot.core.text import cut_at_word
from bot.discord.embeds import (
    LABEL_LIMIT,
    SELECT_LABEL_LIMIT,
    answer_embed,
    answer_pages,
    ask_for_votes,
    pretty_date,
    results_embed,
    search_title,
    vote_labels,
)
from bot.discord.replies import in_time, reply_error, send, the_bot, update
from bot.discord.similar import SimilarButton

log = logging.getLogger(__name__)

RESULTS_PER_PAGE = 5


def _label(item: discord.ui.Item[Any]) -> str | None:
    """The label of a button rebuilt from its custom_id."""
    return getattr(item, "label", None)


# -- answer views: one question, its pages, its votes -------------------------------------------


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
                view.add_item(AnswerPageButton(int(match["qid"]), int(match["page"]),
                                               component.label or "Page",
                                               bool(component.disabled)))
            elif match := re.fullmatch(AlertButton.__discord_ui_compiled_template__, custom_id):
                view.add_item(AlertButton(int(match["qid"])))
            elif match := re.fullmatch(SimilarButton.__discord_ui_compiled_template__, custom_id):
                view.add_item(SimilarButton(int(match["qid"])))
            elif isinstance(component, discord.Button) and component.url:
                view.add_item(discord.ui.Button.from_component(component))
    return view


class VoteButton(
    discord.ui.DynamicItem[discord.ui.Button],
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
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> VoteButton:
        return cls(int(match["qid"]), match["choice"], _label(item))

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


class AnswerPageButton(
    discord.ui.DynamicItem[discord.ui.Button],
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
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> AnswerPageButton:
        return cls(int(match["qid"]), int(match["page"]), _label(item) or "Page")

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


# -- search results: pages of five, a menu to open one, "did you mean" --------------------------


def results_message(session_id: int, page_data: SearchPage, page: int) -> tuple[
    discord.Embed, discord.ui.View
]:
    """One page of search results, with ◀ ▶ and an "Open an answer…" menu."""
    outcome = page_data.outcome
    resolved = {
        option: (res.best.as_json() if res and res.best else None)
        for option, res in outcome.resolved.items()
    }
    pages = max(1, -(-outcome.total // RESULTS_PER_PAGE))
    note = ""
    if outcome.ranked_recent_only:
        note = f"A broad search: these are the best of its {COUNT_CAP:,} newest matches."
    embed = results_embed(
        search_title(outcome.query.as_json(), resolved),
        page_data.results,
        outcome.total,
        page,
        pages,
        page_data.parties,
        at_least=outcome.total_is_estimate,
        note=note,
    )
    view = discord.ui.View(timeout=None)
    view.add_item(ResultsPageButton(session_id, page - 1, "◀ Prev", page == 0))
    view.add_item(ResultsPageButton(session_id, page + 1, "Next ▶", page >= pages - 1))
    if page_data.results:
        view.add_item(OpenAnswerSelect(session_id, page_data.results))
    return embed, view


def pin_resolved(query: SearchQuery, page_data: SearchPage) -> None:
    """Keep the ids the names resolved to with the query, so its pages never resolve again."""
    for option, resolution in page_data.outcome.resolved.items():
        if resolution is not None and resolution.best is not None:
            query.pinned.setdefault(option, resolution.best.id)


async def save_search(interaction: discord.Interaction, query: SearchQuery,
                      page_data: SearchPage | None = None) -> int:
    """Save a search shown in a message (with its names' ids); returns its session id."""
    bot = the_bot(interaction)
    saved = SearchQuery.from_json(query.as_json())
    if page_data is not None:
        pin_resolved(saved, page_data)
    return bot.services.sessions.save(saved, interaction.user.id, interaction.guild_id)


async def run_search(
    interaction: discord.Interaction, query: SearchQuery, thinking: bool = True
) -> SearchPage:
    """Search off the event loop, acknowledging the interaction if it takes a while."""
    bot = the_bot(interaction)
    services = bot.services
    # The same search asked while it runs (with the same name indexes) is run once.
    key = ("search", json.dumps(query.as_json(), sort_keys=True), id(services.resolver))
    work = services.db.read_shared(key, search_page, services.searcher, query)
    return await in_time(interaction, work, thinking=thinking)


async def show_results_page(interaction: discord.Interaction, session_id: int, page: int) -> None:
    """Turn a results message to ``page`` of its saved search."""
    bot = the_bot(interaction)
    query = await in_time(interaction, bot.services.sessions.load(session_id))
    if query is None:
        await reply_error(interaction, EXPIRED_SEARCH)
        return
    query.offset = max(0, page) * RESULTS_PER_PAGE
    query.limit = RESULTS_PER_PAGE
    try:
        page_data = await run_search(interaction, query, thinking=False)
    except SearchError as error:
        await reply_error(interaction, str(error))
        return
    if page_data.outcome.ambiguous:  # an old search saved before names were kept as ids
        option, resolution = next(iter(page_data.outcome.ambiguous.items()))
        text, view = pick_message(session_id, option, resolution.candidates,
                                      more=resolution.more)
        await update(interaction, content=text, embed=None, view=view)
        return
    embed, view = results_message(session_id, page_data, max(0, page))
    await update(interaction, content=None, embed=embed, view=view)


class ResultsPageButton(
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"rpage:(?P<sid>\d+):(?P<page>-?\d+)",
):
    def __init__(
        self, session_id: int, page: int, label: str = "Page", disabled: bool = False
    ) -> None:
        self.session_id = session_id
        self.page = page
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                disabled=disabled,
                custom_id=f"rpage:{session_id}:{page}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ResultsPageButton:
        return cls(int(match["sid"]), int(match["page"]), _label(item) or "Page")

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await show_results_page(interaction, self.session_id, self.page)
        except Exception:
            log.exception("results page button failed")
            await reply_error(interaction)


class OpenAnswerSelect(discord.ui.DynamicItem[discord.ui.Select], template=r"ropen:(?P<sid>\d+)"):
    """ "Open an answer…": the full answer, privately, with its vote buttons."""

    def __init__(
        self,
        session_id: int,
        results: list[dict[str, Any]] | None = None,
        select: discord.ui.Select | None = None,
    ) -> None:
        self.session_id = session_id
        if select is None:
            options = [
                discord.SelectOption(
                    label=cut_at_word(r["heading"] or "(no heading)", SELECT_LABEL_LIMIT),
                    value=str(r["id"]),
                    description=cut_at_word(
                        f"{r['uin']} · {pretty_date(r['date_answered'] or r['date_tabled'])} · "
                        f"{(r['asked_by'] or {}).get('name', '')}",
                        SELECT_LABEL_LIMIT,
                    ),
                )
                for r in (results or [])[:25]
            ]
            select = discord.ui.Select(
                placeholder="Open an answer…", options=options, custom_id=f"ropen:{session_id}"
            )
        super().__init__(select)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> OpenAnswerSelect:
        return cls(int(match["sid"]), select=cast("discord.ui.Select[Any]", item))

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            bot = the_bot(interaction)
            data = cast("dict[str, Any]", interaction.data or {})
            values: list[str] = list(data.get("values") or [])
            found = (
                await in_time(
                    interaction, bot.services.db.read(answer_view, values[0]), ephemeral=True
                )
                if values
                else None
            )
            if found is None:
                await reply_error(interaction, "That question is no longer in the store.")
                return
            embed, view = answer_message(found)
            await send(interaction, embed=embed, view=view, ephemeral=True)
        except Exception:
            log.exception("open answer select failed")
            await reply_error(interaction)


def pick_message(
    session_id: int,
    option: str,
    candidates: list[Candidate],
    button: type[Any] | None = None,
    more: int = 0,
) -> tuple[str, discord.ui.View]:
    """ "Which department did you mean?" with a button per candidate (at most five), likeliest
    first, saying how many more matched (``more``: beyond ``candidates``); the button class
    says what a pick carries on with (a search by default)."""
    kind_words = OPTION_BY_NAME[option].kind
    view = discord.ui.View(timeout=None)
    for candidate in candidates[:5]:
        label = candidate.name + (f" ({candidate.note})" if candidate.note else "")
        view.add_item((button or PickButton)(session_id, OPTION_BY_NAME[option].code,
                                             candidate.id, label))
    text = f"Which {kind_words} did you mean for `{option}`?"
    hidden = max(0, len(candidates) - 5) + more
    if hidden:
        text += (f" ({hidden} more match{'es' if hidden != 1 else ''}: type more of the name "
                 "to see them.)")
    if not candidates:
        text = f"I couldn't find a {kind_words} matching that for `{option}`. Check the spelling?"
    return text, view


class PickButton(
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"pick:(?P<sid>\d+):(?P<option>[a-z]):(?P<entity>-?\d+)",
):
    def __init__(self, session_id: int, code: str, entity_id: int, label: str = "") -> None:
        self.session_id = session_id
        self.code = code
        self.entity_id = entity_id
        super().__init__(
            discord.ui.Button(
                label=cut_at_word(label or str(entity_id), LABEL_LIMIT),
                style=discord.ButtonStyle.primary,
                custom_id=f"pick:{session_id}:{code}:{entity_id}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> PickButton:
        return cls(int(match["sid"]), match["option"], int(match["entity"]), _label(item) or "")

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            bot = the_bot(interaction)
            query = await in_time(interaction, bot.services.sessions.load(self.session_id))
            if query is None:
                await reply_error(interaction, EXPIRED_SEARCH)
                return
            query.pinned[OPTION_BY_CODE[self.code].name] = self.entity_id
            page_data = await run_search(interaction, query, thinking=False)
            pin_resolved(query, page_data)
            bot.services.sessions.update(self.session_id, query)
            if page_data.outcome.ambiguous:  # another option still needs a pick
                option, resolution = next(iter(page_data.outcome.ambiguous.items()))
                text, view = pick_message(self.session_id, option, resolution.candidates,
                                          more=resolution.more)
                await update(interaction, content=text, view=view)
                return
            # The pick was private; the results are for everyone in the channel.
            await update(interaction, content="Searching…", view=None)
            embed, view = results_message(self.session_id, page_data, 0)
            await interaction.followup.send(embed=embed, view=view)
        except Exception:
            log.exception("pick button failed")
            await reply_error(interaction)


# -- personal alerts (bot/core/news/alerts.py) -----------------------------------------------------


ALERT_LABEL = "🔔 Alert me"
FOLLOW_CHOICES = {"heading": "New answers with the same heading",
                  "department": "New answers from the same department"}


def _alert_book(store: Any) -> Any:
    from bot.core.news.alerts import AlertBook

    return AlertBook(store)


class AlertButton(
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"alert:(?P<qid>-?\d+)",
):
    """ "🔔 Alert me": a direct message when this question is answered, or (when it is) a
    private choice of new answers like it to be told about."""

    def __init__(self, question_id: int) -> None:
        self.question_id = question_id
        super().__init__(
            discord.ui.Button(
                label=ALERT_LABEL,
                style=discord.ButtonStyle.secondary,
                custom_id=f"alert:{question_id}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> AlertButton:
        return cls(int(match["qid"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await alert_me(interaction, self.question_id)


async def alert_me(interaction: discord.Interaction, question_id: int) -> None:
    """ "🔔 Alert me" on one question, from its button or from a list's menu."""
    from bot.core.news.alerts import ANSWERED_STATUSES, AlertError

    try:
        bot = the_bot(interaction)
        row = await in_time(
            interaction, bot.services.db.read(lambda store: store.question(question_id)),
            ephemeral=True,
        )
        if row is None:
            await reply_error(interaction, "I no longer have this question.")
            return
        if row["status"] in ANSWERED_STATUSES:
            view = discord.ui.View(timeout=None)
            view.add_item(FollowSelect(question_id))
            await send(
                interaction,
                content="This question is answered. Shall I send you a direct message "
                "about new answers like it? Pick one:",
                view=view,
                ephemeral=True,
            )
            return
        book = _alert_book(bot.store)
        try:
            _, what = await in_time(
                interaction,
                bot.services.db.write(book.alert_on_question, interaction.user.id, row),
                ephemeral=True,
            )
        except AlertError as error:
            await reply_error(interaction, str(error))
            return
        where = f"{row['house']} {row['uin']}"
        text = {
            "created": f"🔔 I will send you a direct message when {where} is answered: the "
            "holding answer, the answer and any correction, each once.",
            "resumed": f"🔔 Resumed: I will send you a direct message when {where} is "
            "answered.",
            "exists": f"🔔 You already have an alert on {where}.",
        }[what]
        await send(interaction, content=text + " `/alerts` lists and removes your alerts.",
                   ephemeral=True)
    except Exception:
        log.exception("alert button failed")
        await reply_error(interaction)


class FollowSelect(
    discord.ui.DynamicItem[discord.ui.Select],
    template=r"alertf:(?P<qid>-?\d+)",
):
    """On an answered question: alert me about new answers like it (heading or department)."""

    def __init__(self, question_id: int) -> None:
        self.question_id = question_id
        super().__init__(
            discord.ui.Select(
                custom_id=f"alertf:{question_id}",
                placeholder="Alert me about new answers like this",
                options=[discord.SelectOption(label=label, value=value)
                         for value, label in FOLLOW_CHOICES.items()],
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> FollowSelect:
        return cls(int(match["qid"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        from bot.core.news.alerts import AlertError
        from bot.core.search.render import body_ref

        try:
            bot = the_bot(interaction)
            data: Any = interaction.data or {}
            values = self.item.values or data.get("values") or [""]
            kind = str(values[0])[:40]
            row = await in_time(
                interaction, bot.services.db.read(lambda store: store.question(self.question_id)),
                ephemeral=True,
            )
            if row is None:
                await reply_error(interaction, "I no longer have this question.")
                return

            def follow() -> tuple[dict[str, Any], str]:
                ref = body_ref(bot.store, row["answering_body_id"])
                name = ref["name"] if ref else None
                return _alert_book(bot.store).follow_like(interaction.user.id, row, kind, name)

            try:
                alert, what = await in_time(interaction, bot.services.db.write(follow),
                                            ephemeral=True)
            except AlertError as error:
                await reply_error(interaction, str(error))
                return
            text = {
                "created": f"🔔 Done: {alert['description']}. I will send you each by direct "
                "message, once.",
                "resumed": f"🔔 Resumed: {alert['description']}.",
                "exists": f"🔔 You already follow this: {alert['description']}.",
            }[what]
            await send(interaction, content=text + " `/alerts` lists and removes your alerts.",
                       ephemeral=True)
        except Exception:
            log.exception("follow select failed")
            await reply_error(interaction)


DYNAMIC_ITEMS = (VoteButton, AnswerPageButton, ResultsPageButton, OpenAnswerSelect, PickButton,
                 AlertButton, FollowSelect, SimilarButton)
