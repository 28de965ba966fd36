"""/subscribe, /unsubscribe, /subscriptions, /subscription pause|resume, and the loops that
poll Parliament and post."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from dataclasses import dataclass
from functools import partial
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands
from discord.utils import escape_markdown

from bot.core.metrics import CHANGE_BACKLOG, DELIVERIES_PENDING
from bot.core.names.matching import Candidate, Resolution
from bot.core.names.options import NAME_OPTIONS, OPTION_BY_CODE
from bot.core.news.outbox import DeliveryQueue
from bot.core.news.schedules import (
    DAILY,
    DAYS,
    INSTANT,
    SCHEDULE_KINDS,
    ScheduleError,
    make_schedule,
)
from bot.core.news.subscriptions import (
    EVENTS_ALL,
    EVENTS_ANSWERS,
    EVENTS_WORDS,
    Posting,
    SubscriptionBook,
    SubscriptionError,
    normal_events,
    subscription_filters,
)
from bot.core.reports.accountability import london_today
from bot.core.search.fulltext import SearchQuery
from bot.core.search.render import result_json
from bot.core.search.sessions import EXPIRED_REQUEST
from bot.core.sources.backfill import FirstFill
from bot.core.sources.poller import Poller
from bot.core.store.database import Store
from bot.core.text import cut_at_word
from bot.discord.client import WrittenAnswersBot
from bot.discord.embeds import preview_embed, subscriptions_embed
from bot.discord.options import DepartmentName, MemberName, pin_names
from bot.discord.replies import in_time, reply_error, send, the_bot
from bot.discord.subscriptions.poster import Poster
from bot.discord.subscriptions.targets import Target, target_problem
from bot.discord.views import pick_message

log = logging.getLogger(__name__)

DELIVERY_TICK_SECONDS = 2.0  # how soon news from an `ingest` beside the bot is posted
MANAGE_NEEDED = "Changing subscriptions needs the Manage Channels permission."
NO_SUCH_SUBSCRIPTION = (
    "This server has no such subscription; pick one from the list as you type."
)
MISSED_SKIP = "skip"
MISSED_DIGEST = "digest"
MENTION_NEEDED = "Choosing a role to ping needs the Manage Roles or Manage Channels permission."
# The options /subscribe and /subscription edit share.
SUBSCRIBE_OPTIONS = {
    "topic": 'Words the answers must contain ("a phrase" in quotes)',
    "house": "Only this House",
    "channel": "Where to post: a text or announcement channel, a thread or a forum (default: here)",
    "events": "What to post: answers (default), or answers and each new question when tabled",
    "mention": "A role each post pings (nobody else is ever pinged)",
    "schedule": "Post each answer as it comes (default), or a daily or weekly digest",
    "at": "A digest's time, UK time (default 08:00)",
    "day": "A weekly digest's day (default Monday)",
    "nothing_new": "Digests: say so when a period brought nothing (default: stay quiet)",
    "thread_per_answer": "Text channels: open a discussion thread on each post",
    **{option.name: option.description for option in NAME_OPTIONS},
}
SUBSCRIBE_CHOICES: dict[str, list[app_commands.Choice[str]]] = {
    "house": [app_commands.Choice(name=h, value=h) for h in ("Commons", "Lords")],
    "events": [app_commands.Choice(name=words, value=value)
               for value, words in EVENTS_WORDS.items()],
    "schedule": [app_commands.Choice(name=k, value=k) for k in SCHEDULE_KINDS],
    "day": [app_commands.Choice(name=d, value=d) for d in DAYS],
}
REMOVABLE = ("topic", "house", *(option.name for option in NAME_OPTIONS), "mention")


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


def posting(pinned: dict[str, Any]) -> Posting:
    """A request's posting options. Raises ``ScheduleError`` for a schedule that cannot be."""
    return Posting(
        mention_role_id=int(pinned["mention"]) if pinned.get("mention") else None,
        schedule=make_schedule(pinned.get("schedule"), pinned.get("at"), pinned.get("day")),
        thread_per_answer=bool(pinned.get("thread_per_answer")),
        nothing_new=bool(pinned.get("nothing_new")),
    )


