"""The way from /subscribe (or /subscription edit) to a saved subscription: check who may do
what and where the bot may post, ask about unclear names, preview what it would have posted,
and save on Confirm. The cog starts it; its buttons carry it on, after a restart too."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import partial
from typing import Any

import discord

from bot.core.clock import london_today
from bot.core.names.candidates import Candidate, Resolution
from bot.core.names.options import OPTION_BY_CODE
from bot.core.news.kinds import EVENTS_ALL, EVENTS_ANSWERS, EVENTS_WORDS
from bot.core.news.requests import SubscribeRequest
from bot.core.news.rows import SubscriptionRow
from bot.core.news.schedules import ScheduleError
from bot.core.news.subscriptions import (
    Filters,
    SubscriptionBook,
    SubscriptionError,
    normal_events,
    subscription_filters,
)
from bot.core.search.fulltext import SearchQuery
from bot.core.search.render import result_json
from bot.core.search.sessions import EXPIRED_REQUEST
from bot.core.store.database import Store
from bot.core.text import cut_at_word
from bot.discord.base import AppBot
from bot.discord.replies import in_time, reply_error, send, the_bot
from bot.discord.search import pick_message
from bot.discord.subscriptions.embeds import preview_embed
from bot.discord.subscriptions.targets import Place, target_problem

log = logging.getLogger(__name__)

MANAGE_NEEDED = "Changing subscriptions needs the Manage Channels permission."
MENTION_NEEDED = "Choosing a role to ping needs the Manage Roles or Manage Channels permission."
NO_SUCH_SUBSCRIPTION = (
    "This server has no such subscription; pick one from the list as you type."
)


@dataclass(frozen=True)
class Given:
    """The posting options a command was given (None: not given)."""

    mention: discord.Role | None = None
    schedule: str | None = None
    at: str | None = None
    day: str | None = None
    nothing_new: bool | None = None
    thread_per_answer: bool | None = None
    events: str | None = None


def may_manage(interaction: discord.Interaction) -> bool:
    """Whether the person may change this server's subscriptions."""
    permissions = interaction.permissions
    return bool(permissions and (permissions.manage_channels or permissions.administrator))


def may_mention(interaction: discord.Interaction) -> bool:
    """Whether the person may choose a role for posts to ping."""
    permissions = interaction.permissions
    return bool(
        permissions
        and (permissions.manage_roles or permissions.manage_channels or permissions.administrator)
    )


