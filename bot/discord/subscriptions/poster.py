"""Sending the outbox's channel messages (posts, digests, "nothing new") and pause notices:
used by the running bot and by `poll --once`. Each is sent with its nonce and its mark, and a
message whose send may have happened before a restart is looked for first
(bot/discord/outbox.py)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable
from dataclasses import dataclass, replace
from functools import partial
from typing import Any, TypeVar

import discord
from discord.utils import escape_markdown

from bot.core.clock import london_today
from bot.core.news.deliveries import ChannelUnavailable
from bot.core.news.kinds import TABLED_LABEL
from bot.core.news.outbox import (
    Batch,
    DeliveryKind,
    Posted,
    PostRefused,
    TargetUnavailable,
    send_outbox,
)
from bot.core.news.rows import SubscriptionRow
from bot.core.news.subscriptions import matching_tags
from bot.core.records import QuestionRow
from bot.core.reports.overdue import question_due
from bot.core.reports.people import party_abbreviations
from bot.core.search.render import result_json
from bot.core.services import Services
from bot.core.text import cut_at_word
from bot.discord.alerts.buttons import AlertButton
from bot.discord.answers import ask_for_votes, due_words, vote_buttons
from bot.discord.outbox import (
    CONTENT_LIMIT,
    find_forum_post,
    find_in_history,
    mark_room,
    marked,
    marked_text,
)
from bot.discord.search import OpenAnswerSelect
from bot.discord.similar import SimilarButton
from bot.discord.subscriptions.embeds import digest_embed, nothing_new_embed, post_embed

log = logging.getLogger(__name__)

T = TypeVar("T")
# A channel as the client gives it (``get_channel``, ``fetch_channel``).
Channel = discord.abc.GuildChannel | discord.Thread | discord.abc.PrivateChannel


@dataclass(frozen=True)
class BatchContent:
    """What a batch's message shows, read from the store."""

    items: list[tuple[str, dict[str, Any]]]  # (label, result_json)
    because: str
    parties: dict[int, str]
    yes: int
    no: int
    # The roles the message pings: those chosen by the subscriptions its deliveries came from.
    roles: tuple[int, ...] = ()
    # The same question's earlier post here (message id, channel or thread): a follow-up
    # (answer now given, corrected) replies to it and marks it.
    earlier: tuple[int, int] | None = None
    thread_per_answer: bool = False  # open a discussion thread on the post


FOLLOW_UP_LABELS = ("Answer now given", "Corrected")


def mention_of(roles: tuple[int, ...]) -> tuple[str | None, discord.AllowedMentions]:
    """A post's content and allowed mentions: each chosen role's mention, and permission to ping
    exactly those roles and nothing else (so answer text in the embeds, or in the content, can
    never ping anyone); no content and no pings without a role."""
    if not roles:
        return None, discord.AllowedMentions.none()
    return " ".join(f"<@&{role}>" for role in roles), discord.AllowedMentions(
        everyone=False,
        users=False,
        roles=[discord.Object(role) for role in roles],
        replied_user=False,
    )


def jump_url(guild_id: int | None, channel_id: int, message_id: int) -> str:
    """A link to a message."""
    return f"https://discord.com/channels/{guild_id or '@me'}/{channel_id}/{message_id}"


