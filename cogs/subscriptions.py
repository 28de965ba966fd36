"""/subscribe, /unsubscribe, /subscriptions, and the loops that poll Parliament and post."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands
from discord.utils import escape_markdown

from bot.delivery import DeliveryQueue, Pacer, send_batches
from bot.poller import Poller
from bot.render_discord import pretty_date
from bot.search import SearchQuery
from bot.sessions import load_session, save_session, update_session
from bot.subscriptions import SubscriptionBook, SubscriptionError
from bot.text import cut_at_word
from cogs.answers import NAME_LIMIT, autocomplete_for
from cogs.poster import Poster
from cogs.ui import OPTION_CODES, pick_message, reply_error

log = logging.getLogger(__name__)

DELIVERY_TICK_SECONDS = 2.0  # how soon news from an `ingest` beside the bot is posted
SUBSCRIPTION_OPTIONS = ("member", "asked_by", "answered_by", "department")


def describe(filters: dict[str, Any], names: dict[str, str]) -> str:
    """The subscription in words: "New answers from the Department for Education on topics
    matching 'special educational needs'"."""
    parts = ["New answers"]
    if names.get("department"):
        parts.append(
            f"from the {names['department']}"
            if names["department"].startswith(("Department", "Ministry"))
            else f"from {names['department']}"
        )
    if names.get("asked_by"):
        parts.append(f"to questions asked by {names['asked_by']}")
    if names.get("answered_by"):
        parts.append(f"given by {names['answered_by']}")
    if names.get("member"):
        parts.append(f"involving {names['member']}")
    if filters.get("house"):
        parts.append(f"in the House of {filters['house']}")
    if filters.get("topic"):
        parts.append(f"on topics matching '{filters['topic']}'")
    return " ".join(parts)


