"""The local Discord server's threads and forums: posts, tags, archives and their rules."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from . import discord_payloads as p
from .server_basics import (
    CANNOT_SEND_EMPTY_MESSAGE,
    CHANNEL_DM,
    INVALID_CHANNEL_TYPE,
    MISSING_PERMISSIONS,
    REPLY_WITHOUT_HISTORY,
    TAG_REQUIRED,
    THREAD_ALREADY_CREATED,
    THREAD_ARCHIVED,
    THREAD_LOCKED,
    Action,
    DiscordHTTPError,
    _Request,
)
from .server_validation import Problem, _check_len, _required, _too_long, validate_message_fields
from .server_world import FakeChannel, FakeMember, FakeUser, StoredMessage


class ThreadEndpoints:
    """Threads and forums: posts, tags, archives and their rules. A part of ``DiscordServer``."""

    # --- threads and forums ------------------------------------------------------------------

    def _check_thread_open(self, thread: FakeChannel, *, sending: bool = False) -> None:
        """Archived and locked: nothing goes in. Locked: only with Manage Threads."""
        if thread.archived and thread.locked:
            raise DiscordHTTPError(400, THREAD_ARCHIVED, "Thread is archived")
        perms = self._guild_of(thread).permissions_in(self.bot_user.id, thread)
        if sending and thread.locked and not perms & p.MANAGE_THREADS:
            raise DiscordHTTPError(400, THREAD_LOCKED, "Thread is locked")

    def _resolve_reference(
        self, channel: FakeChannel, body: Mapping[str, Any]
    ) -> StoredMessage | None:
        """The message a reply refers to; 50035 when it is not in this channel (unless
        ``fail_if_not_exists`` is false: then the message goes out as a plain one)."""
        ref = body.get("message_reference")
        if ref is None:
            return None
        if not isinstance(ref, dict):
            raise self._invalid_form(
                [(("message_reference",), "DICT_TYPE_CONVERT", "Only dictionaries may be used.")]
            )
        if int(ref.get("type") or 0) != 0:
            raise DiscordHTTPError(
                400, 0, "Forwarding (message_reference type 1) is not implemented", unhandled=True
            )
        target = None
        message_id, ref_channel = ref.get("message_id"), ref.get("channel_id")
        if str(message_id or "").isdigit() and (
            ref_channel is None or str(ref_channel) == str(channel.id)
        ):
            found = self._messages.get(int(message_id))
            if (
                found is not None
                and not found.deleted
                and not found.ephemeral
                and found.channel_id == channel.id
            ):
                target = found
        if target is None:
            if ref.get("fail_if_not_exists") is False:
                return None
            raise self._invalid_form(
                [(("message_reference",), "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message")],
                kind="message_reference",
            )
        if channel.type != CHANNEL_DM:
            perms = self._guild_of(channel).permissions_in(self.bot_user.id, channel)
            if not perms & p.READ_MESSAGE_HISTORY:
                raise DiscordHTTPError(
                    403,
                    REPLY_WITHOUT_HISTORY,
                    "Cannot reply without permission to read message history",
                )
        return target

    @staticmethod
    def _thread_fields(body: Mapping[str, Any], *, creating: bool) -> list[Problem]:
        problems: list[Problem] = []
        if creating or "name" in body:
            _check_len(problems, body.get("name"), ("name",), 100, minimum=1)
        duration = body.get("auto_archive_duration")
        if duration is not None and duration not in p.AUTO_ARCHIVE_DURATIONS:
            problems.append(
                (
                    ("auto_archive_duration",),
                    "BASE_TYPE_CHOICES",
                    f"Value must be one of {p.AUTO_ARCHIVE_DURATIONS}.",
                )
            )
        return problems

    def _applied_tags(
        self, forum: FakeChannel, tags: Any, problems: list[Problem]
    ) -> list[int]:
        """A forum post's tags: at most 5, each one of the forum's ``available_tags``."""
        if tags is None:
            return []
        if not isinstance(tags, list):
            problems.append((("applied_tags",), "BASE_TYPE_LIST", "Must be a list."))
            return []
        if len(tags) > 5:
            problems.append(_too_long(("applied_tags",), 5))
        known = forum.tag_ids if forum.is_forum else []
        ids: list[int] = []
        for i, tag in enumerate(tags):
            if not str(tag).isdigit() or int(tag) not in known:
                problems.append(
                    (
                        ("applied_tags", i),
                        "FORUM_TAG_UNKNOWN",
                        f"Tag {tag} is not one of this channel's available tags.",
                    )
                )
            elif int(tag) not in ids:
                ids.append(int(tag))
        return ids

    def _check_moderated_tags(self, forum: FakeChannel, tag_ids: Iterable[int]) -> None:
        """A moderated tag can only be applied with Manage Threads."""
        moderated = {int(t["id"]) for t in forum.available_tags if t.get("moderated")}
        if moderated & set(tag_ids):
            self._require(forum, p.MANAGE_THREADS)

    def _thread_created_payload(self, thread: FakeChannel) -> dict:
        """THREAD_CREATE: the thread, ``newly_created``, and the bot's membership if it is in it."""
        data = thread.payload()
        data["newly_created"] = True
        if thread.owner_id == self.bot_user.id:
            data["member"] = p.thread_member_payload(
                thread.id, self.bot_user.id, join_timestamp=thread.archive_timestamp
            )
        return data

    async def _announce_thread(self, thread: FakeChannel) -> None:
        self._changed()
        await self.dispatch("THREAD_CREATE", self._thread_created_payload(thread))

    async def _set_thread(self, thread: FakeChannel, **changes: Any) -> None:
        """Apply changes to a thread and dispatch THREAD_UPDATE (and keep the ``thread`` of its
        starter message in the parent channel current)."""
        if "archived" in changes and changes["archived"] != thread.archived:
            thread.archive_timestamp = p.iso_timestamp()
        for key, value in changes.items():
            setattr(thread, key, value)
        starter = self._messages.get(thread.id)
        if starter is not None and "thread" in starter.data:
            starter.data["thread"] = thread.payload()
        self._changed()
        await self.dispatch("THREAD_UPDATE", thread.payload())

    async def _create_thread(self, req: _Request, channel_id: str) -> tuple[int, Any]:
        """POST /channels/{id}/threads: a forum post, or a thread without a message."""
        channel = self._rest_channel(channel_id)
        body = req.body or {}
        if channel.is_forum:
            return await self._create_forum_post(req, channel, body)
        if not channel.is_text:
            raise DiscordHTTPError(
                400, INVALID_CHANNEL_TYPE, "Cannot execute action on this channel type"
            )
        allowed_types = (
            (p.CHANNEL_ANNOUNCEMENT_THREAD,)
            if channel.type == p.CHANNEL_NEWS
            else (p.CHANNEL_PUBLIC_THREAD, p.CHANNEL_PRIVATE_THREAD)
        )
        # API v10 still defaults to a private thread (an announcement thread in announcements).
        default = allowed_types[-1]
        thread_type = body.get("type") or default
        problems = self._thread_fields(body, creating=True)
        if thread_type not in allowed_types:
            problems.append(
                (("type",), "BASE_TYPE_CHOICES", f"Value must be one of {allowed_types}.")
            )
        if problems:
            raise self._invalid_form(problems)
        self._require(
            channel,
            p.CREATE_PRIVATE_THREADS
            if thread_type == p.CHANNEL_PRIVATE_THREAD
            else p.CREATE_PUBLIC_THREADS,
        )
        thread = self._new_thread(
            channel,
            body["name"],
            thread_id=self.snowflake(),
            type=thread_type,
            owner_id=self.bot_user.id,
            auto_archive_duration=body.get("auto_archive_duration") or 1440,
        )
        self.actions.append(
            Action(
                "thread_create",
                payload=body,
                result=thread.payload(),
                channel_id=thread.id,
                guild_id=thread.guild_id,
            )
        )
        await self._announce_thread(thread)
        return 201, thread.payload()

    async def _create_forum_post(
        self, req: _Request, forum: FakeChannel, body: Mapping[str, Any]
    ) -> tuple[int, Any]:
        # Discord checks Send Messages in the forum to create a post.
        self._require(forum, p.SEND_MESSAGES)
        problems = self._thread_fields(body, creating=True)
        message = body.get("message")
        flags = 0
        if not isinstance(message, dict):
            problems.append(_required(("message",)))
            message = {}
        else:
            flags = int(message.get("flags") or 0)
            problems += [
                (("message", *path), code, text)
                for path, code, text in validate_message_fields(message, flags=flags)
            ]
        tag_ids = self._applied_tags(forum, body.get("applied_tags"), problems)
        if problems:
            raise self._invalid_form(problems)
        has_content = (
            bool(message.get("content"))
            or bool(message.get("embeds"))
            or bool(message.get("components") and flags & p.FLAG_IS_COMPONENTS_V2)
        )
        if not (has_content or req.files or message.get("sticker_ids")):
            raise DiscordHTTPError(
                400,
                CANNOT_SEND_EMPTY_MESSAGE,
                "Cannot send an empty message",
                violation="empty_message",
            )
        self._check_mentions(message, req)
        self._check_moderated_tags(forum, tag_ids)
        if forum.flags & p.CHANNEL_FLAG_REQUIRE_TAG and not tag_ids:
            raise DiscordHTTPError(
                400, TAG_REQUIRED, "A tag is required to create a forum post in this channel"
            )
        thread = self._new_thread(
            forum,
            body["name"],
            thread_id=self.snowflake(),
            type=p.CHANNEL_PUBLIC_THREAD,
            owner_id=self.bot_user.id,
            auto_archive_duration=body.get("auto_archive_duration") or 1440,
            applied_tags=tag_ids,
        )
        stored = self._store_message(
            thread,
            self.bot_user,
            message,
            req,
            flags=flags & ~p.FLAG_EPHEMERAL,
            message_id=thread.id,
        )
        result = thread.payload()
        result["message"] = stored.snapshot()
        self.actions.append(
            Action(
                "forum_post_create",
                payload=body,
                result=copy.deepcopy(result),
                channel_id=thread.id,
                message_id=stored.id,
                guild_id=thread.guild_id,
            )
        )
        await self._announce_thread(thread)
        await self.dispatch("MESSAGE_CREATE", self._with_member(stored))
        return 201, result

    async def _thread_from_message(
        self, req: _Request, channel_id: str, message_id: str
    ) -> tuple[int, Any]:
        """POST /channels/{id}/messages/{id}/threads: a public thread whose id is the message's."""
        channel = self._rest_channel(channel_id)
        stored = self._rest_message(channel, message_id)
        if not channel.is_text:
            raise DiscordHTTPError(
                400, INVALID_CHANNEL_TYPE, "Cannot execute action on this channel type"
            )
        body = req.body or {}
        problems = self._thread_fields(body, creating=True)
        if problems:
            raise self._invalid_form(problems)
        self._require(channel, p.CREATE_PUBLIC_THREADS)
        if "thread" in stored.data or self._find_channel(stored.id) is not None:
            raise DiscordHTTPError(
                400, THREAD_ALREADY_CREATED, "A thread has already been created for this message"
            )
        thread = self._new_thread(
            channel,
            body["name"],
            thread_id=stored.id,
            type=(
                p.CHANNEL_ANNOUNCEMENT_THREAD
                if channel.type == p.CHANNEL_NEWS
                else p.CHANNEL_PUBLIC_THREAD
            ),
            owner_id=self.bot_user.id,
            auto_archive_duration=body.get("auto_archive_duration") or 1440,
        )
        stored.data["thread"] = thread.payload()
        stored.data["flags"] = int(stored.data.get("flags") or 0) | p.FLAG_HAS_THREAD
        self.actions.append(
            Action(
                "thread_create",
                payload=body,
                result=thread.payload(),
                channel_id=thread.id,
                message_id=stored.id,
                guild_id=thread.guild_id,
            )
        )
        await self._announce_thread(thread)
        await self.dispatch("MESSAGE_UPDATE", self._with_member(stored))
        return 201, thread.payload()

    async def _patch_channel(self, req: _Request, channel_id: str) -> tuple[int, Any]:
        """PATCH /channels/{id} for threads: name, archived, locked, auto_archive_duration,
        applied_tags. Other channels are not implemented here."""
        channel = self._rest_channel(channel_id)
        if not channel.is_thread:
            raise DiscordHTTPError(404, 0, "PATCH of a non-thread channel", unhandled=True)
        body = req.body or {}
        parent = self._guild_of(channel).get_channel(channel.parent_id)
        problems = self._thread_fields(body, creating=False)
        tag_ids = None
        if "applied_tags" in body:
            if parent is None or not parent.is_forum:
                problems.append(
                    (("applied_tags",), "BASE_TYPE_CHOICES", "Only forum posts have tags.")
                )
            else:
                tag_ids = self._applied_tags(parent, body["applied_tags"], problems)
        if problems:
            raise self._invalid_form(problems)
        perms = self._guild_of(channel).permissions_in(self.bot_user.id, channel)
        manage = bool(perms & p.MANAGE_THREADS)
        owner = channel.owner_id == self.bot_user.id
        unarchiving = channel.archived and body.get("archived") is False
        if channel.archived and not unarchiving:
            raise DiscordHTTPError(400, THREAD_ARCHIVED, "Thread is archived")
        if unarchiving and channel.locked and not manage:
            raise DiscordHTTPError(403, MISSING_PERMISSIONS, "Missing Permissions")
        if "locked" in body and bool(body["locked"]) != channel.locked and not manage:
            raise DiscordHTTPError(403, MISSING_PERMISSIONS, "Missing Permissions")
        owner_fields = {"name", "auto_archive_duration", "applied_tags"}
        if body.get("archived") is True and not channel.archived:
            owner_fields.add("archived")
        if owner_fields & set(body) and not (owner or manage):
            raise DiscordHTTPError(403, MISSING_PERMISSIONS, "Missing Permissions")
        if tag_ids is not None and parent is not None:
            self._check_moderated_tags(parent, set(tag_ids) - set(channel.applied_tags))
        if (
            parent is not None
            and tag_ids == []
            and parent.flags & p.CHANNEL_FLAG_REQUIRE_TAG
        ):
            raise DiscordHTTPError(
                400, TAG_REQUIRED, "A tag is required to create a forum post in this channel"
            )
        changes: dict[str, Any] = {}
        for key in ("name", "auto_archive_duration"):
            if body.get(key) is not None:
                changes[key] = body[key]
        for key in ("archived", "locked"):
            if body.get(key) is not None:
                changes[key] = bool(body[key])
        if tag_ids is not None:
            changes["applied_tags"] = tag_ids
        await self._set_thread(channel, **changes)
        self.actions.append(
            Action(
                "thread_update",
                payload=body,
                result=channel.payload(),
                channel_id=channel.id,
                guild_id=channel.guild_id,
            )
        )
        return 200, channel.payload()

    # Tests: threads and forum posts as users and moderators make and see them.

    async def start_thread(
        self,
        parent: FakeChannel | int | str,
        name: str,
        *,
        user: FakeUser | FakeMember | int | None = None,
        type: int | None = None,
        applied_tags: Iterable[int | str | Mapping[str, Any]] = (),
        content: str | None = None,
    ) -> FakeChannel:
        """A user starts a thread (or, with ``content``, a forum post) while the bot is
        connected: ``add_thread`` plus THREAD_CREATE (and MESSAGE_CREATE for the starter)."""
        thread = self.add_thread(
            parent, name, type=type, owner=user, applied_tags=applied_tags, content=content
        )
        await self._announce_thread(thread)
        starter = self._messages.get(thread.id)
        if starter is not None:
            await self.dispatch("MESSAGE_CREATE", self._with_member(starter))
        return thread

    async def update_thread(
        self,
        thread: FakeChannel | int | str,
        *,
        archived: bool | None = None,
        locked: bool | None = None,
        name: str | None = None,
        applied_tags: Iterable[int | str | Mapping[str, Any]] | None = None,
    ) -> FakeChannel:
        """A moderator changes a thread; dispatches THREAD_UPDATE."""
        target = self._channel(thread)
        changes: dict[str, Any] = {}
        if archived is not None:
            changes["archived"] = archived
        if locked is not None:
            changes["locked"] = locked
        if name is not None:
            changes["name"] = name
        if applied_tags is not None:
            parent = self._channel(target.parent_id or 0)
            changes["applied_tags"] = [self._tag_id(parent, t) for t in applied_tags]
        await self._set_thread(target, **changes)
        return target

    async def archive_thread(
        self, thread: FakeChannel | int | str, *, locked: bool = False
    ) -> FakeChannel:
        """A moderator archives (and, with ``locked``, locks) a thread."""
        return await self.update_thread(thread, archived=True, locked=locked or None)

    def threads_of(self, channel: FakeChannel | int | str) -> list[FakeChannel]:
        """The live threads (archived included) whose parent is ``channel``, oldest first."""
        parent = self._channel(channel)
        return [
            c
            for c in self._guild_of(parent).channels
            if c.is_thread and c.parent_id == parent.id and not c.deleted
        ]

    def forum_posts(self, forum: FakeChannel | int | str) -> list[dict]:
        """A forum's posts, oldest first: ``{"id", "name", "applied_tags" (ids), "tags" (names),
        "archived", "locked", "message" (the starter message, or None), "thread"}``."""
        parent = self._channel(forum)
        names = {int(t["id"]): t["name"] for t in parent.available_tags}
        return [
            {
                "id": thread.id,
                "name": thread.name,
                "applied_tags": list(thread.applied_tags),
                "tags": [names.get(t) for t in thread.applied_tags],
                "archived": thread.archived,
                "locked": thread.locked,
                "message": self.get_message(thread.id),
                "thread": thread,
            }
            for thread in self.threads_of(parent)
        ]

    def advance_nonce_clock(self, seconds: float) -> None:
        """Move the nonce window's clock on: a nonce first seen more than ``nonce_window``
        seconds before is forgotten, as Discord forgets one after a few minutes."""
        self.nonce_clock_offset += seconds

    async def _archived_public_threads(self, req: _Request, channel_id: str) -> tuple[int, Any]:
        """GET /channels/{id}/threads/archived/public: a channel's (or forum's) archived public
        threads, most recently archived first, archived before ``before`` (an ISO8601
        timestamp), ``limit`` at most (default 50), with ``has_more``."""
        parent = self._rest_channel(channel_id, p.READ_MESSAGE_HISTORY)
        limit = int(req.query.get("limit", 50))
        if not 2 <= limit <= 100:
            raise self._invalid_form([(("limit",), "NUMBER_TYPE_MAX", "Must be 2 to 100.")])
        archived = [
            thread
            for thread in self.threads_of(parent)
            if thread.archived and thread.type != p.CHANNEL_PRIVATE_THREAD
        ]
        before = req.query.get("before")
        if before:
            cutoff = datetime.fromisoformat(before)
            archived = [t for t in archived if datetime.fromisoformat(t.archive_timestamp) < cutoff]
        archived.sort(key=lambda t: (t.archive_timestamp, t.id), reverse=True)
        page = archived[:limit]
        return 200, {
            "threads": [t.payload() for t in page],
            "members": [],
            "has_more": len(archived) > limit,
        }

    async def _active_threads(self, req: _Request, guild_id: str) -> tuple[int, Any]:
        """GET /guilds/{id}/threads/active: every active (not archived) thread in the guild,
        public and private, that the bot can see."""
        guild = self._rest_guild(guild_id)
        threads = []
        for thread in guild.channels:
            if not thread.is_thread or thread.deleted or thread.archived:
                continue
            if not self._live_parent(thread):
                continue
            if not guild.permissions_in(self.bot_user.id, thread) & p.VIEW_CHANNEL:
                continue
            threads.append(thread.payload())
        return 200, {"threads": threads, "members": []}
