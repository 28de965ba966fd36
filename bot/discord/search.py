"""Search results (``/answers``): pages of five, a menu to open one, and "which did you mean?"
when a name fits several."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Mapping, Sequence

import discord
from discord.ui.view import BaseView
from discord.utils import escape_markdown

from bot.core.names.candidates import Candidate
from bot.core.names.options import NAME_OPTIONS, OPTION_BY_CODE, OPTION_BY_NAME
from bot.core.records import optional_text, text_of
from bot.core.search.fulltext import COUNT_CAP, SearchError, SearchQuery
from bot.core.search.render import ResultJson, SearchPage, answer_view, search_page
from bot.core.search.sessions import EXPIRED_SEARCH
from bot.core.sources.json_values import json_object
from bot.core.text import cut_at_word
from bot.discord.embeds import (
    DESCRIPTION_LIMIT,
    LABEL_LIMIT,
    LICENCE_FOOTER,
    SELECT_LABEL_LIMIT,
    STATUS_LABELS,
    TITLE_LIMIT,
    item_label,
    name_of,
    pretty_date,
    status_line,
    with_party,
)
from bot.discord.interactions import after_autocompletes
from bot.discord.replies import in_time, picked, reply_error, send, the_bot, update

log = logging.getLogger(__name__)


RESULTS_PER_PAGE = 5


def results_message(
    session_id: int, page_data: SearchPage, page: int
) -> tuple[discord.Embed, discord.ui.View]:
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


async def save_search(
    interaction: discord.Interaction, query: SearchQuery, page_data: SearchPage | None = None
) -> int:
    """Save a search shown in a message (with its names' ids); returns its session id."""
    bot = the_bot(interaction)
    saved = SearchQuery.from_json(query.as_json())
    if page_data is not None:
        pin_resolved(saved, page_data)
    return bot.services.sessions.save(saved, interaction.user.id, interaction.guild_id)


async def run_search(
    interaction: discord.Interaction, query: SearchQuery, thinking: bool = True,
    *, after_typing: bool = False,
) -> SearchPage:
    """Search off the event loop, acknowledging the interaction if it takes a while (the wait
    for the autocompletes being answered too, with ``after_typing``: ``after_autocompletes``)."""
    bot = the_bot(interaction)
    services = bot.services
    # The same search asked while it runs (with the same name indexes) is run once.
    key = ("search", json.dumps(query.as_json(), sort_keys=True), id(services.resolver))
    work = services.db.read_shared(key, search_page, services.searcher, query)

    async def searched() -> SearchPage:
        page = await work
        if after_typing:
            await after_autocompletes(bot)
        return page

    return await in_time(interaction, searched(), thinking=thinking)


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
        text, view = pick_message(session_id, option, resolution.candidates, more=resolution.more)
        await update(interaction, content=text, embed=None, view=view)
        return
    embed, view = results_message(session_id, page_data, max(0, page))
    await update(interaction, content=None, embed=embed, view=view)


class ResultsPageButton(
    discord.ui.DynamicItem[discord.ui.Button[BaseView]],
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
        cls, interaction: discord.Interaction, item: discord.ui.Item[BaseView], match: re.Match[str]
    ) -> ResultsPageButton:
        return cls(int(match["sid"]), int(match["page"]), item_label(item) or "Page")

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await show_results_page(interaction, self.session_id, self.page)
        except Exception:
            log.exception("results page button failed")
            await reply_error(interaction)


class OpenAnswerSelect(
    discord.ui.DynamicItem[discord.ui.Select[BaseView]], template=r"ropen:(?P<sid>\d+)"
):
    """ "Open an answer…": the full answer, privately, with its vote buttons."""

    def __init__(
        self,
        session_id: int,
        results: Sequence[Mapping[str, object]] | None = None,
        select: discord.ui.Select[BaseView] | None = None,
    ) -> None:
        self.session_id = session_id
        if select is None:
            options = [_open_option(r) for r in (results or [])[:25]]
            select = discord.ui.Select(
                placeholder="Open an answer…", options=options, custom_id=f"ropen:{session_id}"
            )
        super().__init__(select)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[BaseView], match: re.Match[str]
    ) -> OpenAnswerSelect:
        return cls(int(match["sid"]), select=item if isinstance(item, discord.ui.Select) else None)

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            bot = the_bot(interaction)
            value = picked(interaction)
            found = (
                await in_time(interaction, bot.services.db.read(answer_view, value), ephemeral=True)
                if value
                else None
            )
            if found is None:
                await reply_error(interaction, "That question is no longer in the store.")
                return
            embed, view = bot.answer_message(found)
            await send(interaction, embed=embed, view=view, ephemeral=True)
        except Exception:
            log.exception("open answer select failed")
            await reply_error(interaction)