class Poster:
    """Sends a batch as one message (an answer with vote buttons, or a digest) to a text or
    announcement channel, a thread, or a forum (as a post of its own)."""

    def __init__(self, client: discord.Client, services: Services) -> None:
        self.client = client
        self.services = services

    async def send_pending(self) -> int:
        """Post everything that waits, paced, then tell the makers of subscriptions the bot had
        to pause; returns how many messages were sent."""
        services = self.services
        queue = services.queue
        sent = 0
        for source in (queue.batches, queue.pause_notices):
            sent += await send_outbox(source, queue.outbox, self, services.pacer,
                                      services.db.write, queue.undeliverable)
        return sent

    async def _channel(self, channel_id: int) -> Channel:
        channel = self.client.get_channel(channel_id)
        if channel is None:
            return await self.client.fetch_channel(channel_id)
        return channel

    async def _messageable(self, channel_id: int) -> discord.abc.Messageable:
        """A channel or thread that takes messages (a subscription's target always does)."""
        return messageable(await self._channel(channel_id))

    async def send(self, batch: Batch) -> Posted:
        """Send one message; returns where it landed. Raises ``ChannelUnavailable`` (the
        channel's other messages wait) or ``PostRefused``."""
        if batch.kind == DeliveryKind.PAUSE_NOTICE:
            return await self._tell_paused(batch)
        return await self._guarded(batch, self._post(batch))

    async def find(self, batch: Batch) -> Posted | None:
        """The message an earlier attempt of ``batch`` made, if it did."""
        if batch.kind == DeliveryKind.PAUSE_NOTICE:
            return await self._find_notice(batch)
        return await self._guarded(batch, self._find_post(batch))

    async def _guarded(self, batch: Batch, work: Awaitable[T]) -> T:
        """``work``, with Discord's refusals said as the outbox understands them."""
        try:
            return await work
        except discord.NotFound:
            raise ChannelUnavailable("the channel was deleted") from None
        except discord.Forbidden:
            channel = self.client.get_channel(batch.channel_id)
            raise ChannelUnavailable(
                f"the bot can no longer post in {where(channel)} (missing permission)"
            ) from None
        except discord.HTTPException as error:
            if error.status == 400:
                raise PostRefused(str(error)) from None
            raise  # a server error: the next round tries again

    def _message(self, batch: Batch, content: BatchContent) -> tuple[
        discord.Embed, discord.ui.View | None
    ]:
        if batch.notice:
            embed, view = nothing_new_embed(batch.title or "Digest", content.because), None
        else:
            embed, view = self.render(content, batch)
        return marked(embed, batch), view

    async def _post(self, batch: Batch) -> Posted:
        channel = await self._channel(batch.channel_id)
        content = await self.services.db.write(self.read, batch)
        text, allowed = mention_of(content.roles)
        embed, view = self._message(batch, content)
        if content.earlier is not None:
            try:
                return await self._follow_up(batch, content, embed, view, text, allowed)
            except discord.HTTPException as error:  # that post's thread is locked, gone...
                log.info("batch %s: no reply to the earlier post (%s); posting anew",
                         batch.id, error)
        if isinstance(channel, discord.ForumChannel):
            posted = await self._forum_post(batch, channel, content, embed, view, text, allowed)
            return replace(posted, earlier=content.earlier)
        # The nonce makes Discord return the first message if this batch was sent a few
        # minutes before a crash stopped us recording it; after longer, ``find`` finds it.
        message = await messageable(channel).send(
            content=text, embed=embed, view=_view(view), nonce=batch.nonce,
            allowed_mentions=allowed,
        )
        await self._open_thread(channel, message.id, batch, content)
        return Posted(int(message.id), earlier=content.earlier)

    async def _open_thread(
        self, channel: Channel, message_id: int, batch: Batch, content: BatchContent
    ) -> None:
        """A post's discussion thread, when its subscription asks for one: made once, since a
        message can start one thread only (Discord refuses a second, 160004)."""
        if (content.thread_per_answer and not batch.is_digest and not batch.notice
                and isinstance(channel, discord.TextChannel)):
            name = content.items[0][1].get("heading") or "Discussion"
            with contextlib.suppress(discord.HTTPException):  # 160004: one already exists
                await channel.get_partial_message(message_id).create_thread(
                    name=cut_at_word(name, 100))

    async def _find_post(self, batch: Batch) -> Posted | None:
        """Where an earlier attempt would have put it: the earlier post's channel or thread for
        a follow-up, else the forum's posts or the channel's history; a post found in a text
        channel still gets its thread."""
        me = self.client.user.id if self.client.user else 0
        channel = await self._channel(batch.channel_id)
        content = await self.services.db.write(self.read, batch)
        if content.earlier is not None:
            where_id = content.earlier[1]
            found = None
            with contextlib.suppress(discord.NotFound, discord.Forbidden):  # that thread is gone
                found = await find_in_history(
                    self.client.get_partial_messageable(where_id), batch, me)
            if found is not None:
                return Posted(int(found.id), where_id if where_id != batch.channel_id else None,
                              earlier=content.earlier)
        if isinstance(channel, discord.ForumChannel):
            thread_id = await find_forum_post(self.client, channel.guild.id, channel.id, batch)
            return Posted(thread_id, thread_id, content.earlier) if thread_id else None
        message = await find_in_history(messageable(channel), batch, me)
        if message is None:
            return None
        await self._open_thread(channel, message.id, batch, content)
        return Posted(int(message.id), earlier=content.earlier)

    async def _follow_up(
        self,
        batch: Batch,
        content: BatchContent,
        embed: discord.Embed,
        view: discord.ui.View | None,
        text: str | None,
        allowed: discord.AllowedMentions,
    ) -> Posted:
        """Reply to the question's earlier post, where it is (a forum post's thread too)."""
        assert content.earlier is not None
        earlier_id, where_id = content.earlier
        target = await self._messageable(where_id)
        reference = discord.MessageReference(
            message_id=earlier_id, channel_id=where_id, fail_if_not_exists=False
        )
        message = await target.send(
            content=text, embed=embed, view=_view(view), nonce=batch.nonce,
            allowed_mentions=allowed, reference=reference,
        )
        return Posted(int(message.id), where_id if where_id != batch.channel_id else None,
                      earlier=content.earlier)

    async def _forum_post(
        self,
        batch: Batch,
        forum: discord.ForumChannel,
        content: BatchContent,
        embed: discord.Embed,
        view: discord.ui.View | None,
        text: str | None,
        allowed: discord.AllowedMentions,
    ) -> Posted:
        """A forum post of its own: titled by the heading (or the digest's title), tagged by
        department and House where the forum has such tags. Discord takes no nonce here: the
        outbox's record of the attempt, and the mark the post carries, are what let a retry
        after a crash adopt the post it made (``find``)."""
        title = post_title(content, batch)
        tags: list[discord.ForumTag] = []
        if len(content.items) == 1:
            result = content.items[0][1]
            department = result.get("department") or {}
            positions = matching_tags(
                [tag.name for tag in forum.available_tags],
                department.get("id"), department.get("name"), result.get("house"),
            )
            tags = [forum.available_tags[i] for i in positions]
        made = await forum.create_thread(
            name=title, content=text, embed=embed, view=view or discord.utils.MISSING,
            allowed_mentions=allowed, applied_tags=tags,
        )
        return Posted(int(made.message.id), int(made.thread.id))

    async def after_sent(self, batch: Batch, posted: Posted) -> None:
        """A single-answer post takes reaction votes: remember it and add 👍 and 👎 (a new
        question has no answer to vote on); a follow-up marks the earlier post it follows."""
        if batch.kind != DeliveryKind.POST or batch.is_digest:
            return
        delivery = batch.deliveries[0]
        where_id = posted.thread_id or batch.channel_id
        channel = self.client.get_channel(batch.channel_id)
        guild_id = getattr(getattr(channel, "guild", None), "id", None)
        message = self.client.get_partial_messageable(where_id).get_partial_message(
            posted.message_id
        )
        if posted.earlier is not None:
            await self._mark_earlier(batch, posted, guild_id, delivery["kind"])
        if delivery["kind"] != TABLED_LABEL:
            await self.services.db.write(partial(
                self.services.votes.remember_message,
                posted.message_id, where_id, guild_id, delivery["question_id"],
            ))
            for emoji in ("👍", "👎"):
                with contextlib.suppress(discord.HTTPException):
                    await message.add_reaction(emoji)

    async def _mark_earlier(
        self, batch: Batch, posted: Posted, guild_id: int | None, label: str
    ) -> None:
        """Give the question's earlier post a line, "Answer now given →" or "Corrected →",
        linking to the new one (once: a retry finds the line there)."""
        assert posted.earlier is not None
        earlier_id, where_id = posted.earlier
        link = jump_url(guild_id, posted.thread_id or batch.channel_id, posted.message_id)
        try:
            target = await self._messageable(where_id)
            old = await target.fetch_message(earlier_id)
        except discord.HTTPException:
            return  # deleted since, or no longer readable: nothing to mark
        if not old.embeds or any(f.value and link in f.value for f in old.embeds[0].fields):
            return
        embed = old.embeds[0].copy()
        embed.add_field(name=f"{label} →", value=f"[See the new post]({link})", inline=False)
        with contextlib.suppress(discord.HTTPException):
            await old.edit(embed=embed)

    async def _tell_paused(self, batch: Batch) -> Posted:
        """Tell the maker of a subscription the bot paused (channel deleted, access lost) by
        DM, naming the channel and the reason; when that fails, say so in the server's system
        channel if the bot may post there. Raises ``TargetUnavailable`` (this notice only)
        when neither can be done."""
        row = await self.services.db.write(self.services.book.get, batch.subscription_id or 0)
        if row is None:
            raise TargetUnavailable("the subscription was removed", stops=False)
        guild = self.client.get_guild(row["guild_id"])
        channel = self.client.get_channel(row["channel_id"])
        text = marked_text(pause_notice_text(row, where(channel, row["channel_id"]), guild,
                                             CONTENT_LIMIT - mark_room()), batch)
        try:
            user = self.client.get_user(row["created_by"]) or await self.client.fetch_user(
                row["created_by"]
            )
            message = await user.send(text, nonce=batch.nonce,
                                      allowed_mentions=discord.AllowedMentions.none())
            return Posted(int(message.id), int(message.channel.id))
        except discord.HTTPException:
            log.info("could not DM the maker of subscription %s", row["id"])
        system = guild.system_channel if guild else None
        if guild is None or system is None or not system.permissions_for(guild.me).send_messages:
            raise TargetUnavailable("no direct message and no system channel", stops=False)
        try:
            message = await system.send(
                f"<@{row['created_by']}>: {text}", nonce=batch.nonce,
                allowed_mentions=discord.AllowedMentions(
                    everyone=False, roles=False, users=[discord.Object(row["created_by"])],
                ),
            )
        except discord.HTTPException as error:
            raise TargetUnavailable(f"the system channel refused it ({error})",
                                    stops=False) from None
        return Posted(int(message.id), int(system.id))

    async def _find_notice(self, batch: Batch) -> Posted | None:
        """A pause notice an earlier attempt sent: in the maker's DMs, else in the server's
        system channel."""
        me = self.client.user.id if self.client.user else 0
        row = await self.services.db.write(self.services.book.get, batch.subscription_id or 0)
        if row is None:
            return None
        with contextlib.suppress(discord.HTTPException):
            user = self.client.get_user(row["created_by"]) or await self.client.fetch_user(
                row["created_by"]
            )
            dm = user.dm_channel or await user.create_dm()
            found = await find_in_history(dm, batch, me)
            if found is not None:
                return Posted(int(found.id), int(dm.id))
        guild = self.client.get_guild(row["guild_id"])
        system = guild.system_channel if guild else None
        if system is not None:
            with contextlib.suppress(discord.HTTPException):
                found = await find_in_history(system, batch, me)
                if found is not None:
                    return Posted(int(found.id), int(system.id))
        return None

    def read(self, batch: Batch) -> BatchContent:
        """On the writer thread: the questions, reasons and votes a batch's message shows."""
        store, book = self.services.store, self.services.book
        becauses: list[str] = []
        roles: list[int] = []
        items = []
        subscription_ids = [d["subscription_id"] for d in batch.channel_deliveries]
        if batch.subscription_id is not None and not subscription_ids:
            subscription_ids = [batch.subscription_id]
        thread_per_answer = False
        for subscription_id in subscription_ids:
            sub = book.get(subscription_id)
            because = sub["description"] if sub else "a subscription since removed"
            role = sub["mention_role_id"] if sub else None
            if role and int(role) not in roles:
                roles.append(int(role))
            if because not in becauses:
                becauses.append(because)
            thread_per_answer = thread_per_answer or bool(sub and sub["thread_per_answer"])
        rows: list[QuestionRow] = []
        for delivery in batch.deliveries:
            row = store.question(delivery["question_id"])
            if row is not None:
                rows.append(row)
                result = result_json(store, row)
                if delivery["kind"] == TABLED_LABEL:
                    today = london_today()
                    status = question_due(row, today)
                    result["due"] = due_words(status, today) if status else None
                items.append((delivery["kind"], result))
        parties: dict[int, str] = {}
        yes = no = 0
        earlier = None
        if len(items) == 1 and not batch.is_digest:
            (only,) = rows
            ids = [i for i in (only["asking_member_id"], only["answering_member_id"]) if i]
            parties = party_abbreviations(store, ids)
            yes, no = self.services.votes.counts(only["id"])
            if items[0][0] in FOLLOW_UP_LABELS:
                earlier = self.services.queue.earlier_post(batch)
        return BatchContent(
            items, "; ".join(becauses), parties, yes, no, tuple(roles), earlier,
            thread_per_answer,
        )

    @staticmethod
    def render(
        content: BatchContent, batch: Batch | None = None
    ) -> tuple[discord.Embed, discord.ui.View]:
        """The message: one answer with vote buttons and "Alert me", one new question ("Alert
        me" alone: nothing to vote on yet), or a digest grouped by department, with a menu that
        opens any of its answers (full text and vote buttons, privately)."""
        title = batch.title if batch is not None else None
        if len(content.items) == 1 and title is None:
            label, result = content.items[0]
            view = discord.ui.View(timeout=None)
            if label == TABLED_LABEL:  # nothing to vote on yet
                view.add_item(AlertButton(result["id"]))
                view.add_item(SimilarButton(result["id"]))
                return post_embed(result, label, content.because, content.parties), view
            embed = ask_for_votes(post_embed(result, label, content.because, content.parties))
            for item in vote_buttons(result["id"], content.yes, content.no):
                view.add_item(item)
            view.add_item(AlertButton(result["id"]))
            view.add_item(SimilarButton(result["id"]))
            return embed, view
        view = discord.ui.View(timeout=None)
        # The custom id only needs to be unique in its message: the menu reads the choice.
        view.add_item(OpenAnswerSelect(batch.id if batch else 0,
                                       [result for _, result in content.items]))
        return digest_embed(content.items, content.because, title), view