class SubscribeFlow:
    """One bot's subscribe steps."""

    def __init__(self, bot: AppBot) -> None:
        self.bot = bot

    async def take_options(
        self,
        interaction: discord.Interaction,
        query: SearchQuery,
        given: Given,
        target: Place | None,
    ) -> bool:
        """Check who may do what and where the bot may post, and keep the posting options on
        the request; False (the person was told why) when something is wrong."""
        if not may_manage(interaction):
            await reply_error(interaction, MANAGE_NEEDED)
            return False
        request = SubscribeRequest.of(query)
        if given.mention is not None:
            if not may_mention(interaction):
                await reply_error(interaction, MENTION_NEEDED)
                return False
            if given.mention.is_default():
                await reply_error(
                    interaction, "Pick a role to ping; @everyone may not be pinged by posts."
                )
                return False
            request.mention = given.mention.id
            bot_may = interaction.app_permissions
            request.mention_unheard = not given.mention.mentionable and not (
                bot_may.mention_everyone or bot_may.administrator
            )
        request.choose_schedule(given.schedule, given.at, given.day)
        if given.nothing_new is not None:
            request.nothing_new = given.nothing_new
        if given.thread_per_answer is not None:
            request.thread_per_answer = given.thread_per_answer
        try:
            request.events = normal_events(given.events or request.events)
            request.posting()  # the schedule is checked now, not after a preview
        except (SubscriptionError, ScheduleError) as error:
            await reply_error(interaction, str(error))
            return False
        guild = interaction.guild
        problem = target_problem(
            target, guild.me if guild else None, request.thread_per_answer
        ) if target is not None else None
        if problem:
            await reply_error(interaction, problem)
            return False
        request.keep_in(query)
        return True

    async def finish(
        self, interaction: discord.Interaction, query: SearchQuery, session_id: int | None
    ) -> None:
        """Ask about the first name not yet pinned to an id; then save an edit, or show what a
        new subscription would post, with Confirm and Cancel."""
        services = self.bot.services
        outcome = services.searcher(self.bot.store).resolve_names(query)  # pinned: no fuzzing
        if outcome.ambiguous:
            option, resolution = next(iter(outcome.ambiguous.items()))
            if session_id is None:
                session_id = services.sessions.save(query, interaction.user.id,
                                                interaction.guild_id)
            text, view = pick_message(session_id, option, resolution.candidates,
                                      SubscribePickButton, resolution.more)
            if interaction.response.is_done():
                await interaction.edit_original_response(content=text, view=view)
            else:
                await interaction.response.send_message(text, view=view, ephemeral=True)
            return
        request = SubscribeRequest.of(query)
        filters, words = self.filters(query, request, outcome.resolved)
        if request.edit:
            await self.save_edit(interaction, request, filters, words)
            return
        try:
            count, latest = await in_time(interaction, services.db.read(
                self.preview, filters), ephemeral=True)
        except SubscriptionError as error:
            await reply_error(interaction, str(error))
            return
        if session_id is None:
            session_id = services.sessions.save(query, interaction.user.id,
                                                interaction.guild_id)
        embed = preview_embed(
            words, f"<#{request.channel}>", request.posting().schedule.words(), count, latest
        )
        view = discord.ui.View(timeout=None)
        view.add_item(PreviewButton(session_id, "confirm"))
        view.add_item(PreviewButton(session_id, "cancel"))
        if interaction.response.is_done():
            await interaction.edit_original_response(content=None, embed=embed, view=view)
        else:
            await interaction.response.send_message(embed=embed, view=view, ephemeral=True)

    def preview(self, store: Store, filters: Filters) -> tuple[int, list[dict[str, Any]]]:
        """On a reader: the count and latest examples of what the filters would have posted."""
        book = SubscriptionBook(store, self.bot.services.department_family)
        count, latest = book.preview(filters, london_today())
        return count, [result_json(store, row) for row in latest]

    @staticmethod
    def filters(
        query: SearchQuery, request: SubscribeRequest, resolved: dict[str, Resolution | None]
    ) -> tuple[Filters, str]:
        """The subscription's filters and their words."""
        chosen: dict[str, Candidate | None] = {
            option: (resolution.best if resolution else None)
            for option, resolution in resolved.items()
        }
        return subscription_filters(query.text or None, query.house, chosen, request.events)

    async def save_subscription(
        self, interaction: discord.Interaction, query: SearchQuery
    ) -> None:
        """Confirmed: make the subscription (or resume or update the same one) and say so in
        place of the preview."""
        services = self.bot.services
        outcome = services.searcher(self.bot.store).resolve_names(query)
        request = SubscribeRequest.of(query)
        filters, words = self.filters(query, request, outcome.resolved)
        chosen = request.posting()
        subscribe = partial(
            services.book.subscribe,
            interaction.guild_id or 0,
            int(request.channel or 0),
            filters,
            words,
            interaction.user.id,
            str(interaction.user),
            self.bot.settings.max_subscriptions_per_guild,
            chosen,
            services.clock(),
        )
        try:
            row, what = await in_time(interaction, services.db.write(subscribe))
        except SubscriptionError as error:
            await interaction.edit_original_response(content=str(error), embed=None, view=None)
            return
        where = f"<#{row['channel_id']}>"
        events = filters.get("events", EVENTS_ANSWERS)
        what_posts = "Each new answer" + (" and each new question" if events == EVENTS_ALL
                                          else "")
        when = (f"{what_posts} is gathered into {chosen.schedule.words()}."
                if chosen.schedule.is_digest
                else f"{what_posts} is posted once, as soon as Parliament publishes it.")
        text = {
            "created": f"Subscribed {where}: {words}. {when}",
            "updated": f"{where} now gets {EVENTS_WORDS[events]}, {chosen.schedule.words()}: "
                       f"{words}.",
            "resumed": f"Resumed in {where}: {words}.",
            "exists": f"{where} already follows this: {words}.",
        }[what] + self.pings(row, request)
        await interaction.edit_original_response(content=text, embed=None, view=None)

    @staticmethod
    def pings(row: SubscriptionRow, request: SubscribeRequest) -> str:
        """What the confirmation says about the role each post pings."""
        role = row["mention_role_id"]
        pings = f" Each post pings <@&{role}>." if role else ""
        if role and request.mention_unheard:
            pings += (" But that role is not mentionable and the bot lacks Mention Everyone, so "
                      "Discord will not ping it until one of those changes.")
        return pings

    async def save_edit(
        self,
        interaction: discord.Interaction,
        request: SubscribeRequest,
        filters: Filters,
        words: str,
    ) -> None:
        """Save /subscription edit's changes in place."""
        services = self.bot.services
        chosen = request.posting()
        edit = partial(
            services.book.edit, interaction.guild_id or 0, int(request.edit or 0),
            int(request.channel or 0), filters, words, chosen, services.clock(),
        )
        try:
            row = await in_time(interaction, services.db.write(edit), ephemeral=True)
        except SubscriptionError as error:
            await reply_error(interaction, str(error))
            return
        if row is None:
            await reply_error(interaction, NO_SUCH_SUBSCRIPTION)
            return
        events = filters.get("events", EVENTS_ANSWERS)
        text = (f"Edited: <#{row['channel_id']}> gets {EVENTS_WORDS[events]}, "
                f"{chosen.schedule.words()}: {words}." + self.pings(row, request))
        if row["status"] != "active":
            text += " It is still paused; `/subscription resume` starts it."
        if interaction.response.is_done():
            await interaction.edit_original_response(content=text, embed=None, view=None)
        else:
            await send(interaction, content=text, ephemeral=True)


class PreviewButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=r"s(?P<action>confirm|cancel):(?P<sid>\d+)",
):
    """Confirm (save) or Cancel (save nothing) a previewed subscription."""

    def __init__(self, session_id: int, action: str) -> None:
        self.session_id, self.action = session_id, action
        super().__init__(discord.ui.Button(
            label=action.capitalize(),
            style=discord.ButtonStyle.success if action == "confirm"
            else discord.ButtonStyle.secondary,
            custom_id=f"s{action}:{session_id}",
        ))

    @classmethod
    async def from_custom_id(  # type: ignore[override]  # discord.py types it per Item subclass
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Button[discord.ui.View],
        match: re.Match[str],
    ) -> PreviewButton:
        """Rebuild the button from its custom_id (after a restart, too)."""
        return cls(int(match["sid"]), match["action"])

    async def callback(self, interaction: discord.Interaction) -> None:
        """Save the subscription the preview showed, or say nothing was saved."""
        if self.action == "cancel":
            await interaction.response.edit_message(
                content="Cancelled: nothing was saved.", embed=None, view=None
            )
            return
        try:
            bot = the_bot(interaction)
            request = await in_time(interaction, bot.services.sessions.load(self.session_id))
            if request is None:
                await reply_error(interaction, EXPIRED_REQUEST)
                return
            if not may_manage(interaction):
                await reply_error(interaction, MANAGE_NEEDED)
                return
            if not interaction.response.is_done():
                await interaction.response.defer()
            await SubscribeFlow(bot).save_subscription(interaction, request)
        except Exception:
            log.exception("subscribe confirm failed")
            await reply_error(interaction)


class SubscribePickButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=r"spick:(?P<sid>\d+):(?P<option>[a-z]):(?P<entity>-?\d+)",
):
    """A name picked for /subscribe: carry on with the subscription."""

    def __init__(self, session_id: int, code: str, entity_id: int, label: str = "") -> None:
        self.session_id, self.code, self.entity_id = session_id, code, entity_id
        super().__init__(
            discord.ui.Button(
                label=cut_at_word(label or str(entity_id), 80),
                style=discord.ButtonStyle.primary,
                custom_id=f"spick:{session_id}:{code}:{entity_id}",
            )
        )

    @classmethod
    async def from_custom_id(  # type: ignore[override]  # discord.py types it per Item subclass
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Button[discord.ui.View],
        match: re.Match[str],
    ) -> SubscribePickButton:
        """Rebuild the button from its custom_id (after a restart, too)."""
        return cls(int(match["sid"]), match["option"], int(match["entity"]), item.label or "")

    async def callback(self, interaction: discord.Interaction) -> None:
        """Pin the picked name and carry on subscribing."""
        try:
            bot = the_bot(interaction)
            sessions = bot.services.sessions
            request = await in_time(interaction, sessions.load(self.session_id))
            if request is None:
                await reply_error(interaction, EXPIRED_REQUEST)
                return
            request.pinned[OPTION_BY_CODE[self.code].name] = self.entity_id
            sessions.update(self.session_id, request)
            if not interaction.response.is_done():
                await interaction.response.defer()
            await SubscribeFlow(bot).finish(interaction, request, self.session_id)
        except Exception:
            log.exception("subscribe pick failed")
            await reply_error(interaction)