def pick_message(
    session_id: int,
    option: str,
    candidates: list[Candidate],
    button: Callable[[int, str, int, str], discord.ui.Item[BaseView]] | None = None,
    more: int = 0,
) -> tuple[str, discord.ui.View]:
    """ "Which department did you mean?" with a button per candidate (at most five), likeliest
    first, saying how many more matched (``more``: beyond ``candidates``); the button class
    says what a pick carries on with (a search by default)."""
    kind_words = OPTION_BY_NAME[option].kind
    view = discord.ui.View(timeout=None)
    for candidate in candidates[:5]:
        label = candidate.name + (f" ({candidate.note})" if candidate.note else "")
        view.add_item(
            (button or PickButton)(session_id, OPTION_BY_NAME[option].code, candidate.id, label)
        )
    text = f"Which {kind_words} did you mean for `{option}`?"
    hidden = max(0, len(candidates) - 5) + more
    if hidden:
        text += (
            f" ({hidden} more match{'es' if hidden != 1 else ''}: type more of the name "
            "to see them.)"
        )
    if not candidates:
        text = f"I couldn't find a {kind_words} matching that for `{option}`. Check the spelling?"
    return text, view


class PickButton(
    discord.ui.DynamicItem[discord.ui.Button[BaseView]],
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
        cls, interaction: discord.Interaction, item: discord.ui.Item[BaseView], match: re.Match[str]
    ) -> PickButton:
        return cls(int(match["sid"]), match["option"], int(match["entity"]), item_label(item) or "")

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
                text, view = pick_message(
                    self.session_id, option, resolution.candidates, more=resolution.more
                )
                await update(interaction, content=text, view=view)
                return
            # The pick was private; the results are for everyone in the channel.
            await update(interaction, content="Searching…", view=None)
            embed, view = results_message(self.session_id, page_data, 0)
            await interaction.followup.send(embed=embed, view=view)
        except Exception:
            log.exception("pick button failed")
            await reply_error(interaction)


def _open_option(result: Mapping[str, object]) -> discord.SelectOption:
    """A result (``result_json``, or a similar question) as an "Open an answer…" option."""
    day = text_of(result, "date_answered") or text_of(result, "date_tabled")
    asked_by = json_object(result.get("asked_by"))
    asker = asked_by.get("name", "") if asked_by is not None else ""
    return discord.SelectOption(
        label=cut_at_word(text_of(result, "heading") or "(no heading)", SELECT_LABEL_LIMIT),
        value=str(result["id"]),
        description=cut_at_word(
            f"{result['uin']} · {pretty_date(day)} · {asker}", SELECT_LABEL_LIMIT
        ),
    )


def result_block(result: ResultJson, parties: dict[int, str]) -> str:
    """One search result: heading, who asked → department, who answered, excerpt, link."""
    heading = escape_markdown(cut_at_word(result["heading"] or "(no heading)", 120))
    link = result.get("url")
    title = f"**[{heading}]({link})**" if link else f"**{heading}**"
    lines = [
        f"{title} · {result['uin']} · {status_line(result)}",
        f"{with_party(result['asked_by'], parties)} → {name_of(result['department'])}"
        + (
            f" · answered by {with_party(result['answered_by'], parties)}"
            if result.get("answered_by")
            else ""
        ),
    ]
    if result.get("excerpt"):
        # The excerpt is already escaped, with **bold** around the matched words.
        lines.append(f"> {result['excerpt']}")
    return "\n".join(lines)


def results_embed(
    title: str,
    results: list[ResultJson],
    total: int,
    page: int,
    pages: int,
    parties: dict[int, str],
    *,
    at_least: bool = False,
    note: str = "",
) -> discord.Embed:
    blocks = [result_block(r, parties) for r in results]
    description = "\n\n".join(blocks)
    if note:
        description += f"\n\n*{note}*"
    embed = discord.Embed(
        title=cut_at_word(title, TITLE_LIMIT),
        description=cut_at_word(description, DESCRIPTION_LIMIT),
    )
    count = f"{total:,}{'+' if at_least else ''} answer{'s' if total != 1 else ''}"
    embed.set_footer(text=f"Page {page + 1} of {max(pages, 1)} · {count} · {LICENCE_FOOTER}")
    return embed


def search_title(
    query: Mapping[str, object], resolved: Mapping[str, Mapping[str, object] | None]
) -> str:
    """ "Written answers — Department for Education · "askham bryan"" from the query in words
    (``SearchQuery.as_json``) and the candidates its names resolved to (``Candidate.as_json``)."""
    parts = []
    # The department first: "Department for Education · asked by Munira Wilson".
    for option in sorted(NAME_OPTIONS, key=lambda o: o.kind != "department"):
        ref = resolved.get(option.name)
        if ref:
            name = ref["name"]
            parts.append(f"{name}" if option.kind == "department" else f"{option.words} {name}")
    if query.get("house"):
        parts.append(f"House of {text_of(query, 'house').capitalize()}")
    if query.get("status"):
        parts.append(STATUS_LABELS[text_of(query, "status")])
    if query.get("since") or query.get("until"):
        since = pretty_date(optional_text(query, "since")) or "…"
        parts.append(f"{since} to {pretty_date(optional_text(query, 'until')) or 'now'}")
    if query.get("text"):
        parts.append(f'"{cut_at_word(text_of(query, "text"), 80)}"')
    return "Written answers — " + (" · ".join(parts) if parts else "newest first")
