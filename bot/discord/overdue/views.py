"""``/overdue``'s messages: a page of overdue questions with ◀ Prev / Next ▶ and an "Open a
question…" menu.

Both are ``DynamicItem``s. A page button's custom_id holds the whole request (the page, the
House, and the ids of the department and members chosen: at most about 70 characters of
Discord's 100), so a button on a message sent before a restart rebuilds its page, from the store
as it is then, with nothing saved on the side. The menu opens a question as ``/answer`` shows it
(``views.answer_message``), privately. ``cogs/overdue.py`` registers them (``OVERDUE_ITEMS``).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import discord
from discord.ui.view import BaseView

from bot.core.names.candidates import Resolution
from bot.core.reports.overdue import OverdueList, overdue
from bot.core.search.render import answer_view
from bot.core.store.database import Store
from bot.discord.alerts.buttons import alert_me
from bot.discord.answers import answer_message
from bot.discord.embeds import pretty_date
from bot.discord.overdue.embeds import open_option_text, overdue_embed, overdue_title
from bot.discord.replies import in_time, picked, reply_error, send, the_bot, update

log = logging.getLogger(__name__)

PER_PAGE = 5
CUSTOM_ID_LIMIT = 100
HOUSE_CODES = {"commons": "c", "lords": "l"}
HOUSES_BY_CODE = {code: house for house, code in HOUSE_CODES.items()}
OPTION_WORDS = {
    "department": "department",
    "member": "member",
    "answered_by": "answering member",
    "asked_by": "member who asked",
}


@dataclass(frozen=True)
class OverdueRequest:
    """What ``/overdue`` was asked for, by ids: the department (its bodies are looked up when a
    page is read), a member in either role (asked or answering, as in search), the member
    answering, the member who asked, and the House."""

    department_id: int | None = None
    member_id: int | None = None
    asked_by_id: int | None = None
    house: str | None = None  # "commons" or "lords"
    answered_by_id: int | None = None

    def custom_id(self, page: int) -> str:
        """A page button's custom_id: ``ovd:PAGE:HOUSE:DEPARTMENT:ANSWERER:ASKER:MEMBER``.
        (Buttons made before ``member`` meant either role have no ``:MEMBER``; their fifth
        field was the member answering, and it still is.)"""
        ids = (self.department_id, self.answered_by_id, self.asked_by_id, self.member_id)
        text = f"ovd:{page}:{HOUSE_CODES.get(self.house or '', '')}:" + ":".join(
            "" if i is None else str(i) for i in ids
        )
        if len(text) > CUSTOM_ID_LIMIT:  # ids are at most 16 digits: never
            raise ValueError(f"custom_id too long: {text}")
        return text

    @classmethod
    def from_match(cls, match: re.Match[str]) -> OverdueRequest:
        """The request a page button's custom_id holds."""

        def number(name: str) -> int | None:
            return int(match[name]) if match[name] else None

        return cls(
            number("dept"),
            number("member"),
            number("asker"),
            HOUSES_BY_CODE.get(match["house"]),
            number("answerer"),
        )


