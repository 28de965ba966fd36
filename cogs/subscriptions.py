"""/subscribe, /unsubscribe, /subscriptions, /subscription edit|pause|resume. The loops that poll
Parliament and post are ``cogs.background``'s."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands
from discord.utils import escape_markdown

from bot.core.names.candidates import Resolution
from bot.core.names.options import NAME_OPTIONS
from bot.core.news.kinds import EVENTS_WORDS
from bot.core.news.requests import SubscribeRequest, stored_request
from bot.core.news.rows import SubscriptionRow
from bot.core.news.schedules import (
    DAYS,
    SCHEDULE_KINDS,
)
from bot.core.news.subscriptions import SubscriptionBook
from bot.core.search.fulltext import SearchQuery
from bot.core.text import cut_at_word
from bot.discord.client import Interaction, WrittenAnswersBot
from bot.discord.fair_use import expensive
from bot.discord.options import DepartmentName, MemberName, pin_names
from bot.discord.replies import in_time, reply_error, send
from bot.discord.subscriptions.embeds import subscriptions_embed
from bot.discord.subscriptions.flow import (
    MANAGE_NEEDED,
    NO_SUCH_SUBSCRIPTION,
    Given,
    PreviewButton,
    SubscribeFlow,
    SubscribePickButton,
    may_manage,
)
from bot.discord.subscriptions.targets import Target

log = logging.getLogger(__name__)

MISSED_SKIP = "skip"
MISSED_DIGEST = "digest"
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


class Subscriptions(commands.Cog):
    """Channel subscriptions: what a channel follows, and how it is told."""

    def __init__(self, bot: WrittenAnswersBot) -> None:
        self.bot = bot

    @property
    def book(self) -> SubscriptionBook:
        """The bot's subscriptions."""
        return self.bot.services.book

    # -- commands -----------------------------------------------------------------------------

    @app_commands.command(name="subscribe", description="Post new answers here as they come")
    @app_commands.describe(**SUBSCRIBE_OPTIONS)
    @app_commands.rename(at="time")
    @app_commands.choices(**SUBSCRIBE_CHOICES)
    @app_commands.default_permissions(manage_channels=True)
    @app_commands.guild_only()
    @expensive()  # its preview: one at a time per person (bot/discord/fair_use.py)
    async def subscribe(
        self,
        interaction: Interaction,
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
        SubscribeRequest(channel=channel.id if channel else interaction.channel_id).keep_in(request)
        given = Given(mention=mention, schedule=schedule, at=at, day=day,
                      nothing_new=nothing_new, thread_per_answer=thread_per_answer,
                      events=events)
        flow = SubscribeFlow(self.bot)
        if not await flow.take_options(interaction, request, given,
                                       channel or interaction.channel):
            return
        names: dict[str, Resolution | None] = {
            "member": member, "asked_by": asked_by, "answered_by": answered_by,
            "department": department,
        }
        pin_names(request, names)  # an unsure name is asked about in flow.finish
        await flow.finish(interaction, request, session_id=None)

    @app_commands.command(name="unsubscribe", description="Stop one of this server's subscriptions")
    @app_commands.describe(subscription="Which subscription")
    @app_commands.default_permissions(manage_channels=True)
    @app_commands.guild_only()
    async def unsubscribe(self, interaction: Interaction, subscription: str) -> None:
        """Remove one of this server's subscriptions."""
        if not may_manage(interaction):
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
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """This server's subscriptions whose wording holds what is typed."""
        return await self._complete(interaction, current)

    async def _complete(
        self, interaction: Interaction, current: str
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
        interaction: Interaction,
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
        stored, pinned_names = stored_request(row)
        request.pinned.update(pinned_names)
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
            stored.mention = None
        elif remove is not None:
            request.pinned.pop(remove, None)
        if channel is not None:
            stored.channel = channel.id
        stored.keep_in(request)
        target = channel or (interaction.guild.get_channel_or_thread(int(row["channel_id"]))
                             if interaction.guild else None)
        given = Given(mention=mention, schedule=schedule, at=at, day=day,
                      nothing_new=nothing_new, thread_per_answer=thread_per_answer,
                      events=events)
        flow = SubscribeFlow(self.bot)
        if not await flow.take_options(interaction, request, given, target):
            return
        pin_names(request, names)
        await flow.finish(interaction, request, session_id=None)

    @edit.autocomplete("subscription")
    async def edit_complete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """This server's subscriptions whose wording holds what is typed."""
        return await self._complete(interaction, current)

    @subscription_group.command(
        name="pause", description="Stop posting for a subscription, keeping it and its place"
    )
    @app_commands.describe(subscription="Which subscription")
    async def pause(self, interaction: Interaction, subscription: str) -> None:
        """Pause one of this server's subscriptions."""
        if not may_manage(interaction):
            await reply_error(interaction, MANAGE_NEEDED)
            return
        row = None
        if subscription.strip().isdigit():
            reason = f"paused by {interaction.user.display_name}"
            queue = self.bot.services.queue
            row = await in_time(interaction, self.bot.services.db.write(
                queue.pause, interaction.guild_id or 0, int(subscription), reason),
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
        self, interaction: Interaction, subscription: str, missed: str = MISSED_SKIP
    ) -> None:
        """Resume one of this server's subscriptions."""
        if not may_manage(interaction):
            await reply_error(interaction, MANAGE_NEEDED)
            return
        row, count = None, 0
        if subscription.strip().isdigit():
            was = await self.bot.services.db.quick(
                lambda store: SubscriptionBook(store).get(int(subscription)))
            row, count = await in_time(interaction, self.bot.services.db.write(
                self.bot.services.queue.resume, interaction.guild_id or 0, int(subscription),
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
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """This server's subscriptions whose wording holds what is typed."""
        return await self._complete(interaction, current)

    @resume.autocomplete("subscription")
    async def resume_complete(
        self, interaction: Interaction, current: str
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
        interaction: Interaction,
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
    ) -> tuple[list[SubscriptionRow], dict[int, tuple[int, str | None]]]:
        rows = self.book.rows(guild_id)
        return rows, self.book.posted_counts([int(r["id"]) for r in rows])

    def _explain(self, interaction: Interaction, question: str) -> str:
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


async def setup(bot: WrittenAnswersBot) -> None:
    """Load the cog."""
    bot.add_dynamic_items(SubscribePickButton, PreviewButton)
    await bot.add_cog(Subscriptions(bot))