class Subscriptions(commands.Cog):
    """Channel subscriptions, and the loops that fill and post them."""

    def __init__(self, bot: WrittenAnswersBot) -> None:
        self.bot = bot
        self.poster = Poster(bot, bot.services)
        self._deliver_lock = asyncio.Lock()
        self._tasks: list[asyncio.Task[None]] = []
        # Rounds finished so far: a poll with the delivery round after it, and delivery rounds
        # (from either loop). Waiting for two more proves a whole round ran after a moment.
        self.poll_rounds = 0
        self.delivery_rounds = 0

    @property
    def book(self) -> SubscriptionBook:
        """The bot's subscriptions."""
        return self.bot.services.book

    @property
    def queue(self) -> DeliveryQueue:
        """The bot's delivery queue."""
        return self.bot.services.queue

    @property
    def poller(self) -> Poller:
        """The bot's poller."""
        return self.bot.services.poller

    async def cog_load(self) -> None:
        """Start polling and posting, and on a first run the background backfill (planned
        before the first poll, while the store still holds only the seed)."""
        first_fill = await FirstFill.plan(self.bot.services)
        self._tasks = [
            asyncio.create_task(self._poll_loop(), name="poll-parliament"),
            asyncio.create_task(self._delivery_loop(), name="deliver-posts"),
        ]
        if first_fill is not None:
            self._tasks.append(asyncio.create_task(first_fill.run(), name="first-backfill"))

    async def cog_unload(self) -> None:
        """Stop polling and posting."""
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    # -- loops --------------------------------------------------------------------------------

    async def _poll_loop(self) -> None:
        await self.bot.wait_until_ready()
        while True:
            try:
                result = await self.poller.poll_once()
                if result.ok and result.summary and (result.summary.new or result.summary.updated):
                    await self.bot.refresh_indexes()
                await self.deliver()
                self.poll_rounds += 1
            except Exception:
                log.exception("poll failed")
            await asyncio.sleep(self.poller.next_wait())

    async def _delivery_loop(self) -> None:
        await self.bot.wait_until_ready()
        while True:
            try:
                await self.deliver()
            except Exception:
                log.exception("delivery failed")
            await asyncio.sleep(DELIVERY_TICK_SECONDS)

    async def deliver(self) -> int:
        """Match new change-log events and post what is pending; one round at a time. Each
        planning step is a write of its own, so votes never wait behind a long backlog."""
        async with self._deliver_lock:
            db = self.bot.services.db
            while not (await db.write(self.queue.plan_step)).done:
                pass
            now = self.bot.services.clock()
            while await db.write(self.queue.due_digest_step, now) is not None:
                pass
            posted = await self.poster.send_pending()
            backlog, pending = await db.write(self.queue.backlog)
            CHANGE_BACKLOG.set(backlog)
            DELIVERIES_PENDING.set(pending)
            self.delivery_rounds += 1
            return posted

    # -- commands -----------------------------------------------------------------------------

    @staticmethod
    def _may_manage(interaction: discord.Interaction) -> bool:
        permissions = interaction.permissions
        return bool(permissions and (permissions.manage_channels or permissions.administrator))

    @staticmethod
    def _may_mention(interaction: discord.Interaction) -> bool:
        permissions = interaction.permissions
        return bool(
            permissions
            and (
                permissions.manage_roles
                or permissions.manage_channels
                or permissions.administrator
            )
        )

    @app_commands.command(name="subscribe", description="Post new answers here as they come")
    @app_commands.describe(**SUBSCRIBE_OPTIONS)
    @app_commands.rename(at="time")
    @app_commands.choices(**SUBSCRIBE_CHOICES)
    @app_commands.default_permissions(manage_channels=True)
    @app_commands.guild_only()
    async def subscribe(
        self,
        interaction: discord.Interaction,
        topic: app_commands.Range[str, 1, 200] | None = None,
        member: MemberName | None = None,
        asked_by: MemberName | None = None,
        answered_by: MemberName | None = None,
        department: DepartmentName | None = None,
        house: str | None = None,
        channel: Target | None = None,
        events: str | None = None,
        mention: discord.Role | None = None,
        schedule: str | None = None,
        at: app_commands.Range[str, 1, 12] | None = None,
        day: str | None = None,
        nothing_new: bool | None = None,
        thread_per_answer: bool | None = None,
    ) -> None:
        """Follow a topic, member or department in a channel, a thread or a forum; shows what it
        would have posted in the last 30 days before saving."""
        request = SearchQuery(text=topic or "", house=house)
        request.pinned["channel"] = channel.id if channel else interaction.channel_id
        given = Given(mention=mention, schedule=schedule, at=at, day=day,
                      nothing_new=nothing_new, thread_per_answer=thread_per_answer,
                      events=events)
        if not await self._take_options(interaction, request, given,
                                        channel or interaction.channel):
            return
        names: dict[str, Resolution | None] = {
            "member": member, "asked_by": asked_by, "answered_by": answered_by,
            "department": department,
        }
        pin_names(request, names)  # an unsure name is asked about in _finish_subscribe
        await self._finish_subscribe(interaction, request, session_id=None)

    async def _take_options(
        self,
        interaction: discord.Interaction,
        request: SearchQuery,
        given: Given,
        target: Any,
    ) -> bool:
        """Check who may do what and where the bot may post, and keep the posting options on
        the request; False (the person was told why) when something is wrong."""
        if not self._may_manage(interaction):
            await reply_error(interaction, MANAGE_NEEDED)
            return False
        pinned = request.pinned
        if given.mention is not None:
            if not self._may_mention(interaction):
                await reply_error(interaction, MENTION_NEEDED)
                return False
            if given.mention.is_default():
                await reply_error(
                    interaction, "Pick a role to ping; @everyone may not be pinged by posts."
                )
                return False
            pinned["mention"] = given.mention.id
            bot_may = interaction.app_permissions
            pinned["mention_unheard"] = not given.mention.mentionable and not (
                bot_may.mention_everyone or bot_may.administrator
            )
        for key, value in (("events", given.events), ("schedule", given.schedule),
                           ("at", given.at), ("day", given.day)):
            if value is not None:
                pinned[key] = value
        if given.schedule == INSTANT:
            pinned.pop("at", None)
            pinned.pop("day", None)
        elif given.schedule == DAILY and given.day is None:
            pinned.pop("day", None)
        for key, flag in (("nothing_new", given.nothing_new),
                          ("thread_per_answer", given.thread_per_answer)):
            if flag is not None:
                pinned[key] = flag
        try:
            pinned["events"] = normal_events(pinned.get("events"))
            posting(pinned)  # the schedule is checked now, not after a preview
        except (SubscriptionError, ScheduleError) as error:
            await reply_error(interaction, str(error))
            return False
        guild = interaction.guild
        problem = target_problem(
            target, guild.me if guild else None, bool(pinned.get("thread_per_answer"))
        ) if target is not None else None
        if problem:
            await reply_error(interaction, problem)
            return False
        return True

    async def _finish_subscribe(
        self, interaction: discord.Interaction, request: SearchQuery, session_id: int | None
    ) -> None:
        """Ask about the first name not yet pinned to an id; then save an edit, or show what a
        new subscription would post, with Confirm and Cancel."""
        services = self.bot.services
        outcome = services.searcher(self.bot.store).resolve_names(request)  # pinned: no fuzzing
        if outcome.ambiguous:
            option, resolution = next(iter(outcome.ambiguous.items()))
            if session_id is None:
                session_id = services.sessions.save(request)
            text, view = pick_message(session_id, option, resolution.candidates,
                                      SubscribePickButton, resolution.more)
            if interaction.response.is_done():
                await interaction.edit_original_response(content=text, view=view)
            else:
                await interaction.response.send_message(text, view=view, ephemeral=True)
            return
        filters, words = self._filters(request, outcome.resolved)
        if request.pinned.get("edit"):
            await self._save_edit(interaction, request, filters, words)
            return
        try:
            count, latest = await in_time(interaction, services.db.read(
                self._preview, filters), ephemeral=True)
        except SubscriptionError as error:
            await reply_error(interaction, str(error))
            return
        if session_id is None:
            session_id = services.sessions.save(request)
        embed = preview_embed(
            words, f"<#{request.pinned['channel']}>", posting(request.pinned).schedule.words(),
            count, latest,
        )
        view = discord.ui.View(timeout=None)
        view.add_item(PreviewButton(session_id, "confirm"))
        view.add_item(PreviewButton(session_id, "cancel"))
        if interaction.response.is_done():
            await interaction.edit_original_response(content=None, embed=embed, view=view)
        else:
            await interaction.response.send_message(embed=embed, view=view, ephemeral=True)

    def _preview(self, store: Store, filters: dict[str, Any]) -> tuple[int, list[dict]]:
        """On a reader: the count and latest examples of what the filters would have posted."""
        book = SubscriptionBook(store, self.bot.services.department_family)
        count, latest = book.preview(filters, london_today())
        return count, [result_json(store, row) for row in latest]

    @staticmethod
    def _filters(
        request: SearchQuery, resolved: dict[str, Resolution | None]
    ) -> tuple[dict[str, Any], str]:
        chosen: dict[str, Candidate | None] = {
            option: (resolution.best if resolution else None)
            for option, resolution in resolved.items()
        }
        events = str(request.pinned.get("events") or EVENTS_ANSWERS)
        return subscription_filters(request.text or None, request.house, chosen, events)

    async def save_subscription(
        self, interaction: discord.Interaction, request: SearchQuery
    ) -> None:
        """Confirmed: make the subscription (or resume or update the same one) and say so in
        place of the preview."""
        services = self.bot.services
        outcome = services.searcher(self.bot.store).resolve_names(request)
        filters, words = self._filters(request, outcome.resolved)
        chosen = posting(request.pinned)
        subscribe = partial(
            services.book.subscribe,
            interaction.guild_id or 0,
            int(request.pinned["channel"]),
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
        events = str(filters["events"])
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
        }[what] + self._pings(row, request)
        await interaction.edit_original_response(content=text, embed=None, view=None)

    @staticmethod
    def _pings(row: dict[str, Any], request: SearchQuery) -> str:
        role = row.get("mention_role_id")
        pings = f" Each post pings <@&{role}>." if role else ""
        if role and request.pinned.get("mention_unheard"):
            pings += (" But that role is not mentionable and the bot lacks Mention Everyone, so "
                      "Discord will not ping it until one of those changes.")
        return pings

    async def _save_edit(
        self,
        interaction: discord.Interaction,
        request: SearchQuery,
        filters: dict[str, Any],
        words: str,
    ) -> None:
        services = self.bot.services
        chosen = posting(request.pinned)
        edit = partial(
            services.book.edit, interaction.guild_id or 0, int(request.pinned["edit"]),
            int(request.pinned["channel"]), filters, words, chosen, services.clock(),
        )
        try:
            row = await in_time(interaction, services.db.write(edit), ephemeral=True)
        except SubscriptionError as error:
            await reply_error(interaction, str(error))
            return
        if row is None:
            await reply_error(interaction, NO_SUCH_SUBSCRIPTION)
            return
        text = (f"Edited: <#{row['channel_id']}> gets {EVENTS_WORDS[str(filters['events'])]}, "
                f"{chosen.schedule.words()}: {words}." + self._pings(row, request))
        if row["status"] != "active":
            text += " It is still paused; `/subscription resume` starts it."
        if interaction.response.is_done():
            await interaction.edit_original_response(content=text, embed=None, view=None)
        else:
            await send(interaction, content=text, ephemeral=True)

    @app_commands.command(name="unsubscribe", description="Stop one of this server's subscriptions")
    @app_commands.describe(subscription="Which subscription")
    @app_commands.default_permissions(manage_channels=True)
    @app_commands.guild_only()
    async def unsubscribe(self, interaction: discord.Interaction, subscription: str) -> None:
        """Remove one of this server's subscriptions."""
        if not self._may_manage(interaction):
            await reply_error(interaction, MANAGE_NEEDED)
            return
        removed = None
        if subscription.strip().isdigit():
            removed = await in_time(interaction, self.bot.services.db.write(
                self.book.unsubscribe, interaction.guild_id or 0, int(subscription)))
        if removed is None:
            await reply_error(
                interaction,
                "This server has no such subscription; pick one from the list as you type.",
            )
            return
        await send(
            interaction,
            content=f"Unsubscribed <#{removed['channel_id']}>: {removed['description']}.",
        )

    @unsubscribe.autocomplete("subscription")
    async def subscription_complete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """This server's subscriptions whose wording holds what is typed."""
        return await self._complete(interaction, current)

    async def _complete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        rows = await self.bot.services.db.quick(
            lambda store: SubscriptionBook(store).rows(interaction.guild_id or 0)
        )
        channel_names = {c.id: c.name for c in getattr(interaction.guild, "channels", [])}
        wanted = current.lower().strip()
        choices = []
        for row in rows:
            label = (
                f"#{channel_names.get(row['channel_id'], row['channel_id'])} — {row['description']}"
            )
            if wanted and wanted not in label.lower():
                continue
            choices.append(app_commands.Choice(name=cut_at_word(label, 100), value=str(row["id"])))
        return choices[:25]

    subscription_group = app_commands.Group(
        name="subscription",
        description="Edit, pause or resume one of this server's subscriptions",
        guild_only=True,
        default_permissions=discord.Permissions(manage_channels=True),
    )

    @subscription_group.command(
        name="edit", description="Change a subscription in place, keeping its history"
    )
    @app_commands.describe(
        subscription="Which subscription",
        remove="A filter or the mention to take off",
        **SUBSCRIBE_OPTIONS,
    )
    @app_commands.rename(at="time")
    @app_commands.choices(
        remove=[app_commands.Choice(name=name.replace("_", " "), value=name)
                for name in REMOVABLE],
        **SUBSCRIBE_CHOICES,
    )
    async def edit(
        self,
        interaction: discord.Interaction,
        subscription: str,
        topic: app_commands.Range[str, 1, 200] | None = None,
        member: MemberName | None = None,
        asked_by: MemberName | None = None,
        answered_by: MemberName | None = None,
        department: DepartmentName | None = None,
        house: str | None = None,
        channel: Target | None = None,
        events: str | None = None,
        mention: discord.Role | None = None,
        schedule: str | None = None,
        at: app_commands.Range[str, 1, 12] | None = None,
        day: str | None = None,
        nothing_new: bool | None = None,
        thread_per_answer: bool | None = None,
        remove: str | None = None,
    ) -> None:
        """Change one of this server's subscriptions: what is given replaces what it had."""
        row = None
        if subscription.strip().isdigit():
            row = await self.bot.services.db.quick(
                lambda store: SubscriptionBook(store).get(int(subscription)))
        if row is None or row["guild_id"] != interaction.guild_id:
            await reply_error(interaction, NO_SUCH_SUBSCRIPTION)
            return
        request = SearchQuery(text=row["topic"] or "", house=row["house"])
        request.pinned.update(stored_request(row))
        if topic is not None:
            request.text = topic
        if house is not None:
            request.house = house
        names: dict[str, Resolution | None] = {
            "member": member, "asked_by": asked_by, "answered_by": answered_by,
            "department": department,
        }
        for option in NAME_OPTIONS:  # a name given replaces the one it had
            if names[option.name] is not None:
                request.pinned.pop(option.name, None)
        if remove == "topic":
            request.text = ""
        elif remove == "house":
            request.house = None
        elif remove == "mention":
            request.pinned.pop("mention", None)
        elif remove is not None:
            request.pinned.pop(remove, None)
        if channel is not None:
            request.pinned["channel"] = channel.id
        target = channel or (interaction.guild.get_channel_or_thread(int(row["channel_id"]))
                             if interaction.guild else None)
        given = Given(mention=mention, schedule=schedule, at=at, day=day,
                      nothing_new=nothing_new, thread_per_answer=thread_per_answer,
                      events=events)
        if not await self._take_options(interaction, request, given, target):
            return
        pin_names(request, names)
        await self._finish_subscribe(interaction, request, session_id=None)

    @edit.autocomplete("subscription")
    async def edit_complete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """This server's subscriptions whose wording holds what is typed."""
        return await self._complete(interaction, current)

    @subscription_group.command(
        name="pause", description="Stop posting for a subscription, keeping it and its place"
    )
    @app_commands.describe(subscription="Which subscription")
    async def pause(self, interaction: discord.Interaction, subscription: str) -> None:
        """Pause one of this server's subscriptions."""
        if not self._may_manage(interaction):
            await reply_error(interaction, MANAGE_NEEDED)
            return
        row = None
        if subscription.strip().isdigit():
            reason = f"paused by {interaction.user.display_name}"
            row = await in_time(interaction, self.bot.services.db.write(
                self.queue.pause, interaction.guild_id or 0, int(subscription), reason),
                ephemeral=True)
        if row is None:
            await reply_error(interaction, NO_SUCH_SUBSCRIPTION)
            return
        where = f"<#{row['channel_id']}>"
        await send(interaction, ephemeral=True, content=(
            f"Paused in {where}: {row['description']} ({row['paused_reason']}). Nothing is "
            "posted for it until `/subscription resume`, which skips what came meanwhile or "
            "sends it as one digest."
        ))

    @subscription_group.command(
        name="resume", description="Start posting for a paused subscription"
    )
    @app_commands.describe(
        subscription="Which subscription",
        missed="What came while it was paused: skip it (default), or send it as one digest",
    )
    @app_commands.choices(missed=[
        app_commands.Choice(name="skip", value=MISSED_SKIP),
        app_commands.Choice(name="send as one digest", value=MISSED_DIGEST),
    ])
    async def resume(
        self, interaction: discord.Interaction, subscription: str, missed: str = MISSED_SKIP
    ) -> None:
        """Resume one of this server's subscriptions."""
        if not self._may_manage(interaction):
            await reply_error(interaction, MANAGE_NEEDED)
            return
        row, count = None, 0
        if subscription.strip().isdigit():
            was = await self.bot.services.db.quick(
                lambda store: SubscriptionBook(store).get(int(subscription)))
            row, count = await in_time(interaction, self.bot.services.db.write(
                self.queue.resume, interaction.guild_id or 0, int(subscription),
                missed == MISSED_DIGEST, self.bot.services.clock()), ephemeral=True)
            if row is not None and was is not None and was["status"] == "active":
                await send(interaction, ephemeral=True, content=(
                    f"<#{row['channel_id']}> is not paused: {row['description']}."))
                return
        if row is None:
            await reply_error(interaction, NO_SUCH_SUBSCRIPTION)
            return
        where = f"<#{row['channel_id']}>"
        if missed == MISSED_DIGEST:
            told = (f"{count} missed items will be posted as one digest." if count > 1
                     else "The one item it missed will be posted." if count
                     else "Nothing was missed.")
        else:
            told = "What came while it was paused is skipped."
        await send(interaction, ephemeral=True, content=(
            f"Resumed in {where}: {row['description']}. {told}"))

    @pause.autocomplete("subscription")
    async def pause_complete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """This server's subscriptions whose wording holds what is typed."""
        return await self._complete(interaction, current)

    @resume.autocomplete("subscription")
    async def resume_complete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """This server's subscriptions whose wording holds what is typed."""
        return await self._complete(interaction, current)

    @app_commands.command(
        name="subscriptions", description="This server's subscriptions, or why an answer was posted"
    )
    @app_commands.describe(question="An answer's id or UIN: was it posted here, and why (not)?")
    @app_commands.guild_only()
    async def subscriptions(
        self,
        interaction: discord.Interaction,
        question: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        """List this server's subscriptions, or explain one answer's fate here."""
        if question:
            text = await in_time(
                interaction, self.bot.services.db.write(self._explain, interaction, question),
                ephemeral=True,
            )
            await send(interaction, content=text, ephemeral=True)
            return
        guild_id = interaction.guild_id or 0
        rows, counts = await in_time(
            interaction, self.bot.services.db.write(self._listing, guild_id), ephemeral=True
        )
        if not rows:
            await send(
                interaction,
                content="No subscriptions in this server yet. `/subscribe` makes one.",
                ephemeral=True,
            )
            return
        guild_name = interaction.guild.name if interaction.guild else "here"
        await send(
            interaction, embed=subscriptions_embed(rows, counts, guild_name), ephemeral=True
        )

    def _listing(
        self, guild_id: int
    ) -> tuple[list[dict[str, object]], dict[int, tuple[int, str | None]]]:
        rows = self.book.rows(guild_id)
        return rows, self.book.posted_counts([int(r["id"]) for r in rows])

    def _explain(self, interaction: discord.Interaction, question: str) -> str:
        """For each subscription in this channel: matched? posted (with a link)? why not?"""
        row = self.bot.store.question(question.strip())
        if row is None:
            return f"I have no question with id or UIN `{cut_at_word(question.strip(), 40)}`."
        verdicts = self.book.explain(row, interaction.guild_id or 0, interaction.channel_id or 0)
        if not verdicts:
            return "This channel follows nothing, so nothing is posted here."
        lines = [f"**{escape_markdown(row['heading'])}** ({row['uin']}):"]
        for description, verdict, message_id in verdicts:
            if message_id is not None:
                verdict += (f" — https://discord.com/channels/{interaction.guild_id}/"
                            f"{interaction.channel_id}/{message_id}")
            lines.append(f"• {escape_markdown(description)}: {verdict}")
        return cut_at_word("\n".join(lines), 2000)


def stored_request(row: dict[str, Any]) -> dict[str, Any]:
    """A stored subscription as a request's pinned values, for ``/subscription edit``."""
    pinned: dict[str, Any] = {
        "edit": row["id"],
        "channel": row["channel_id"],
        "events": row["events"],
        "schedule": row.get("schedule") or INSTANT,
        "nothing_new": bool(row.get("nothing_new")),
        "thread_per_answer": bool(row.get("thread_per_answer")),
    }
    if row.get("digest_time"):
        pinned["at"] = row["digest_time"]
    if row.get("digest_day") is not None and row.get("schedule") != DAILY:
        pinned["day"] = DAYS[int(row["digest_day"])]
    if row.get("mention_role_id"):
        pinned["mention"] = row["mention_role_id"]
    for option in NAME_OPTIONS:
        if row.get(option.column) is not None:
            pinned[option.name] = row[option.column]
    return pinned


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
    async def from_custom_id(  # type: ignore[override]
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
            cog = bot.get_cog("Subscriptions")
            request = await in_time(interaction, bot.services.sessions.load(self.session_id))
            if not isinstance(cog, Subscriptions) or request is None:
                await reply_error(interaction, EXPIRED_REQUEST)
                return
            if not Subscriptions._may_manage(interaction):
                await reply_error(interaction, MANAGE_NEEDED)
                return
            if not interaction.response.is_done():
                await interaction.response.defer()
            await cog.save_subscription(interaction, request)
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
    async def from_custom_id(  # type: ignore[override]
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
            cog = bot.get_cog("Subscriptions")
            sessions = bot.services.sessions
            request = await in_time(interaction, sessions.load(self.session_id))
            if not isinstance(cog, Subscriptions) or request is None:
                await reply_error(interaction, EXPIRED_REQUEST)
                return
            request.pinned[OPTION_BY_CODE[self.code].name] = self.entity_id
            sessions.update(self.session_id, request)
            if not interaction.response.is_done():
                await interaction.response.defer()
            await cog._finish_subscribe(interaction, request, self.session_id)
        except Exception:
            log.exception("subscribe pick failed")
            await reply_error(interaction)


async def setup(bot: WrittenAnswersBot) -> None:
    """Load the cog."""
    bot.add_dynamic_items(SubscribePickButton, PreviewButton)
    await bot.add_cog(Subscriptions(bot))