@dataclass(frozen=True)
class OverduePage:
    """A page as read from the store: the list, which page it is, and the title in words."""

    listing: OverdueList
    page: int
    title: str

    @property
    def pages(self) -> int:
        return max(1, -(-self.listing.total // PER_PAGE))


def read_page(
    store: Store,
    request: OverdueRequest,
    family: tuple[int, ...] | None,
    page: int,
    department_name: str | None = None,
) -> OverduePage:
    """Read one page (on a reader thread). A page past the end, once questions were answered
    since the message was sent, becomes the last page. ``department_name`` names a department
    the store does not hold yet (one of ``departments.json``)."""
    page = max(0, page)

    def listing_at(number: int) -> OverdueList:
        return overdue(
            store,
            department_id=family,
            member_id=request.member_id,
            answering_member_id=request.answered_by_id,
            asking_member_id=request.asked_by_id,
            house=request.house,
            limit=PER_PAGE,
            offset=number * PER_PAGE,
        )

    listing = listing_at(page)
    if not listing.results and page > 0:
        page = max(0, -(-listing.total // PER_PAGE) - 1)
        listing = listing_at(page)
    parts = []
    if request.department_id is not None:
        body = store.body(request.department_id)
        parts.append(
            body["name"]
            if body and body["name"]
            else department_name or f"Answering body {request.department_id}"
        )
    for words, member_id in (
        ("{} (asked or answering)", request.member_id),
        ("answered by {}", request.answered_by_id),
        ("asked by {}", request.asked_by_id),
    ):
        if member_id is not None:
            member = store.member(member_id)
            name = member["name"] if member and member["name"] else f"Member {member_id}"
            parts.append(words.format(name))
    if request.house:
        parts.append(f"House of {request.house.capitalize()}")
    return OverduePage(listing, page, overdue_title(parts))


def overdue_message(
    request: OverdueRequest, data: OverduePage
) -> tuple[discord.Embed, discord.ui.View]:
    """A page of the list, with ◀ Prev / Next ▶, the "Open a question…" menu and the "Alert
    me" menu."""
    embed = overdue_embed(data.listing, data.title, data.page, data.pages)
    view = discord.ui.View(timeout=None)
    view.add_item(OverduePageButton(request, data.page - 1, "◀ Prev", data.page == 0))
    view.add_item(OverduePageButton(request, data.page + 1, "Next ▶", data.page >= data.pages - 1))
    if data.listing.results:
        view.add_item(OpenOverdueSelect(data.listing))
        view.add_item(AlertOverdueSelect(data.listing))
    return embed, view


def nothing_overdue(data: OverduePage) -> str:
    """ "Nothing is overdue — Department for Education, as of 30 Nov 2026." """
    scope = data.title.partition(" — ")[2]
    scope = "" if scope == "most overdue first" else f" for {scope}"
    as_of = pretty_date(data.listing.as_of.isoformat())
    return discord.utils.escape_markdown(f"No written question is overdue{scope} as of {as_of}.")


def unclear_name(option: str, resolution: Resolution) -> str:
    """ "Which department did you mean by “dep”? …", or that nothing matched."""
    kind = OPTION_WORDS.get(option, option)
    shown = discord.utils.escape_markdown(resolution.text[:60])
    if not resolution.candidates:
        return f"I couldn't find a {kind} matching “{shown}” for `{option}`. Check the spelling?"
    names = " or ".join(
        f"**{discord.utils.escape_markdown(c.name)}**" + (f" ({c.note})" if c.note else "")
        for c in resolution.candidates[:5]
    )
    return (
        f"Which {kind} did you mean by “{shown}” for `{option}`? {names} — pick one from "
        "the list as you type."
    )


async def show_page(
    interaction: discord.Interaction, request: OverdueRequest, page: int, *, first: bool = False
) -> None:
    """Read a page off the event loop and show it: a new message for the command, the message
    itself updated for a button."""
    bot = the_bot(interaction)
    family, name = None, None
    if request.department_id is not None:
        family = tuple(bot.services.department_family(request.department_id))
        name = bot.services.resolver.departments.names.get(request.department_id)
    work = bot.services.db.read(read_page, request, family, page, name)
    data = await in_time(interaction, work, thinking=first)
    if first and not data.listing.total:
        await send(interaction, content=nothing_overdue(data))
        return
    embed, view = overdue_message(request, data)
    if first:
        await send(interaction, embed=embed, view=view)
    else:
        await update(interaction, content=None, embed=embed, view=view)


class OverduePageButton(
    discord.ui.DynamicItem[discord.ui.Button[BaseView]],
    template=r"ovd:(?P<page>-?\d+):(?P<house>[cl]?):(?P<dept>-?\d*):(?P<answerer>-?\d*)"
    r":(?P<asker>-?\d*)(?::(?P<member>-?\d*))?",
):
    """◀ / ▶ through the overdue list; the custom_id holds the request."""

    def __init__(
        self, request: OverdueRequest, page: int, label: str = "Page", disabled: bool = False
    ) -> None:
        self.request = request
        self.page = page
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                disabled=disabled,
                custom_id=request.custom_id(page),
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[BaseView], match: re.Match[str]
    ) -> OverduePageButton:
        return cls(
            OverdueRequest.from_match(match),
            int(match["page"]),
            getattr(item, "label", None) or "Page",
        )

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await show_page(interaction, self.request, self.page)
        except Exception:
            log.exception("overdue page button failed")
            await reply_error(interaction)


def question_options(listing: OverdueList | None) -> list[discord.SelectOption]:
    """A page's questions as menu options (at most 25, Discord's limit)."""
    options = []
    for item in (listing.results if listing else [])[:25]:
        label, description = open_option_text(item)
        options.append(
            discord.SelectOption(label=label, value=str(item.id), description=description)
        )
    return options


class OpenOverdueSelect(discord.ui.DynamicItem[discord.ui.Select[BaseView]], template=r"ovopen"):
    """ "Open a question…": the question as ``/answer`` shows it, privately."""

    def __init__(
        self, listing: OverdueList | None = None, select: discord.ui.Select[BaseView] | None = None
    ) -> None:
        select = select or discord.ui.Select(
            placeholder="Open a question…", options=question_options(listing), custom_id="ovopen"
        )
        super().__init__(select)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[BaseView], match: re.Match[str]
    ) -> OpenOverdueSelect:
        return cls(select=item if isinstance(item, discord.ui.Select) else None)

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            bot = the_bot(interaction)
            value = picked(interaction)
            found = (
                await in_time(interaction, bot.services.db.read(answer_view, value), ephemeral=True)
                if value.lstrip("-").isdigit()
                else None
            )
            if found is None:
                await reply_error(interaction, "That question is no longer in the store.")
                return
            embed, view = answer_message(found)
            await send(interaction, embed=embed, view=view, ephemeral=True)
        except Exception:
            log.exception("open overdue question failed")
            await reply_error(interaction)


class AlertOverdueSelect(discord.ui.DynamicItem[discord.ui.Select[BaseView]], template=r"ovalert"):
    """ "🔔 Alert me when one is answered…": a direct message when the picked question is
    answered, as its own Alert me button does."""

    def __init__(
        self, listing: OverdueList | None = None, select: discord.ui.Select[BaseView] | None = None
    ) -> None:
        select = select or discord.ui.Select(
            placeholder="🔔 Alert me when one is answered…",
            options=question_options(listing),
            custom_id="ovalert",
        )
        super().__init__(select)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[BaseView], match: re.Match[str]
    ) -> AlertOverdueSelect:
        return cls(select=item if isinstance(item, discord.ui.Select) else None)

    async def callback(self, interaction: discord.Interaction) -> None:
        value = picked(interaction)
        if not value.lstrip("-").isdigit():
            await reply_error(interaction, "That question is no longer in the store.")
            return
        await alert_me(interaction, int(value))


OVERDUE_ITEMS = (OverduePageButton, OpenOverdueSelect, AlertOverdueSelect)