def post_title(content: BatchContent, batch: Batch) -> str:
    """A forum post's title: the answer's heading, or the digest's title."""
    if batch.title:
        return cut_at_word(batch.title, 100)
    if len(content.items) == 1:
        result = content.items[0][1]
        return cut_at_word(result.get("heading") or f"Question {result.get('uin')}", 100)
    return f"{len(content.items)} new written answers"


def _view(view: discord.ui.View | None) -> discord.ui.View:
    """A message's view, or none: ``send`` takes MISSING as it takes None (no components)."""
    return view if view is not None else discord.utils.MISSING


def messageable(channel: Channel) -> discord.abc.Messageable:
    """The channel as one that takes messages; ``TypeError`` for one that does not (a
    category), as sending to it would fail."""
    if isinstance(channel, discord.abc.Messageable):
        return channel
    raise TypeError(f"channel {channel.id} does not take messages")


def where(channel: Channel | None, channel_id: int | None = None) -> str:
    """A channel as people know it: "#name", else its mention, else "the channel"."""
    name = getattr(channel, "name", None)
    if channel is not None and name:
        return f"#{name}"
    return f"<#{channel_id}>" if channel_id else "the channel"


def pause_notice_text(
    row: SubscriptionRow, channel: str, guild: discord.Guild | None, limit: int = 2000
) -> str:
    """What the maker of a subscription the bot paused is told."""
    server = f" in **{escape_markdown(guild.name)}**" if guild is not None else ""
    return cut_at_word(
        f"I stopped posting to {channel}{server}: {row['paused_reason']}. The subscription "
        f"({row['description']}) is kept; once I can post there again, "
        "`/subscription resume` starts it where it stopped (or `/subscription edit` moves it "
        "to another channel).",
        limit,
    )