class Subscriptions(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot: Any = bot
        store = self.bot.store
        self.book = SubscriptionBook(store, self.bot.resolver.departments.predecessors)
        self.queue = DeliveryQueue(store, self.book)
        self.pacer = Pacer()
        self.poster = Poster(self.bot, store, self.book, self.bot.votes)
        self.poller = Poller(
            store,
            self.bot.settings.parliament_api_base_url,
            self.bot.settings.poll_interval_seconds,
        )
        self._deliver_lock = asyncio.Lock()
        self._tasks: list[asyncio.Task[None]] = []

    async def cog_load(self) -> None:
        self._tasks = [
            asyncio.create_task(self._poll_loop(), name="poll-parliament"),
            asyncio.create_task(self._delivery_loop(), name="deliver-posts"),
        ]

    async def cog_unload(self) -> None:
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
        """Match new change-log events and post what is pending; one round at a time."""
        async with self._deliver_lock:
            self.book.predecessors = self.bot.resolver.departments.predecessors
            self.queue.plan()
            return await send_batches(
                self.queue, self.poster.send, self.pacer, self.poster.after_sent
            )

    # -- commands -----------------------------------------------------------------------------

    def _may_manage(self, interaction: discord.Interaction) -> bool:
        permissions = interaction.permissions
        return bool(permissions and (permissions.manage_channels or permissions.administrator))

    @app_commands.command(name="subscribe", description="Post new answers here as they come")
    @app_commands.describe(
        topic='Words the answers must contain ("a phrase" in quotes)',
        member="Asked or answered by this member",
        asked_by="Asked by this member",
        answered_by="Answered by this minister",
        department="From this department",
        house="Only this House",
        channel="Where to post (default: here)",
    )
    @app_commands.choices(
        house=[app_commands.Choice(name=h, value=h) for h in ("Commons", "Lords")]
    )
    @app_commands.autocomplete(
        member=autocomplete_for("member"),
        asked_by=autocomplete_for("member"),
        answered_by=autocomplete_for("member"),
        department=autocomplete_for("department"),
    )
    @app_commands.default_permissions(manage_channels=True)
    @app_commands.guild_only()
    async def subscribe(
        self,
        interaction: discord.Interaction,
        topic: app_commands.Range[str, 1, 200] | None = None,
        member: app_commands.Range[str, 1, NAME_LIMIT] | None = None,
        asked_by: app_commands.Range[str, 1, NAME_LIMIT] | None = None,
        answered_by: app_commands.Range[str, 1, NAME_LIMIT] | None = None,
        department: app_commands.Range[str, 1, NAME_LIMIT] | None = None,
        house: str | None = None,
        channel: discord.TextChannel | None = None,
    ) -> None:
        if not self._may_manage(interaction):
            await reply_error(
                interaction, "Changing subscriptions needs the Manage Channels permission."
            )
            return
        target = channel.id if channel else interaction.channel_id
        request = SearchQuery(
            text=topic or "",
            member=member,
            asked_by=asked_by,
            answered_by=answered_by,
            department=department,
            house=house,
        )
        request.pinned["channel"] = target  # kept with the request while a name is picked
        await self._finish_subscribe(interaction, request, session_id=None)

    async def _finish_subscribe(
        self, interaction: discord.Interaction, request: SearchQuery, session_id: int | None
    ) -> None:
        """Resolve the names (asking the user to pick where unsure), then subscribe."""
        names = self.bot.searcher.resolve_names(request)
        if names.ambiguous:
            option, resolution = next(iter(names.ambiguous.items()))
            session_id = session_id or save_session(self.bot.store, request)
            text, view = pick_message(session_id, option, resolution.candidates,
                                      SubscribePickButton)
            if interaction.response.is_done():
                await interaction.edit_original_response(content=text, view=view)
            else:
                await interaction.response.send_message(text, view=view, ephemeral=True)
            return
        filters: dict[str, Any] = {"topic": request.text or None, "house": request.house}
        shown: dict[str, str] = {}
        for option in SUBSCRIPTION_OPTIONS:
            resolution = names.resolved.get(option)
            if resolution and resolution.best:
                column = "department_id" if option == "department" else f"{option}_id"
                filters[column] = resolution.best.id
                shown[option] = resolution.best.name
        words = describe(filters, shown)
        try:
            row, what = self.book.subscribe(
                interaction.guild_id or 0,
                int(request.pinned["channel"]),
                filters,
                words,
                interaction.user.id,
                str(interaction.user),
                self.bot.settings.max_subscriptions_per_guild,
            )
        except SubscriptionError as error:
            await reply_error(interaction, str(error))
            return
        where = f"<#{row['channel_id']}>"
        text = {
            "created": f"Subscribed {where}: {words}. Each new answer is posted once, as soon "
            "as Parliament publishes it.",
            "resumed": f"Resumed in {where}: {words}.",
            "exists": f"{where} already follows this: {words}.",
        }[what]
        if interaction.response.is_done():
            await interaction.edit_original_response(content=text, view=None)
        else:
            await interaction.response.send_message(text)

    @app_commands.command(name="unsubscribe", description="Stop one of this server's subscriptions")
    @app_commands.describe(subscription="Which subscription")
    @app_commands.default_permissions(manage_channels=True)
    @app_commands.guild_only()
    async def unsubscribe(self, interaction: discord.Interaction, subscription: str) -> None:
        if not self._may_manage(interaction):
            await reply_error(
                interaction, "Changing subscriptions needs the Manage Channels permission."
            )
            return
        removed = None
        if subscription.strip().isdigit():
            removed = self.book.unsubscribe(interaction.guild_id or 0, int(subscription))
        if removed is None:
            await reply_error(
                interaction,
                "This server has no such subscription; pick one from the list as you type.",
            )
            return
        await interaction.response.send_message(
            f"Unsubscribed <#{removed['channel_id']}>: {removed['description']}."
        )

    @unsubscribe.autocomplete("subscription")
    async def subscription_complete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        rows = self.book.rows(interaction.guild_id or 0)
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

    @app_commands.command(
        name="subscriptions", description="This server's subscriptions, or why an answer was posted"
    )
    @app_commands.describe(question="An answer's id or UIN: was it posted here, and why (not)?")
    @app_commands.guild_only()
    async def subscriptions(
        self,
        interaction: discord.Interaction,
        question: app_commands.Range[str, 1, NAME_LIMIT] | None = None,
    ) -> None:
        if question:
            await interaction.response.send_message(
                self._explain(interaction, question), ephemeral=True
            )
            return
        rows = self.book.rows(interaction.guild_id or 0)
        if not rows:
            await interaction.response.send_message(
                "No subscriptions in this server yet. `/subscribe` makes one.", ephemeral=True
            )
            return
        counts = self.book.posted_counts([r["id"] for r in rows])
        guild_name = escape_markdown(interaction.guild.name) if interaction.guild else "here"
        lines = []
        for number, row in enumerate(rows, 1):
            posted, last = counts.get(row["id"], (0, None))
            who = f"<@{row['created_by']}>"
            line = (
                f"{number}. <#{row['channel_id']}> — {escape_markdown(row['description'])} · "
                f"by {who} on {pretty_date(row['created_at'][:10])} · {posted} posted"
                + (f", last {pretty_date(last[:10])}" if last else "")
            )
            if row["status"] != "active":
                line += (
                    f" · ⏸ paused: {row['paused_reason']}. Fix it and run /subscribe "
                    "again to resume."
                )
            lines.append(line)
        embed = discord.Embed(
            title=f"{len(rows)} subscriptions in {guild_name}",
            description=cut_at_word("\n".join(lines), 4096),
        )
        await interaction.response.send_message(embed=embed, ephemeral=True)

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


class SubscribePickButton(
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"spick:(?P<sid>\d+):(?P<option>[abmd]):(?P<entity>-?\d+)",
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
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: Any
    ) -> SubscribePickButton:
        return cls(int(match["sid"]), match["option"], int(match["entity"]), item.label or "")

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            cog = interaction.client.get_cog("Subscriptions")  # type: ignore[attr-defined]
            request = load_session(interaction.client.store, self.session_id)  # type: ignore
            if cog is None or request is None:
                await reply_error(interaction, "That request has expired; run /subscribe again.")
                return
            request.pinned[OPTION_CODES[self.code]] = self.entity_id
            update_session(interaction.client.store, self.session_id, request)  # type: ignore
            await interaction.response.defer()
            await cog._finish_subscribe(interaction, request, self.session_id)
        except Exception:
            log.exception("subscribe pick failed")
            await reply_error(interaction)


async def setup(bot: commands.Bot) -> None:
    bot.add_dynamic_items(SubscribePickButton)
    await bot.add_cog(Subscriptions(bot))
